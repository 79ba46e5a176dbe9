"""What readers do to their own account: sign up, confirm, export their data, leave.

Views call these functions; each takes the account it acts on, never the
request. Links in e-mails are made by the worker as it renders them
(mail.links.MailLink), from SITE_URL like every e-mail's, never from the
request's Host; the data export uses the request's `base_url`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from comments.models import Comment, Flag, Revision, Subscription
from comments.services import comment_remove
from mail.links import MailLink, absolute_url, mail_link
from mail.models import Delivery, Suppression
from mail.tasks import mail_send

from .models import MembershipEvent, User
from .tokens import confirmation_token


def user_signup(*, email: str, display_name: str, password: str, now: datetime | None = None) -> User:
    """Create an account that stays inactive until its owner confirms the address."""
    return User.objects.create_user(
        email=email,
        display_name=display_name,
        password=password,
        is_active=False,
        awaiting_confirmation=True,
        date_joined=now or timezone.now(),
    )


@mail_link
def confirmation_link(user: User) -> str:
    return absolute_url(reverse("accounts:signup_confirm", args=[confirmation_token(user)]))


def confirmation_send(*, user: User) -> None:
    """E-mail the link that confirms the account; a new link leaves older ones valid until they expire."""
    if not user.awaiting_confirmation:
        return
    context = {
        "user": user,
        "link": MailLink(confirmation_link, user),
        "blog_title": settings.BLOG_TITLE,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    mail_send(template="accounts/email/confirmation", context=context, to=user.email)


@mail_link
def password_reset_link(user: User) -> str:
    """Django's password reset link (uid and token), made when the e-mail is sent: valid from then on."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def password_reset_send(*, user: User, to: str) -> None:
    """E-mail a password reset link to an account's address (Django's reset form chose the account)."""
    context = {"user": user, "link": MailLink(password_reset_link, user)}
    mail_send(template="accounts/email/password_reset", context=context, to=to)


def user_confirm(*, user: User) -> User:
    """Activate an account whose owner followed the link."""
    user.is_active = True
    user.awaiting_confirmation = False
    user.save(update_fields=["is_active", "awaiting_confirmation"])
    return user


def avatar_file_discard(name: str) -> None:
    """Delete an avatar file from storage once the transaction that let go of it commits."""
    if name:
        storage = User._meta.get_field("avatar").storage
        transaction.on_commit(lambda: storage.delete(name))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _by(actor_id: int | None, user: User) -> str:
    """Who made a membership change, as the export says it: the person, the staff, or the blog (a link followed)."""
    if actor_id is None:
        return "blog"
    return "you" if actor_id == user.pk else "staff"


