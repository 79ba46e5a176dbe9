"""A reader posts a comment: where they land, what they see, what others see."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from comments.models import Comment, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment, token_in

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AWAITING = "Your comment is awaiting moderation"
HELD = "Your comment is held for review by the moderators"


@pytest.fixture
def post():
    return make_post(published_at=SUBMITTED - timedelta(days=1))


def due_date(comment):
    return date_filter(timezone.localtime(comment.publish_at), "DATETIME_FORMAT")


def test_after_posting_the_reader_lands_on_their_comment(client, post):
    with time_machine.travel(SUBMITTED, tick=False):
        response = client.post(comment_url(post), form_data(body="My first words here."))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_the_author_of_a_pending_comment_sees_it_with_its_due_date_and_others_do_not(client, post, django_user_model):
    other_reader = type(client)()
    with time_machine.travel(SUBMITTED, tick=False):
        client.post(comment_url(post), form_data(body="My first words here."))
        comment = Comment.objects.get()
        mine = client.get(post.get_absolute_url()).text
        reloaded = client.get(post.get_absolute_url()).text
        theirs = other_reader.get(post.get_absolute_url()).text

    assert comment.status == Status.PENDING
    for html in (mine, reloaded):
        assert "My first words here." in html
        assert f'id="comment-{comment.pk}"' in html
        assert AWAITING in html
        assert f"due for publication on {due_date(comment)}" in html
        assert "0 comments" in html  # Not counted: it is not public yet.
    assert "My first words here." not in theirs
    assert AWAITING not in theirs


def test_a_held_comment_is_shown_to_its_author_as_held(client, post):
    client.post(comment_url(post), form_data(body="Win at the casino tonight."))

    html = client.get(post.get_absolute_url()).text

    assert Comment.objects.get().status == Status.HELD
    assert "Win at the casino tonight." in html
    assert HELD in html
    assert "Win at the casino tonight." not in type(client)().get(post.get_absolute_url()).text


def test_the_own_comment_survives_a_login(client, post):
    client.post(comment_url(post), form_data(body="Written before logging in."))

    client.force_login(make_user())

    assert "Written before logging in." in client.get(post.get_absolute_url()).text


def test_a_pending_comment_becomes_public_for_everyone_at_its_due_date(client, post):
    with time_machine.travel(SUBMITTED, tick=False):
        client.post(comment_url(post), form_data(body="Patience pays."))

    with time_machine.travel(SUBMITTED + timedelta(hours=48), tick=False):
        html = type(client)().get(post.get_absolute_url()).text

    assert "Patience pays." in html
    assert "1 comment" in html
    assert AWAITING not in html


def test_a_withdrawn_rejected_or_spam_comment_is_not_shown_to_its_author(client, post):
    client.post(comment_url(post), form_data(body="Soon rejected."))
    Comment.objects.update(status=Status.REJECTED)

    assert "Soon rejected." not in client.get(post.get_absolute_url()).text


def test_a_logged_in_reader_writes_only_the_body_and_sees_their_comment_in_any_browser(client, post):
    reader = make_user(display_name="Dominique", website="https://dominique.example")
    client.force_login(reader)

    form_html = client.get(post.get_absolute_url()).text
    client.post(comment_url(post), form_data(name="", email="", body="Signed in words."))

    comment = Comment.objects.get()
    assert 'name="email"' not in form_html
    assert "You comment as <strong>Dominique</strong>." in form_html
    assert (comment.user, comment.name, comment.email, comment.website) == (
        reader,
        "Dominique",
        reader.email,
        "https://dominique.example",
    )
    elsewhere = type(client)()
    elsewhere.force_login(reader)
    assert "Signed in words." in elsewhere.get(post.get_absolute_url()).text


def test_the_post_author_is_published_at_once(client, post):
    client.force_login(post.author)

    client.post(comment_url(post), form_data(body="Thanks for reading."))

    html = type(client)().get(post.get_absolute_url()).text
    assert Comment.objects.get().status == Status.APPROVED
    assert "Thanks for reading." in html
    assert "1 comment" in html


# Replies without JavaScript.


def test_the_reply_link_prefills_the_parent_without_javascript(client, post):
    parent = make_comment(post=post, name="Alix")

    html = client.get(post.get_absolute_url()).text
    assert f'href="?reply_to={parent.pk}#comment-form"' in html

    reply_page = client.get(f"{post.get_absolute_url()}?reply_to={parent.pk}").text
    assert f'name="parent" value="{parent.pk}"' in reply_page
    assert "You are replying to a comment." in reply_page

    client.post(comment_url(post), form_data(parent=str(parent.pk), token=token_in(reply_page), body="Indeed."))
    assert Comment.objects.get(body="Indeed.").parent == parent


@pytest.mark.parametrize("reply_to", ["abc", "-1", ""])
def test_a_malformed_reply_to_is_ignored(client, post, reply_to):
    response = client.get(f"{post.get_absolute_url()}?reply_to={reply_to}")

    assert response.status_code == 200
    assert "You are replying to a comment." not in response.text


@pytest.mark.parametrize("status", [Status.PENDING, Status.HELD, Status.REJECTED, Status.SPAM, Status.REMOVED])
def test_a_reply_to_a_comment_that_is_not_public_is_refused_with_a_message(client, post, status):
    parent = make_comment(post=post, status=status, publish_at=timezone.now() + timedelta(hours=1))

    response = client.post(comment_url(post), form_data(parent=str(parent.pk), body="Kept reply."))

    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.text
    assert "Kept reply." in response.text
    assert Comment.objects.count() == 1


def test_a_reply_to_a_comment_of_another_post_is_refused(client, post):
    elsewhere = make_comment()

    response = client.post(comment_url(post), form_data(parent=str(elsewhere.pk)))

    assert response.status_code == 400
    assert Comment.objects.count() == 1


# Closed posts.


@pytest.fixture(params=["closed by the editor", "closed by age"])
def closed_post(request, settings):
    if request.param == "closed by age":
        settings.COMMENTS_CLOSE_AFTER_DAYS = 30
        return make_post(published_at=timezone.now() - timedelta(days=31))
    return make_post(comments_enabled=False)


def test_a_closed_post_says_so_and_offers_no_form_nor_reply(client, closed_post):
    make_comment(post=closed_post, body="An old comment.")

    html = client.get(closed_post.get_absolute_url()).text

    assert "Comments are closed." in html
    assert "An old comment." in html
    assert 'name="body"' not in html
    assert "reply_to=" not in html


@pytest.mark.parametrize("body", ["A valid comment.", ""], ids=["valid form", "invalid form"])
def test_a_closed_post_refuses_a_comment(client, closed_post, body):
    response = client.post(comment_url(closed_post), form_data(body=body))

    assert response.status_code == 403
    assert "Comments are closed." in response.text
    assert not Comment.objects.exists()


def test_a_post_open_until_its_closing_age_accepts_comments(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    post = make_post(published_at=timezone.now() - timedelta(days=29))

    assert client.post(comment_url(post), form_data()).status_code == 302


def test_nobody_comments_on_a_post_readers_cannot_see(client):
    draft = make_post(status="draft")

    assert client.post(comment_url(draft), form_data()).status_code == 404
    assert not Comment.objects.exists()


# Withdrawal by the commenter.


def test_the_commenter_withdraws_their_pending_comment_and_others_cannot(client, post):
    client.post(comment_url(post), form_data(body="Second thoughts."))
    comment = Comment.objects.get()
    remove_url = f"/comments/{comment.pk}/remove/"

    assert type(client)().post(remove_url).status_code == 404  # As if it did not exist.
    assert client.get(remove_url).status_code == 200
    response = client.post(remove_url)

    comment.refresh_from_db()
    assert response.status_code == 302
    assert comment.status == Status.REMOVED
    assert comment.body == "Second thoughts."
    assert "Second thoughts." not in client.get(post.get_absolute_url()).text
