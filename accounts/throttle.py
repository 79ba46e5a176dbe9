"""Rate limits for the public forms, counted in the shared cache.

Each limit is a number of attempts per window of seconds, named in
settings.RATE_LIMITS, counted per key (an IP address, an account's
address) in fixed windows. Every process shares the counts through the
cache (Redis in production). Login is throttled twice: per account, so
nobody guesses one account's password from many addresses, and per IP
address, so nobody tries many accounts from one; only failed logins count.
The login limits hold in authenticate() itself (accounts.backends), so the
site's login page and the admin's (and any other door that checks a
password through Django) count into the same keys, and a login over a limit
is answered by the 429 page (LoginRefusalMiddleware) without its password
being checked. An account is counted under its own address, as the
database matched it, folded (`address_fold`): "claıre@", "CLAIRE@" and
"claire@" are one counter, as "ſophie@" and "sophie@" are.

When the cache is unavailable (config.cache.TolerantRedisCache answers as
a miss) the limits are not enforced: the site keeps serving, and the logs
say the cache is bypassed. The comment form has its own limit, counted in
the database by comments.policy.
"""

import hashlib
import math
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from core.client import client_ip

from .models import User

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


def address_fold(address):
    """An address as the login limit counts it: NFKC, then case folded through capitals and back.

    Through the capitals, a dotless ı, a long ſ or a Kelvin sign K counts as
    the i, s or k it passes for: one person typing variants of one address
    gets one counter.
    """
    return unicodedata.normalize("NFKC", address.strip()).casefold().upper().casefold()


def login_account_key(address):
    """The key counting failed logins for a typed address.

    The account the database matches (the login's own query, email__iexact)
    is counted under its stored address, so whatever spelling reaches an
    account counts against it; an address that matches no account under
    its folded form.
    """
    matched = User.objects.filter(email__iexact=address).order_by("pk").values_list("email", flat=True).first()
    return address_fold(matched or address)


def login_refusal(request, address):
    """The limit a login attempt is over ("login_ip" or "login_account"), else None: its password may be checked.

    `request` is None for a login outside a request (a shell, a test
    client's login()): only the account's limit applies.
    """
    if request is not None and exceeded("login_ip", ip_of(request)):
        return "login_ip"
    if exceeded("login_account", login_account_key(address)):
        return "login_account"
    return None


def login_failed(request, address):
    """Count a failed login for the address it came from and the account it named."""
    if request is not None:
        count("login_ip", ip_of(request))
    count("login_account", login_account_key(address))


def login_succeeded(user):
    """Clear the account's count (not the address's: logging into one's own account forgives no guesses)."""
    reset("login_account", address_fold(user.email))


class LoginRefusalMiddleware:
    """Answer the 429 page to a request whose login the limits refused, whichever page it was sent to.

    accounts.backends marks the request (`login_refused`); the login page,
    the site's or the admin's, has drawn its "wrong password" form, which
    this page replaces.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if scope := getattr(request, "login_refused", None):
            return too_many_requests(request, scope)
        return response


def too_many_requests(request, scope):
    """The readable page answering an attempt over a limit (HTTP 429, with Retry-After)."""
    wait = retry_after(scope)
    response = render(request, "429.html", {"minutes": max(1, math.ceil(wait / 60))}, status=429)
    response["Retry-After"] = str(wait)
    return response
