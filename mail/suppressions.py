"""Addresses the blog never writes to again, and the one-click unsubscribe link that adds one.

The link names the address in a signed token that does not expire: RFC
8058 links must keep working in old e-mails. Addresses are compared in
lower case.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from core.tokens import signed_token, token_data

from .links import absolute_url
from .models import Suppression

# The salt unsubscribe links were first signed with, when they were the comments' own: kept, so old links work.
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def normalize(email: str | None) -> str:
    return (email or "").strip().lower()


def unsubscribe_token(email: str) -> str:
    """A signed token naming an address; it does not expire, as RFC 8058 links must keep working."""
    return signed_token({"e": normalize(email)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_address(token: str) -> str:
    """The address an unsubscribe token names; raise core.tokens.LinkRefused if it was altered."""
    return token_data(token, salt=UNSUBSCRIBE_SALT)["e"]


def unsubscribe_url(email: str) -> str:
    return absolute_url(reverse("mail:unsubscribe", args=[unsubscribe_token(email)]))


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalize(email)).exists()


def address_suppress(
    *, email: str, reason: str = Suppression.Reason.UNSUBSCRIBED, note: str = "", now: datetime | None = None
) -> Suppression:
    """Never write to this address again (an unsubscribe link, or a bounce entered by staff)."""
    suppression, _created = Suppression.objects.get_or_create(
        email=normalize(email), defaults={"reason": reason, "note": note[:300], "created_at": now or timezone.now()}
    )
    return suppression
