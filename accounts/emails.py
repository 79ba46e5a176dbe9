"""The blog's e-mails: rendered from templates, sent by the background worker.

Each e-mail is a set of templates: <name>_subject.txt, <name>_body.txt and,
when it exists, <name>_body.html. They are rendered in the recipient's
language where the e-mail is asked for, and the rendered message goes to
the task queue (`email_send`): a page or a service never waits for the mail
server, and a message waits in the database while no worker runs. The
queue is a table of the same database, so a message enqueued inside a
transaction is sent only if that transaction commits.

Links in e-mails are absolute: `absolute_url` is the one place that builds
them, from SITE_URL.
"""

import email.policy
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task, task_backends
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

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


def message_render(*, template, context, language=None):
    """Subject, plain text and HTML (or "") of an e-mail, in `language` (else the current one).

    The subject starts with the blog's name and is kept on one line: a
    header cannot hold a line break.
    """
    context = {"blog_title": settings.BLOG_TITLE, **context}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
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
def email_send(*, subject, body, html, to, headers=None, attempt=1):
    """The worker's side of mail_send; tried again later if the mail server fails."""
    try:
        message_send(subject=subject, body=body, html=html, to=to, headers=headers)
    except Exception:
        retry_later(email_send, attempt=attempt, subject=subject, body=body, html=html, to=to, headers=headers)
        raise


def mail_send(*, template, context, to, language=None):
    """Render an e-mail now and queue it for the worker, to one address."""
    message = message_render(template=template, context=context, language=language)
    email_send.enqueue(to=[to], **message)
