"""Read a WordPress eXtended RSS (WXR) export as a stream of small records.

The file is parsed with a streaming parser (defusedxml's iterparse, which
also refuses entity tricks), and every element is released once read, so a
blog of any size is read in about the memory of one post. Within an item the
post comes first and then each comment as it ends: a post with 20,000
comments is never held whole.

WXR 1.0, 1.1 and 1.2 are read alike. The `wp` namespace is
http://wordpress.org/export/1.x/ from WordPress.org and https://… from
WordPress.com; both are recognised, like the excerpt namespace that follows
the same pattern. Text may be plain or CDATA (a CDATA section split around
"]]>" reads back whole).

`events()` yields, in file order:
- ("author", Author) for each wp:author of the channel;
- ("term", kind) for each channel category, tag or term (the blog has no taxonomy: they are counted);
- ("post", Item) when an item's own fields have been read, before its comments;
- ("comment", WxrComment) for each of its comments;
- ("end", Item) when the item closes.
`scan()` reads the whole file once without keeping anything but counts, the
attachments (id → URL) and each thread's reply depths: it proves the file
is well formed and its threads no deeper than BLOG_IMPORT_MAX_DEPTH before
anything is written, and gives the progress bar its totals.

Nesting is bounded while the file streams, so a hostile file is refused
before it costs memory: elements nested more than MAX_XML_DEPTH levels (an
export needs fewer than ten), and replies nested more than
BLOG_IMPORT_MAX_DEPTH levels in comment_parent (see ReplyDepth), whatever
the order of the comments in the file.
"""

import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils.translation import gettext as _

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
NO_DATE = "0000-00-00 00:00:00"
# rss > channel > item > wp:comment > wp:commentmeta > wp:meta_key is six; Disqus needs four.
MAX_XML_DEPTH = 100


class WxrError(Exception):
    """The file is not a WordPress export that can be read: nothing is imported."""


@contextmanager
def xml_errors(error_class):
    """Turn the parser's refusals into `error_class`, naming the line and column of a malformed file."""
    try:
        yield
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = re.sub(r":? line \d+, column \d+$", "", str(error))
        raise error_class(f"Malformed XML at line {line}, column {column}: {reason}.") from None
    except DefusedXmlException as error:
        raise error_class(f"Refused XML construct: {error}") from None


def check_xml_depth(depth, error_class):
    """Refuse an element nested deeper than any export writes, while the parser streams."""
    if depth > MAX_XML_DEPTH:
        raise error_class(
            _("Refused XML: elements nested more than %(limit)d levels deep; no export needs so many.")
            % {"limit": MAX_XML_DEPTH}
        )


def too_deep(error_class, limit, comment_id):
    return error_class(
        _("A thread has replies nested more than %(limit)d levels deep (comment %(id)s).")
        % {"limit": limit, "id": comment_id}
    )


class ReplyDepth:
    """How deep each reply of one thread sits, as comments stream by; a reply deeper than `limit` is refused.

    Comments come in any order: a reply may come before its parent. What
    is kept is a few small values per comment id (never a comment): the depth
    of each comment whose parents have all come, and for those still
    waiting, their parent and how many levels of replies wait beneath
    them. A chain that waits is refused as soon as it is longer than
    `limit`, without waiting for its top; a reply whose parent never comes
    is shown at the top level (by the importer), so what waits below it
    counts from there. Depth 0 is a comment at the top level.
    """

    def __init__(self, error_class, limit=None):
        self.error_class = error_class
        self.limit = settings.BLOG_IMPORT_MAX_DEPTH if limit is None else limit
        self.depth = {}  # id → depth, for comments whose ancestors have all come
        self.parent_of = {}  # id → parent id, for comments whose parent has not been placed yet
        self.waiting = {}  # parent id → [ids of its replies waiting for it]
        self.height = {}  # id → levels of replies waiting beneath it

    def refuse(self, comment_id):
        raise too_deep(self.error_class, self.limit, comment_id)

    def add(self, comment_id, parent):
        if not comment_id or comment_id in self.depth or comment_id in self.parent_of:
            return  # Without an id, the comment is skipped; twice the same id, it is found, not added.
        if parent in ("", "0", comment_id):
            self._place(comment_id, 0)
        elif parent in self.depth:
            self._place(comment_id, self.depth[parent] + 1)
        else:
            self.parent_of[comment_id] = parent
            self.waiting.setdefault(parent, []).append(comment_id)
            self._raise(comment_id, parent)

    def _place(self, comment_id, depth):
        placing = [(comment_id, depth)]
        while placing:
            comment_id, depth = placing.pop()
            if depth > self.limit:
                self.refuse(comment_id)
            self.depth[comment_id] = depth
            self.parent_of.pop(comment_id, None)
            self.height.pop(comment_id, None)
            placing.extend((reply, depth + 1) for reply in self.waiting.pop(comment_id, ()))

    def _raise(self, comment_id, parent):
        """Carry the height of what waits beneath `comment_id` up the chain it waits in (at most `limit` steps)."""
        node, height = parent, self.height.get(comment_id, 0) + 1
        while node is not None and node != comment_id:  # A cycle of parents stops where it started.
            if height > self.limit:
                self.refuse(comment_id)
            if self.height.get(node, 0) >= height:
                return
            self.height[node] = height
            node, height = self.parent_of.get(node), height + 1


