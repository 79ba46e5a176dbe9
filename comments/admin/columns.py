"""The queue's columns: what a moderator reads about each comment before deciding."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.contrib import admin
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.bidi import bdi, isolate

from ..models import STANDING, Comment, Status
from ..policy import Reason

DUE_SOON = timedelta(hours=6)


def when(moment: datetime) -> str:
    """A date and time as the moderator's language writes them, in the site's time zone."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


class QueueColumns:
    """The columns of CommentAdmin's list; some show on the comment's page too."""

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return isolate(Truncator(" ".join(comment.body.split())).chars(140))

    @admin.display(description=_("from"), ordering="name")
    def commenter(self, comment: Comment) -> SafeString:
        account = format_html(' <span class="reason">{}</span>', gettext("account")) if comment.user_id else ""
        return format_html('{}{}<br><span class="quiet">{}</span>', bdi(comment.name), account, bdi(comment.email))

    @admin.display(description=_("post"), ordering="post__title")
    def post_title(self, comment: Comment) -> str:
        return isolate(Truncator(comment.post.title).chars(50))

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, comment: Comment) -> SafeString:
        return format_html(
            '<span class="status-badge status-{}">{}</span>', comment.status, comment.get_status_display()
        )

    @admin.display(description=_("reasons"))
    def reasons_list(self, comment: Comment) -> SafeString | str:
        return (
            format_html_join(
                "", '<span class="reason">{}</span>', ((Reason.from_dict(data).label(),) for data in comment.reasons)
            )
            or "—"
        )

    @admin.display(description=_("publication"), ordering="publish_at")
    def publication(self, comment: Comment) -> SafeString | str:
        now = timezone.now()
        if comment.is_public(now):
            return format_html("{} {}", gettext("public since"), when(comment.publish_at))
        if comment.status == Status.PENDING:
            hours = max(math.ceil((comment.publish_at - now) / timedelta(hours=1)), 1)
            text = ngettext("public in %(hours)d h", "public in %(hours)d h", hours) % {"hours": hours}
            soon = comment.publish_at - now <= DUE_SOON
            return format_html('<span class="{}">{}</span>', "due-soon" if soon else "", text)
        if comment.status == Status.HELD:
            return gettext("waits for a moderator")
        return "—"

    @admin.display(description=_("reports"), ordering="flag_count")
    def reports(self, comment: Comment) -> SafeString | str:
        """How many readers reported it, and their latest reasons: the queue shows why, not only how many."""
        flags = list(comment.flags.all())
        if not flags:
            return "—"
        review = ""
        if comment.review_requested_at:
            review = format_html('<span class="due-soon">{}</span><br>', gettext("stays public until you decide"))
        latest = format_html_join(
            "",
            '<div class="quiet" dir="auto">{}</div>',
            ((f"{flag.reason or gettext('no reason given')} ({when(flag.created_at)})",) for flag in flags[-3:]),
        )
        count = ngettext("%(count)d report", "%(count)d reports", len(flags)) % {"count": len(flags)}
        return format_html("{}{}{}", review, count, latest)

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
    def row_actions(self, comment: Comment) -> SafeString | str:
        if comment.status not in STANDING:
            return ""
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:comments_comment_reply", args=[comment.pk]),
            gettext("Reply"),
        )
