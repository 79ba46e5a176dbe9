"""Who hears of what about comments, and the e-mail they get.

The worker runs these (comments.tasks); each e-mail goes through
mail.ledger.deliver, so it is sent once and never to a suppressed
address. What triggers them:

- a comment enters the queue or is held (comment_create, readers' reports):
  the moderators, at once, or in an hourly or daily digest
  (NOTIFICATIONS_MODERATOR_DIGEST);
- a comment becomes public, by a moderator's approval or because its
  publish_at passed (there is no event for that: the periodic task finds
  the public comments not yet announced, Comment.objects.unannounced()):
  its writer ("published"), the reply subscribers, and the representatives
  of the organisations it mentions. Announcing marks the comment, so each
  publication is announced once;
- a moderator rejects a comment: its writer, with the reason if the
  moderator chose to share it;
- an anonymous reader asks for reply notifications: a signed link to
  confirm the address first (double opt-in).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from core.tokens import LinkRefused, signed_token, token_data
from mail.ledger import Outcome, deliver
from mail.links import MailLink, absolute_url, mail_link
from mail.models import Delivery
from mail.suppressions import normalize

from . import mentions
from .models import WAITING, Comment, ModerationEvent, Status, Subscription

CONFIRM_SALT = "comments.subscription-confirm"
# A reader's subscription ends with their comment if it is taken off the blog.
_GONE = [Status.REJECTED, Status.SPAM, Status.REMOVED]


# -- moderators ---------------------------------------------------------------


def moderator_addresses() -> list[str]:
    """Active accounts allowed to moderate comments, and NOTIFICATIONS_MODERATOR_EMAILS."""
    permission = Permission.objects.filter(codename="moderate_comment", content_type__app_label="comments").first()
    can_moderate = Q(is_superuser=True)
    if permission is not None:
        can_moderate |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    users = get_user_model().objects.filter(can_moderate, is_active=True, is_staff=True)
    addresses = {normalize(email) for email in users.values_list("email", flat=True)}
    addresses |= {normalize(email) for email in settings.NOTIFICATIONS_MODERATOR_EMAILS}
    return sorted(address for address in addresses if address)


def admin_url(comment: Comment) -> str:
    return absolute_url(reverse("admin:comments_comment_change", args=[comment.pk]))


def moderators_notify(*, event_id: int, now: datetime | None = None) -> list[Outcome]:
    """Tell the moderators that a comment entered the queue or was held (unless they get digests).

    Return each e-mail's outcome.
    """
    if settings.NOTIFICATIONS_MODERATOR_DIGEST:
        return []
    event = ModerationEvent.objects.select_related("comment__post").filter(pk=event_id).first()
    if event is None or event.comment.status != event.to_status:
        return []  # Decided since: nothing left to look at.
    if event.from_status == event.to_status and event.comment.review_requested_at is None:
        return []  # Readers' reports on a badged comment that a moderator answered since.
    comment = event.comment
    context = {"comment": comment, "post": comment.post, "event": event, "admin_url": admin_url(comment)}
    with transaction.atomic():  # Every moderator's e-mail is recorded, or none: a task run again records the rest.
        return [
            deliver(
                kind=Delivery.Kind.QUEUED,
                recipient=address,
                key=f"event:{event.pk}",
                template="comments/email/queued",
                context=context,
                language=settings.LANGUAGE_CODE,
                now=now,
            )
            for address in moderator_addresses()
        ]


def digest_period(now: datetime) -> tuple[datetime, datetime]:
    """The last whole hour or day (in TIME_ZONE) before `now`, as (start, end)."""
    local = timezone.localtime(now)
    if settings.NOTIFICATIONS_MODERATOR_DIGEST == "daily":
        end = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return end - timedelta(days=1), end
    end = local.replace(minute=0, second=0, microsecond=0)
    return end - timedelta(hours=1), end


def moderation_digest_send(*, now: datetime | None = None) -> int:
    """One e-mail per moderator listing the comments that entered the queue in the last period.

    Sent by the first periodic run after the hour (or day) ends; the ledger
    key names the period, so later runs send nothing more for it.
    """
    if not settings.NOTIFICATIONS_MODERATOR_DIGEST:
        return 0
    now = now or timezone.now()
    start, end = digest_period(now)
    entered = ModerationEvent.objects.filter(created_at__gte=start, created_at__lt=end).filter(
        # Entered the queue: a new status to wait in, or readers' reports that put a badged comment there.
        (Q(to_status__in=WAITING) & ~Q(from_status=F("to_status"))) | Q(source=ModerationEvent.Source.READERS)
    )
    entered = entered.values_list("comment_id", flat=True)
    comments = list(Comment.objects.queue().filter(pk__in=entered).select_related("post"))
    if not comments:
        return 0
    context = {
        "entries": [{"comment": comment, "admin_url": admin_url(comment)} for comment in comments],
        "start": start,
        "end": end,
        "queue_url": absolute_url(reverse("admin:comments_comment_changelist")),
    }
    with transaction.atomic():  # Every moderator's digest is recorded, or none.
        outcomes = [
            deliver(
                kind=Delivery.Kind.DIGEST,
                recipient=address,
                key=f"digest:{start.isoformat()}",
                template="comments/email/digest",
                context=context,
                language=settings.LANGUAGE_CODE,
                now=now,
            )
            for address in moderator_addresses()
        ]
    return sum(outcome in (Outcome.SENT, Outcome.QUEUED) for outcome in outcomes)


# -- the commenter ------------------------------------------------------------


def _approved_at_submission(comment: Comment) -> bool:
    """A trusted poster's comment was public at once: telling them it was published is noise."""
    first = comment.events.order_by("created_at", "pk").first()
    return first is not None and first.source == ModerationEvent.Source.POLICY and first.to_status == Status.APPROVED


