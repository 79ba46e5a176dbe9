from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.bidi import isolate
from core.sanitize import render_reader_text


class Status(models.TextChoices):
    PENDING = "pending", _("Awaiting publication")
    HELD = "held", _("Held for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")
    REMOVED = "removed", _("Removed by its author")


# The statuses of a comment that waits for a moderator or for its publication time: the queue's, and what
# a writer still sees alone. Named once, so no copy forgets one.
WAITING = (Status.PENDING, Status.HELD)
# The statuses of a comment that still stands: public, or waiting to be. Its writer may withdraw it and a
# moderator answer it; rejected, spam and removed comments are set aside.
STANDING = (Status.APPROVED, *WAITING)


def public_q(now=None, prefix=""):
    """The one rule of visibility, as a filter usable from any related model.

    A comment is public when a moderator approved it, or when it is pending
    and its publication time has come: publication needs no worker.
    """
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Status.APPROVED}) | Q(
        **{f"{prefix}status": Status.PENDING, f"{prefix}publish_at__lte": now}
    )


def _waiting_own_q(own_ids, user):
    """The viewer's comments (by id from their session, or by account) that wait for publication or review."""
    own = Q(pk__in=list(own_ids)) if own_ids else Q(pk__in=[])
    if user is not None and user.is_authenticated:
        own |= Q(user=user)
    return own & Q(status__in=WAITING)


class CommentQuerySet(models.QuerySet):
    def public(self, now: datetime | None = None) -> Self:
        return self.filter(public_q(now))

    def with_authorship(self) -> Self:
        """Each comment with `by_co_author`: written from the account of one of its post's co-authors.

        Read in the same query as the comments, so the Author badge of a
        co-author costs the page no query of its own (comments.badges).
        """
        from blog.models import Post

        co_author = Post.co_authors.through.objects.filter(post_id=OuterRef("post_id"), user_id=OuterRef("user_id"))
        return self.annotate(by_co_author=Exists(co_author))

    def visible_to(self, *, now: datetime | None = None, own_ids: Iterable[int] = (), user: User | None = None) -> Self:
        """Public comments, plus the viewer's own that are not public yet."""
        return self.filter(public_q(now) | _waiting_own_q(own_ids, user))

    def readable_by(self, user: User | None, *, now: datetime | None = None, own_ids: Iterable[int] = ()) -> Self:
        """The comments whose page this viewer may open: visible_to them, on a post they may read.

        Every address of one comment (permalink, report, withdrawal, the
        data export's links) asks this, so a comment outside it answers
        like one that does not exist.
        """
        from blog.models import Post

        return self.visible_to(now=now, own_ids=own_ids, user=user).filter(post__in=Post.objects.visible_to(user, now))

    def seen_only_by(
        self, *, now: datetime | None = None, own_ids: Iterable[int] = (), user: User | None = None
    ) -> Self:
        """The viewer's own comments that nobody else sees yet (pending or held): what makes a page theirs.

        A viewer with no comment ids and no account has none, without a query.
        """
        if not own_ids and not (user is not None and user.is_authenticated):
            return self.none()
        return self.filter(_waiting_own_q(own_ids, user)).exclude(public_q(now))

    def queue(self) -> Self:
        """What a moderator must look at, in the order the desk works it.

        Pending and held comments, and public ones that readers' reports put
        in review. What goes public soonest first (a reviewed one is public
        already, so it comes first); held comments, which never go public by
        themselves, after them, oldest first. The admin's queue takes both
        its filter and its order from here.
        """
        waiting = Q(status__in=WAITING) | Q(review_requested_at__isnull=False)
        return self.filter(waiting).order_by(models.F("publish_at").asc(nulls_last=True), "created_at")

    def standing(self) -> Self:
        """Those still standing (approved, pending or held): what a writer's withdrawal removes."""
        return self.filter(status__in=STANDING)

    def queue_summary(self, now: datetime | None = None, due_within: timedelta = timedelta(hours=6)) -> dict[str, int]:
        """How many comments wait for a moderator, how many are held, how many go public soon."""
        now = now or timezone.now()
        return self.queue().aggregate(
            waiting=Count("pk"),
            held=Count("pk", filter=Q(status=Status.HELD)),
            due_soon=Count("pk", filter=Q(status=Status.PENDING, publish_at__gt=now, publish_at__lte=now + due_within)),
        )

    def with_addresses(self, *, before: datetime) -> Self:
        """Comments sent before a moment that still hold the sender's IP address or user agent."""
        return self.filter(created_at__lt=before).filter(~Q(ip_address=None) | ~Q(user_agent=""))

    def by_address(self, email: str) -> Self:
        return self.filter(email__iexact=email)

    def from_account(self, account_id: int | None) -> Self:
        """Those written from this account; all of them when `account_id` is None (an address with no account)."""
        return self if account_id is None else self.filter(user_id=account_id)

    def unannounced(self, now: datetime | None = None) -> Self:
        """Public comments whose publication was not announced yet: what the worker sends next."""
        return self.public(now).filter(announced_at__isnull=True)

    def next_publication(self, now: datetime | None = None) -> datetime | None:
        """When the next of these comments goes public by its publish_at alone (None: none is due).

        A cached page is valid until then (pagecache/pages.py).
        """
        now = now or timezone.now()
        return self.filter(status=Status.PENDING, publish_at__gt=now).aggregate(due=Min("publish_at"))["due"]


