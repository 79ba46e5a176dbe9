"""Whatever refuses a comment, the reader gets their words back with the reason, never a bare error page.

Each refusal is tried over HTTP as a browser sends it. The status says what
happened (400, 403, 404, 429); the body is a page holding the text the
reader typed, and a message saying why it was not published.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from accounts.models import Organization
from comments.models import Comment
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment, new_csrf_secret, token_for, token_in

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
WORDS = "Words that took a while to write, and that nobody wants to type twice."


def same_page(one, other):
    """Whether two pages are the same but for their masked CSRF tokens."""
    return CSRF.sub("", one) == CSRF.sub("", other)


@pytest.fixture
def post():
    return make_post(title="An open thread")


def test_a_post_closed_while_the_reader_wrote_gives_the_text_back(client, post):
    data = form_data(body=WORDS)  # The form was drawn while comments were open.
    post.comments_enabled = False
    post.save()

    response = client.post(comment_url(post), data)

    assert response.status_code == 403
    assert "Comments on this post closed before your comment was sent" in response.text
    assert WORDS in response.text
    assert not Comment.objects.exists()


def test_a_post_closed_by_age_gives_the_text_back_even_from_an_invalid_form(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    post = make_post(published_at=timezone.now() - timedelta(days=31))

    response = client.post(comment_url(post), form_data(body=WORDS, email="not an address"))

    assert response.status_code == 403
    assert "Comments are closed." in response.text
    assert WORDS in response.text


@pytest.mark.parametrize("gone", ["draft", "scheduled", "deleted"])
def test_a_post_no_longer_public_gives_the_text_back_and_nothing_of_the_post(client, post, gone):
    address = comment_url(post)
    data = form_data(body=WORDS, name="Camille")
    if gone == "deleted":
        post.delete()
    else:
        post.status = "draft" if gone == "draft" else post.status
        post.published_at = timezone.now() + timedelta(days=3) if gone == "scheduled" else post.published_at
        post.save()

    response = client.post(address, data)
    nowhere = client.post("/comments/post/never-was/", form_data(body=WORDS, name="Camille"))

    assert response.status_code == nowhere.status_code == 404
    assert WORDS in response.text
    assert "An open thread" not in response.text
    assert same_page(response.text.replace(address, ""), nowhere.text.replace("/comments/post/never-was/", ""))
    assert not Comment.objects.exists()


def test_a_rate_limited_comment_gives_the_text_back(client, post, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    assert client.post(comment_url(post), form_data(body="A first comment.")).status_code == 302

    response = client.post(comment_url(post), form_data(body=WORDS))

    assert response.status_code == 429
    assert WORDS in response.text
    assert Comment.objects.count() == 1


def test_a_duplicate_gives_the_text_back(client, post):
    assert client.post(comment_url(post), form_data(body=WORDS)).status_code == 302

    response = client.post(comment_url(post), form_data(body=WORDS))  # Another form, the same words.

    assert response.status_code == 400
    assert WORDS in response.text
    assert Comment.objects.count() == 1


def test_writing_for_an_organisation_one_does_not_represent_gives_the_text_back(client, post):
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    client.force_login(make_user())

    response = client.post(comment_url(post), form_data(body=WORDS, speak_as=f"org:{brand.pk}"))

    assert response.status_code == 403
    assert WORDS in response.text
    assert not Comment.objects.exists()


@pytest.mark.parametrize("token", ["damaged", "another post", "another reader"])
def test_a_bad_token_gives_the_text_back_with_a_fresh_token(client, post, token):
    bad = {
        "damaged": lambda: token_for(client, post)[:-2] + "xx",
        "another post": lambda: token_for(client, make_post()),
        "another reader": lambda: token_for(type(client)(), post),
    }[token]()

    response = client.post(comment_url(post), form_data(body=WORDS, token=bad))

    assert response.status_code == 400
    assert WORDS in response.text
    assert not Comment.objects.exists()


def test_a_reply_to_a_comment_gone_meanwhile_gives_the_text_back(client, post):
    parent = make_comment(post=post)
    data = form_data(body=WORDS, parent=str(parent.pk))
    parent.status = "rejected"
    parent.save()

    response = client.post(comment_url(post), data)

    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.text
    assert WORDS in response.text


# The CSRF check: a login in another tab renews the reader's CSRF secret, and the page they wrote on is stale.

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def stale_form(client, post):
    """The form as the page drew it, then a login in another tab renewed the CSRF secret."""
    page = client.get(post.get_absolute_url()).text
    data = {**form_data(body=WORDS), "token": token_in(page), "csrfmiddlewaretoken": CSRF_TOKEN.search(page).group(1)}
    # The login page's answer, in the other tab, set a new CSRF cookie (Django renews the secret at login).
    client.force_login(make_user())
    client.cookies[django_settings.CSRF_COOKIE_NAME] = new_csrf_secret()
    return data


def test_a_comment_refused_by_the_csrf_check_comes_back_with_its_text_and_can_be_sent_again(post):
    client = Client(enforce_csrf_checks=True)
    data = stale_form(client, post)

    response = client.post(comment_url(post), data, headers={"Sec-Fetch-Site": "same-origin"})

    assert response.status_code == 403
    assert "Your session changed before your comment was sent" in response.text
    assert WORDS in response.text
    assert not Comment.objects.exists()
    fresh = {"token": token_in(response.text), "csrfmiddlewaretoken": CSRF_TOKEN.search(response.text).group(1)}
    again = client.post(comment_url(post), {**data, **fresh}, headers={"Sec-Fetch-Site": "same-origin"})
    assert again.status_code == 302
    assert Comment.objects.get().body == WORDS


def test_a_comment_from_a_page_drawn_before_the_move_refused_by_the_csrf_check_comes_back_with_its_text(post):
    client = Client(enforce_csrf_checks=True)
    data = stale_form(client, post)

    response = client.post(post.get_absolute_url(), data, headers={"Sec-Fetch-Site": "same-origin"})

    assert response.status_code == 403
    assert "Your session changed before your comment was sent" in response.text
    assert WORDS in response.text
    assert f'action="{comment_url(post)}#comment-form"' in response.text


@pytest.mark.parametrize("fetched_from", [None, "cross-site", "same-site"])
def test_a_forged_cross_site_post_gets_no_form_filled_with_its_words(post, fetched_from):
    client = Client(enforce_csrf_checks=True)
    data = stale_form(client, post)
    headers = {"Sec-Fetch-Site": fetched_from} if fetched_from else {}

    response = client.post(comment_url(post), data, headers=headers)

    assert response.status_code == 403
    assert WORDS not in response.text
    assert 'name="token"' not in response.text
