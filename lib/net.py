"""The client's address, decided in one place. Every rate limit, login back-off and audit of a public request
takes its address from ``client_address``; nothing else reads ``REMOTE_ADDR`` or a forwarding header
(tests/test_boundaries.py keeps it so).

Behind a reverse proxy the peer address is the proxy's. The forwarded chain (``X-Forwarded-For``) is believed
only when the peer is one of ``OPENDOOR_TRUSTED_PROXIES``, and then read from the right: the first address that
is not a trusted proxy is the client. A visitor who sends their own ``X-Forwarded-For`` only adds entries to the
left of what our proxy appends, so they cannot choose the address they are counted under.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    networks = []
    for item in proxies:
        networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def _ip(value):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address(request):
    """The visitor's IP address as a string ("" if unknown)."""
    peer = _ip(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(settings.OPENDOOR_TRUSTED_PROXIES))
    if not _trusted(peer, networks):
        return str(peer) if peer else ""
    chain = [_ip(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(chain):
        if address is None:
            break  # a malformed entry: nothing left of it can be believed
        if not _trusted(address, networks):
            return str(address)
    return str(peer)
