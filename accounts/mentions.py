"""Brand mentions: which comments name an organisation, and telling its representatives.

A comment's mentions are recorded when it is saved, whatever its status
(comment_mentions_sync, called by comments.services after a comment is
created or approved). Its organisations' verified representatives are told
by e-mail once the comment is public. A pending comment becomes public when
its publish_at passes, with no event to hook on, so the
`send_mention_notices` command (run by cron or a worker) sends what is due;
the services call the same function right after an approval so the
representatives need not wait for the next run.

Each representative gets at most one e-mail per comment (MentionNotice has a
unique constraint), never for a comment that is not public (held, rejected,
spam, still pending), and never for a comment written by one of that
organisation's own verified representatives. Once a mention has been
handled it is marked notified: someone verified later is not sent old news.

Keywords match whole words, in any case and with or without accents
("Verdane" finds "verdané", "VERDANE"; "Vert" does not find "Verdane").
"""

import logging
import re
import unicodedata
from collections import defaultdict
from functools import cache
from urllib.parse import urljoin

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from comments.models import Comment, public_q

from .emails import mail_send
from .models import Membership, Mention, MentionNotice, Organization

logger = logging.getLogger(__name__)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def fold(text):
    """Text compared without case or accents: "Crème Brûlée" → "creme brulee"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@cache
def _keyword_pattern(keyword):
    words = [re.escape(word) for word in fold(keyword).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def keywords_in(text, keywords):
    """The keywords that occur in `text` as whole words, ignoring case and accents."""
    folded = fold(text)
    return [keyword for keyword in keywords if keyword.strip() and _keyword_pattern(keyword).search(folded)]


def organizations_mentioned(text, organizations=None):
    """Map each organisation the text names to the keywords found."""
    if organizations is None:
        organizations = Organization.objects.exclude(keywords="")
    found = {}
    for organization in organizations:
        if keywords := keywords_in(text, organization.keyword_list()):
            found[organization] = keywords
    return found


def mentions_record(*, comment, now=None):
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


def site_url():
    """The address links in e-mails start with: SITE_URL, or the first host the blog answers to."""
    configured = settings.SITE_URL
    if configured:
        return configured.rstrip("/") + "/"
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


def _speaks_for(comment, organization_id, member_ids):
    """Whether a comment (or a row with its organization_id and user_id) is the organisation's own voice.

    Written in its name, or by one of its verified members (`member_ids`):
    such a comment is no news to them, and under a mention it is an answer.
    """
    return comment.organization_id == organization_id or comment.user_id in member_ids


def _send_notice(*, comment, recipient, organizations, now):
    """Claim the (comment, recipient) pair and send the e-mail; a failed send releases the claim."""
    context = {
        "recipient": recipient,
        "comment": comment,
        "post": comment.post,
        "organizations": ", ".join(organization.name for organization in organizations),
        "blog_title": settings.BLOG_TITLE,
        "comment_url": urljoin(site_url(), comment.get_absolute_url()),
        "dashboard_url": urljoin(site_url(), reverse("accounts:dashboard")),
    }
    try:
        with transaction.atomic():
            MentionNotice.objects.create(comment=comment, recipient=recipient, sent_at=now)
            with translation.override(settings.LANGUAGE_CODE):
                mail_send(template="accounts/email/mention", context=context, to=recipient.email)
    except IntegrityError:
        return False  # Already told, by another run.
    return True


def mention_notices_send(*, now=None, comment_ids=None):
    """Tell verified representatives about mentions in comments that are public now.

    Return how many e-mails were sent. Safe to run again and concurrently:
    a pair already told is skipped, and a mention is marked notified only
    when every e-mail for it went out, so a failed send is retried.
    """
    now = now or timezone.now()
    due = Mention.objects.filter(public_q(now, prefix="comment__"), notified_at__isnull=True)
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
    told = set(
        MentionNotice.objects.filter(comment__in={m.comment_id for m in due}).values_list("comment_id", "recipient_id")
    )

    # One e-mail per comment and recipient, naming every organisation of theirs it mentions.
    letters = defaultdict(list)
    for mention in due:
        comment = mention.comment
        if _speaks_for(comment, mention.organization_id, members[mention.organization_id]):
            continue
        for user_id in members[mention.organization_id]:
            letters[comment, user_id].append(mention.organization)

    sent, failed = 0, set()
    for (comment, user_id), organizations in letters.items():
        if (comment.pk, user_id) in told:
            continue
        try:
            sent += _send_notice(comment=comment, recipient=users[user_id], organizations=organizations, now=now)
        except Exception:
            logger.exception("Could not send the mention notice for comment %s to user %s", comment.pk, user_id)
            failed.add(comment.pk)
    Mention.objects.filter(pk__in=[m.pk for m in due if m.comment_id not in failed]).update(notified_at=now)
    return sent


def comment_mentions_sync(comment_id):
    """After a comment is saved or approved: record its mentions and tell whoever should know now."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return 0
    mentions_record(comment=comment)
    return mention_notices_send(comment_ids=[comment.pk])


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


def dashboard_mentions(*, organization_ids, now=None, limit=DASHBOARD_LIMIT):
    """The public comments naming these organisations (a representative's), newest first.

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
        for mention in Mention.objects.filter(public_q(now, prefix="comment__"), organization__in=organization_ids)
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
