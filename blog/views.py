from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import DetailView, ListView, MonthArchiveView, TemplateView

from comments import thread

from .models import Post


class PublishedPostMixin:
    """Listings show published posts only, newest first, with their authors and counts."""

    def get_queryset(self):
        return (
            thread.with_public_comment_count(Post.objects.published())
            .select_related("author")
            .order_by("-published_at", "-id")
        )

    def get_paginate_by(self, queryset):
        # Read on each request, not once at import, so the setting can change.
        return settings.BLOG_POSTS_PER_PAGE


class PostListView(PublishedPostMixin, ListView):
    pass


class PostMonthArchiveView(PublishedPostMixin, MonthArchiveView):
    date_field = "published_at"
    month_format = "%m"
    make_object_list = True

    def get_dated_items(self):
        # Months ahead of today are never an archive: scheduled posts stay hidden.
        self.allow_future = False
        return super().get_dated_items()


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain"


class PostDetailView(DetailView):
    """The post, a page of its thread and the comment form, which posts to comments (comments.posting)."""

    # Anonymous readers with nothing of their own on the page get it whole from the page cache, whose
    # middleware honours this attribute (pagecache/middleware.py): blog knows nothing more of it.
    page_cache = True

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).select_related("author")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **thread.for_post_page(self.request, self.object)}

    def post(self, request, *args, **kwargs):
        """A comment from a page drawn when its form posted here: sent on to comments (307 keeps the text)."""
        address = reverse("comments:post_comment", kwargs={"slug": kwargs["slug"]})
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{address}?{query}" if query else address, preserve_request=True)
