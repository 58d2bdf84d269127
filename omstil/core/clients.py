"""Who is asking and how often: the client's address, and the counter every rate limit keeps."""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address; behind a trusted proxy (`OMSTIL_BEHIND_PROXY`), the one it saw.

    None when the request carries none that is an IP address (a request made in a test, a
    proxy header that is not one): the limits then count it with every other such request.
    """
    candidate = str(request.META.get("REMOTE_ADDR", ""))
    if settings.BEHIND_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        if forwarded:
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def count_request(key: str, window: int) -> int:
    """Count one more request under `key` in a window of `window` seconds; how many there are."""
    if cache.add(key, 1, window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, window)
        return 1
