"""Every e-mail once, to an address that still wants it, and nothing lost when a worker dies.

Every e-mail the blog sends, notifications and account e-mails alike, is a
row of the ledger (mail.models.Delivery) before anything is sent:

1. `deliver` records the row ("queued") and enqueues one send task for it,
   `delivery_send`, in the caller's transaction: a fan-out to several
   addresses records every one of them, and their tasks, or none. The
   unique constraint on (kind, recipient, key) makes recording twice (a
   task that runs again, two workers) record nothing more. A suppressed
   address (unsubscribed, bounced) gets a row saying it was not written to;
   account e-mails (sign-up, password reset), which the person asked for,
   are not suppressed and carry no unsubscribe link;
2. `delivery_send` claims the row by one update ("queued" or "failed" →
   "sending", attempts + 1, claimed now), so only one worker sends it; no
   transaction stays open while the mail server answers. It renders the
   e-mail from what the row keeps (template, language, a context of plain
   values and references to rows: mail.context) and sends it. The row never
   holds a link that opens something (the unsubscribe link, a confirmation
   link): those are made as the e-mail is rendered, so staff who read the
   ledger in the admin cannot use them;
3. a send that fails marks the row "failed", and the task is queued again
   later (mail.retries);
4. a worker killed while sending (SIGKILL, a crash, the machine lost)
   leaves the row "sending": once TASKS_LEASE has passed since its claim,
   the row may be claimed again, by the task itself (the worker reaper,
   core.worker, puts a task whose worker died back in the queue) or by the
   periodic `deliveries_resume`. A worker killed in the instant between the
   mail server's acceptance and the "sent" mark causes one second copy, at
   most: the row is claimed again once, by one update, and the copy carries
   the same Message-ID, which mail providers use to drop duplicates. Losing
   an e-mail silently is the worse failure, so the ledger errs on that side.
   Nothing else sends twice: the "sent" mark is written only by the claim
   that sent, and a late worker finds its claim taken.
5. each notification carries a signed one-click unsubscribe link, in its
   text and in the List-Unsubscribe and List-Unsubscribe-Post headers (RFC
   8058).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from .context import MailObsolete, context_freeze, context_thaw
from .links import absolute_url
from .messages import message_render, message_send
from .models import Delivery
from .retries import retry_later
from .suppressions import is_suppressed, normalize, unsubscribe_url

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    QUEUED = "queued"  # Recorded; a worker sends it.
    SENT = "sent"
    SKIPPED = "skipped"  # Already recorded (sent, or being sent), or suppressed.
    FAILED = "failed"


OUTCOME_OF = {
    Delivery.State.QUEUED: Outcome.QUEUED,
    Delivery.State.SENDING: Outcome.QUEUED,
    Delivery.State.SENT: Outcome.SENT,
    Delivery.State.FAILED: Outcome.FAILED,
}


def message_id(*, kind: str, recipient: str, key: str) -> str:
    """The same Message-ID for every copy of one e-mail, so a duplicate can be recognised."""
    digest = hashlib.sha256(f"{kind}|{recipient}|{key}".encode()).hexdigest()[:32]
    host = urlsplit(absolute_url("/")).hostname or "localhost"
    return f"<{kind}.{digest}@{host}>"


def lease() -> timedelta:
    """How long a claim holds: a row still "sending" after it was claimed this long ago has lost its worker."""
    return settings.TASKS_LEASE


def deliver(
    *,
    kind: str,
    recipient: str,
    key: str,
    template: str,
    context: dict[str, Any],
    language: str = "",
    notification: bool = True,
    now: datetime | None = None,
) -> Outcome:
    """Record one e-mail in the ledger and queue its sending, unless it is recorded already or suppressed.

    With the database queue the outcome is QUEUED; with the immediate
    backend (tests, no worker) the e-mail is sent at once and the outcome is
    how that went.
    """
    now = now or timezone.now()
    # Notifications compare addresses in lower case (one suppression, one e-mail per address); an account
    # e-mail goes to the address as the person typed it.
    recipient = normalize(recipient) if notification else (recipient or "").strip()
    if not recipient:
        return Outcome.SKIPPED
    if notification and is_suppressed(recipient):
        Delivery.objects.bulk_create(
            [Delivery(kind=kind, recipient=recipient, key=key, state=Delivery.State.SUPPRESSED, created_at=now)],
            ignore_conflicts=True,
        )
        return Outcome.SKIPPED
    message = {
        "template": template,
        "context": context_freeze(context),
        "language": language,
        "notification": notification,
    }
    try:
        with transaction.atomic():
            row = Delivery.objects.create(
                kind=kind,
                recipient=recipient,
                key=key,
                message=message,
                state=Delivery.State.QUEUED,
                attempts=0,
                created_at=now,
            )
    except IntegrityError:
        row = Delivery.objects.filter(kind=kind, recipient=recipient, key=key, state=Delivery.State.FAILED).first()
        if row is None:
            return Outcome.SKIPPED  # Recorded already: sent, being sent, or waiting for its worker.
        # A failed one is tried again now, from what it keeps (its retries may also be waiting).
    delivery_send.enqueue(row.pk)
    state = Delivery.objects.values_list("state", flat=True).get(pk=row.pk)
    return OUTCOME_OF.get(state, Outcome.SKIPPED)


def _claim(pk: int, *, now: datetime) -> Delivery | None:
    """Take the row for this run: queued, failed, or "sending" past the lease; None when another run has it."""
    claimable = Q(state__in=[Delivery.State.QUEUED, Delivery.State.FAILED]) | Q(
        state=Delivery.State.SENDING, created_at__lt=now - lease()
    )
    stale = Delivery.objects.filter(pk=pk, state=Delivery.State.SENDING).exists()
    if not Delivery.objects.filter(claimable, pk=pk).update(
        state=Delivery.State.SENDING, attempts=F("attempts") + 1, created_at=now
    ):
        return None
    row = Delivery.objects.get(pk=pk)
    if stale:
        logger.warning(
            "Sending again the %s e-mail about %s to %s: its worker stopped", row.kind, row.key, row.recipient
        )
    return row


def _render(row: Delivery) -> dict[str, Any]:
    """The e-mail a claimed row stands for, rendered now with its links and headers."""
    if "template" not in row.message:
        return row.message  # Rendered before the ledger stopped keeping e-mails: sent as it was.
    headers = {"Message-ID": message_id(kind=row.kind, recipient=row.recipient, key=row.key)}
    context = context_thaw(row.message["context"])
    if row.message.get("notification", True):
        unsubscribe = unsubscribe_url(row.recipient)
        context["unsubscribe_url"] = unsubscribe
        headers |= {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = message_render(template=row.message["template"], context=context, language=row.message["language"])
    message["headers"] = headers
    return message


def _send(row: Delivery) -> Outcome:
    """Render and send the e-mail of a claimed row, and record how it went, if the claim is still this run's."""
    mine = Delivery.objects.filter(pk=row.pk, state=Delivery.State.SENDING, attempts=row.attempts)
    if row.message.get("notification", True) and is_suppressed(row.recipient):
        mine.update(state=Delivery.State.SUPPRESSED)
        return Outcome.SKIPPED
    try:
        message_send(to=[row.recipient], **_render(row))
    except MailObsolete as gone:
        logger.info("Not sending the %s e-mail to %s: %s", row.kind, row.recipient, gone)
        mine.update(state=Delivery.State.OBSOLETE, error=str(gone)[:300])
        return Outcome.SKIPPED
    except Exception as error:  # The mail server, or a template that cannot be drawn: tried again later.
        logger.exception("Could not send the %s e-mail about %s to %s", row.kind, row.key, row.recipient)
        mine.update(state=Delivery.State.FAILED, error=repr(error)[:300])
        return Outcome.FAILED
    kept = {"message": {}} if "template" not in row.message else {}  # An old rendered copy is not kept.
    mine.update(state=Delivery.State.SENT, sent_at=timezone.now(), **kept)
    return Outcome.SENT


@task
def delivery_send(delivery_id: int, attempt: int = 1) -> str:
    """The worker's side of deliver: claim the row, send its e-mail, and try again later if the server fails."""
    row = _claim(delivery_id, now=timezone.now())
    if row is None:
        return str(Outcome.SKIPPED)
    outcome = _send(row)
    if outcome == Outcome.FAILED:
        retry_later(delivery_send, delivery_id, attempt=attempt)
    return str(outcome)


def deliveries_resume(*, now: datetime | None = None) -> int:
    """Queue again the e-mails no worker is sending: "sending" past the lease, or "queued" that long.

    The periodic task runs this as a second net under the worker reaper
    (core.worker): a row whose task was lost with its worker is claimed
    again here. Return how many were queued.
    """
    now = now or timezone.now()
    waiting = Delivery.objects.filter(
        state__in=[Delivery.State.SENDING, Delivery.State.QUEUED], created_at__lt=now - lease()
    ).exclude(message={})
    pks = list(waiting.order_by("created_at", "pk").values_list("pk", flat=True)[:500])
    for pk in pks:
        delivery_send.enqueue(pk)
    return len(pks)