def rejection_notify(*, event_id: int, share_reason: bool = False, now: datetime | None = None) -> Outcome:
    """Tell a commenter their comment was rejected, with the moderator's reason if they chose to share it."""
    event = ModerationEvent.objects.select_related("comment__post").filter(pk=event_id).first()
    if event is None or event.comment.status != Status.REJECTED or not event.comment.email:
        return Outcome.SKIPPED
    comment = event.comment
    return deliver(
        kind=Delivery.Kind.REJECTED,
        recipient=comment.email,
        key=f"comment:{comment.pk}",
        template="comments/email/rejected",
        context={
            "comment": comment,
            "post": comment.post,
            "reason": event.note if share_reason else "",
            "post_url": absolute_url(comment.post.get_absolute_url()),
        },
        language=comment.language,
        now=now,
    )


# -- publication ----------------------------------------------------------------


def subscribers_of(comment: Comment) -> list[Subscription]:
    """Confirmed subscriptions that want to hear of this comment, one per address, never its own writer's."""
    wanted = Q(scope=Subscription.Scope.REPLIES, comment_id=comment.parent_id) | Q(
        scope=Subscription.Scope.THREAD, comment__post_id=comment.post_id
    )
    found = {}
    for subscription in (
        Subscription.objects.filter(wanted, confirmed_at__isnull=False)
        .exclude(comment__status__in=_GONE)
        .exclude(comment_id=comment.pk)
        .order_by("created_at", "pk")
    ):
        address = normalize(subscription.email)
        if address != normalize(comment.email):
            found.setdefault(address, subscription)
    return list(found.values())


