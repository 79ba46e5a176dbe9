"""Every change to a comment's status goes through these functions.

Views and admin actions are two doors to the same functions. Each takes the
acting user (never the request), changes the comment in one transaction and
records a ModerationEvent saying who or what decided, from what status to
what status, and why. No function here deletes a comment or edits its text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.impersonation import imitated
from accounts.models import Organization, User
from blog.models import Post

from . import badges, mentions, policy, tasks
from .models import STANDING, WAITING, Comment, Flag, ModerationEvent, Revision, Status, Subscription
from .reporters import Reporter


class CommentRefused(Exception):
    """The policy refused the comment: nothing was saved, the reader keeps the text."""

    def __init__(self, decision):
        super().__init__(decision.outcome)
        self.decision = decision


class NotAMember(PermissionError):
    """Only a verified member may write for an organisation (a forged form field ends here)."""


class CommentsClosed(Exception):
    """The post does not accept comments (closed, or not public)."""


def poster_history(
    *,
    post: Post,
    email: str,
    ip_address: str | None,
    now: datetime,
    rules: policy.Rules | None = None,
    user: User | None = None,
) -> policy.History:
    """Count what the policy needs to know about a poster, in at most five queries.

    `user` is the account the poster is logged in to, if any. An address
    that belongs to an account lends no trust to a poster who is not logged
    in to it: earlier comments under that address count as approved only
    when they were written from the account.
    """
    account_id = user.pk if user is not None else _account_at(email)
    recent = Comment.objects.filter(created_at__gte=now - settings.COMMENTS_RATE_WINDOW)
    same_poster = Q(email__iexact=email) if email else Q(pk__in=[])
    if ip_address:
        same_poster |= Q(ip_address=ip_address)
    rules = rules or policy.Rules.from_settings()
    return policy.History(
        recent_from_ip=recent.filter(ip_address=ip_address).count() if ip_address else 0,
        recent_from_email=recent.filter(email__iexact=email).count() if email else 0,
        recent_bodies=tuple(
            Comment.objects.filter(
                same_poster, post=post, created_at__gte=now - settings.COMMENTS_DUPLICATE_WINDOW
            ).values_list("body", flat=True)[:50]
        ),
        public_from_address=(
            # Public counts, not only "approved": most comments go public by the delay.
            Comment.objects.by_address(email).from_account(account_id).public(now).count()
            if rules.require_previous_approval and email
            else 0
        ),
        address_of_account=user is None and account_id is not None,
    )


def _account_at(email: str) -> int | None:
    """The id of the account whose address this is, matched as logins match it; None for none."""
    if not email:
        return None
    return User.objects.at_address(email).values_list("pk", flat=True).first()


def comment_create(
    *,
    post: Post,
    body: str,
    name: str = "",
    email: str = "",
    website: str = "",
    user: User | AnonymousUser | None = None,
    parent: Comment | None = None,
    organization: Organization | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    honeypot: str = "",
    seconds_to_submit: float | None = None,
    form_token: str | None = None,
    allow_closed: bool = False,
    language: str = "",
    now: datetime | None = None,
) -> Comment:
    """Run the policy on a new comment and save it with its decision, or refuse it.

    A second submission of the same form (same `form_token`, on the same
    post) returns the comment the first one created instead of creating
    another. The view hands that comment to the sender, so the token must be
    one only its reader could send (comments.forms.new_form_token binds it to
    the reader and the post). The
    moderators are told of a comment that enters the queue, and a comment
    published at once is announced, by the worker (comments.tasks).
    `language` is the page's: the commenter's e-mails are written in it.
    """
    now = now or timezone.now()
    if form_token and (existing := Comment.objects.filter(post=post, form_token=form_token).first()):
        return existing
    if not allow_closed and not post.comments_open(now):
        raise CommentsClosed
    if parent is not None and parent.post_id != post.pk:
        raise ValueError("A reply must belong to the same post as its parent.")
    if user is not None and user.is_authenticated:
        name, email = user.display_name, user.email
        website = website or user.website
    else:
        user = None
    if organization is not None and not (
        user is not None and user.memberships.verified().filter(organization=organization).exists()
    ):
        raise NotAMember(organization)
    speaks_verified = organization is not None and settings.COMMENTS_APPROVE_VERIFIED
    # Trusted: who wrote the post, and moderators (their comment is a moderator's act). Other staff
    # comment like readers; the badge is another matter (comments.badges): a moderator wears none.
    trusted = speaks_verified or (
        user is not None and (post.is_written_by(user) or user.has_perm("comments.moderate_comment"))
    )

    rules = policy.Rules.from_settings()
    draft = policy.Draft(
        body=body,
        name=name,
        email=email,
        website=website,
        trusted=trusted,
        honeypot=honeypot,
        seconds_to_submit=seconds_to_submit,
    )
    history = poster_history(post=post, email=email, ip_address=ip_address, now=now, rules=rules, user=user)
    decision = policy.decide(draft, history, now=now, rules=rules)
    if decision.refused:
        raise CommentRefused(decision)

    reasons = [reason.as_dict() for reason in decision.reasons]
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                post=post,
                parent=parent,
                user=user,
                organization=organization,
                name=name,
                email=email,
                website=website,
                body=body,
                status=decision.status,
                publish_at=decision.publish_at,
                published_at=now if decision.status == Status.APPROVED else None,
                reasons=reasons,
                ip_address=ip_address,
                user_agent=user_agent[:300],
                form_token=form_token,
                language=language,
                created_at=now,
            )
            event = ModerationEvent.objects.create(
                comment=comment,
                source=ModerationEvent.Source.POLICY,
                to_status=comment.status,
                reasons=reasons,
                created_at=now,
            )
            if comment.status in WAITING:
                tasks.moderators_notify.enqueue(event.pk)
            elif comment.status == Status.APPROVED:
                tasks.publication_announce.enqueue(comment.pk)
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request won.
        if form_token and (existing := Comment.objects.filter(post=post, form_token=form_token).first()):
            return existing
        raise
    transaction.on_commit(partial(mentions.comment_mentions_sync, comment.pk), robust=True)
    return comment


def comment_import(
    *,
    post: Post,
    body: str,
    status: str,
    created_at: datetime,
    source: str,
    source_id: str,
    source_label: str,
    name: str = "",
    email: str = "",
    website: str = "",
    user: User | None = None,
    parent: Comment | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    publish_at: datetime | None = None,
    published_at: datetime | None = None,
    actor: User | None = None,
    imitation: Callable[..., str | None] = imitated,
    now: datetime | None = None,
) -> Comment:
    """Save a comment brought from another blog, with the status and dates it had there.

    An imported comment is history, not a new submission: the delay, rate
    limits and timing checks do not apply, and nobody is notified, now or
    later: it counts as announced (announced_at), so the worker never tells
    its writer of a publication that happened years ago on another blog.
    But it is no back door: a name that imitates a badge wearer's (checked
    against `user`, the account the operator's author map gave it, if any)
    or a blocked word holds it for a person, whatever its status at the
    source (policy.review_import), with the reason. Its ModerationEvent
    (source: import, by `actor`, the account that ran the import, if known)
    records the status it arrived with, so the audit trail says where each
    decision came from. An approved comment is public from its original
    date unless `publish_at` says otherwise; `published_at` is stored as given.
    `imitation` is accounts.impersonation.imitated, or an importer's memo of it.
    """
    now = now or timezone.now()
    if parent is not None and parent.post_id != post.pk:
        raise ValueError("A reply must belong to the same post as its parent.")
    held = policy.review_import(
        policy.Draft(body=body, name=name, website=website),
        rules=policy.Rules.from_settings(),
        imitates=imitation(name, user=user) or "",
    )
    if held and status in STANDING:
        status, publish_at, published_at = Status.HELD, None, None
    else:
        held = ()
    if status == Status.APPROVED:
        publish_at = publish_at or created_at
    elif status == Status.PENDING and publish_at is None:
        raise ValueError("A pending comment needs its publication time.")
    reasons = [policy.Reason("imported", word=source_label).as_dict(), *(reason.as_dict() for reason in held)]
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            user=user,
            name=name[:80],
            email=email,
            website=website,
            body=body,
            status=status,
            publish_at=publish_at,
            published_at=published_at,
            reasons=reasons,
            ip_address=ip_address,
            user_agent=user_agent[:300],
            created_at=created_at,
            source=source,
            source_id=source_id,
            announced_at=now,
        )
        ModerationEvent.objects.create(
            comment=comment,
            actor=actor,
            source=ModerationEvent.Source.IMPORT,
            to_status=status,
            reasons=reasons,
            created_at=now,
        )
    return comment


class TransitionRefused(ValueError):
    """The comment's status does not allow this decision (it is already there, or withdrawn)."""


