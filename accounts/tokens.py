"""Signed tokens for links in e-mails, and the one that confirms a new account's address.

`signed_token` and `token_data` are the one way the blog signs and reads
the tokens of its links (account confirmation here, reply subscriptions
and unsubscribe links in comments.notifications): django.core.signing with
SECRET_KEY, a salt per purpose, an optional maximum age.

A new account is created inactive and flagged `awaiting_confirmation`
(rather than active with an "unconfirmed" flag): Django's login, password
reset and permission checks already ignore inactive accounts, so nothing
else needs to know about confirmation. The flag tells an account waiting
for its owner from one that staff deactivated: only the first may be
activated by a link.

The token names the account and the address the link was sent to, signed
with SECRET_KEY (django.core.signing) under a salt of its own. It expires
after PASSWORD_RESET_TIMEOUT (three days by default), the lifetime Django
already gives password reset links; it cannot be altered; it is spent once
the account is confirmed.
"""

from django.conf import settings
from django.core import signing

from .models import User

SALT = "accounts.signup-confirmation"


class LinkRefused(ValueError):
    """A signed link that cannot be used; `reason` is "expired" or "invalid" (altered, or for another purpose)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def signed_token(data, *, salt):
    return signing.dumps(data, salt=salt)


def token_data(token, *, salt, max_age=None):
    """The data a token signed under `salt` carries; raise LinkRefused when it is too old or not genuine."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None


class ConfirmationRefused(LinkRefused):
    """The link cannot confirm an account; `reason` says why, for the page.

    "expired": the signature is good but too old (a new link can be sent);
    "invalid": altered, unknown account, or an address that changed;
    "done": the account was already confirmed.
    """


def confirmation_token(user):
    return signed_token({"u": user.pk, "e": user.email.lower()}, salt=SALT)


def user_for_confirmation(token):
    """Return the account a confirmation token names, if it still awaits confirmation."""
    try:
        data = token_data(token, salt=SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except LinkRefused as refused:
        raise ConfirmationRefused(refused.reason) from None
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None or user.email.lower() != data.get("e"):
        raise ConfirmationRefused("invalid")
    if not user.awaiting_confirmation:
        raise ConfirmationRefused("done" if user.is_active else "invalid")
    return user