def publication_announce(*, comment: Comment, now: datetime | None = None) -> bool:
    """Send what follows a comment's publication, then mark it announced; return whether all went out.

    A failed e-mail leaves the comment unannounced, so the next periodic
    run tries again; what was sent is not sent twice (the ledger).
    """
    now = now or timezone.now()
    if not comment.is_public(now) or comment.announced_at is not None:
        return True
    if not comment.post.is_published(now):
        return False  # Readers cannot open the post yet: announced once it is published, never before.
    with transaction.atomic():  # Every e-mail of the announcement is recorded, or none.
        outcomes = _announcement_deliver(comment, now=now)
    mentions.mentions_record(comment=comment, now=now)
    mentions.mention_notices_send(now=now, comment_ids=[comment.pk])
    if Outcome.FAILED in outcomes:
        return False
    Comment.objects.filter(pk=comment.pk, announced_at__isnull=True).update(announced_at=now)
    return True


def _announcement_deliver(comment: Comment, *, now: datetime) -> list[Outcome]:
    """The e-mails a comment's publication sends: to its writer, and to the subscribers of the thread."""
    outcomes = []
    comment_url = absolute_url(comment.get_absolute_url())
    context = {"comment": comment, "post": comment.post, "comment_url": comment_url}
    if comment.email and not _approved_at_submission(comment):
        outcomes.append(
            deliver(
                kind=Delivery.Kind.PUBLISHED,
                recipient=comment.email,
                key=f"comment:{comment.pk}",
                template="comments/email/published",
                context=context,
                language=comment.language,
                now=now,
            )
        )
    for subscription in subscribers_of(comment):
        outcomes.append(
            deliver(
                kind=Delivery.Kind.REPLY,
                recipient=subscription.email,
                key=f"comment:{comment.pk}",
                template="comments/email/reply",
                context={**context, "subscription": subscription},
                language=subscription.language,
                now=now,
            )
        )
    return outcomes


def publications_announce(*, now: datetime | None = None, limit: int = 500) -> int:
    """Announce the comments that became public since the last run; return how many were announced."""
    now = now or timezone.now()
    announced = 0
    waiting = Comment.objects.unannounced(now).filter(post__in=Post.objects.published(now))
    for comment in waiting.select_related("post").order_by("publish_at", "pk")[:limit]:
        announced += publication_announce(comment=comment, now=now)
    return announced


# -- reply subscriptions ----------------------------------------------------------


def confirmation_token(subscription: Subscription) -> str:
    return signed_token({"s": subscription.pk, "e": normalize(subscription.email)}, salt=CONFIRM_SALT)


def subscription_for_token(token: str) -> Subscription:
    """The subscription a confirmation link names; raise accounts.tokens.LinkRefused if expired or altered."""
    data = token_data(token, salt=CONFIRM_SALT, max_age=settings.NOTIFICATIONS_CONFIRM_LINK_MAX_AGE)
    subscription = Subscription.objects.select_related("comment__post").filter(pk=data.get("s")).first()
    if subscription is None or normalize(subscription.email) != data.get("e"):
        raise LinkRefused("invalid")
    return subscription


@mail_link
def subscription_confirm_link(subscription: Subscription) -> str:
    return absolute_url(reverse("comments:subscription_confirm", args=[confirmation_token(subscription)]))


def subscription_confirmation_send(*, subscription_id: int, now: datetime | None = None) -> Outcome:
    """E-mail an anonymous reader the link that confirms their subscription (double opt-in).

    The ledger keeps the subscription, not the link: the link is signed as the e-mail is rendered.
    """
    subscription = Subscription.objects.select_related("comment__post").filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at is not None:
        return Outcome.SKIPPED
    link = MailLink(subscription_confirm_link, subscription)
    return deliver(
        kind=Delivery.Kind.CONFIRM,
        recipient=subscription.email,
        key=f"subscription:{subscription.pk}",
        template="comments/email/confirm",
        context={
            "subscription": subscription,
            "post": subscription.comment.post,
            "link": link,
            "hours": int(settings.NOTIFICATIONS_CONFIRM_LINK_MAX_AGE.total_seconds() // 3600),
        },
        language=subscription.language,
        now=now,
    )
