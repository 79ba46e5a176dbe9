"""The demo command can run on every `make run` without piling up copies."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from blog.models import Post
from comments.models import Comment, ModerationEvent

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def counts():
    return {
        "users": User.objects.count(),
        "posts": Post.objects.count(),
        "public posts": Post.objects.published().count(),
        "comments": Comment.objects.count(),
        "replies": Comment.objects.filter(parent__isnull=False).count(),
        "events": ModerationEvent.objects.count(),
    }


def test_load_demo_twice_creates_nothing_the_second_time():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first


def test_load_demo_creates_posts_in_every_state_and_threads():
    load_demo()
    found = counts()
    assert found["public posts"] >= 2
    assert Post.objects.filter(status=Post.Status.DRAFT).exists()
    assert Post.objects.exclude(pk__in=Post.objects.published()).filter(status=Post.Status.PUBLISHED).exists()
    assert found["replies"] >= 1
    assert Comment.objects.filter(user__posts__isnull=False).exists()  # the author answers
    assert found["events"] == found["comments"]


def test_demo_posts_have_clean_bodies_and_covers():
    load_demo()
    for post in Post.objects.all():
        assert "<script" not in post.body
        assert post.cover
        assert post.cover_thumbnail


def test_load_demo_keeps_an_existing_post_as_the_editor_left_it():
    load_demo()
    post = Post.objects.published().first()
    post.title = "Edited by the author"
    post.save()
    load_demo()
    post.refresh_from_db()
    assert post.title == "Edited by the author"


def test_the_demo_shows_a_co_authors_badge_and_a_moderator_without_one(client, settings):
    settings.LANGUAGE_CODE = "en"
    load_demo()
    co_author_reply = Comment.objects.get(user__email="julien.caron@example.com")
    moderator_reply = Comment.objects.get(user__email="ines.moreau@example.com")
    post = co_author_reply.post

    html = client.get(post.get_absolute_url()).text

    def block(comment):
        start = html.index(f'id="comment-{comment.pk}"')
        return html[start : html.index("</article>", start)]

    assert post.co_authors.filter(email="julien.caron@example.com").exists()
    assert "comment-badge-author" in block(co_author_reply)
    assert "comment-badge" not in block(moderator_reply)
    assert moderator_reply.user.has_perm("comments.moderate_comment")
    assert not moderator_reply.user.is_superuser
