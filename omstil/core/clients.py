"""Who is asking: the client's address, the one thing every rate limit counts by."""

import ipaddress

from django.conf import settings
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
