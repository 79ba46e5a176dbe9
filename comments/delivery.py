"""Sending a notification e-mail once, to an address that still wants it.

Every notification (moderators, commenters, reply subscribers, brand
representatives) goes through `deliver`, which the worker runs:

1. an address on the suppression list (unsubscribed, bounced) is never
   written to; the ledger records that it was not;
2. the e-mail is claimed in the ledger (comments.models.Delivery) by
   inserting its row and committing it before anything is sent. The unique
   constraint on (kind, recipient, key) decides between two workers, or
   between a task and its retry: the second insert fails and that run sends
   nothing. We chose insert-before-send over holding a row lock during the
   SMTP conversation: no transaction stays open while the mail server
   answers, and the same code works on SQLite and PostgreSQL. The price: a
   worker killed between the send and the "sent" mark leaves the row
   "sending", and it is not sent again (at most once, never twice);
3. a failed send marks the row "failed": the next run claims it again;
4. each e-mail carries a signed one-click unsubscribe link, in its text and
   in the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058).
"""

import logging
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.emails import absolute_url, message_render, message_send
from accounts.tokens import signed_token, token_data

from .models import Delivery, Suppression

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "comments.unsubscribe"


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # Already sent (or being sent) by another run, or suppressed.
    FAILED = "failed"


def normalize(email):
    return (email or "").strip().lower()


def unsubscribe_token(email):
    """A signed token naming an address; it does not expire, as RFC 8058 links must keep working."""
    return signed_token({"e": normalize(email)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_address(token):
    """The address an unsubscribe token names; raise accounts.tokens.LinkRefused if it was altered."""
    return token_data(token, salt=UNSUBSCRIBE_SALT)["e"]


def unsubscribe_url(email):
    return absolute_url(reverse("comments:unsubscribe", args=[unsubscribe_token(email)]))


def is_suppressed(email):
    return Suppression.objects.filter(email=normalize(email)).exists()


def _claim(*, kind, recipient, key, now):
    """Insert the ledger row (or take back a failed one); None when another run has it."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(kind=kind, recipient=recipient, key=key, created_at=now)
    except IntegrityError:
        row = Delivery.objects.filter(kind=kind, recipient=recipient, key=key, state=Delivery.State.FAILED)
        if row.update(state=Delivery.State.SENDING, attempts=F("attempts") + 1, created_at=now):
            return Delivery.objects.get(kind=kind, recipient=recipient, key=key)
        return None


def deliver(*, kind, recipient, key, template, context, language="", now=None):
    """Send one notification e-mail unless it was already sent or the address is suppressed."""
    now = now or timezone.now()
    recipient = normalize(recipient)
    if not recipient:
        return Outcome.SKIPPED
    if is_suppressed(recipient):
        Delivery.objects.bulk_create(
            [Delivery(kind=kind, recipient=recipient, key=key, state=Delivery.State.SUPPRESSED, created_at=now)],
            ignore_conflicts=True,
        )
        return Outcome.SKIPPED
    row = _claim(kind=kind, recipient=recipient, key=key, now=now)
    if row is None:
        return Outcome.SKIPPED
    unsubscribe = unsubscribe_url(recipient)
    try:
        message = message_render(
            template=template, context={**context, "unsubscribe_url": unsubscribe}, language=language
        )
        message_send(
            to=[recipient],
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            **message,
        )
    except Exception as error:
        logger.exception("Could not send the %s e-mail about %s to %s", kind, key, recipient)
        Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.FAILED, error=repr(error)[:300])
        return Outcome.FAILED
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.SENT, sent_at=timezone.now())
    return Outcome.SENT
