"""What readers do to their own account: sign up, confirm, export their data, leave.

Views call these functions; each takes the account it acts on, never the
request. Links in e-mails are made by the worker as it renders them
(accounts.emails.MailLink), from SITE_URL like every e-mail's, never from the
request's Host; the data export uses the request's `base_url`.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from comments.models import Comment, Status
from comments.services import comment_remove

from .emails import MailLink, absolute_url, mail_link, mail_send
from .models import User
from .tokens import confirmation_token


def user_signup(*, email, display_name, password, now=None):
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
def confirmation_link(user):
    return absolute_url(reverse("accounts:signup_confirm", args=[confirmation_token(user)]))


def confirmation_send(*, user):
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
def password_reset_link(user):
    """Django's password reset link (uid and token), made when the e-mail is sent: valid from then on."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def password_reset_send(*, user, to):
    """E-mail a password reset link to an account's address (Django's reset form chose the account)."""
    context = {"user": user, "link": MailLink(password_reset_link, user)}
    mail_send(template="accounts/email/password_reset", context=context, to=to)


def user_confirm(*, user):
    """Activate an account whose owner followed the link."""
    user.is_active = True
    user.awaiting_confirmation = False
    user.save(update_fields=["is_active", "awaiting_confirmation"])
    return user


def avatar_file_discard(name):
    """Delete an avatar file from storage once the transaction that let go of it commits."""
    if name:
        storage = User._meta.get_field("avatar").storage
        transaction.on_commit(lambda: storage.delete(name))


def _iso(moment):
    return moment.isoformat() if moment else None


def user_export(*, user, base_url):
    """Everything the blog holds about an account, as data ready for JSON.

    The comments are those written while logged in to the account (comments
    posted without logging in carry no proof of who wrote them).
    """
    memberships = user.memberships.select_related("organization").order_by("requested_at", "pk")
    comments = Comment.objects.filter(user=user).select_related("post", "organization").order_by("created_at", "pk")
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
            }
            for membership in memberships
        ],
        "comments": [
            {
                "id": comment.pk,
                "post": {"title": comment.post.title, "url": base_url + comment.post.get_absolute_url()},
                "url": base_url + comment.get_absolute_url(),
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
            }
            for comment in comments
        ],
    }


class DeletionRefused(Exception):
    """This account is not closed from the reader's pages (staff, or an author of posts)."""


KEEP_COMMENTS = "keep"
REMOVE_COMMENTS = "remove"
# The statuses comment_remove withdraws; rejected and spam comments are not public anyway.
_REMOVABLE = [Status.PENDING, Status.HELD, Status.APPROVED]


def can_delete_self(user):
    return not user.is_staff and not user.is_superuser and not user.posts.exists()


def user_delete(*, user, comments, now=None):
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
            for comment in own.filter(status__in=_REMOVABLE).order_by("pk"):
                comment_remove(comment=comment, actor=user, now=now)
        with translation.override(settings.LANGUAGE_CODE):
            deleted_name = gettext("Deleted account")
        own.update(user=None, name=deleted_name, email="", website="", updated_at=now)
        user.delete()
        avatar_file_discard(avatar)