# Which statuses each new status may be reached from. A comment its author
# removed stays removed: no moderator publishes words their writer withdrew.
# Pending comes from a decided comment put back in the queue; a pending
# comment waiting longer (comment_extend_delay) is the one same-status move.
ALLOWED_FROM = {
    Status.APPROVED: {*WAITING, Status.REJECTED, Status.SPAM},
    Status.REJECTED: {*STANDING, Status.SPAM},
    Status.SPAM: {*STANDING, Status.REJECTED},
    Status.PENDING: {Status.HELD, Status.APPROVED, Status.REJECTED, Status.SPAM},
    Status.HELD: {Status.PENDING, Status.APPROVED},
    Status.REMOVED: set(STANDING),
}


def allows(comment: Comment, to_status: str) -> bool:
    """Whether ALLOWED_FROM lets this comment reach `to_status` (pages use it to offer a decision)."""
    return comment.status in ALLOWED_FROM[to_status]


def _transition(
    comment: Comment,
    to_status: str,
    *,
    actor: User | None,
    source: str,
    why: Iterable[policy.Reason] = (),
    note: str = "",
    now: datetime | None = None,
    allowed_from: Iterable[str] | None = None,
    **changes: object,
) -> ModerationEvent:
    """Move a comment to a new status and record the event, atomically.

    Raise TransitionRefused, changing nothing, when the locked row's status
    is not in `allowed_from` (by default ALLOWED_FROM[to_status]); deciding
    on the locked row means two moderators cannot both act.
    """
    now = now or timezone.now()
    allowed_from = ALLOWED_FROM[to_status] if allowed_from is None else allowed_from
    if source == ModerationEvent.Source.MODERATOR:
        changes.setdefault("review_requested_at", None)  # A person decided: the readers' reports are answered.
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status not in allowed_from:
            raise TransitionRefused(f"A {locked.status} comment cannot become {to_status}.")
        event = ModerationEvent.objects.create(
            comment=locked,
            actor=actor,
            source=source,
            from_status=locked.status,
            to_status=to_status,
            reasons=[reason.as_dict() for reason in why],
            note=note,
            created_at=now,
        )
        locked.status = to_status
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *changes])
    comment.refresh_from_db()
    return event


