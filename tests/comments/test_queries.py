"""The post page runs the same number of queries whatever the size of its thread."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.sanitize import render_reader_text
from comments.models import Comment, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post

pytestmark = pytest.mark.django_db


def add_thread(post, size, users):
    """`size` comments: roots, replies and replies to replies, some from accounts, some pending."""
    now = timezone.now()
    comments = Comment.objects.bulk_create(
        Comment(
            post=post,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            user=users[n % len(users)] if n % 3 == 0 else None,
            body=f"Comment {n} with https://example.org/{n}",
            body_html=render_reader_text(f"Comment {n} with https://example.org/{n}"),
            status=Status.PENDING if n % 7 == 0 else Status.APPROVED,
            publish_at=now + timedelta(hours=1) if n % 7 == 0 else now - timedelta(minutes=size - n),
            created_at=now - timedelta(minutes=size - n),
        )
        for n in range(size)
    )
    for n, comment in enumerate(comments):
        if n % 4 and n > 4:
            comment.parent = comments[n - 4]
    Comment.objects.bulk_update(comments, ["parent"])


def queries_for_post_page(client, size):
    post = make_post()
    users = [post.author, make_user(), make_user(is_staff=True)]
    add_thread(post, size, users)
    client.get(post.get_absolute_url())  # Warm up the caches that are not per page.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert response.context["thread"].public_count == sum(1 for n in range(size) if n % 7)
    return len(captured)


@pytest.mark.parametrize("who", ["anonymous reader", "logged-in reader"])
def test_post_page_query_count_does_not_grow_with_the_comments(client, who):
    if who == "logged-in reader":
        client.force_login(make_user())

    small = queries_for_post_page(client, 10)
    large = queries_for_post_page(client, 500)

    assert small == large
