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
