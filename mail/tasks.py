"""Account e-mails (sign-up, password reset, memberships): a page or a service never waits for the mail server.

A caller asks for an e-mail with `mail_send`; it is recorded in the ledger
and sent by the worker (mail.ledger), like every notification, so it is
sent once and survives a worker that dies. The queue and the ledger keep
what to send, never the e-mail itself (mail.context).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import translation

from .context import MailObsolete, context_thaw
from .ledger import deliver
from .messages import message_render, message_send
from .models import Delivery
from .retries import retry_later

logger = logging.getLogger(__name__)


def mail_send(*, template: str, context: dict[str, Any], to: str, language: str | None = None) -> None:
    """Send an account e-mail to one address, through the ledger; rendered by the worker in `language`.

    The context holds plain values, model instances and MailLinks, never a
    signed link itself (mail.links). Each call is its own e-mail (a second
    password reset is a second e-mail), so its key is new.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    deliver(
        kind=Delivery.Kind.ACCOUNT,
        recipient=to,
        key=f"{template.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
        template=template,
        context=context,
        language=language,
        notification=False,
    )


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
    """Tasks queued before account e-mails went through the ledger: render, send, try again later.

    `rendered` (subject, body, html, headers) is for tasks queued before
    e-mails were rendered by the worker. New e-mails never come here.
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
