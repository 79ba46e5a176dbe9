"""Rendering an e-mail from its templates, and handing it to the mail server.

Each e-mail is a set of templates: <name>_subject.txt, <name>_body.txt and,
when it exists, <name>_body.html.
"""

from __future__ import annotations

import email.policy
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from core.bidi import balance


def message_render(*, template: str, context: dict[str, Any], language: str | None = None) -> dict[str, str]:
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


def message_send(*, subject: str, body: str, html: str, to: list[str], headers: dict[str, str] | None = None) -> None:
    """Send one rendered e-mail now (the worker calls this)."""
    message = BlogMessage(subject, body, None, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
