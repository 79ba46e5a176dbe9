"""The token that confirms a new account's address (signed with core.tokens).

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

from core.tokens import LinkRefused, signed_token, token_data

from .models import User

SALT = "accounts.signup-confirmation"


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