def user_export(*, user: User, base_url: str) -> dict[str, Any]:
    """Everything the blog holds about a person, as data ready for JSON.

    Not only what the account holds: once the address is confirmed, the
    comments sent from it without logging in (before signing up, say) are
    the person's too, as are the reports they made, the e-mails the blog
    sent to the address (what, when and whether it went out; not a copy,
    whose links may still work), its reply subscriptions and whether it
    is suppressed. Each comment carries the IP address and user agent kept
    with it (until COMMENTS_IP_RETENTION_DAYS clears them) and the texts a
    moderator's edit replaced. A comment's address is given only when the
    person may open it (Comment.objects.readable_by); others are listed
    without one.
    """
    address = user.email
    memberships = (
        user.memberships.select_related("organization")
        .prefetch_related(Prefetch("events", queryset=MembershipEvent.objects.order_by("created_at", "pk")))
        .order_by("requested_at", "pk")
    )
    written = Q(user=user)
    if not user.awaiting_confirmation:
        written |= Q(user__isnull=True, email__iexact=address)
    comments = (
        Comment.objects.filter(written)
        .select_related("post", "organization")
        .prefetch_related(Prefetch("revisions", queryset=Revision.objects.order_by("created_at", "pk")))
        .order_by("created_at", "pk")
    )
    openable = set(Comment.objects.filter(written).readable_by(user).values_list("pk", flat=True))
    suppression = Suppression.objects.filter(email=address.strip().lower()).first()
    return {
        "exported_at": _iso(timezone.now()),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "website": user.website,
            "avatar": base_url + user.avatar.url if user.avatar else None,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "memberships": [
            {
                "organization": membership.organization.name,
                "role": membership.role,
                "status": membership.status,
                "verified_by": membership.method,
                "verified_email": membership.verified_email,
                "requested_at": _iso(membership.requested_at),
                "verified_at": _iso(membership.verified_at),
                "history": [
                    {
                        "from": event.from_status,
                        "to": event.to_status,
                        "how": event.method,
                        "by": _by(event.actor_id, user),
                        "note": event.note,
                        "at": _iso(event.created_at),
                    }
                    for event in membership.events.all()
                ],
            }
            for membership in memberships
        ],
        "comments": [
            {
                "id": comment.pk,
                "post": {"title": comment.post.title, "url": base_url + comment.post.get_absolute_url()},
                "url": base_url + comment.get_absolute_url() if comment.pk in openable else None,
                "logged_in": comment.user_id == user.pk,
                "in_reply_to": comment.parent_id,
                "on_behalf_of": comment.organization.name if comment.organization else None,
                "name": comment.name,
                "email": comment.email,
                "website": comment.website,
                "body": comment.body,
                "status": comment.status,
                "submitted_at": _iso(comment.created_at),
                "public_from": _iso(comment.publish_at),
                "edited_by_moderation_at": _iso(comment.edited_at),
                "before_moderation_edits": [
                    {"body": revision.body, "edited_at": _iso(revision.created_at)}
                    for revision in comment.revisions.all()
                ],
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "language": comment.language,
            }
            for comment in comments
        ],
        "reports": [
            {"comment": flag.comment_id, "reason": flag.reason, "reported_at": _iso(flag.created_at)}
            for flag in Flag.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "subscriptions": [
            {
                "comment": subscription.comment_id,
                "post": subscription.comment.post.title,
                "scope": subscription.scope,
                "language": subscription.language,
                "created_at": _iso(subscription.created_at),
                "confirmed_at": _iso(subscription.confirmed_at),
            }
            for subscription in Subscription.objects.filter(email__iexact=address)
            .select_related("comment__post")
            .order_by("created_at", "pk")
        ],
        "notifications": [
            {
                "kind": delivery.kind,
                "about": delivery.key,
                "state": delivery.state,
                "attempts": delivery.attempts,
                "claimed_at": _iso(delivery.created_at),
                "sent_at": _iso(delivery.sent_at),
            }
            for delivery in Delivery.objects.filter(recipient__iexact=address).order_by("created_at", "pk")
        ],
        "suppressed": (
            {"reason": suppression.reason, "since": _iso(suppression.created_at)} if suppression is not None else None
        ),
    }


class DeletionRefused(Exception):
    """This account is not closed from the reader's pages (staff, or an author of posts)."""


KEEP_COMMENTS = "keep"
REMOVE_COMMENTS = "remove"


def can_delete_self(user: User) -> bool:
    return not user.is_staff and not user.is_superuser and not user.posts.exists()


def user_delete(*, user: User, comments: str, now: datetime | None = None) -> None:
    """Delete an account, keeping its comments anonymised or withdrawing them.

    Either way the comments lose the account, e-mail address and website,
    and are signed "Deleted account" (in the site's language: the name is
    stored, like any commenter's); their text is never changed. With
    REMOVE_COMMENTS each public or queued comment is first withdrawn through
    comment_remove, which records a ModerationEvent, so moderators keep the
    record. All or nothing: one transaction.
    """
    if comments not in (KEEP_COMMENTS, REMOVE_COMMENTS):
        raise ValueError(f"Unknown choice for the comments: {comments!r}")
    if not can_delete_self(user):
        raise DeletionRefused
    now = now or timezone.now()
    avatar = user.avatar.name if user.avatar else ""
    with transaction.atomic():
        own = Comment.objects.filter(user=user)
        if comments == REMOVE_COMMENTS:
            # What comment_remove withdraws; rejected and spam comments are not public anyway.
            for comment in own.standing().order_by("pk"):
                comment_remove(comment=comment, actor=user, now=now)
        with translation.override(settings.LANGUAGE_CODE):
            deleted_name = gettext("Deleted account")
        own.update(user=None, name=deleted_name, email="", website="", updated_at=now)
        user.delete()
        avatar_file_discard(avatar)
