"""Sending e-mail in the background: a page or a service never waits for the mail server.

A caller queues what to send (`mail_send`), and the worker renders and
sends it (`email_send`). The queue is a table of the same database, so a
message enqueued inside a transaction is sent only if that transaction
commits, and it waits there while no worker runs. The queue keeps what to
send, never the e-mail itself (mail.context).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.tasks import Task, task, task_backends
from django.utils import timezone, translation

from .context import MailObsolete, context_freeze, context_thaw
from .messages import message_render, message_send

logger = logging.getLogger(__name__)

# When a send fails (the mail server is down), the task runs again after these delays.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6)]


def retry_later(task: Task, *args: Any, attempt: int, **kwargs: Any) -> bool:
    """Queue `task` again after the attempt's delay; False when it has had its tries or cannot wait.

    The database queue does not retry a failed task by itself. Tasks that
    send notifications may run again safely: the ledger (mail.ledger)
    skips what was already sent.
    """
    if attempt > len(RETRY_DELAYS) or not task_backends[task.backend].supports_defer:
        return False
    task.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1]).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


@task
def email_send(
    *,
    to: list[str],
    template: str = "",
    context: dict[str, Any] | None = None,
    language: str = "",
    attempt: int = 1,
    **rendered: Any,
) -> None:
    """The worker's side of mail_send: render the e-mail now, send it, try again later if the mail server fails.

    `rendered` (subject, body, html, headers) is only for tasks queued
    before e-mails were rendered by the worker.
    """
    try:
        message = (
            message_render(template=template, context=context_thaw(context or {}), language=language)
            if template
            else rendered
        )
    except MailObsolete as gone:
        logger.info("Not sending the %s e-mail to %s: %s", template, to, gone)
        return
    try:
        message_send(to=to, **message)
    except Exception:
        retry_later(
            email_send, to=to, template=template, context=context, language=language, attempt=attempt, **rendered
        )
        raise


def mail_send(*, template: str, context: dict[str, Any], to: str, language: str | None = None) -> None:
    """Queue an e-mail to one address; the worker renders it, in `language` (else the current one).

    The context holds plain values, model instances and MailLinks, never a
    signed link itself (mail.links).
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    email_send.enqueue(to=[to], template=template, context=context_freeze(context), language=language)
