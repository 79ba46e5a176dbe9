"""A comment form's token is good only for the reader it was drawn for, on the post it was drawn for.

The token makes a double submission harmless: the second send gets the
first comment's page, and the view remembers that comment as the sender's.
So a token must never work for another reader (they would be handed a
comment that is not theirs, and could see and withdraw it) nor on another
post. Readers here are separate browsers (clients with CSRF checks on),
each with the CSRF cookie its first page gave it.
"""

import re

import pytest
from django.db import IntegrityError
from django.test import Client

from comments import services
from comments import session as comment_session
from comments.forms import read_form_token
from comments.models import Comment, Status
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, reader_of, token_in

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def post():
    return make_post()


def browser():
    return Client(enforce_csrf_checks=True)


def open_form(reader, post):
    """Open the post's page like a browser: the form's data with the page's CSRF token and form token."""
    page = reader.get(post.get_absolute_url())
    assert page.status_code == 200
    return {"csrfmiddlewaretoken": CSRF.search(page.text).group(1), "token": token_in(page.text)}


def send(reader, post, tokens, **fields):
    return reader.post(comment_url(post), {**form_data(**fields), **tokens})


def test_another_readers_token_creates_nothing_and_hands_over_nothing(post):
    alice, mallory = browser(), browser()
    alice_form = open_form(alice, post)
    assert send(alice, post, alice_form, body="Words of Alice.").status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING

    mallory_form = open_form(mallory, post)
    response = send(mallory, post, {**mallory_form, "token": alice_form["token"]}, body="Words of Mallory.")

    assert response.status_code == 400
    assert "This form was damaged" in response.text
    assert "Words of Mallory." in response.text
    assert list(Comment.objects.values_list("body", flat=True)) == ["Words of Alice."]
    assert comment.pk not in mallory.session.get(comment_session.SESSION_KEY, [])
    assert "Words of Alice." not in mallory.get(post.get_absolute_url()).text
    assert mallory.get(f"/comments/{comment.pk}/").status_code == 404
    assert mallory.get(f"/comments/{comment.pk}/remove/").status_code == 404
    assert mallory.post(f"/comments/{comment.pk}/remove/", mallory_form).status_code == 404
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_token_taken_before_its_reader_sends_it_is_worthless(post):
    alice, mallory = browser(), browser()
    alice_form = open_form(alice, post)
    mallory_form = open_form(mallory, post)

    stolen = send(mallory, post, {**mallory_form, "token": alice_form["token"]}, body="Sent first.")
    mine = send(alice, post, alice_form, body="Words of Alice.")

    assert stolen.status_code == 400
    assert mine.status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["Words of Alice."]
    assert "Words of Alice." in alice.get(post.get_absolute_url()).text


def test_the_refused_reader_gets_a_fresh_token_of_their_own(post):
    alice, mallory = browser(), browser()
    alice_form = open_form(alice, post)
    mallory_form = open_form(mallory, post)

    refused = send(mallory, post, {**mallory_form, "token": alice_form["token"]}, body="Try again.")
    fresh = token_in(refused.text)
    read_form_token(fresh, reader=reader_of(mallory), post_id=post.pk, max_age=60)
    again = send(mallory, post, {**mallory_form, "token": fresh}, body="Try again.")

    assert again.status_code == 302
    assert Comment.objects.get().body == "Try again."


def test_a_token_drawn_for_another_post_is_refused_with_the_text_kept(post):
    other = make_post()
    reader = browser()
    form = open_form(reader, other)

    response = send(reader, post, form, body="Meant for this post.")

    assert response.status_code == 400
    assert "This form was damaged" in response.text
    assert "Meant for this post." in response.text
    assert not Comment.objects.exists()
    read_form_token(token_in(response.text), reader=reader_of(reader), post_id=post.pk, max_age=60)


def test_a_token_from_a_cached_page_is_good_only_for_its_reader(post, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 300
    Client().get(post.get_absolute_url())  # Someone drew the page: the others get it from the cache.
    alice, mallory = browser(), browser()
    alice_form, mallory_form = open_form(alice, post), open_form(mallory, post)

    stolen = send(mallory, post, {**mallory_form, "token": alice_form["token"]}, body="Sent first.")
    mine = send(alice, post, alice_form, body="Words of Alice.")
    twice = send(alice, post, alice_form, body="Words of Alice.")

    assert stolen.status_code == 400
    assert mine.status_code == twice.status_code == 302
    assert mine["Location"] == twice["Location"]
    assert list(Comment.objects.values_list("body", flat=True)) == ["Words of Alice."]


def test_the_same_reader_sending_twice_still_lands_on_the_first_comment(post):
    reader = browser()
    form = open_form(reader, post)

    first = send(reader, post, form, body="Clicked twice.")
    second = send(reader, post, form, body="Clicked twice.")

    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_a_known_form_token_finds_a_comment_on_its_own_post_only(post):
    other = make_post()
    fields = {"name": "Camille", "email": "c@example.org", "body": "Words.", "form_token": "f" * 32}
    first = services.comment_create(post=other, **fields)

    assert services.comment_create(post=other, **fields) == first  # The same form sent twice.
    # Tokens are bound to their post, so the same id never comes for another: it is not handed over.
    with pytest.raises(IntegrityError):
        services.comment_create(post=post, **fields)
    assert list(Comment.objects.all()) == [first]
