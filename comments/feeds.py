from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog.models import Post
from core.bidi import isolate

from .models import Comment


class LatestCommentsFeed(Feed):
    """The latest public comments on public posts; pending ones never appear here."""

    feed_type = Atom1Feed
    link = reverse_lazy("blog:post_list")
    title = _("Latest comments")

    def items(self):
        return (
            Comment.objects.public()
            .filter(post__in=Post.objects.published())
            .select_related("post")
            .order_by("-publish_at")[:30]
        )

    def item_title(self, comment):
        return _("%(name)s on %(post)s") % {"name": isolate(comment.name), "post": isolate(comment.post.title)}

    def item_description(self, comment):
        # Each paragraph is its own block: what one opens ends with it. dir="auto" gives it its direction.
        return format_html('<div dir="auto">{}</div>', comment.body_html)

    def item_pubdate(self, comment):
        return comment.publish_at

    def item_author_name(self, comment):
        return isolate(comment.name)


class PostCommentsFeed(LatestCommentsFeed):
    """One published post's public comments, newest first: the same rule as its page."""

    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return _("Comments on “%(post)s” — %(blog)s") % {"post": isolate(post.title), "blog": settings.BLOG_TITLE}

    def link(self, post):
        return post.get_absolute_url() + "#comments"

    def items(self, post):
        return Comment.objects.public().filter(post=post).select_related("post").order_by("-publish_at", "-pk")[:50]
