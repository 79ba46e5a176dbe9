"""Build a post's comment thread, page by page, in two queries and one pass in Python.

Also what the post's page shows under the post (for_post_page: the page of
the thread, the comment form, whether comments are open) and the listings'
count of public comments (with_public_comment_count): blog's one door into
comments, a named exception to the layers (pyproject.toml).

The page shows the thread as nested lists. Rather than a recursive include
per comment, the builder returns a flat list in reading order where each
entry knows its depth and how many lists close after it, so the template is
one loop.

Decisions, also in docs/moderation.md:
- public comments are numbered 1, 2, 3… in the order they became public;
  the viewer's own comments that are not public yet are shown, unnumbered;
- replies nest up to COMMENTS_MAX_DEPTH levels; deeper replies are shown at
  the deepest level, under the last comment of that level they descend from;
- long threads are paged like WordPress does: COMMENTS_PER_PAGE top-level
  comments per page with all their replies (0: one page), oldest or newest
  first (COMMENTS_ORDER); numbers stay those of the whole thread, and a
  comment's permalink (page_of) finds its page;
- a reply whose parent is not visible (rejected, spam, removed, or not yet
  public) is shown at the top level, marked as answering a comment that is
  not shown, so that every counted comment is on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from . import session as comment_session
from . import stamps
from .badges import authors_among, badge_for, verified_pairs
from .forms import CommentForm, form_for
from .models import public_q

if TYPE_CHECKING:
    from django.http import HttpRequest

    from blog.models import Post


@dataclass
class Entry:
    comment: object
    depth: int = 0
    number: int | None = None
    orphan: bool = False
    badge: object = None
    children: list = field(default_factory=list)
    has_children: bool = False
    closes: range = range(0)


@dataclass(frozen=True)
class Page:
    """Which page of top-level comments is shown, of how many (1 of 1 when not paginated)."""

    number: int = 1
    count: int = 1

    @property
    def numbers(self):
        return range(1, self.count + 1)

    @property
    def previous_number(self):
        return self.number - 1 if self.number > 1 else None

    @property
    def next_number(self):
        return self.number + 1 if self.number < self.count else None


@dataclass
class Thread:
    entries: list
    public_count: int
    page: Page = Page()
    # The post's stamps (comments.stamps), read before any row of the thread; None when outlines are not kept.
    versions: tuple | None = None

    @property
    def replyable(self):
        """The public comments on this page (a reply may answer any public comment of the post)."""
        return [entry.comment for entry in self.entries if entry.number is not None]


@dataclass
class Layout:
    """The shape of a whole thread, from its ids alone: numbers, top-level comments and who answers whom.

    Only the page asked for is flattened into reading order: a thread of
    10,000 comments lays out its first page at the cost of that page.
    """

    numbers: dict  # Public comment id: its number.
    tops: list  # (id, orphan) of the top-level comments, in the order pages show them.
    children: dict  # Id: the ids of its visible replies, in publication order.
    parents: dict  # Reply id: the id of its visible parent.
    per_page: int
    max_depth: int

    @property
    def public_count(self):
        return len(self.numbers)

    @property
    def page_count(self):
        if not self.per_page or not self.tops:
            return 1
        return -(-len(self.tops) // self.per_page)

    def page(self, number):
        """The (id, depth, orphan) triples of page `number`; EmptyPage when there is no such page."""
        if not 1 <= number <= self.page_count:
            raise EmptyPage(number)
        tops = self.tops[(number - 1) * self.per_page : number * self.per_page] if self.per_page else self.tops
        triples = []
        for root, orphan in tops:
            stack = [(root, 0)]
            while stack:  # Depth-first, without recursion: a reply chain can be long.
                pk, depth = stack.pop()
                triples.append((pk, min(depth, self.max_depth - 1), orphan and pk == root))
                stack.extend((child, depth + 1) for child in reversed(self.children.get(pk, ())))
        return triples

    def page_of(self, pk):
        """The page showing comment `pk`, or None when this viewer does not see it."""
        root = pk
        for _ in range(len(self.parents) + 1):  # A reply chain is at most as long as the replies.
            if root not in self.parents:
                break
            root = self.parents[root]
        index = next((index for index, (top, _) in enumerate(self.tops) if top == root), None)
        if index is None:
            return None
        return index // self.per_page + 1 if self.per_page else 1


def layout(rows, *, max_depth=None, per_page=None, newest_first=None):
    """Lay out a thread from (id, parent id, is public) rows in publication order.

    Replies follow their parent in publication order whatever the page
    order; only top-level comments are paged, newest or oldest first.
    """
    max_depth = max_depth or settings.COMMENTS_MAX_DEPTH
    per_page = settings.COMMENTS_PER_PAGE if per_page is None else per_page
    newest_first = settings.COMMENTS_ORDER == "newest" if newest_first is None else newest_first

    rows = list(rows)
    numbers, visible = {}, set()
    for pk, _, public in rows:
        visible.add(pk)
        if public:
            numbers[pk] = len(numbers) + 1
    tops, children, parents = [], {}, {}
    for pk, parent_id, _ in rows:
        if parent_id in visible:
            parents[pk] = parent_id
            children.setdefault(parent_id, []).append(pk)
        else:
            tops.append((pk, parent_id is not None))
    if newest_first:
        tops.reverse()
    return Layout(
        numbers=numbers, tops=tops, children=children, parents=parents, per_page=per_page, max_depth=max_depth
    )


def skeleton(post, *, own_ids=(), user=None, now=None):
    """The viewer's comments of a post as (id, parent id, is public) rows, in publication order: one light query."""
    now = now or timezone.now()
    return (
        post.comments.visible_to(now=now, own_ids=own_ids, user=user)
        .annotate(
            # 1 or 0: an integer needs no conversion per row, and a thread can have 10,000.
            is_public=Case(When(public_q(now), then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by(Coalesce("publish_at", "created_at"), "pk")
        .values_list("pk", "parent_id", "is_public")
    )


@dataclass(frozen=True)
class Outline:
    """One page of a thread from the ids alone: what a view needs before it reads the page's comments."""

    triples: list  # (id, depth, orphan) in reading order.
    numbers: dict  # The numbers of the public ones.
    page_count: int
    public_count: int


def outline(post, *, own_ids=(), user=None, now=None, page=1):
    """The outline of page `page` as this viewer sees it, from the ids of the whole thread; EmptyPage if none."""
    shape = layout(skeleton(post, own_ids=own_ids, user=user, now=now))
    triples = shape.page(page)
    numbers = {pk: shape.numbers[pk] for pk, _, _ in triples if pk in shape.numbers}
    return Outline(triples=triples, numbers=numbers, page_count=shape.page_count, public_count=shape.public_count)


def kept_outline(post, *, versions, now=None, page=1):
    """The outline of a page as everyone sees it, kept in the cache while the post's stamps hold.

    Reading the ids of a thread costs 15 ms at 10,000 comments; kept, the
    outline costs one cache read, so a drawn page follows the comments it
    shows, not the size of the thread. It is kept under the post's stamps
    (comments/stamps.py), which change with any change to the post or its
    comments, and until the next publication by the clock.
    """
    now = now or timezone.now()
    layout_settings = (settings.COMMENTS_PER_PAGE, settings.COMMENTS_ORDER, settings.COMMENTS_MAX_DEPTH)
    key = ":".join(map(str, ("comments:outline", post.pk, *versions, *layout_settings, page)))
    if (kept := cache.get(key)) is not None:
        drawn_at, due, shown = kept
        if drawn_at <= now and (due is None or now < due):
            return shown
    shown = outline(post, now=now, page=page)
    cache.set(key, (now, post.comments.next_publication(now), shown), settings.BLOG_PAGE_CACHE_SECONDS)
    return shown


def is_number(value: str) -> bool:
    """A query parameter that is a plain number: ASCII digits ("¹" is a digit to str.isdigit(), not to int()),
    and few enough of them for int() to read (it refuses beyond 4,300)."""
    return value.isascii() and value.isdigit() and len(value) <= 18


def keeps_outlines() -> bool:
    """Whether thread outlines are kept: as long as post pages are cached (BLOG_PAGE_CACHE_SECONDS, 0: neither)."""
    return settings.BLOG_PAGE_CACHE_SECONDS > 0


def for_post_page(request: HttpRequest, post: Post, *, form: CommentForm | None = None) -> dict[str, object]:
    """What a post's page shows under the post: a page of its thread, the comment form, whether comments are open.

    The one call the post's page makes into comments (blog.views), and the
    page a refused comment comes back on (comments.posting), with `form` as
    it was sent. The page of the thread is ?cpage=N (like WordPress' pages
    of comments; 1 by default, Http404 when there is no such page); a
    reply's form comes from ?reply_to=ID. With outlines kept, the post's
    stamps are read first, before any row of the thread: the thread
    carries them (Thread.versions), so that a page kept under them cannot
    outlive what it shows.
    """
    if form is None:
        reply_to = request.GET.get("reply_to", "")
        form = form_for(request, post, initial={"parent": int(reply_to)} if is_number(reply_to) else {})
    versions = stamps.current_versions(post.pk) if keeps_outlines() else None
    number = request.GET.get("cpage", "1")
    if not is_number(number):
        raise Http404(gettext("No such page of comments."))
    try:
        thread = thread_for(
            post,
            own_ids=comment_session.own_ids(request),
            user=request.user,
            page=int(number),
            versions=versions,
        )
    except EmptyPage:
        raise Http404(gettext("No such page of comments.")) from None
    return {"thread": thread, "form": form, "comments_open": post.comments_open()}


def with_public_comment_count(posts: QuerySet[Post], now: datetime | None = None) -> QuerySet[Post]:
    """Each post's number of public comments, in the same query (comments' one visibility rule): for listings."""
    return posts.annotate(public_comment_count=Count("comments", filter=public_q(now, prefix="comments__")))


def thread_for(post, *, own_ids=(), user=None, now=None, page=1, versions=None):
    """The page of the thread a viewer sees on a post: two queries, whatever its size.

    The first reads only the ids of every visible comment, to number them
    and find the page; the second reads the comments of that page. Raise
    EmptyPage when the thread has no such page. With `versions` (the post's
    page-cache stamps), a viewer with no comment of their own waiting gets
    the page's outline from the cache (kept_outline) after one check.
    """
    now = now or timezone.now()
    if versions is not None and not post.comments.seen_only_by(now=now, own_ids=own_ids, user=user).exists():
        shown = kept_outline(post, versions=versions, now=now, page=page)
    else:
        shown = outline(post, own_ids=own_ids, user=user, now=now, page=page)
    comments = (
        post.comments.filter(pk__in=[pk for pk, _, _ in shown.triples])
        .select_related("user", "organization")
        .with_authorship()
    )
    by_id = {comment.pk: comment for comment in comments}
    verified, authors = verified_pairs(by_id.values()), authors_among(by_id.values(), post)
    entries = entries_of(
        shown.triples, by_id, shown.numbers, badge=lambda comment: badge_for(comment, post, verified, authors)
    )
    return Thread(
        entries=entries, public_count=shown.public_count, page=Page(page, shown.page_count), versions=versions
    )


def page_of(post, comment_pk, *, own_ids=(), user=None, now=None):
    """The page of the post's thread where this viewer finds the comment, or None if they cannot see it."""
    return layout(skeleton(post, own_ids=own_ids, user=user, now=now)).page_of(comment_pk)


def comment_permalink(post, comment_pk, *, own_ids=(), user=None, now=None):
    """Where a comment is read: its page of the thread (?cpage=N past the first) and its anchor.

    A comment the viewer cannot see is sent to the first page, where it is not.
    """
    page = page_of(post, comment_pk, own_ids=own_ids, user=user, now=now) or 1
    query = f"?cpage={page}" if page > 1 else ""
    return f"{post.get_absolute_url()}{query}#comment-{comment_pk}"


def build(comments, *, post=None, now=None, max_depth=None, verified=frozenset()):
    """Return the whole thread of the given comments (the post's visible ones, any order), on one page.

    With the post, each entry also carries its badge (comments.badges).
    """
    now = now or timezone.now()
    comments = sorted(comments, key=lambda c: (c.publish_at or c.created_at, c.pk))
    by_id = {comment.pk: comment for comment in comments}
    shape = layout(
        [(c.pk, c.parent_id, c.is_public(now)) for c in comments], max_depth=max_depth, per_page=0, newest_first=False
    )
    badge = (lambda comment: badge_for(comment, post, verified)) if post is not None else (lambda comment: None)
    entries = entries_of(shape.page(1), by_id, shape.numbers, badge=badge)
    return Thread(entries=entries, public_count=shape.public_count)


def entries_of(triples, by_id, numbers, *, badge):
    """The thread's entries for (id, depth, orphan) triples, their lists opened and closed.

    A comment missing from `by_id` (deleted since its id was read) is left out.
    """
    entries = [
        Entry(by_id[pk], depth=depth, number=numbers.get(pk), orphan=orphan, badge=badge(by_id[pk]))
        for pk, depth, orphan in triples
        if pk in by_id
    ]
    close_lists(entries)
    return entries


def close_lists(entries):
    """Each entry opens a nested list when the next one is deeper, and closes as many as the depth falls."""
    for index, entry in enumerate(entries):
        next_depth = entries[index + 1].depth if index + 1 < len(entries) else 0
        entry.has_children = next_depth > entry.depth
        entry.closes = range(max(entry.depth - next_depth, 0))


def context_of(comment):
    """The comment, its parent chain and all its replies, any status: the admin's view of a thread.

    Return (comment, depth) pairs in reading order, from one query.
    """
    rows = list(comment.post.comments.order_by("created_at", "pk"))
    by_id = {row.pk: row for row in rows}
    replies = {}
    for row in rows:
        replies.setdefault(row.parent_id, []).append(row)

    chain = []
    ancestor = by_id.get(comment.parent_id)
    while ancestor is not None and len(chain) < len(rows):
        chain.append(ancestor)
        ancestor = by_id.get(ancestor.parent_id)
    pairs = [(ancestor, depth) for depth, ancestor in enumerate(reversed(chain))]

    stack = [(by_id.get(comment.pk, comment), len(chain))]
    while stack:
        row, depth = stack.pop()
        pairs.append((row, depth))
        stack.extend((reply, depth + 1) for reply in reversed(replies.get(row.pk, [])))
    return pairs
