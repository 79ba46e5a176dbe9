"""The comment's page: the read-only fields around its text (thread, writer, reports, history, edits)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.bidi import bdi, isolate

from ..diff import word_diff
from ..models import Comment
from ..policy import Reason
from ..thread import context_of
from .columns import when


class CommentPageFields:
    """The read-only fields of CommentAdmin's change page."""

    @admin.display(description=_("post"))
    def post_link(self, comment: Comment) -> SafeString:
        # A comment's permalink finds it only where a reader may see it (a 404 otherwise): others link to the post.
        url = comment.get_absolute_url() if comment.is_public() else comment.post.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, bdi(comment.post.title))

    @admin.display(description=_("from"))
    def commenter_details(self, comment: Comment) -> SafeString:
        parts = [comment.name, comment.email]
        if comment.website:
            parts.append(comment.website)
        if comment.user_id:
            parts.append(gettext("writes from the account %(email)s") % {"email": isolate(comment.user.email)})
        if comment.organization_id:
            parts.append(gettext("for %(organization)s") % {"organization": isolate(comment.organization.name)})
        return format_html_join("", '<div dir="auto">{}</div>', ((part,) for part in parts))

    @admin.display(description=_("reports"))
    def reports_detail(self, comment: Comment) -> SafeString | str:
        """Every report: when, from whom (the account, or the masked address block), and why."""
        flags = list(comment.flags.all())
        if not flags:
            return gettext("No reader reported this comment.")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td dir="auto">{}</td></tr>',
            (
                (when(flag.created_at), isolate(str(flag.reader)), flag.reason or gettext("no reason given"))
                for flag in flags
            ),
        )
        readers = len({flag.network for flag in flags if flag.network})  # As FlagQuerySet.independent_readers.
        summary = ngettext(
            "%(count)d independent reader (distinct address blocks).",
            "%(count)d independent readers (distinct address blocks).",
            readers,
        ) % {"count": readers}
        if comment.review_requested_at:
            summary += " " + gettext(
                "Its writer wears a badge, so reports do not hide it: it stays public until a moderator decides."
            )
        return format_html(
            '<p>{}</p><table class="moderation-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            summary, gettext("when"), gettext("by"), gettext("why"), rows,
        )  # fmt: skip

    @admin.display(description=_("thread"))
    def thread_context(self, comment: Comment) -> SafeString:
        return format_html_join(
            "",
            '<div class="thread-item depth-{}{}"><strong>{}</strong> · <span class="status-badge status-{}">{}</span>'
            ' · <a href="{}">{}</a><div class="body" dir="auto">{}</div></div>',
            (
                (
                    min(depth, 8),
                    " current" if row.pk == comment.pk else "",
                    bdi(row.name),
                    row.status,
                    row.get_status_display(),
                    reverse("admin:comments_comment_change", args=[row.pk]),
                    when(row.created_at),
                    Truncator(row.body).chars(600),
                )
                for row, depth in context_of(comment)
            ),
        )

    @admin.display(description=_("history"))
    def moderation_history(self, comment: Comment) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    when(event.created_at),
                    event.actor.display_name if event.actor else event.get_source_display(),
                    event.get_from_status_display() or "—",
                    event.get_to_status_display(),
                    "; ".join(
                        [
                            *(Reason.from_dict(data).label() for data in event.reasons),
                            *([event.note] if event.note else []),
                        ]
                    ),
                )
                for event in comment.events.select_related("actor")
            ),
        )
        return format_html(
            '<table class="moderation-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            gettext("when"), gettext("by"), gettext("from"), gettext("to"), gettext("why"), rows,
        )  # fmt: skip

    @admin.display(description=_("edits"))
    def revisions(self, comment: Comment) -> SafeString | str:
        versions = list(comment.revisions.select_related("edited_by"))
        if not versions:
            return gettext("The text is as the reader wrote it.")
        texts = [version.body for version in versions] + [comment.body]
        return format_html_join(
            "",
            '<div class="revision"><p>{}</p><div class="diff body">{}</div></div>',
            (
                (
                    gettext("%(date)s, by %(who)s: %(why)s")
                    % {
                        "date": when(version.created_at),
                        "who": isolate(version.edited_by.display_name) if version.edited_by else "—",
                        "why": version.note,
                    },
                    word_diff(texts[index], texts[index + 1]),
                )
                for index, version in enumerate(versions)
            ),
        )
