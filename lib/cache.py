"""Shared-cache helpers."""

import time

from django.core.cache import cache

_MISSING = object()


def cached_once(key, compute, seconds, wait_seconds=60):
    """`cache.get_or_set` where only one process computes a missing value and the others wait for it: sixteen
    people opening a cold regional report must not compute it sixteen times at once (a cache stampede)."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    lock = f"{key}:computing"
    if cache.add(lock, 1, wait_seconds):
        try:
            value = compute()
            cache.set(key, value, seconds)
            return value
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            return value
        if cache.get(lock) is None:  # the process computing it gave up
            break
    return compute()
