"""Fixed-window rate limits in the shared cache, counted per client address (lib.net) or per account."""

from django.core.cache import cache
from django.utils import timezone

from .net import client_address


def over_limit(scope, who, per_minute):
    """Count one more request of ``who`` in this minute for ``scope``; True once past ``per_minute``."""
    key = f"rl:{scope}:{who}:{timezone.now():%Y%m%d%H%M}"
    if cache.add(key, 1, 70):
        return per_minute < 1
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 70)
        hits = 1
    return hits > per_minute


def address_over_limit(request, scope, per_minute):
    return over_limit(scope, client_address(request) or "unknown", per_minute)
