"""What the blog deletes on its own: spam and rejected comments past
COMMENTS_RETENTION_DAYS, and commenters' IP addresses and user agents past
COMMENTS_IP_RETENTION_DAYS.

Nothing else is ever purged automatically. Each purge is one function
that returns what it removed (or would remove) as lines for the operator;
`manage.py purge_comments` prints them and the periodic task logs them.
Another kind of purge is one more function in PURGES.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Comment, CommentQuerySet, Status

PURGED_STATUSES = [Status.SPAM, Status.REJECTED]


def purgeable_comments(*, now: datetime | None = None) -> CommentQuerySet:
    """Spam and rejected comments whose last decision is older than the retention, with no replies.

    A comment that replies hang from is kept: deleting it would take the
    replies with it (CASCADE), and those were never up for purging.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMMENTS_RETENTION_DAYS)
    has_replies = Exists(Comment.objects.filter(parent=OuterRef("pk")))
    return (
        Comment.objects.filter(status__in=PURGED_STATUSES, updated_at__lt=cutoff)
        .alias(has_replies=has_replies)
        .filter(has_replies=False)
        .select_related("post")
        .order_by("updated_at", "pk")
    )


def comments_purge(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Delete spam and rejected comments past the retention; return a line for each."""
    lines = []
    with transaction.atomic():
        doomed = list(purgeable_comments(now=now))
        for comment in doomed:
            lines.append(
                f"comment {comment.pk} ({comment.status}, last decided {comment.updated_at:%Y-%m-%d}) "
                f"by {comment.name} <{comment.email}> on “{comment.post.title}”"
            )
        if not dry_run and doomed:
            Comment.objects.filter(pk__in=[comment.pk for comment in doomed]).delete()
    return lines


def comment_erase_addresses(*, older_than: datetime | None = None, now: datetime | None = None) -> int:
    """Erase the IP address and user agent of comments sent before `older_than`; return how many.

    They serve the spam and rate rules, which look back hours, not months:
    by default they are kept COMMENTS_IP_RETENTION_DAYS days. The comment
    itself, its text and its moderation history are kept.
    """
    now = now or timezone.now()
    if older_than is None:
        older_than = now - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
    return Comment.objects.with_addresses(before=older_than).update(ip_address=None, user_agent="")


def addresses_erase(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Erase the IP address and user agent of comments older than the IP retention; return a line for each.

    The comment, its text and its history stay: only what identifies the
    sender's machine goes (comment_erase_addresses).
    """
    now = now or timezone.now()
    before = now - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
    with transaction.atomic():
        lines = [
            f"the IP address and user agent of comment {pk} (sent {created_at:%Y-%m-%d})"
            for pk, created_at in Comment.objects.with_addresses(before=before)
            .order_by("created_at", "pk")
            .values_list("pk", "created_at")
        ]
        if not dry_run and lines:
            comment_erase_addresses(older_than=before, now=now)
    return lines


# Each takes now= and dry_run= and returns the lines to print.
PURGES = [comments_purge, addresses_erase]
