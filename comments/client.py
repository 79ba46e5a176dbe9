"""What the request says about the poster, for the policy's spam and rate rules."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The reader's address.

    Behind a proxy (BEHIND_PROXY), REMOTE_ADDR is the proxy's, the same for
    every reader; the proxy appends the address it saw to X-Forwarded-For,
    so the last entry is the one to trust (earlier ones are whatever the
    client sent, and may be forged).
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass  # No header, or not an address: the proxy's own is better than a 500.
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]