def comment_approve(
    *, comment: Comment, moderator: User, note: str = "", now: datetime | None = None
) -> ModerationEvent:
    """Publish now (or keep the time it already went public).

    An approved comment that readers' reports put in review is approved
    again: the moderator keeps it, and the review is closed.
    """
    now = now or timezone.now()
    publish_at = comment.publish_at if comment.is_public(now) and comment.publish_at else now
    allowed_from = ALLOWED_FROM[Status.APPROVED]
    if comment.review_requested_at is not None:
        allowed_from = {*allowed_from, Status.APPROVED}
    with transaction.atomic():
        event = _transition(
            comment,
            Status.APPROVED,
            actor=moderator,
            source=ModerationEvent.Source.MODERATOR,
            note=note,
            now=now,
            allowed_from=allowed_from,
            publish_at=publish_at,
            published_at=comment.published_at or now,
        )
        tasks.publication_announce.enqueue(comment.pk)
    transaction.on_commit(partial(mentions.comment_mentions_sync, comment.pk), robust=True)
    return event


def comment_reject(
    *, comment: Comment, moderator: User, note: str = "", share_reason: bool = False, now: datetime | None = None
) -> ModerationEvent:
    """Refuse a comment; its writer is told by e-mail, with `note` only if `share_reason`."""
    with transaction.atomic():
        event = _transition(
            comment, Status.REJECTED, actor=moderator, source=ModerationEvent.Source.MODERATOR, note=note, now=now
        )
        tasks.rejection_notify.enqueue(event.pk, share_reason)
    return event


def comment_mark_spam(
    *, comment: Comment, moderator: User, note: str = "", now: datetime | None = None
) -> ModerationEvent:
    return _transition(
        comment, Status.SPAM, actor=moderator, source=ModerationEvent.Source.MODERATOR, note=note, now=now
    )


