from __future__ import annotations

from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import images
from core.bidi import isolate
from core.sanitize import clean_post_html

COVER_SIZE = (1600, 900)
THUMBNAIL_SIZE = (480, 270)


class PostQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> Self:
        """Posts a reader may see: published, and their publication date has come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def visible_to(self, user: User | AnonymousUser, now: datetime | None = None) -> Self:
        """Staff who can edit posts also see drafts and scheduled posts (as previews)."""
        if user.has_perm("blog.change_post"):
            return self.all()
        return self.published(now)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("The post's address."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts", verbose_name=_("author")
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_authored_posts",
        verbose_name=_("co-authors"),
        help_text=_(
            "Other people who wrote this post. Like the author, their comments on it are published at once "
            "and wear the Author badge. Being staff gives no badge: only the author and the co-authors wear it."
        ),
    )
    lead = models.TextField(_("lead"), max_length=600, help_text=_("One or two sentences shown on the home page."))
    body = models.TextField(
        _("body"),
        help_text=_(
            "HTML. Scripts, styles and unknown tags are removed when the post is saved; "
            "videos may be embedded from YouTube, Vimeo or Dailymotion."
        ),
    )
    cover = models.ImageField(_("cover image"), upload_to="covers/%Y/%m/", blank=True)
    cover_thumbnail = models.ImageField(upload_to="covers/%Y/%m/", blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_(
            "For a post to be public, it must be published and this date must be in the past. "
            "A future date schedules it."
        ),
    )
    comments_enabled = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_(
            "Unset to close comments. They also close by themselves COMMENTS_CLOSE_AFTER_DAYS "
            "days after publication, when that setting is not 0."
        ),
    )
    source = models.CharField(
        _("imported from"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("The blog engine this post was imported from; empty for a post written here."),
    )
    source_id = models.CharField(
        _("identifier at the source"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Its identifier there (a WordPress GUID): importing the same file again finds it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["status", "-published_at"], name="post_published_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~models.Q(source=""), name="post_imported_once"
            )
        ]

    def __str__(self):
        return isolate(self.title)

    def save(self, *args, **kwargs):
        self.body = clean_post_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    def set_cover(self, upload):
        """Store an uploaded cover re-encoded at page size, with its thumbnail."""
        self.cover = images.reencode(upload, max_size=COVER_SIZE)
        self.cover_thumbnail = images.reencode(upload, max_size=THUMBNAIL_SIZE)
        self.cover_thumbnail.name = "thumb-" + self.cover_thumbnail.name

    def is_written_by(self, user):
        """Whether this account wrote the post (its author or a co-author): being staff is not writing it.

        What the Author badge and an author's trust in the comment policy rest on.
        """
        if user is None or user.pk is None:
            return False
        return user.pk == self.author_id or self.co_authors.filter(pk=user.pk).exists()

    def is_published(self, now=None):
        return self.status == self.Status.PUBLISHED and self.published_at <= (now or timezone.now())

    is_published.boolean = True
    is_published.short_description = _("public")

    def comments_open(self, now=None):
        """Whether readers may comment now: open, public, and not past the closing age."""
        now = now or timezone.now()
        if not self.comments_enabled or not self.is_published(now):
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return not days or now < self.published_at + timedelta(days=days)
