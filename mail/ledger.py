"""Sending a notification e-mail once, to an address that still wants it.

Every notification (moderators, commenters, reply subscribers, brand
representatives) goes through `deliver`, which the worker runs:

1. an address on the suppression list (unsubscribed, bounced) is never
   written to; the ledger records that it was not;
2. the e-mail is claimed in the ledger (mail.models.Delivery) by
   inserting its row and committing it before anything is sent. The unique
   constraint on (kind, recipient, key) decides between two workers, or
   between a task and its retry: the second insert fails and that run sends
   nothing. We chose insert-before-send over holding a row lock during the
   SMTP conversation: no transaction stays open while the mail server
   answers, and the same code works on SQLite and PostgreSQL;
3. the row holds what the e-mail is made from (its template, language and
   a context of plain values and references to rows,
   mail.context.context_freeze), so a worker killed while sending loses
   nothing: a row still "sending" after SENDING_LEASE is rendered and sent
   again from the ledger by the periodic task (`deliveries_resume`). The
   row never holds a link that opens something (the unsubscribe link, a
   subscription's confirmation link): those are made as the e-mail is
   rendered, in the worker, so staff who read the ledger in the admin
   cannot use them. A worker
   killed in the instant between the mail server's acceptance and the
   "sent" mark can cause a second copy; it carries the same Message-ID,
   which mail providers use to drop duplicates. Losing a notification
   silently is the worse failure, so the ledger errs on that side;
4. a failed send marks the row "failed": the next run claims it again;
5. each e-mail carries a signed one-click unsubscribe link, in its text and
   in the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .context import context_freeze, context_thaw
from .links import absolute_url
from .messages import message_render, message_send
from .models import Delivery
from .suppressions import is_suppressed, normalize, unsubscribe_url

logger = logging.getLogger(__name__)

# How long a claimed e-mail may stay "sending" before its worker is taken for
# dead. Sending one e-mail takes seconds; a worker alive after this has hung.
SENDING_LEASE = timedelta(minutes=15)


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # Already sent (or being sent) by another run, or suppressed.
    FAILED = "failed"


def message_id(*, kind: str, recipient: str, key: str) -> str:
    """The same Message-ID for every copy of one notification, so a duplicate can be recognised."""
    digest = hashlib.sha256(f"{kind}|{recipient}|{key}".encode()).hexdigest()[:32]
    host = urlsplit(absolute_url("/")).hostname or "localhost"
    return f"<{kind}.{digest}@{host}>"


def _claim(*, kind: str, recipient: str, key: str, message: dict[str, Any], now: datetime) -> Delivery | None:
    """Insert the ledger row with its e-mail (or take back a failed one); None when another run has it."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(kind=kind, recipient=recipient, key=key, message=message, created_at=now)
    except IntegrityError:
        row = Delivery.objects.filter(kind=kind, recipient=recipient, key=key, state=Delivery.State.FAILED)
        if row.update(state=Delivery.State.SENDING, attempts=F("attempts") + 1, message=message, created_at=now):
            return Delivery.objects.get(kind=kind, recipient=recipient, key=key)
        return None


def _render(row: Delivery) -> dict[str, Any]:
    """The e-mail a claimed row stands for, rendered now with its unsubscribe link and headers."""
    if "template" not in row.message:
        return row.message  # Rendered before the ledger stopped keeping e-mails: sent as it was.
    unsubscribe = unsubscribe_url(row.recipient)
    context = {**context_thaw(row.message["context"]), "unsubscribe_url": unsubscribe}
    message = message_render(template=row.message["template"], context=context, language=row.message["language"])
    message["headers"] = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Message-ID": message_id(kind=row.kind, recipient=row.recipient, key=row.key),
    }
    return message


def _send(row: Delivery) -> Outcome:
    """Render and send the e-mail of a claimed row, and record how it went."""
    try:
        message_send(to=[row.recipient], **_render(row))
    except Exception as error:
        logger.exception("Could not send the %s e-mail about %s to %s", row.kind, row.key, row.recipient)
        Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.FAILED, error=repr(error)[:300])
        return Outcome.FAILED
    sent = {"message": {}} if "template" not in row.message else {}  # An old rendered copy is not kept.
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.SENT, sent_at=timezone.now(), **sent)
    return Outcome.SENT


def deliver(
    *,
    kind: str,
    recipient: str,
    key: str,
    template: str,
    context: dict[str, Any],
    language: str = "",
    now: datetime | None = None,
) -> Outcome:
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
    message = {"template": template, "context": context_freeze(context), "language": language}
    row = _claim(kind=kind, recipient=recipient, key=key, message=message, now=now)
    if row is None:
        return Outcome.SKIPPED
    return _send(row)


def deliveries_resume(*, now: datetime | None = None) -> int:
    """Send again what a dead worker left "sending" past the lease; return how many were sent.

    Each row is taken back by one update that checks it is still the same
    stale claim, so two runs never resume the same e-mail. An address
    suppressed since then is not written to.
    """
    now = now or timezone.now()
    sent = 0
    stale = Delivery.objects.filter(state=Delivery.State.SENDING, created_at__lt=now - SENDING_LEASE)
    for row in stale.exclude(message={}).order_by("created_at", "pk")[:500]:
        taken = Delivery.objects.filter(pk=row.pk, state=Delivery.State.SENDING, created_at=row.created_at).update(
            attempts=F("attempts") + 1, created_at=now
        )
        if not taken:
            continue
        if is_suppressed(row.recipient):
            Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.SUPPRESSED)
            continue
        logger.warning(
            "Sending again the %s e-mail about %s to %s: its worker stopped", row.kind, row.key, row.recipient
        )
        sent += _send(row) == Outcome.SENT
    return sent
