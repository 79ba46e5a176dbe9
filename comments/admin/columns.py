"""The queue's columns: what a moderator reads about each comment before deciding.

The HTML of each is a template in templates/admin/comments/comment/, where
readers' text is escaped; these methods only choose what it shows.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.bidi import isolate

from ..models import STANDING, Comment, Status
from ..policy import Reason

DUE_SOON = timedelta(hours=6)


class QueueColumns:
    """The columns of CommentAdmin's list; some show on the comment's page too."""

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return isolate(Truncator(" ".join(comment.body.split())).chars(140))

    @admin.display(description=_("from"), ordering="name")
    def commenter(self, comment: Comment) -> str:
        return render_to_string("admin/comments/comment/_commenter.html", {"comment": comment})

    @admin.display(description=_("post"), ordering="post__title")
    def post_title(self, comment: Comment) -> str:
        return isolate(Truncator(comment.post.title).chars(50))

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, comment: Comment) -> str:
        return render_to_string("admin/comments/comment/_status.html", {"comment": comment})

    @admin.display(description=_("reasons"))
    def reasons_list(self, comment: Comment) -> str:
        reasons = [Reason.from_dict(data).label() for data in comment.reasons]
        return render_to_string("admin/comments/comment/_reasons.html", {"reasons": reasons})

    @admin.display(description=_("publication"), ordering="publish_at")
    def publication(self, comment: Comment) -> str:
        now = timezone.now()
        context = {"comment": comment, "public": comment.is_public(now)}
        if not context["public"] and comment.status == Status.PENDING:
            hours = max(math.ceil((comment.publish_at - now) / timedelta(hours=1)), 1)
            context["due_in"] = ngettext("public in %(hours)d h", "public in %(hours)d h", hours) % {"hours": hours}
            context["due_soon"] = comment.publish_at - now <= DUE_SOON
        return render_to_string("admin/comments/comment/_publication.html", context)

    @admin.display(description=_("reports"), ordering="flag_count")
    def reports(self, comment: Comment) -> str:
        """How many readers reported it, and their latest reasons: the queue shows why, not only how many."""
        flags = list(comment.flags.all())
        if not flags:
            return "—"
        count = ngettext("%(count)d report", "%(count)d reports", len(flags)) % {"count": len(flags)}
        context = {"comment": comment, "count": count, "latest": flags[-3:]}
        return render_to_string("admin/comments/comment/_reports.html", context)

    @admin.display(description=_("history of the address"))
    def history(self, comment: Comment) -> str:
        approved = getattr(comment, "approved_from_address", 0)
        rejected = getattr(comment, "rejected_from_address", 0)
        spam = getattr(comment, "spam_from_address", 0)
        shown = [
            ngettext("%(count)d approved", "%(count)d approved", approved) % {"count": approved} if approved else "",
            ngettext("%(count)d rejected", "%(count)d rejected", rejected) % {"count": rejected} if rejected else "",
            ngettext("%(count)d spam", "%(count)d spam", spam) % {"count": spam} if spam else "",
        ]
        return ", ".join(part for part in shown if part) or gettext("first comment")

    @admin.display(description=_("Reply"))
    def row_actions(self, comment: Comment) -> str:
        if comment.status not in STANDING:
            return ""
        return render_to_string("admin/comments/comment/_reply_button.html", {"comment": comment})
