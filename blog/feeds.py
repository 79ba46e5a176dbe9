from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from core.bidi import isolate

from .models import Post


class LatestPostsFeed(Feed):
    """RSS 2.0 feed of the latest published posts."""

    link = reverse_lazy("blog:post_list")

    def title(self):
        return settings.BLOG_TITLE

    def description(self):
        return settings.BLOG_DESCRIPTION

    def items(self):
        return Post.objects.published().select_related("author")[:20]

    def item_title(self, post):
        return isolate(post.title)

    def item_description(self, post):
        return isolate(post.lead)

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return isolate(post.author.display_name)


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
