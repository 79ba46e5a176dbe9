"""Write the blog's posts and comments as a WordPress export (WXR 1.2).

The file is what WordPress' importer (Tools → Import → WordPress) reads:
the channel's authors, then one item per post with its comments. It is
written as it is read from the database, one post at a time, so its size
does not matter.

Statuses, as WordPress knows them: a published post is `publish` (`future`
while its date is ahead), a draft `draft`. An approved comment, and a
pending one already public, is `1`; pending (not yet public) and held are
`0`; spam is `spam`; rejected and removed are `trash`. WordPress has no
exact match for these last ones, so each comment also carries its exact
status and publication dates as comment meta (`_carnet_status`,
`_carnet_publish_at`, `_carnet_published_at`), and imported posts and
comments their original identity (`_carnet_source`, `_carnet_source_id`):
import_wxr reads them back, so a round trip gives the same posts,
comments, threads and statuses. WordPress keeps the meta and ignores it.

Not exported: covers, organisations a comment spoke for, reports,
revisions and the moderation history (WordPress has nowhere to put them).
"""

import re

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from blog.models import Post
from comments.models import Status

from .importer import META_PUBLISH_AT, META_PUBLISHED_AT, META_SOURCE, META_SOURCE_ID, META_STATUS

WP = "http://wordpress.org/export/1.2/"
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def cdata(text):
    """Text as CDATA; a "]]>" inside is split across two sections, as WordPress does."""
    return "<![CDATA[" + NOT_XML.sub("", text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_date(moment, tz=None):
    if moment is None:
        return "0000-00-00 00:00:00"
    return timezone.localtime(moment, tz or timezone.UTC).strftime("%Y-%m-%d %H:%M:%S")


def comment_approved(comment, now):
    if comment.is_public(now):
        return "1"
    return {Status.SPAM: "spam", Status.REJECTED: "trash", Status.REMOVED: "trash"}.get(comment.status, "0")


def meta(tag, key, value):
    return f"<wp:{tag}><wp:meta_key>{cdata(key)}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value></wp:{tag}>"


class WxrExporter:
    def __init__(self, out, *, site_url, now=None, posts=None):
        self.out = out
        self.site = site_url.rstrip("/")
        self.now = now or timezone.now()
        self.tz = timezone.get_default_timezone()
        self.posts = posts if posts is not None else Post.objects.all()
        self.counts = {"posts": 0, "comments": 0}

    def write(self, text):
        self.out.write(text)

    def run(self):
        posts = self.posts.select_related("author").order_by("published_at", "pk")
        self.header(posts)
        for post in posts.iterator(chunk_size=200):
            self.item(post)
        self.write("</channel>\n</rss>\n")
        return self.counts

    def header(self, posts):
        self.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{WP}">\n<channel>\n'
            f"<title>{escape(settings.BLOG_TITLE)}</title>\n<link>{escape(self.site)}</link>\n"
            f"<description>{escape(settings.BLOG_DESCRIPTION)}</description>\n"
            f"<pubDate>{self.now.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>\n"
            f"<language>{escape(settings.LANGUAGE_CODE)}</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"<wp:base_site_url>{escape(self.site)}</wp:base_site_url>\n"
            f"<wp:base_blog_url>{escape(self.site)}</wp:base_blog_url>\n"
        )
        authors = {post.author for post in posts.iterator()}
        self.author_ids = {author.pk for author in authors}
        for author in sorted(authors, key=lambda user: user.pk):
            # The e-mail is the login: WordPress allows "@" in logins, and import_wxr finds the account by it.
            self.write(
                f"<wp:author><wp:author_id>{author.pk}</wp:author_id>"
                f"<wp:author_login>{cdata(author.email)}</wp:author_login>"
                f"<wp:author_email>{cdata(author.email)}</wp:author_email>"
                f"<wp:author_display_name>{cdata(author.display_name)}</wp:author_display_name>"
                "<wp:author_first_name><![CDATA[]]></wp:author_first_name>"
                "<wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>\n"
            )
        self.write("<generator>Carnet de communauté</generator>\n")

    def item(self, post):
        url = self.site + post.get_absolute_url()
        guid = post.source_id if post.source == "wordpress" and post.source_id else f"{self.site}/?p={post.pk}"
        if post.status == Post.Status.PUBLISHED:
            status = "future" if post.published_at > self.now else "publish"
        else:
            status = "draft"
        self.write(
            f"<item>\n<title>{cdata(post.title)}</title>\n<link>{escape(url)}</link>\n"
            f"<pubDate>{post.published_at.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>\n"
            f"<dc:creator>{cdata(post.author.email)}</dc:creator>\n"
            f'<guid isPermaLink="false">{escape(guid)}</guid>\n<description></description>\n'
            f"<content:encoded>{cdata(post.body)}</content:encoded>\n"
            f"<excerpt:encoded>{cdata(escape(post.lead))}</excerpt:encoded>\n"
            f"<wp:post_id>{post.pk}</wp:post_id>\n"
            f"<wp:post_date>{cdata(wp_date(post.published_at, self.tz))}</wp:post_date>\n"
            f"<wp:post_date_gmt>{cdata(wp_date(post.published_at))}</wp:post_date_gmt>\n"
            f"<wp:comment_status>{cdata('open' if post.comments_enabled else 'closed')}</wp:comment_status>\n"
            "<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n"
            f"<wp:post_name>{cdata(post.slug)}</wp:post_name>\n<wp:status>{cdata(status)}</wp:status>\n"
            "<wp:post_parent>0</wp:post_parent>\n<wp:menu_order>0</wp:menu_order>\n"
            "<wp:post_type><![CDATA[post]]></wp:post_type>\n<wp:post_password><![CDATA[]]></wp:post_password>\n"
            "<wp:is_sticky>0</wp:is_sticky>\n"
        )
        if post.source:
            self.write(meta("postmeta", META_SOURCE, post.source) + "\n")
            self.write(meta("postmeta", META_SOURCE_ID, post.source_id) + "\n")
        self.counts["posts"] += 1
        for comment in post.comments.order_by("created_at", "pk").iterator(chunk_size=500):
            self.comment(comment, post)
        self.write("</item>\n")

    def comment(self, comment, post):
        user_id = comment.user_id if comment.user_id in self.author_ids else 0
        metas = [(META_STATUS, comment.status)]
        if comment.publish_at:
            metas.append((META_PUBLISH_AT, comment.publish_at.isoformat()))
        if comment.published_at:
            metas.append((META_PUBLISHED_AT, comment.published_at.isoformat()))
        if comment.source:
            metas += [(META_SOURCE, comment.source), (META_SOURCE_ID, comment.source_id)]
        self.write(
            "<wp:comment>\n"
            f"<wp:comment_id>{comment.pk}</wp:comment_id>\n"
            f"<wp:comment_author>{cdata(comment.name)}</wp:comment_author>\n"
            f"<wp:comment_author_email>{cdata(comment.email)}</wp:comment_author_email>\n"
            f"<wp:comment_author_url>{escape(comment.website)}</wp:comment_author_url>\n"
            f"<wp:comment_author_IP>{cdata(comment.ip_address or '')}</wp:comment_author_IP>\n"
            f"<wp:comment_date>{cdata(wp_date(comment.created_at, self.tz))}</wp:comment_date>\n"
            f"<wp:comment_date_gmt>{cdata(wp_date(comment.created_at))}</wp:comment_date_gmt>\n"
            # WordPress keeps a comment as HTML: the reader's plain text is escaped, its line breaks kept.
            f"<wp:comment_content>{cdata(escape(comment.body))}</wp:comment_content>\n"
            f"<wp:comment_approved>{cdata(comment_approved(comment, self.now))}</wp:comment_approved>\n"
            "<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
            f"<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>\n"
            f"<wp:comment_user_id>{user_id}</wp:comment_user_id>\n"
            + "".join(meta("commentmeta", key, value) + "\n" for key, value in metas)
            + "</wp:comment>\n"
        )
        self.counts["comments"] += 1


def export_wxr(out, *, site_url, now=None, posts=None):
    """Write the posts (all by default) and their comments to `out`, a text stream; return the counts."""
    return WxrExporter(out, site_url=site_url, now=now, posts=posts).run()