def local_name(tag):
    """'{https://wordpress.org/export/1.2/}post_id' → 'wp:post_id', whatever the namespace's scheme or version."""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    if WP_NAMESPACE.match(uri):
        return f"wp:{name}"
    if EXCERPT_NAMESPACE.match(uri):
        return f"excerpt:{name}"
    prefix = PREFIXES.get(uri)
    return f"{prefix}:{name}" if prefix else name


def parse_gmt(value):
    """A WXR date in GMT ('2019-03-04 10:00:00') as an aware datetime, or None."""
    return parse_local(value, UTC)


def parse_local(value, tz):
    """A WXR date in the blog's own time zone, read in `tz` (the date GMT is missing on drafts)."""
    value = (value or "").strip()
    if not value or value == NO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
    except ValueError:
        return None


def parse_rfc822(value):
    if "-0001" in (value or ""):
        return None  # WordPress' way of writing "no date" in pubDate.
    try:
        parsed = parsedate_to_datetime((value or "").strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed and parsed.tzinfo and parsed.year > 1970 else None


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    wp_id: str = ""


@dataclass
class WxrComment:
    wp_id: str = ""
    parent: str = "0"
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    user_id: str = "0"
    meta: dict = field(default_factory=dict)


@dataclass
class Item:
    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    wp_id: str = ""
    date: str = ""
    date_gmt: str = ""
    slug: str = ""
    status: str = ""
    type: str = ""
    parent: str = "0"
    password: str = ""
    attachment_url: str = ""
    comment_status: str = "open"
    terms: Counter = field(default_factory=Counter)
    meta: dict = field(default_factory=dict)
    comments_read: int = 0


ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "pubDate": "pub_date",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_id": "wp_id",
    "wp:post_date": "date",
    "wp:post_date_gmt": "date_gmt",
    "wp:post_name": "slug",
    "wp:status": "status",
    "wp:post_type": "type",
    "wp:post_parent": "parent",
    "wp:post_password": "password",
    "wp:attachment_url": "attachment_url",
    "wp:comment_status": "comment_status",
}
COMMENT_FIELDS = {
    "wp:comment_id": "wp_id",
    "wp:comment_parent": "parent",
    "wp:comment_author": "author",
    "wp:comment_author_email": "author_email",
    "wp:comment_author_url": "author_url",
    "wp:comment_author_IP": "author_ip",
    "wp:comment_date": "date",
    "wp:comment_date_gmt": "date_gmt",
    "wp:comment_content": "content",
    "wp:comment_approved": "approved",
    "wp:comment_type": "type",
    "wp:comment_user_id": "user_id",
}
AUTHOR_FIELDS = {
    "wp:author_login": "login",
    "wp:author_email": "email",
    "wp:author_display_name": "display_name",
    "wp:author_id": "wp_id",
}
CHANNEL_FIELDS = {"title", "link", "wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"}
CHANNEL_TERMS = {"wp:category": "category", "wp:tag": "tag", "wp:term": "term"}


def _text(element):
    return (element.text or "").strip()


def _meta(element, key_tag, value_tag):
    key = value = ""
    for child in element:
        name = local_name(child.tag)
        if name == key_tag:
            key = _text(child)
        elif name == value_tag:
            value = child.text or ""
    return key, value


def _comment_place(element):
    """(comment id, parent id) of a wp:comment element."""
    comment_id = parent = ""
    for child in element:
        name = local_name(child.tag)
        if name == "wp:comment_id":
            comment_id = _text(child)
        elif name == "wp:comment_parent":
            parent = _text(child)
    return comment_id, parent


@dataclass
class Summary:
    """What one reading of the whole file found: totals for the progress bar, attachments for galleries."""

    items: Counter = field(default_factory=Counter)
    comments: int = 0
    attachments: dict = field(default_factory=dict)  # wp id → URL
    attached_to: dict = field(default_factory=dict)  # parent wp id → [attachment wp ids]

    @property
    def posts(self):
        return self.items["post"]


class WxrReader:
    """One WXR file, read as a stream; `source` is a path or a binary file open for reading."""

    def __init__(self, source):
        self.source = source
        self.channel = {}

    def _open(self):
        if hasattr(self.source, "read"):
            self.source.seek(0)
        return self.source

    def _parse(self):
        """(event, element, depth) from the parser, with parse errors turned into a WxrError naming the place."""
        depth = 0
        seen_wp = False
        with xml_errors(WxrError):
            for event, element in iterparse(self._open(), events=("start", "end", "start-ns")):
                if event == "start-ns":
                    seen_wp = seen_wp or bool(WP_NAMESPACE.match(element[1]))
                    continue
                if event == "start":
                    if depth == 0 and (element.tag != "rss" or not seen_wp):
                        raise WxrError(
                            "This is not a WordPress export (WXR): its root is not an RSS feed with the wp namespace."
                        )
                    depth += 1
                    check_xml_depth(depth, WxrError)
                    yield event, element, depth
                else:
                    yield event, element, depth
                    depth -= 1
        if depth != 0 or not seen_wp:
            raise WxrError("The file ended before the export did.")

    def scan(self):
        """Read the file once: check it is a complete, well-formed export of sane depth, and count what it holds."""
        summary = Summary()
        item_type = item_id = attachment = parent = None
        replies = ReplyDepth(WxrError)
        for event, element, depth in self._parse():
            if event != "end":
                continue
            name = local_name(element.tag)
            if depth == 4 and name in ("wp:post_type", "wp:post_id", "wp:attachment_url", "wp:post_parent"):
                value = _text(element)
                if name == "wp:post_type":
                    item_type = value
                elif name == "wp:post_id":
                    item_id = value
                elif name == "wp:attachment_url":
                    attachment = value
                else:
                    parent = value
            elif name == "wp:comment" and depth == 4:
                summary.comments += 1
                replies.add(*_comment_place(element))
                element.clear()
            elif name == "item" and depth == 3:
                summary.items[item_type or "post"] += 1
                if item_type == "attachment" and item_id and attachment:
                    summary.attachments[item_id] = attachment
                    if parent and parent != "0":
                        summary.attached_to.setdefault(parent, []).append(item_id)
                item_type = item_id = attachment = parent = None
                replies = ReplyDepth(WxrError)  # Comment ids are the site's; a thread is an item's.
                element.clear()
            elif depth == 3:
                element.clear()
        return summary

    def events(self):
        """The records of the file in order (see the module's docstring)."""
        channel_element = item_element = item = None
        for event, element, depth in self._parse():
            if event == "start":
                if depth == 2:
                    channel_element = element
                elif depth == 3 and element.tag == "item":
                    item_element, item = element, Item()
                continue
            name = local_name(element.tag)
            if depth == 3 and item is None:
                # A field of the channel itself.
                if name in CHANNEL_FIELDS:
                    self.channel[name] = _text(element)
                elif name == "wp:author":
                    author = Author(login="")
                    for child in element:
                        attribute = AUTHOR_FIELDS.get(local_name(child.tag))
                        if attribute:
                            setattr(author, attribute, _text(child))
                    if author.login:
                        yield "author", author
                elif name in CHANNEL_TERMS:
                    yield "term", CHANNEL_TERMS[name]
                channel_element.remove(element)
            elif depth == 4 and item is not None:
                if name == "wp:comment":
                    if item.comments_read == 0:
                        yield "post", item
                    item.comments_read += 1
                    yield "comment", self._comment(element)
                elif name in ITEM_FIELDS:
                    value = element.text or ""
                    setattr(
                        item,
                        ITEM_FIELDS[name],
                        value if name in ("content:encoded", "excerpt:encoded") else value.strip(),
                    )
                elif name == "category":
                    item.terms[element.get("domain") or "category"] += 1
                elif name == "wp:postmeta":
                    key, value = _meta(element, "wp:meta_key", "wp:meta_value")
                    if key:
                        item.meta[key] = value
                item_element.remove(element)
            elif depth == 3 and element.tag == "item":
                if item.comments_read == 0:
                    yield "post", item
                yield "end", item
                item = item_element = None
                channel_element.remove(element)

    def _comment(self, element):
        comment = WxrComment()
        for child in element:
            name = local_name(child.tag)
            attribute = COMMENT_FIELDS.get(name)
            if attribute:
                value = child.text or ""
                setattr(comment, attribute, value if attribute == "content" else value.strip())
            elif name == "wp:commentmeta":
                key, value = _meta(child, "wp:meta_key", "wp:meta_value")
                if key:
                    comment.meta[key] = value
        return comment
