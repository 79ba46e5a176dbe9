"""Brand mentions: which comments name an organisation, and telling its representatives.

A comment's mentions are recorded when it is saved, whatever its status
(comment_mentions_sync, called by comments.services after a comment is
created or approved). Its organisations' verified representatives are told
by e-mail once the comment is public, by the background worker: the task
that announces a comment's publication (comments.notifications) calls
mention_notices_send, and `send_mention_notices` does the same for
whatever is due, from cron or by hand.

Each representative gets at most one e-mail per comment (the notification
ledger, mail.ledger), never for a comment that is not public (held, rejected,
spam, still pending) or on a post that is not (a draft, a post scheduled
for later: Mention.objects.public), and never for a comment written by one
of that organisation's own verified representatives. Once a mention has been
handled it is marked notified: someone verified later is not sent old news.
A mention on a post not public yet waits: it is sent by the first run of
`send_mention_notices` after the post goes public, since readers can then
read it.

Keywords match whole words, in any case and with or without accents
("Verdane" finds "verdané", "VERDANE"; "Vert" does not find "Verdane").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, User
from core.bidi import isolate
from mail.ledger import Outcome, deliver
from mail.links import absolute_url
from mail.models import Delivery

from .models import Comment, Mention

logger = logging.getLogger(__name__)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def fold(text: str) -> str:
    """Text compared without case or accents: "Crème Brûlée" → "creme brulee"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in fold(keyword).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def keywords_in(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords that occur in `text` as whole words, ignoring case and accents."""
    folded = fold(text)
    return [keyword for keyword in keywords if keyword.strip() and _keyword_pattern(keyword).search(folded)]


def organizations_mentioned(
    text: str, organizations: Iterable[Organization] | None = None
) -> dict[Organization, list[str]]:
    """Map each organisation the text names to the keywords found."""
    if organizations is None:
        organizations = Organization.objects.exclude(keywords="")
    found = {}
    for organization in organizations:
        if keywords := keywords_in(text, organization.keyword_list()):
            found[organization] = keywords
    return found


def mentions_record(*, comment: Comment, now: datetime | None = None) -> list[Organization]:
    """Record which organisations a comment names; recording twice changes nothing."""
    now = now or timezone.now()
    found = organizations_mentioned(comment.body)
    Mention.objects.bulk_create(
        [
            Mention(comment=comment, organization=organization, keywords=keywords, detected_at=now)
            for organization, keywords in found.items()
        ],
        ignore_conflicts=True,
    )
    return list(found)


def _speaks_for(comment: Comment, organization_id: int, member_ids: set[int]) -> bool:
    """Whether a comment (or a row with its organization_id and user_id) is the organisation's own voice.

    Written in its name, or by one of its verified members (`member_ids`):
    such a comment is no news to them, and under a mention it is an answer.
    """
    return comment.organization_id == organization_id or comment.user_id in member_ids


def _send_notice(*, comment: Comment, recipient: User, organizations: list[Organization], now: datetime) -> Outcome:
    """One e-mail per comment and recipient, through the notification ledger: never twice."""
    context = {
        "recipient": recipient,
        "comment": comment,
        "post": comment.post,
        "organizations": ", ".join(isolate(organization.name) for organization in organizations),
        "comment_url": absolute_url(comment.get_absolute_url()),
        "dashboard_url": absolute_url(reverse("comments:dashboard")),
    }
    return deliver(
        kind=Delivery.Kind.MENTION,
        recipient=recipient.email,
        key=f"comment:{comment.pk}",
        template="comments/email/mention",
        context=context,
        language=settings.LANGUAGE_CODE,
        now=now,
    )


def mention_notices_send(*, now: datetime | None = None, comment_ids: Iterable[int] | None = None) -> int:
    """Tell verified representatives about mentions in comments that are public now, on public posts.

    Return how many e-mails were sent. Safe to run again and concurrently:
    a pair already told is skipped, and a mention is marked notified only
    when every e-mail for it went out, so a failed send is retried.
    """
    now = now or timezone.now()
    due = Mention.objects.public(now).filter(notified_at__isnull=True)
    if comment_ids is not None:
        due = due.filter(comment_id__in=comment_ids)
    due = list(due.select_related("comment__post", "organization").order_by("comment_id", "organization_id"))
    if not due:
        return 0

    members = defaultdict(set)
    users = {}
    verified = Membership.objects.verified().filter(organization__in={m.organization_id for m in due})
    for membership in verified.select_related("user"):
        members[membership.organization_id].add(membership.user_id)
        users[membership.user_id] = membership.user

    # One e-mail per comment and recipient, naming every organisation of theirs it mentions.
    letters = defaultdict(list)
    for mention in due:
        comment = mention.comment
        if _speaks_for(comment, mention.organization_id, members[mention.organization_id]):
            continue
        for user_id in members[mention.organization_id]:
            letters[comment, user_id].append(mention.organization)

    sent, failed = 0, set()
    with transaction.atomic():  # Every notice is recorded in the ledger, or none.
        for (comment, user_id), organizations in letters.items():
            outcome = _send_notice(comment=comment, recipient=users[user_id], organizations=organizations, now=now)
            sent += outcome in (Outcome.SENT, Outcome.QUEUED)
            if outcome == Outcome.FAILED:
                failed.add(comment.pk)
        Mention.objects.filter(pk__in=[m.pk for m in due if m.comment_id not in failed]).update(notified_at=now)
    return sent


def comment_mentions_sync(comment_id: int) -> list[Organization]:
    """After a comment is saved or approved: record its mentions (the worker tells the representatives)."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return []
    return mentions_record(comment=comment)


DASHBOARD_LIMIT = 200


def _answered(comment_id, organization_id, children, comments, members):
    """Whether a public comment under this one came from the organisation or one of its members."""
    stack = list(children.get(comment_id, ()))
    while stack:
        reply = comments[stack.pop()]
        if _speaks_for(reply, organization_id, members):
            return True
        stack.extend(children.get(reply.id, ()))
    return False


def dashboard_mentions(
    *, organization_ids: Iterable[int], now: datetime | None = None, limit: int = DASHBOARD_LIMIT
) -> list[Mention]:
    """The public comments on public posts naming these organisations (a representative's), newest first.

    Each mention gets `answered`: whether a public reply below it, at any
    depth, came from the organisation or one of its verified members. The
    number of queries does not depend on the number of mentions.
    """
    now = now or timezone.now()
    if not organization_ids:
        return []
    members = defaultdict(set)
    for organization_id, user_id in (
        Membership.objects.verified()
        .filter(organization__in=organization_ids)
        .values_list("organization_id", "user_id")
    ):
        members[organization_id].add(user_id)

    mentions = [
        mention
        for mention in Mention.objects.public(now)
        .filter(organization__in=organization_ids)
        .select_related("comment__post", "organization")
        .order_by("-comment__publish_at", "-comment_id")[:limit]
        if not _speaks_for(mention.comment, mention.organization_id, members[mention.organization_id])
    ]
    if not mentions:
        return []

    comments, children = {}, defaultdict(list)
    for row in (
        Comment.objects.public(now)
        .filter(post__in={m.comment.post_id for m in mentions})
        .values_list("id", "parent_id", "user_id", "organization_id", named=True)
    ):
        comments[row.id] = row
        if row.parent_id:
            children[row.parent_id].append(row.id)
    for mention in mentions:
        mention.answered = _answered(
            mention.comment_id, mention.organization_id, children, comments, members[mention.organization_id]
        )
    return mentions