class Comment(models.Model):
    """A reader's comment, kept exactly as it was submitted.

    `publish_at` is when the comment becomes (or became) public: set by the
    policy to submission + COMMENTS_PUBLICATION_DELAY, or to the moment a
    moderator approves it sooner. `published_at` records when a publication
    was acted on (a moderator's approval, or later the worker that tells the
    commenter). Numbering in the thread follows `publish_at`.
    """

    Status = Status

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="comments", verbose_name=_("post"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("in reply to")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("account"),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("on behalf of"),
        help_text=_("The organisation its verified representative spoke for; the badge depends on the membership."),
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    body = models.TextField(
        _("comment"), help_text=_("As the reader wrote it. A moderator's edit keeps the original as a revision.")
    )
    body_html = models.TextField(editable=False, help_text=_("The body, escaped and linked, rendered once."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    publish_at = models.DateTimeField(
        _("public from"),
        null=True,
        blank=True,
        help_text=_("A pending comment becomes public at this time unless a moderator rejects it first."),
    )
    published_at = models.DateTimeField(_("publication recorded"), null=True, blank=True)
    reasons = models.JSONField(
        _("reasons"), default=list, blank=True, help_text=_("Why the moderation policy decided as it did.")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    flag_count = models.PositiveIntegerField(_("reports"), default=0)
    review_requested_at = models.DateTimeField(
        _("reports await review since"),
        null=True,
        blank=True,
        help_text=_(
            "Set when enough readers reported a comment that reports cannot hide (the post's authors', a verified "
            "representative's): it stays public and waits in the queue until a moderator decides."
        ),
    )
    edited_at = models.DateTimeField(
        _("edited by the moderation"),
        null=True,
        blank=True,
        help_text=_("Set when a moderator changed the text; the original is kept as a revision."),
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The page's language when it was sent; its e-mails use it."),
    )
    announced_at = models.DateTimeField(
        _("publication announced"),
        null=True,
        blank=True,
        help_text=_("When the e-mails that follow its publication were sent (commenter, subscribers, brands)."),
    )
    source = models.CharField(
        _("imported from"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("The service this comment was imported from (WordPress, Disqus); empty when written here."),
    )
    source_id = models.CharField(
        _("identifier at the source"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Its identifier there: importing the same export again finds it instead of adding it twice."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["publish_at", "id"]
        permissions = [("moderate_comment", _("Can moderate comments"))]
        indexes = [
            models.Index(fields=["post", "status", "publish_at"], name="comment_thread_idx"),
            models.Index(fields=["status", "publish_at"], name="comment_queue_idx"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_recent_idx"),
            models.Index(fields=["email", "created_at"], name="comment_email_recent_idx"),
            # The queue's "history" column counts decisions per address, in any case.
            models.Index(Lower("email"), "status", name="comment_address_status_idx"),
            models.Index(fields=["publish_at"], condition=Q(announced_at__isnull=True), name="comment_unannounced_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.PENDING) | Q(publish_at__isnull=False),
                name="comment_pending_has_publish_at",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="comment_status_valid"),
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source=""), name="comment_imported_once"
            ),
        ]

    def __str__(self):
        return _("%(name)s on %(post)s") % {"name": isolate(self.name), "post": self.post}

    def save(self, *args, update_fields=None, **kwargs):
        # Rendered once when the body is saved, not on every page view.
        if update_fields is None or "body" in update_fields:
            if self.pk and not getattr(self, "_revision_recorded", False):
                stored = Comment.objects.filter(pk=self.pk).values_list("body", flat=True).first()
                if stored is not None and stored != self.body:
                    raise ValueError("A comment's text changes only through comment_edit, which keeps the original.")
            self.body_html = render_reader_text(self.body)
            if update_fields is not None:
                update_fields = {*update_fields, "body_html"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        """The permalink: it finds the comment's page of the thread when the page is opened."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def is_public(self, now=None):
        now = now or timezone.now()
        return self.status == Status.APPROVED or (
            self.status == Status.PENDING and self.publish_at is not None and self.publish_at <= now
        )

    is_public.boolean = True
    is_public.short_description = _("public")

    @property
    def held_by_reports(self):
        """Held because readers reported it (its writer is told so, rather than left guessing)."""
        return self.status == Status.HELD and any(reason.get("code") == "flags" for reason in self.reasons)


class ModerationEvent(models.Model):
    """One decision about a comment: who or what took it, when, from what to what, why."""

    class Source(models.TextChoices):
        POLICY = "policy", _("Moderation policy")
        MODERATOR = "moderator", _("Moderator")
        READERS = "readers", _("Readers' reports")
        COMMENTER = "commenter", _("The commenter")
        IMPORT = "import", _("Import")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events", verbose_name=_("comment"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source)
    from_status = models.CharField(_("from"), max_length=10, choices=Status, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.comment_id}: {self.from_status or '∅'} → {self.to_status}"


class FlagQuerySet(models.QuerySet):
    def independent_readers(self) -> int:
        """How many independent readers made these reports: distinct address blocks.

        Reports recorded before blocks were (by browser session) have none
        and count for no reader: a session costs nothing to multiply.
        """
        return self.exclude(network="").aggregate(readers=Count("network", distinct=True))["readers"]


class Flag(models.Model):
    """A reader's report of a public comment; one per reader identity and comment.

    The identity (`reporter`) is the account, or else the address block it
    came from (comments.reporters.Reporter): sessions cost nothing, so they do
    not make readers. `network` is the keyed digest of the block for every
    report, so several accounts on one block count as one reader, and the
    daily budgets count it; no address is kept.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags", verbose_name=_("comment"))
    reporter = models.CharField(
        _("reader"),
        max_length=80,
        help_text=_("The reporting account (user:<id>), or else the address block (net:<digest>)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    network = models.CharField(
        _("address block"), max_length=32, blank=True, help_text=_("A keyed digest of the sender's address block.")
    )
    network_label = models.CharField(
        _("address block, masked"), max_length=64, blank=True, help_text=_("e.g. 203.0.113.x, or 2001:db8:1:…")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="flag_once_per_reader")]
        indexes = [
            models.Index(fields=["network", "created_at"], name="flag_network_recent_idx"),
            models.Index(fields=["user", "created_at"], name="flag_user_recent_idx"),
        ]

    def __str__(self):
        return f"{self.reporter} → {self.comment_id}"

    @property
    def reader(self):
        """Who reported, as a moderator sees it: the account, or the masked address block."""
        if self.user_id is not None:
            return self.user.email
        if self.network_label:
            return _("anonymous reader, %(block)s") % {"block": self.network_label}
        return _("anonymous reader")


class Revision(models.Model):
    """A comment's text as it was before a moderator edited it: the page says it was edited."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("comment"))
    body = models.TextField(_("text before the edit"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("edited by")
    )
    note = models.CharField(_("why"), max_length=300)
    created_at = models.DateTimeField(_("edited"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.comment_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Subscription(models.Model):
    """A reader's wish to hear of replies to their comment, or of every new comment in the thread.

    Logged-in readers' subscriptions are confirmed at once (their address is
    confirmed); an anonymous reader confirms through a signed, expiring link
    (double opt-in). Only confirmed subscriptions are written to.
    """

    class Scope(models.TextChoices):
        REPLIES = "replies", _("Replies to my comment")
        THREAD = "thread", _("Every new comment on this post")

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="subscription", verbose_name=_("comment")
    )
    email = models.EmailField(_("e-mail address"))
    scope = models.CharField(_("what to hear of"), max_length=10, choices=Scope)
    language = models.CharField(_("language"), max_length=10, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reply subscription")
        verbose_name_plural = _("reply subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{isolate(self.email)} ({self.scope}) ← {self.comment_id}"


class MentionQuerySet(models.QuerySet):
    def public(self, now: datetime | None = None) -> Self:
        """Mentions in comments readers can see: public comments (their one rule) on public posts (theirs).

        A comment on a draft or on a post scheduled for later is news to nobody yet.
        """
        from blog.models import Post

        return self.filter(public_q(now, prefix="comment__"), comment__post__in=Post.objects.published(now))


class Mention(models.Model):
    """A comment that names one of an organisation's keywords, found when the comment was saved.

    Recorded whatever the comment's status; its representatives hear of it
    only once the comment and its post are public (see comments.mentions).
    """

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="mentions", verbose_name=_("comment")
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="mentions", verbose_name=_("organisation")
    )
    keywords = models.JSONField(_("keywords found"), default=list, blank=True)
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)
    notified_at = models.DateTimeField(
        _("representatives notified"),
        null=True,
        blank=True,
        help_text=_("Set once the verified representatives were told; later members are not told of old mentions."),
    )

    objects = MentionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        db_table = "accounts_mention"  # Kept when the model moved here from accounts.
        ordering = ["-detected_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["comment", "organization"], name="mention_once_per_comment")]
        indexes = [models.Index(fields=["notified_at"], name="mention_to_notify_idx")]

    def __str__(self):
        return f"{self.organization} ← {self.comment_id}"
