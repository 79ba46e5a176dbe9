"""Readers' text is never cut by the browser: no page draws a maxlength, and the server refuses what is too long.

A maxlength attribute makes browsers drop, silently, whatever is pasted
past it. Every form a reader types into is checked here: its page has no
maxlength, and a text over a limit comes back refused, whole, with a
message giving its length and the limit.
"""

import re

import pytest
from django.urls import reverse

from accounts.models import Organization
from comments.models import Comment
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db

MAXLENGTH = re.compile(r"\bmaxlength\b", re.IGNORECASE)


@pytest.fixture
def post():
    return make_post()


@pytest.fixture
def reader(client):
    user = make_user(display_name="Camille")
    client.force_login(user)
    return user


def pages(post):
    return {
        "post page": post.get_absolute_url(),
        "reply form": post.get_absolute_url() + "?reply_to=1",
        "report page": reverse("comments:report", args=[make_comment(post=post).pk]),
        "sign-up page": reverse("accounts:signup"),
    }


def test_no_reader_form_draws_a_maxlength(client, post):
    for name, address in pages(post).items():
        response = client.get(address)
        assert response.status_code == 200, name
        assert not MAXLENGTH.search(response.text), name


def test_no_form_of_a_logged_in_reader_draws_a_maxlength(client, post, reader):
    Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    for address in (post.get_absolute_url(), reverse("accounts:profile"), reverse("accounts:verification_request")):
        response = client.get(address)
        assert response.status_code == 200, address
        assert not MAXLENGTH.search(response.text), address


def test_the_body_limit_is_shown_and_a_counter_can_read_it(client, post, settings):
    settings.COMMENTS_BODY_MAX_LENGTH = 3000

    html = client.get(post.get_absolute_url()).text

    assert "at most 3000 characters" in html
    assert 'data-max-length="3000"' in html
    assert 'src="/static/js/character-count.js"' in html


def test_a_pasted_comment_of_ten_thousand_characters_comes_back_whole_with_its_length(client, post):
    body = ("A long story, told at length. " * 400)[:12_000].strip()

    response = client.post(comment_url(post), form_data(body=body))

    assert response.status_code == 400
    assert f"Your comment is {len(body)} characters long; the limit is 5000." in response.text
    assert f">\n{body}</textarea>" in response.text
    assert not MAXLENGTH.search(response.text)  # Sent again, it is not cut either.
    assert not Comment.objects.exists()


def test_a_line_break_counts_as_one_character_as_the_reader_sees_it(client, post, settings):
    settings.COMMENTS_BODY_MAX_LENGTH = 10

    accepted = client.post(comment_url(post), form_data(body="12345\r\n6789"))  # Ten, as typed.
    refused = client.post(comment_url(post), form_data(body="12345\r\n67890"))

    assert accepted.status_code == 302
    assert refused.status_code == 400
    assert "Your comment is 11 characters long; the limit is 10." in refused.text


@pytest.mark.parametrize(
    ("field", "limit"),
    [pytest.param("name", 80, id="name"), pytest.param("website", 200, id="website")],
)
def test_an_over_long_name_or_website_is_refused_whole(client, post, field, limit):
    value = "n" * (limit + 40) if field == "name" else "https://example.org/" + "w" * limit

    response = client.post(comment_url(post), form_data(**{field: value}))

    assert response.status_code == 400
    assert f"at most {limit} characters (it has {len(value)})" in response.text
    assert f'value="{value}"' in response.text
    assert not MAXLENGTH.search(response.text)  # Sent again, it is not cut either.


def test_an_over_long_report_reason_is_refused_whole(client, post):
    comment = make_comment(post=post)
    reason = "r" * 260

    response = client.post(reverse("comments:report", args=[comment.pk]), {"reason": reason})

    assert response.status_code == 400
    assert "at most 200 characters (it has 260)" in response.text
    assert f'value="{reason}"' in response.text
    assert not MAXLENGTH.search(response.text)  # Sent again, it is not cut either.
    assert not comment.flags.exists()


def test_an_over_long_sign_up_name_is_refused_whole(client):
    name = "Camille " * 15

    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "new@example.org",
            "display_name": name,
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )

    assert response.status_code == 200
    assert "at most 80 characters" in response.text
    assert f'value="{name}"' in response.text
    assert not MAXLENGTH.search(response.text)  # Sent again, it is not cut either.


def test_an_over_long_bio_is_refused_whole(client, reader):
    bio = "I read about brands. " * 30

    response = client.post(reverse("accounts:profile"), {"display_name": "Camille", "bio": bio, "website": ""})

    assert "at most 500 characters" in response.text
    assert bio.strip() in response.text
    assert not MAXLENGTH.search(response.text)  # Sent again, it is not cut either.
    reader.refresh_from_db()
    assert reader.bio == ""


def test_no_moderation_form_draws_a_maxlength_either(admin_client, post):
    """A moderator's reason or edit note is text too: the browser cuts it no more than a reader's."""
    comment = make_comment(post=post, status="pending")
    changelist = reverse("admin:comments_comment_changelist")
    pages = {
        "comment page": admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk])),
        "reject page": admin_client.post(changelist, {"action": "reject", "_selected_action": [comment.pk]}),
        "spam page": admin_client.post(changelist, {"action": "mark_spam", "_selected_action": [comment.pk]}),
        "delay page": admin_client.post(changelist, {"action": "extend_delay", "_selected_action": [comment.pk]}),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert 'name="note"' in response.text or 'name="edit_note"' in response.text, name
        assert not MAXLENGTH.search(response.text), name
