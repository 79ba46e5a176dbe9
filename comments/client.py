"""What the request says about the poster, for the policy's spam and rate rules."""


def client_ip(request):
    """The client's address; behind a proxy set BEHIND_PROXY so REMOTE_ADDR is trusted as set by it."""
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]
