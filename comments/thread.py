"""Build a post's comment thread from one query, in one pass, in Python.

The page shows the thread as nested lists. Rather than a recursive include
per comment, the builder returns a flat list in reading order where each
entry knows its depth and how many lists close after it, so the template is
one loop.

Decisions, also in docs/moderation.md:
- public comments are numbered 1, 2, 3… in the order they became public;
  the viewer's own comments that are not public yet are shown, unnumbered;
- replies nest up to COMMENTS_MAX_DEPTH levels; deeper replies are shown at
  the deepest level, under the last comment of that level they descend from;
- a reply whose parent is not visible (rejected, spam, removed, or not yet
  public) is shown at the top level, marked as answering a comment that is
  not shown, so that every counted comment is on the page.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from .badges import badge_for, verified_pairs


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


@dataclass
class Thread:
    entries: list
    public_count: int

    @property
    def replyable(self):
        """Comments a reader may answer: the public ones."""
        return [entry.comment for entry in self.entries if entry.number is not None]


def thread_for(post, *, own_ids=(), user=None, now=None):
    """The thread a viewer sees on a post: one query, whatever its size."""
    now = now or timezone.now()
    comments = list(
        post.comments.visible_to(now=now, own_ids=own_ids, user=user).select_related("user", "organization")
    )
    return build(comments, post=post, now=now, verified=verified_pairs(comments))


def build(comments, *, post=None, now=None, max_depth=None, verified=frozenset()):
    """Return the thread of the given comments (the post's visible ones, any order).

    With the post, each entry also carries its badge (comments.badges).
    """
    now = now or timezone.now()
    max_depth = max_depth or settings.COMMENTS_MAX_DEPTH
    comments = sorted(comments, key=lambda c: (c.publish_at or c.created_at, c.pk))

    number = 0
    entries = {}
    for comment in comments:
        entry = Entry(comment, badge=badge_for(comment, post, verified) if post is not None else None)
        if comment.is_public(now):
            number += 1
            entry.number = number
        entries[comment.pk] = entry

    roots = []
    for entry in entries.values():
        parent = entries.get(entry.comment.parent_id)
        if parent is None:
            entry.orphan = entry.comment.parent_id is not None
            roots.append(entry)
        else:
            parent.children.append(entry)

    flat = []
    stack = [(root, 0) for root in reversed(roots)]
    while stack:  # Depth-first, without recursion: a reply chain can be long.
        entry, depth = stack.pop()
        entry.depth = min(depth, max_depth - 1)
        flat.append(entry)
        stack.extend((child, depth + 1) for child in reversed(entry.children))

    # Each entry opens a nested list when the next one is deeper, and closes
    # as many lists as the depth falls before the next one.
    for index, entry in enumerate(flat):
        next_depth = flat[index + 1].depth if index + 1 < len(flat) else 0
        entry.has_children = next_depth > entry.depth
        entry.closes = range(max(entry.depth - next_depth, 0))
    return Thread(entries=flat, public_count=number)


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