def comment_remove(*, comment: Comment, actor: User | None = None, now: datetime | None = None) -> ModerationEvent:
    """Withdraw a comment at its author's request. The text is kept for the record."""
    return _transition(comment, Status.REMOVED, actor=actor, source=ModerationEvent.Source.COMMENTER, now=now)


class ReportRefused(Exception):
    """This reader identity used up its reports for the day: nothing was recorded."""

    def __init__(self, scope, retry_after):
        super().__init__(scope)
        self.scope, self.retry_after = scope, retry_after


def reports_over_budget(*, reporter: Reporter, now: datetime) -> str | None:
    """Which daily budget this identity's reports of the last 24 hours exceed ("account", "block"), or None."""
    recent = Flag.objects.filter(created_at__gt=now - timedelta(days=1))
    per_account = settings.COMMENTS_REPORTS_PER_DAY_PER_ACCOUNT
    if reporter.user is not None and recent.filter(user=reporter.user).count() > per_account:
        return "account"
    if recent.filter(network=reporter.network).count() > settings.COMMENTS_REPORTS_PER_DAY_PER_BLOCK:
        return "block"
    return None


def _lock_reporter(reporter: Reporter) -> None:
    """Count one identity's reports one at a time, until the transaction ends.

    On PostgreSQL each identity (its account, its block) takes a transaction
    advisory lock, in a fixed order so two reports cannot deadlock. SQLite
    needs none: the transaction's first write holds the database's one
    write lock until it commits.
    """
    if connection.vendor != "postgresql":
        return
    names = {f"block:{reporter.network}", *([f"user:{reporter.user.pk}"] if reporter.user is not None else [])}
    keys = sorted(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True) for name in names)
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def comment_flag(*, comment: Comment, reporter: Reporter, reason: str = "", now: datetime | None = None) -> bool:
    """Record one reader's report; when enough independent readers agree, put the comment before a moderator.

    `reporter` is a comments.reporters.Reporter: an account or an address
    block, never a session. Return False when this identity had already
    reported the comment; raise ReportRefused when it used up its budget
    for the day (COMMENTS_REPORTS_PER_DAY_PER_ACCOUNT, ..._PER_BLOCK).

    Independent readers are distinct address blocks (an account counts
    under the block it reported from): several accounts or sessions on one
    block are one reader. At COMMENTS_FLAGS_TO_HOLD of them an ordinary
    comment is held, off the page. A comment that wears a badge (the post's
    authors', a verified representative's) is never hidden by reports
    alone: it stays public and enters the queue (review_requested_at) until
    a moderator decides.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # One transaction: the comment's row is locked first (its count), then the identity, so
            # concurrent reports on one comment, or from one identity, are counted one at a time:
            # none slips past a budget, and the hold is decided once.
            Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
            _lock_reporter(reporter)
            Flag.objects.create(
                comment=comment,
                reporter=reporter.key,
                user=reporter.user,
                network=reporter.network,
                network_label=reporter.network_label,
                reason=reason[:200],
                created_at=now,
            )
            if (scope := reports_over_budget(reporter=reporter, now=now)) is not None:
                raise ReportRefused(scope, retry_after=24 * 3600)  # Rolls the report back.
            comment.refresh_from_db()
            _reports_decide(comment, now=now)
    except IntegrityError:
        return False
    return True


def _reports_decide(comment: Comment, *, now: datetime) -> None:
    """Put a reported comment before a moderator once enough independent readers agree (see comment_flag)."""
    readers = comment.flags.independent_readers()
    if readers < settings.COMMENTS_FLAGS_TO_HOLD or not comment.is_public(now):
        return
    flagged = policy.Reason("flags", count=readers)
    badged = badges.badge_for(comment, comment.post, badges.verified_pairs([comment])) is not None
    if badged and comment.review_requested_at is not None:
        return  # Already before a moderator.
    if badged:  # Stays as it is, public, and enters the queue.
        to_status, allowed_from, changes = comment.status, {comment.status}, {"review_requested_at": now}
    else:
        to_status, allowed_from, changes = Status.HELD, None, {"reasons": [*comment.reasons, flagged.as_dict()]}
    event = _transition(
        comment,
        to_status,
        actor=None,
        source=ModerationEvent.Source.READERS,
        why=[flagged],
        now=now,
        allowed_from=allowed_from,
        **changes,
    )
    tasks.moderators_notify.enqueue(event.pk)


def comment_requeue(
    *, comment: Comment, moderator: User, note: str = "", now: datetime | None = None
) -> ModerationEvent:
    """Put a decided comment back in the queue, with a new publication delay."""
    now = now or timezone.now()
    return _transition(
        comment,
        Status.PENDING,
        actor=moderator,
        source=ModerationEvent.Source.MODERATOR,
        note=note,
        now=now,
        publish_at=now + settings.COMMENTS_PUBLICATION_DELAY,
        published_at=None,
    )


def comment_extend_delay(
    *, comment: Comment, moderator: User, hours: int, note: str = "", now: datetime | None = None
) -> ModerationEvent:
    """Push back the publication of a pending comment that is not public yet."""
    now = now or timezone.now()
    if comment.is_public(now):
        raise TransitionRefused("A comment that is already public cannot wait longer.")
    return _transition(
        comment,
        Status.PENDING,
        actor=moderator,
        source=ModerationEvent.Source.MODERATOR,
        note=note or f"+{hours} h",
        now=now,
        allowed_from={Status.PENDING},
        publish_at=(comment.publish_at or now) + timedelta(hours=hours),  # Not pending: refused by _transition.
    )


def comment_edit(
    *, comment: Comment, moderator: User, body: str, note: str, now: datetime | None = None
) -> Revision | None:
    """Change a comment's text, keeping the original as a revision the page mentions."""
    now = now or timezone.now()
    if not note.strip():
        raise ValueError("An edit needs a reason.")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.body == body:
            return None
        revision = Revision.objects.create(
            comment=locked, body=locked.body, edited_by=moderator, note=note, created_at=now
        )
        ModerationEvent.objects.create(
            comment=locked,
            actor=moderator,
            source=ModerationEvent.Source.MODERATOR,
            from_status=locked.status,
            to_status=locked.status,
            note=note,
            reasons=[policy.Reason("edited").as_dict()],
            created_at=now,
        )
        locked.body = body
        locked.edited_at = now
        locked._revision_recorded = True
        locked.save(update_fields=["body", "edited_at", "updated_at"])
    comment.refresh_from_db()
    return revision


