"""The thread: reading order, numbering in publication order, depth cap, orphans."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Status
from comments.thread import build, thread_for
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return make_post()


def at(hours):
    """A publication time, `hours` after a fixed point in the past."""
    return timezone.now() - timedelta(days=10) + timedelta(hours=hours)


def shape(thread):
    return [(entry.comment.name, entry.depth, entry.number) for entry in thread.entries]


def test_comments_are_numbered_in_publication_order_and_replies_follow_their_parent(post):
    # Created in another order than they were published.
    late = make_comment(post=post, name="late", publish_at=at(5))
    early = make_comment(post=post, name="early", publish_at=at(1))
    reply = make_comment(post=post, name="reply to early", parent=early, publish_at=at(9))
    middle = make_comment(post=post, name="middle", publish_at=at(3))

    thread = thread_for(post)

    assert shape(thread) == [("early", 0, 1), ("reply to early", 1, 4), ("middle", 0, 2), ("late", 0, 3)]
    assert thread.public_count == 4
    assert {c.pk for c in thread.replyable} == {late.pk, early.pk, reply.pk, middle.pk}


def test_comments_published_at_the_same_time_keep_the_order_they_were_sent(post):
    first = make_comment(post=post, name="first", publish_at=at(1))
    second = make_comment(post=post, name="second", publish_at=at(1))

    assert [e.comment for e in thread_for(post).entries] == [first, second]


def test_an_early_approval_takes_its_place_in_the_numbering(post):
    # A pending comment that went public at hour 1 comes before one a moderator approved at hour 2.
    make_comment(post=post, name="delayed", status=Status.PENDING, publish_at=at(1))
    make_comment(post=post, name="approved early", publish_at=at(2))

    assert [(e.comment.name, e.number) for e in thread_for(post).entries] == [("delayed", 1), ("approved early", 2)]


def test_replies_nest_to_the_set_depth_then_stay_at_the_deepest_level(post, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    parent = None
    for level in range(6):
        parent = make_comment(post=post, name=f"level {level}", parent=parent, publish_at=at(level))
    sibling = make_comment(post=post, name="second reply to level 1", parent=parent.parent.parent.parent.parent)
    sibling.publish_at = at(10)
    sibling.save(update_fields=["publish_at"])

    thread = thread_for(post)

    assert [(e.comment.name, e.depth) for e in thread.entries] == [
        ("level 0", 0),
        ("level 1", 1),
        ("level 2", 2),
        ("level 3", 2),
        ("level 4", 2),
        ("level 5", 2),
        ("second reply to level 1", 2),
    ]
    assert [e.number for e in thread.entries] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("max_depth", [1, 2, 4])
def test_no_entry_is_deeper_than_the_cap_and_the_lists_balance(post, max_depth):
    root = make_comment(post=post, publish_at=at(0))
    chain = root
    for n in range(1, 6):
        chain = make_comment(post=post, parent=chain, publish_at=at(n))
    make_comment(post=post, parent=root, publish_at=at(7))
    make_comment(post=post, publish_at=at(8))

    entries = build(post.comments.all(), max_depth=max_depth).entries

    assert max(e.depth for e in entries) == max_depth - 1
    opened = sum(e.has_children for e in entries)
    closed = sum(len(e.closes) for e in entries)
    assert opened == closed
    for entry, following in zip(entries, entries[1:], strict=False):
        assert following.depth <= entry.depth + 1


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM, Status.REMOVED, Status.HELD, Status.PENDING])
def test_a_public_reply_to_a_hidden_parent_is_shown_at_the_top_marked_as_orphan(post, status):
    # thread.py: "a reply whose parent is not visible ... is shown at the top level,
    # marked as answering a comment that is not shown, so that every counted comment is on the page."
    hidden = make_comment(post=post, name="hidden", status=status, publish_at=timezone.now() + timedelta(hours=1))
    reply = make_comment(post=post, name="reply", parent=hidden, publish_at=at(1))
    make_comment(post=post, name="other", publish_at=at(2))

    thread = thread_for(post)

    assert shape(thread) == [("reply", 0, 1), ("other", 0, 2)]
    assert [e.orphan for e in thread.entries] == [True, False]
    assert reply.pk in {c.pk for c in thread.replyable}


def test_the_page_marks_an_orphan_reply_and_counts_it(client, post):
    hidden = make_comment(post=post, status=Status.REJECTED, body="Rejected words.")
    make_comment(post=post, parent=hidden, body="The reply stays.")

    html = client.get(post.get_absolute_url()).text

    assert "Rejected words." not in html
    assert "The reply stays." in html
    assert "In reply to a comment that is not shown." in html
    assert "1 comment" in html


def test_the_authors_own_pending_reply_sits_under_its_parent_unnumbered(post):
    parent = make_comment(post=post, name="parent", publish_at=at(1))
    own = make_comment(post=post, name="own", parent=parent, status=Status.PENDING)
    make_comment(post=post, name="someone else's pending", status=Status.PENDING)

    thread = thread_for(post, own_ids=[own.pk])

    assert shape(thread) == [("parent", 0, 1), ("own", 1, None)]
    assert thread.public_count == 1
    assert [c.pk for c in thread.replyable] == [parent.pk]


def test_the_page_renders_the_thread_numbered_nested_and_well_formed(client, post, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    first = make_comment(post=post, name="Alix", publish_at=at(1))
    reply = make_comment(post=post, name="Bao", parent=first, publish_at=at(3))
    make_comment(post=post, name="Chen", parent=reply, publish_at=at(4))
    make_comment(post=post, name="Dana", publish_at=at(2))

    html = client.get(post.get_absolute_url()).text

    numbered = re.findall(r'class="comment-number"[^>]*>(\d+)\.</a>\s*<span class="comment-author">(\w+)</span>', html)
    assert numbered == [("1", "Alix"), ("3", "Bao"), ("4", "Chen"), ("2", "Dana")]
    assert html.count("<ol") == html.count("</ol>")
    assert html.count('class="comment-replies') == 1
    assert f'id="comment-{first.pk}"' in html
    assert "4 comments" in html


def test_readers_text_is_escaped_linked_with_nofollow_and_keeps_line_breaks(client, post):
    make_comment(post=post, name="<b>Eve</b>", body="<script>alert(1)</script>\nSee https://example.org/page")

    html = client.get(post.get_absolute_url()).text

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "<br>" in html
    link = re.search(r'<a [^>]*href="https://example.org/page"[^>]*>', html).group(0)
    assert all(word in link for word in ("nofollow", "ugc", "noopener"))
