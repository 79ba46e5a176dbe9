"""Rate limits for the public forms, counted in the shared cache, and the one decorator every door uses.

Each limit is a number of attempts per window of seconds, named in
settings.RATE_LIMITS, counted per key (an IP address, an address typed in a
form, an account) in fixed windows. Every process shares the counts through
the cache (Redis in production). A request over a limit gets a readable
page, HTTP 429 with Retry-After, and its form is not processed.

When the cache is unavailable (config.cache.TolerantRedisCache answers as a
miss) the limits are not enforced: the site keeps serving, and the logs say
the cache is bypassed. The login limits, which count only failed attempts,
are built on these counters in accounts.throttle; the comment form has its
own limit, counted in the database by the comment policy.
"""

import functools
import hashlib
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .client import client_ip

PREFIX = "throttle"


def _key(scope: str, value: object, window: int, now: float) -> str:
    digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}:{scope}:{digest}:{int(now // window)}"


def _limit(scope: str) -> tuple[int, int]:
    return settings.RATE_LIMITS[scope]


def attempts(scope: str, value: object, *, now: float | None = None) -> int:
    """How many attempts were counted for this key in the current window."""
    _limit_value, window = _limit(scope)
    return cache.get(_key(scope, value, window, now or time.time()), 0)


def exceeded(scope: str, value: object, *, now: float | None = None) -> bool:
    """Whether this key has used up its attempts in the current window (counts nothing)."""
    limit, _window = _limit(scope)
    return attempts(scope, value, now=now) >= limit


def count(scope: str, value: object, *, now: float | None = None) -> int:
    """Count one attempt; return the number counted in this window so far (0 when the cache is down)."""
    _limit_value, window = _limit(scope)
    key = _key(scope, value, window, now or time.time())
    cache.add(key, 0, timeout=window + 1)
    try:
        return cache.incr(key)
    except ValueError:
        return 0  # The key vanished or the cache is unavailable: do not block anyone.


def hit(scope: str, value: object, *, now: float | None = None) -> bool:
    """Count an attempt and say whether it goes over the limit."""
    limit, _window = _limit(scope)
    return count(scope, value, now=now) > limit


def reset(scope: str, value: object, *, now: float | None = None) -> None:
    _limit_value, window = _limit(scope)
    cache.delete(_key(scope, value, window, now or time.time()))


def retry_after(scope: str, *, now: float | None = None) -> int:
    """Seconds until the current window of this limit ends."""
    _limit_value, window = _limit(scope)
    now = now or time.time()
    return max(1, math.ceil(window - now % window))


def ip_of(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    """The readable page answering an attempt over a limit (HTTP 429, with Retry-After)."""
    wait = retry_after(scope)
    response = render(request, "429.html", {"minutes": max(1, math.ceil(wait / 60))}, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited(scope: str, *, key: Callable[[HttpRequest], object] = ip_of, methods: tuple[str, ...] = ("POST",)):
    """Count each `methods` request to the view under `key(request)`; over the limit, answer 429 instead.

    `key` gives what is counted: the client's address by default, an
    address typed in the form, an account. A request whose key is empty is
    not counted (a form sent without the field it is limited by).
    """

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if request.method in methods and (value := key(request)) and hit(scope, value):
                return too_many_requests(request, scope)
            return view(request, *args, **kwargs)

        return limited

    return decorator
