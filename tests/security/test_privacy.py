"""Commenters' e-mail addresses are never public; their IP addresses are kept only for a while."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Status
from comments.retention import comment_erase_addresses
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "hidden.reader@private.example"
SECRET_ACCOUNT = "account.owner@private.example"


@pytest.fixture
def thread():
    """A post whose author, commenters and a reply all have e-mail addresses on file."""
    author = make_user(email="the.author@private.example", display_name="Claire", is_staff=True)
    post = make_post(author=author)
    member = make_user(email=SECRET_ACCOUNT, display_name="Owner")
    first = make_comment(post=post, email=SECRET_ADDRESS, name="Hidden", website="https://reader.example")
    make_comment(post=post, parent=first, user=member, name=member.display_name, email=member.email)
    make_comment(post=post, email="pending.one@private.example", status=Status.PENDING)
    return post


PUBLIC_PAGES = [
    lambda post: "/",
    lambda post: post.get_absolute_url(),
    lambda post: reverse("blog:archive_month", args=[post.published_at.year, post.published_at.month]),
    lambda post: reverse("blog:feed_atom"),
    lambda post: reverse("blog:feed_rss"),
    lambda post: reverse("comments:feed"),
    lambda post: reverse("sitemap"),
]


@pytest.mark.parametrize("page", PUBLIC_PAGES, ids=["home", "post", "archive", "atom", "rss", "comments", "sitemap"])
def test_no_e_mail_address_appears_in_public_pages_or_feeds(client, thread, page):
    response = client.get(page(thread))
    assert response.status_code == 200
    source = response.content.decode().lower()
    assert "@private.example" not in source
    assert "private.example" not in source.replace("reader.example", "")


def test_the_commenter_does_not_see_their_address_echoed_on_the_page(client, thread):
    response = client.post(comment_url(thread), form_data(email=SECRET_ADDRESS.upper(), body="Mine"), follow=True)
    assert response.status_code == 200
    assert "private.example" not in response.content.decode().lower()


def test_another_reader_logged_in_sees_no_address_either(client, thread):
    client.force_login(make_user())
    assert "private.example" not in client.get(thread.get_absolute_url()).content.decode().lower()


def test_addresses_older_than_the_retention_are_erased_and_the_rest_kept(settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 30
    now = timezone.now()
    old = make_comment(ip_address="203.0.113.9", user_agent="Old browser", created_at=now - timedelta(days=31))
    recent = make_comment(ip_address="203.0.113.10", user_agent="New browser", created_at=now - timedelta(days=29))
    assert comment_erase_addresses(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.10", "New browser")
    # The comment itself is untouched.
    assert old.body and old.status == Status.APPROVED


def test_erasing_twice_changes_nothing_the_second_time(settings):
    make_comment(ip_address="203.0.113.9", created_at=timezone.now() - timedelta(days=400))
    assert comment_erase_addresses() == 1
    assert comment_erase_addresses() == 0
    assert not Comment.objects.exclude(ip_address=None).exists()


def test_an_explicit_moment_overrides_the_setting():
    now = timezone.now()
    make_comment(ip_address="203.0.113.9", created_at=now - timedelta(hours=2))
    assert comment_erase_addresses(older_than=now - timedelta(hours=1)) == 1
