"""Which comments are public, before and after their publication time.

One row per status; each comment was submitted at SUBMITTED and, had it stayed
pending, would have gone public at DUE (the 48-hour delay). Every page that
shows or counts comments must agree with Comment.objects.public(now).
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from comments.models import Comment, Status
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = SUBMITTED + timedelta(hours=48)
BEFORE = DUE - timedelta(seconds=1)
AFTER = DUE + timedelta(hours=1)

# status -> (public before DUE, public after DUE)
VISIBILITY = {
    Status.PENDING: (False, True),
    Status.HELD: (False, False),
    Status.APPROVED: (True, True),
    Status.REJECTED: (False, False),
    Status.SPAM: (False, False),
    Status.REMOVED: (False, False),
}


def one_comment_per_status(post):
    """A comment in each status, named after it, as the queue would have left them."""
    comments = {}
    for status in Status:
        comments[status] = make_comment(
            post=post,
            status=status,
            name=f"Reader {status.value}",
            body=f"The {status.value} comment.",
            created_at=SUBMITTED,
            # An approved comment went public when the moderator approved it;
            # the others kept the time the delay had given them, if any.
            publish_at=SUBMITTED + timedelta(hours=1) if status == Status.APPROVED else DUE,
        )
    return comments


def public_statuses(moment):
    return {status for status, (before, after) in VISIBILITY.items() if (before if moment < DUE else after)}


@pytest.fixture
def world():
    with time_machine.travel(SUBMITTED, tick=False):
        post = make_post(published_at=SUBMITTED - timedelta(days=1))
        comments = one_comment_per_status(post)
    return post, comments


@pytest.mark.parametrize("moment", [BEFORE, DUE, AFTER], ids=["before publish_at", "at publish_at", "after"])
def test_public_queryset_holds_exactly_the_expected_statuses(world, moment):
    post, comments = world
    expected = public_statuses(moment)

    assert {c.status for c in Comment.objects.public(moment)} == expected
    assert {c.status for c in comments.values() if c.is_public(moment)} == expected


@pytest.mark.parametrize("moment", [BEFORE, AFTER], ids=["before publish_at", "after publish_at"])
def test_public_uses_the_current_time_when_none_is_given(world, moment):
    with time_machine.travel(moment, tick=False):
        assert {c.status for c in Comment.objects.public()} == public_statuses(moment)


def test_pending_comment_is_hidden_until_publish_at_with_no_worker_running(world):
    post, comments = world
    pending = comments[Status.PENDING]

    assert pending not in Comment.objects.public(BEFORE)
    assert pending in Comment.objects.public(DUE)
    # Nothing was written to make it public: the status is still "pending".
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


@pytest.mark.parametrize("moment", [BEFORE, AFTER], ids=["before publish_at", "after publish_at"])
def test_post_page_shows_and_counts_only_public_comments(client, world, moment):
    post, comments = world
    expected = public_statuses(moment)

    with time_machine.travel(moment, tick=False):
        html = client.get(post.get_absolute_url()).text

    for status, comment in comments.items():
        assert (comment.body in html) == (status in expected), status
    count = len(expected)
    assert f"{count} comment{'s' if count > 1 else ''}" in html
    assert "awaiting moderation" not in html


@pytest.mark.parametrize("moment", [BEFORE, AFTER], ids=["before publish_at", "after publish_at"])
def test_home_page_counts_only_public_comments(client, world, moment):
    post, _ = world
    count = len(public_statuses(moment))

    with time_machine.travel(moment, tick=False):
        response = client.get("/")

    [listed] = [p for p in response.context["object_list"] if p.pk == post.pk]
    assert listed.public_comment_count == count
    assert f"{count} comment{'s' if count > 1 else ''}" in response.text


@pytest.mark.parametrize("moment", [BEFORE, AFTER], ids=["before publish_at", "after publish_at"])
def test_comments_feed_lists_only_public_comments(client, world, moment):
    post, comments = world
    expected = public_statuses(moment)

    with time_machine.travel(moment, tick=False):
        feed = client.get("/comments/feed/").text

    for status in comments:
        assert (f"Reader {status.value} on {post.title}" in feed) == (status in expected), status


def test_comments_feed_leaves_out_comments_on_posts_readers_cannot_see(client):
    draft = make_post(status="draft")
    scheduled = make_post(published_at=datetime(2999, 1, 1, tzinfo=UTC))
    make_comment(post=draft, name="On a draft")
    make_comment(post=scheduled, name="On a scheduled post")

    feed = client.get("/comments/feed/").text

    assert "On a draft" not in feed
    assert "On a scheduled post" not in feed


def test_home_page_counts_each_post_separately(client):
    busy, quiet = make_post(), make_post()
    for _ in range(3):
        make_comment(post=busy)
    make_comment(post=busy, status=Status.PENDING)
    make_comment(post=quiet, status=Status.HELD)

    counts = {p.pk: p.public_comment_count for p in client.get("/").context["object_list"]}

    assert counts == {busy.pk: 3, quiet.pk: 0}
