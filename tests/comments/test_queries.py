"""Pages run the same number of queries whatever the size of the thread, within a stated budget.

Each viewer of the post page is measured on a post with 10 and with 1,000
comments: the counts must be equal and at most POST_PAGE_BUDGET. The admin
queue likewise with 10 and 1,000 comments waiting.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership, Organization
from comments import session as comment_session
from comments.models import Comment, Status
from core.sanitize import render_reader_text
from tests.accounts.factories import make_user
from tests.blog.factories import make_post

pytestmark = pytest.mark.django_db

POST_PAGE_BUDGET = 12
QUEUE_BUDGET = 20
SIZES = (10, 1000)


def add_thread(post, size, users, organization=None):
    """`size` comments: roots, replies and replies to replies, some from accounts (authors too), some pending."""
    now = timezone.now()
    comments = Comment.objects.bulk_create(
        Comment(
            post=post,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            user=users[n % len(users)] if n % 3 == 0 else None,
            organization=organization if organization is not None and n % 3 == 0 and n % 2 == 0 else None,
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
    return comments


def verified_representative():
    n = Organization.objects.count()
    brand = Organization.objects.create(name=f"Brand {n}", slug=f"brand-{n}", email_domains=f"brand{n}.example")
    user = make_user(email=f"rep@brand{n}.example")
    account_services.membership_verify(membership=Membership.objects.create(user=user, organization=brand))
    return user, brand


def queries_for_post_page(client, size, *, viewer, captured_queries=None):
    post = make_post()
    users = [post.author, make_user(), make_user(is_staff=True)]
    post.co_authors.add(users[1])  # The Author badge of a co-author costs no query.
    organization = None
    if viewer == "verified representative":
        rep, organization = verified_representative()
        users.append(rep)
        client.force_login(rep)
    elif viewer == "logged-in reader":
        client.force_login(make_user())
    comments = add_thread(post, size, users, organization)
    if viewer == "reader with a pending comment":
        session = client.session
        session[comment_session.SESSION_KEY] = [comments[7].pk]  # Pending: n % 7 == 0.
        session.save()
    client.get(post.get_absolute_url())  # Warm up the caches that are not per page.
    client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    if viewer == "reader with a pending comment":
        assert f'id="comment-{comments[7].pk}"' in response.text
    if captured_queries is not None:
        captured_queries.extend(query["sql"] for query in captured)
    return len(captured)


@pytest.mark.parametrize(
    "viewer",
    ["anonymous reader", "reader with a pending comment", "logged-in reader", "verified representative"],
)
def test_post_page_query_count_does_not_grow_with_the_comments(client, settings, viewer):
    settings.BLOG_PAGE_CACHE_SECONDS = 0  # Measure the page as it is drawn, not the cache.

    counts = [queries_for_post_page(client, size, viewer=viewer) for size in SIZES]

    assert counts[0] == counts[1] <= POST_PAGE_BUDGET


# (The representative writes some of add_thread's comments, and at 1,000 one of them is pending: theirs alone.)
@pytest.mark.parametrize("viewer", ["reader with a pending comment", "logged-in reader"])
def test_with_the_page_cache_on_a_drawn_page_reads_the_threads_ids_only_once_per_change(client, settings, viewer):
    settings.BLOG_PAGE_CACHE_SECONDS = 600
    sql = {size: [] for size in SIZES}

    counts = [queries_for_post_page(client, size, viewer=viewer, captured_queries=sql[size]) for size in SIZES]

    assert counts[0] == counts[1] <= POST_PAGE_BUDGET
    reads_ids = [any('"is_public"' in query for query in sql[size]) for size in SIZES]
    # Their own pending comment is only theirs: that reader's outline is drawn each time.
    assert reads_ids == [viewer == "reader with a pending comment"] * 2


def test_an_anonymous_reader_costs_no_query_once_the_page_is_cached(client):
    post = make_post()
    add_thread(post, 1000, [post.author])
    with CaptureQueriesContext(connection) as drawing:
        assert client.get(post.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(post.get_absolute_url()).status_code == 200

    assert len(drawing) <= POST_PAGE_BUDGET
    assert len(cached) == 0


def test_the_admin_queue_query_count_does_not_grow_with_the_comments(client):
    moderator = make_user(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["view_comment", "change_comment", "moderate_comment"]
        )
    )
    client.force_login(moderator)

    def queries_for(size):
        Comment.objects.all().delete()
        post = make_post()
        add_thread(post, size, [post.author, moderator])
        Comment.objects.update(status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=2))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("admin:comments_comment_changelist"))
        assert response.status_code == 200
        return len(captured)

    counts = [queries_for(size) for size in SIZES]

    assert counts[0] == counts[1] <= QUEUE_BUDGET
