"""Login throttling, on the shared rate-limit counters (core.rate_limit).

Login is throttled twice: per account, so nobody guesses one account's
password from many addresses, and per IP address, so nobody tries many
accounts from one; only failed logins count. The login limits hold in
authenticate() itself (accounts.backends), so the site's login page and the
admin's (and any other door that checks a password through Django) count
into the same keys, and a login over a limit is answered by the 429 page
(LoginRefusalMiddleware) without its password being checked. An account is
counted under its own address, as the database matched it, folded
(`address_fold`): "claıre@", "CLAIRE@" and "claire@" are one counter, as
"ſophie@" and "sophie@" are. The other doors are limited by
core.rate_limit.rate_limited.
"""

import unicodedata

from core.rate_limit import count, exceeded, ip_of, reset, too_many_requests

from .models import User


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
