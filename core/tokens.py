"""Signed tokens for links in e-mails: the one way the blog signs and reads them.

django.core.signing with SECRET_KEY, a salt per purpose, an optional
maximum age: account confirmation (accounts.tokens), reply subscriptions
and unsubscribe links (comments), each under its own salt.
"""

from django.core import signing


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
