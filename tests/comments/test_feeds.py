"""Comment feeds show public comments only: the same rule as the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Status
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    post = make_post()
    now = timezone.now()
    comments = {
        "approved": make_comment(post=post, body="APPROVED-TEXT"),
        "pending_due": make_comment(
            post=post, status=Status.PENDING, publish_at=now - timedelta(minutes=1), body="DUE-TEXT"
        ),
        "pending": make_comment(post=post, body="PENDING-TEXT", status=Status.PENDING),
        "held": make_comment(post=post, body="HELD-TEXT", status=Status.HELD),
        "rejected": make_comment(post=post, body="REJECTED-TEXT", status=Status.REJECTED),
        "spam": make_comment(post=post, body="SPAM-TEXT", status=Status.SPAM),
        "removed": make_comment(post=post, body="REMOVED-TEXT", status=Status.REMOVED),
    }
    return post, comments


def test_a_posts_feed_has_its_public_comments_and_nothing_else(client, thread):
    post, _comments = thread
    make_comment(body="OTHER-POST-TEXT")

    response = client.get(reverse("comments:post_feed", args=[post.slug]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "APPROVED-TEXT" in feed and "DUE-TEXT" in feed
    for hidden in ("PENDING-TEXT", "HELD-TEXT", "REJECTED-TEXT", "SPAM-TEXT", "REMOVED-TEXT", "OTHER-POST-TEXT"):
        assert hidden not in feed


def test_the_feed_of_all_comments_never_has_a_non_public_one(client, thread):
    feed = client.get(reverse("comments:feed")).content.decode()

    assert "APPROVED-TEXT" in feed and "DUE-TEXT" in feed
    for hidden in ("PENDING-TEXT", "HELD-TEXT", "REJECTED-TEXT", "SPAM-TEXT", "REMOVED-TEXT"):
        assert hidden not in feed


def test_a_draft_posts_feed_does_not_exist(client):
    draft = make_post(status=Post.Status.DRAFT)
    make_comment(post=draft, body="SECRET")

    assert client.get(reverse("comments:post_feed", args=[draft.slug])).status_code == 404


def test_the_post_page_links_to_its_comments_feed(client, thread):
    post, _comments = thread

    page = client.get(post.get_absolute_url()).content.decode()

    assert f'href="{reverse("comments:post_feed", args=[post.slug])}"' in page