def comment_reply(
    *, parent: Comment, author: User, body: str, organization: Organization | None = None, now: datetime | None = None
) -> Comment:
    """Answer a comment from the admin: published at once, and the parent with it.

    As in WordPress' "approve and reply", a parent still waiting in the
    queue is approved first, so the answer never shows under nothing. The
    admin's door is for moderators, whose comments comment_create approves
    at once; the reply wears the Author badge only if `author` wrote the
    post (comments.badges).
    """
    now = now or timezone.now()
    if not parent.is_public(now) and parent.status not in WAITING:
        raise TransitionRefused("Only a public comment or one in the queue can be answered.")
    with transaction.atomic():
        if not parent.is_public(now):
            comment_approve(comment=parent, moderator=author, note="approved with a reply", now=now)
        return comment_create(
            post=parent.post,
            parent=parent,
            user=author,
            organization=organization,
            body=body,
            now=now,
            allow_closed=True,
        )


# -- reply subscriptions and the suppression list ------------------------------------


def subscription_create(
    *, comment: Comment, scope: str, language: str = "", now: datetime | None = None
) -> Subscription | None:
    """Subscribe a comment's writer to replies (or the whole thread); None when there is no one to write to.

    A logged-in writer's address is confirmed (accounts are activated by a
    link), so their subscription is too. An anonymous writer is sent a link
    to confirm first (double opt-in): until then nothing else is sent.
    """
    if not comment.email or comment.status == Status.SPAM:
        return None
    now = now or timezone.now()
    confirmed = comment.user_id is not None
    with transaction.atomic():
        subscription, created = Subscription.objects.get_or_create(
            comment=comment,
            defaults={
                "email": comment.email,
                "scope": scope,
                "language": language,
                "confirmed_at": now if confirmed else None,
                "created_at": now,
            },
        )
        if created and not confirmed:
            tasks.subscription_confirmation_send.enqueue(subscription.pk)
    return subscription


def subscription_confirm(*, subscription: Subscription, now: datetime | None = None) -> Subscription:
    """The reader followed the link: from now on they hear of replies. Confirming twice changes nothing."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now or timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription
