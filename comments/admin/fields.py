"""The comment's page: the read-only fields around its text (thread, writer, reports, history, edits).

The HTML of each is a template in templates/admin/comments/comment/, where
readers' text is escaped; these methods only choose what it shows.
"""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import Comment, ModerationEvent
from ..policy import Reason
from ..thread import context_of
from .diff import word_diff

# The deepest indent the desk's style sheet draws (static/css/admin.css): deeper replies line up with it.
DEEPEST = 8


def thread_of(comment: Comment) -> list[tuple[Comment, int]]:
    """The comment's whole thread, as _thread.html draws it on its page and on the reply page."""
    return [(row, min(depth, DEEPEST)) for row, depth in context_of(comment)]


def why(event: ModerationEvent) -> str:
    """A decision's reasons and its note, as the history lists them."""
    labels = [Reason.from_dict(data).label() for data in event.reasons]
    return "; ".join([*labels, event.note] if event.note else labels)


class CommentPageFields:
    """The read-only fields of CommentAdmin's change page."""

    @admin.display(description=_("post"))
    def post_link(self, comment: Comment) -> str:
        # A comment's permalink finds it only where a reader may see it (a 404 otherwise): others link to the post.
        url = comment.get_absolute_url() if comment.is_public() else comment.post.get_absolute_url()
        return render_to_string("admin/comments/comment/_post_link.html", {"comment": comment, "url": url})

    @admin.display(description=_("from"))
    def commenter_details(self, comment: Comment) -> str:
        return render_to_string("admin/comments/comment/_commenter_details.html", {"comment": comment})

    @admin.display(description=_("reports"))
    def reports_detail(self, comment: Comment) -> str:
        """Every report: when, from whom (the account, or the masked address block), and why."""
        flags = list(comment.flags.all())
        if not flags:
            return gettext("No reader reported this comment.")
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
        return render_to_string("admin/comments/comment/_reports_detail.html", {"summary": summary, "flags": flags})

    @admin.display(description=_("thread"))
    def thread_context(self, comment: Comment) -> str:
        context = {"thread": thread_of(comment), "current": comment}
        return render_to_string("admin/comments/comment/_thread.html", context)

    @admin.display(description=_("history"))
    def moderation_history(self, comment: Comment) -> str:
        events = [
            (
                event,
                "; ".join([*(Reason.from_dict(data).label() for data in event.reasons), *filter(None, [event.note])]),
            )
            for event in comment.events.select_related("actor")
        ]
        return render_to_string("admin/comments/comment/_moderation_history.html", {"events": events})

    @admin.display(description=_("edits"))
    def revisions(self, comment: Comment) -> str:
        versions = list(comment.revisions.select_related("edited_by"))
        if not versions:
            return gettext("The text is as the reader wrote it.")
        texts = [version.body for version in versions] + [comment.body]
        revisions = [(version, word_diff(texts[index], texts[index + 1])) for index, version in enumerate(versions)]
        return render_to_string("admin/comments/comment/_revisions.html", {"revisions": revisions})
