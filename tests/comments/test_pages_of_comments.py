"""Long threads come in pages of top-level comments, like WordPress; permalinks find the page."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from comments import session as comment_session
from comments.models import Comment, Status
from comments.thread import thread_for
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment, token_in

pytestmark = pytest.mark.django_db


def at(minutes):
    return timezone.now() - timedelta(days=1) + timedelta(minutes=minutes)


@pytest.fixture
def post(settings):
    """Five top-level comments (A…E, in that order); A and C have replies, one of them nested."""
    settings.COMMENTS_PER_PAGE = 2
    settings.COMMENTS_ORDER = "oldest"
    post = make_post()
    a = make_comment(post=post, name="A", publish_at=at(1))
    make_comment(post=post, name="B", publish_at=at(2))
    c = make_comment(post=post, name="C", publish_at=at(3))
    make_comment(post=post, name="D", publish_at=at(4))
    make_comment(post=post, name="E", publish_at=at(5))
    a1 = make_comment(post=post, name="A1", parent=a, publish_at=at(6))
    make_comment(post=post, name="A1a", parent=a1, publish_at=at(7))
    make_comment(post=post, name="C1", parent=c, publish_at=at(8))
    return post


def names(thread):
    return [(entry.comment.name, entry.number) for entry in thread.entries]


def comment(post, name):
    return post.comments.get(name=name)


def test_each_page_holds_its_top_level_comments_with_all_their_replies_numbered_for_the_whole_thread(post):
    pages = [thread_for(post, page=number) for number in (1, 2, 3)]

    assert names(pages[0]) == [("A", 1), ("A1", 6), ("A1a", 7), ("B", 2)]
    assert names(pages[1]) == [("C", 3), ("C1", 8), ("D", 4)]
    assert names(pages[2]) == [("E", 5)]
    assert {page.public_count for page in pages} == {8}
    assert [(page.page.number, page.page.count) for page in pages] == [(1, 3), (2, 3), (3, 3)]


def test_newest_first_puts_the_latest_top_level_comments_first_and_keeps_replies_in_order(post, settings):
    settings.COMMENTS_ORDER = "newest"

    assert names(thread_for(post, page=1)) == [("E", 5), ("D", 4)]
    assert names(thread_for(post, page=2)) == [("C", 3), ("C1", 8), ("B", 2)]
    assert names(thread_for(post, page=3)) == [("A", 1), ("A1", 6), ("A1a", 7)]


def test_no_paging_when_the_setting_is_0(post, settings):
    settings.COMMENTS_PER_PAGE = 0

    thread = thread_for(post)

    assert len(thread.entries) == 8
    assert thread.page.count == 1


def test_pages_are_links_without_javascript_and_a_missing_page_is_not_found(client, post):
    url = post.get_absolute_url()

    first = client.get(url).text
    second = client.get(f"{url}?cpage=2").text

    assert f'href="{url}?cpage=2#comments"' in first
    assert f'href="{url}?cpage=3#comments" rel="next"' in second
    assert f'href="{url}#comments" rel="prev"' in second
    assert "8 comments" in second
    assert re.findall(r'class="comment-number"[^>]*>(\d+)\.', second) == ["3", "8", "4"]
    assert f'href="?cpage=2&amp;reply_to={comment(post, "C").pk}#comment-form"' in second
    assert f'action="{comment_url(post)}?cpage=2#comment-form"' in second
    assert client.get(f"{url}?cpage=4").status_code == 404
    assert client.get(f"{url}?cpage=two").status_code == 404


def test_a_permalink_sends_to_the_page_of_the_comment(client, post):
    reply = comment(post, "C1")

    response = client.get(reply.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{reply.pk}"
    first = comment(post, "A1a")
    assert client.get(first.get_absolute_url())["Location"] == f"{post.get_absolute_url()}#comment-{first.pk}"


def test_a_permalink_to_a_comment_the_reader_cannot_see_is_not_found(client, post):
    hidden = make_comment(post=post, status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=1))
    rejected = make_comment(post=post, status=Status.REJECTED, body="Rejected words.")

    for comment in (hidden, rejected):
        assert client.get(comment.get_absolute_url()).status_code == 404  # tests/comments/test_hidden_comments.py
    assert "Rejected words." not in client.get(rejected.get_absolute_url()).text


def test_the_permalink_of_ones_own_pending_comment_finds_its_page(client, post):
    own = make_comment(post=post, status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=1))
    session = client.session
    session[comment_session.SESSION_KEY] = [own.pk]
    session.save()

    assert client.get(own.get_absolute_url())["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{own.pk}"


def test_a_permalink_to_a_comment_of_a_draft_post_is_not_found(client):
    draft = make_post(status="draft")
    assert client.get(make_comment(post=draft).get_absolute_url()).status_code == 404


def test_a_new_comment_is_shown_at_once_on_its_page(client, post):
    response = client.post(comment_url(post), form_data(body="Mine, on the last page."))

    mine = Comment.objects.get(body="Mine, on the last page.")
    assert mine.status == Status.PENDING
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{mine.pk}"
    assert "Mine, on the last page." in client.get(response["Location"]).text
    assert mine.pk in client.session[comment_session.SESSION_KEY]


def test_a_reply_sent_from_another_page_answers_its_comment_and_returns_there(client, post):
    parent = comment(post, "D")
    page = client.get(f"{post.get_absolute_url()}?cpage=2&reply_to={parent.pk}").text

    response = client.post(
        comment_url(post, "?cpage=2"),
        form_data(parent=str(parent.pk), token=token_in(page), body="An answer to D."),
    )

    reply = Comment.objects.get(body="An answer to D.")
    assert reply.parent == parent
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{reply.pk}"


def test_the_data_migration_renders_bodies_stored_without_html(post):
    from importlib import import_module

    stored = make_comment(post=post, body="See https://example.org/\nand more.")
    Comment.objects.filter(pk=stored.pk).update(body_html="")

    import_module("comments.migrations.0006_render_body_html").render_bodies(apps, None)

    stored.refresh_from_db()
    assert stored.body_html == (
        '<p>See <a href="https://example.org/" rel="nofollow ugc noopener">https://example.org/</a><br>and more.</p>'
    )
