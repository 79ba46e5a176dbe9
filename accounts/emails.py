"""The blog's e-mails: rendered from templates, sent by the background worker.

Each e-mail is a set of templates: <name>_subject.txt, <name>_body.txt and,
when it exists, <name>_body.html. A page or a service never waits for the
mail server: it queues what to send (`mail_send`), and the worker renders
and sends it (`email_send`). The queue is a table of the same database, so
a message enqueued inside a transaction is sent only if that transaction
commits, and it waits there while no worker runs.

The queue's rows (and the notification ledger, comments.delivery) are
readable in the admin, so they hold what to send, never the e-mail itself:
the template, the recipient, the language and a context of plain values and
references to rows (`context_freeze`). A link that opens something (confirm
an account, reset a password, verify a membership) is a `MailLink`: the
name of the function that makes it and its arguments. The worker makes the
link as it renders the e-mail, so the signed token exists only in the
e-mail that leaves.

Links in e-mails are absolute: `absolute_url` is the one place that builds
them, from SITE_URL, never from the Host of the request that asked.
"""

import email.policy
import logging
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.tasks import task, task_backends
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from core.bidi import balance

logger = logging.getLogger(__name__)

# When a send fails (the mail server is down), the task runs again after these delays.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6)]


def site_url():
    """The address links in e-mails start with: SITE_URL, or the first host the blog answers to."""
    configured = settings.SITE_URL
    if configured:
        return configured.rstrip("/") + "/"
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


def absolute_url(path):
    """A path of the site (reverse(), get_absolute_url()) as a full address for an e-mail."""
    return urljoin(site_url(), path)


def mail_link(maker):
    """Mark a function that makes a link for an e-mail at send time (see MailLink)."""
    maker.makes_mail_link = True
    return maker


class MailLink:
    """A link an e-mail carries, made by the worker as it renders the e-mail.

    `maker` is a module-level function decorated with @mail_link that
    returns the absolute URL; its arguments are plain values or model
    instances. The queue keeps only the maker's name and the arguments.
    """

    def __init__(self, maker, *args):
        if not getattr(maker, "makes_mail_link", False):
            raise TypeError(f"{maker!r} is not marked @mail_link.")
        self.maker, self.args = maker, args


class MailObsolete(LookupError):
    """A row the queued e-mail refers to no longer exists: the e-mail is not sent."""


def context_freeze(value):
    """An e-mail's context as JSON for the queue: plain values, references to rows, links to make later."""
    if isinstance(value, models.Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, MailLink):
        return {"$link": f"{value.maker.__module__}.{value.maker.__qualname__}", "args": context_freeze(value.args)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dict):
        return {str(key): context_freeze(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [context_freeze(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"An e-mail's context holds plain values, rows and MailLinks, not {type(value).__name__}.")


def context_thaw(value):
    """The context `context_freeze` stored, with its rows read again and its links made now."""
    if isinstance(value, list):
        return [context_thaw(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$model" in value:
        model = apps.get_model(value["$model"])
        found = model._default_manager.filter(pk=value["pk"]).first()
        if found is None:
            raise MailObsolete(f"{value['$model']} {value['pk']} no longer exists.")
        return found
    if "$link" in value:
        maker = import_string(value["$link"])
        if not getattr(maker, "makes_mail_link", False):
            raise TypeError(f"{value['$link']} is not marked @mail_link.")
        return maker(*context_thaw(value["args"]))
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    return {key: context_thaw(item) for key, item in value.items()}


def message_render(*, template, context, language=None):
    """Subject, plain text and HTML (or "") of an e-mail, in `language` (else the current one).

    The subject starts with the blog's name and is kept on one line: a
    header cannot hold a line break. The templates isolate each reader's
    string in it (core.bidi); the whole is balanced too, so that nothing it
    leaves open turns around what a mail client shows after it.
    """
    context = {"blog_title": settings.BLOG_TITLE, **context}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = balance(" ".join(render_to_string(f"{template}_subject.txt", context).split()))
        body = render_to_string(f"{template}_body.txt", context)
        try:
            html = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return {"subject": f"[{settings.BLOG_TITLE}] {subject}", "body": body, "html": html}


class _UnfoldedListUnsubscribe(email.policy.EmailPolicy):
    """email.policy.default, except that List-Unsubscribe stays on one line.

    Python folds a header longer than 78 characters; one without spaces
    (the long signed URL) becomes RFC 2047 encoded words, which mail
    providers' one-click unsubscribe does not decode. RFC 5322 allows a
    line of 998 characters, and the URL is plain ASCII.
    """

    def _one_line(self, name, value):
        line = f"{name}: {value}"
        if name.lower() == "list-unsubscribe" and line.isascii() and len(line) <= 998:
            return line + self.linesep
        return None

    def fold(self, name, value):
        return self._one_line(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        line = self._one_line(name, value)
        return line.encode("ascii") if line else super().fold_binary(name, value)


ONE_CLICK_POLICY = _UnfoldedListUnsubscribe()


class BlogMessage(EmailMultiAlternatives):
    def message(self, *, policy=ONE_CLICK_POLICY):
        return super().message(policy=policy)


def message_send(*, subject, body, html, to, headers=None):
    """Send one rendered e-mail now (the worker calls this)."""
    message = BlogMessage(subject, body, None, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def retry_later(task, *args, attempt, **kwargs):
    """Queue `task` again after the attempt's delay; False when it has had its tries or cannot wait.

    The database queue does not retry a failed task by itself. Tasks that
    send notifications may run again safely: the ledger (comments.delivery)
    skips what was already sent.
    """
    if attempt > len(RETRY_DELAYS) or not task_backends[task.backend].supports_defer:
        return False
    task.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1]).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


@task
def email_send(*, to, template="", context=None, language="", attempt=1, **rendered):
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


def mail_send(*, template, context, to, language=None):
    """Queue an e-mail to one address; the worker renders it, in `language` (else the current one).

    The context holds plain values, model instances and MailLinks, never a
    signed link itself (see the module's docstring).
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    email_send.enqueue(to=[to], template=template, context=context_freeze(context), language=language)
