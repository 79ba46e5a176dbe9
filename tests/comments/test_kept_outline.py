"""A drawn page's thread outline is kept under the page cache's stamps, and is never stale.

Logged-in readers always get a drawn page; with the page cache on, which
comments their page shows, at what depth and with what number comes from
the kept outline (comments.thread.kept_outline), unless they have a
comment of their own waiting.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from comments import services
from comments.models import Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.LANGUAGE_CODE = "en"
    settings.BLOG_PAGE_CACHE_SECONDS = 600
    with translation.override("en"):
        yield


@pytest.fixture
def post():
    return make_post()


def reader():
    client = Client()
    client.force_login(make_user())
    return client


def test_an_approved_comment_is_on_a_logged_in_readers_page_at_once(post):
    make_comment(post=post, body="First words.")
    held = make_comment(post=post, status=Status.HELD, body="Approved later.")
    client = reader()
    assert "Approved later." not in client.get(post.get_absolute_url()).text

    services.comment_approve(comment=held, moderator=post.author)
    page = client.get(post.get_absolute_url()).text

    assert "Approved later." in page
    assert "2 comments" in page


def test_a_rejected_comment_leaves_a_logged_in_readers_page_at_once(post):
    comment = make_comment(post=post, body="Rejected later.")
    client = reader()
    assert "Rejected later." in client.get(post.get_absolute_url()).text

    services.comment_reject(comment=comment, moderator=post.author)

    assert "Rejected later." not in client.get(post.get_absolute_url()).text


def test_a_comment_due_at_noon_is_on_a_logged_in_readers_page_at_noon(post):
    noon = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    post.published_at = noon - timedelta(days=3)
    post.save()
    make_comment(post=post, body="Already public.", publish_at=noon - timedelta(days=1))
    make_comment(post=post, status=Status.PENDING, publish_at=noon, body="Due at noon.")
    client = reader()

    with time_machine.travel(noon - timedelta(minutes=5), tick=False):
        before = client.get(post.get_absolute_url()).text
    with time_machine.travel(noon, tick=False):
        at_noon = client.get(post.get_absolute_url()).text

    assert "Due at noon." not in before
    assert "Due at noon." in at_noon


def test_a_readers_own_waiting_comment_is_on_their_page_alone(post):
    make_comment(post=post, body="Public words.")
    writer, other = make_user(), reader()
    other.get(post.get_absolute_url())  # The outline everyone sees is kept.
    make_comment(post=post, user=writer, status=Status.PENDING, body="Mine, waiting.")
    mine = Client()
    mine.force_login(writer)

    assert "Mine, waiting." in mine.get(post.get_absolute_url()).text
    assert "Mine, waiting." not in other.get(post.get_absolute_url()).text


def test_each_page_and_each_order_has_its_own_outline(post, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(post=post, body="The older one.", publish_at=datetime(2030, 1, 1, tzinfo=UTC) - timedelta(days=9))
    make_comment(post=post, body="The newer one.", publish_at=datetime(2030, 1, 1, tzinfo=UTC) - timedelta(days=8))
    client = reader()

    first = client.get(post.get_absolute_url()).text
    second = client.get(f"{post.get_absolute_url()}?cpage=2").text
    settings.COMMENTS_ORDER = "newest"
    newest_first = client.get(post.get_absolute_url()).text

    assert "The older one." in first and "The newer one." not in first
    assert "The newer one." in second and "The older one." not in second
    assert "The newer one." in newest_first and "The older one." not in newest_first
