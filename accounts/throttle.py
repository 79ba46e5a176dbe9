"""Rate limits for the public forms, counted in the shared cache.

Each limit is a number of attempts per window of seconds, named in
settings.RATE_LIMITS, counted per key (an IP address, an account's
address) in fixed windows. Every process shares the counts through the
cache (Redis in production). Login is throttled twice: per account, so
nobody guesses one account's password from many addresses, and per IP
address, so nobody tries many accounts from one; only failed logins count.

When the cache is unavailable (config.cache.TolerantRedisCache answers as
a miss) the limits are not enforced: the site keeps serving, and the logs
say the cache is bypassed. The comment form has its own limit, counted in
the database by comments.policy.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from comments.client import client_ip

PREFIX = "throttle"


def _key(scope, value, window, now):
    digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}:{scope}:{digest}:{int(now // window)}"


def _limit(scope):
    return settings.RATE_LIMITS[scope]


def attempts(scope, value, *, now=None):
    """How many attempts were counted for this key in the current window."""
    limit, window = _limit(scope)
    return cache.get(_key(scope, value, window, now or time.time()), 0)


def exceeded(scope, value, *, now=None):
    """Whether this key has used up its attempts in the current window (counts nothing)."""
    limit, _window = _limit(scope)
    return attempts(scope, value, now=now) >= limit


def count(scope, value, *, now=None):
    """Count one attempt; return the number counted in this window so far (0 when the cache is down)."""
    _limit_value, window = _limit(scope)
    key = _key(scope, value, window, now or time.time())
    cache.add(key, 0, timeout=window + 1)
    try:
        return cache.incr(key)
    except ValueError:
        return 0  # The key vanished or the cache is unavailable: do not block anyone.


def hit(scope, value, *, now=None):
    """Count an attempt and say whether it goes over the limit."""
    limit, _window = _limit(scope)
    return count(scope, value, now=now) > limit


def reset(scope, value, *, now=None):
    _limit_value, window = _limit(scope)
    cache.delete(_key(scope, value, window, now or time.time()))


def retry_after(scope, *, now=None):
    """Seconds until the current window of this limit ends."""
    _limit_value, window = _limit(scope)
    now = now or time.time()
    return max(1, math.ceil(window - now % window))


def ip_of(request):
    return client_ip(request) or "unknown"


def too_many_requests(request, scope):
    """The readable page answering an attempt over a limit (HTTP 429, with Retry-After)."""
    wait = retry_after(scope)
    response = render(request, "429.html", {"minutes": max(1, math.ceil(wait / 60))}, status=429)
    response["Retry-After"] = str(wait)
    return response
