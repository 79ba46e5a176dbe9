"""Every door where a reader sets a name refuses invisible and reordering characters, and keeps the text.

The comment form, sign-up, the profile and the membership request all use
core.plain_text.validate_name; each refusal says why (with the character's
code point) and gives the form back with what was typed.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership, Organization, User
from comments.models import Comment
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"
NAMES = [
    pytest.param("Claire\u202eDubois", "U+202E", id="right-to-left override"),
    pytest.param("\u2067Claire\u2069", "U+2067", id="isolate"),
    pytest.param("Clai\u200bre", "U+200B", id="zero-width space"),
    pytest.param("Cla\u200dire", "U+200D", id="joiner between Latin letters"),
    pytest.param("Claire\U000e0041", "U+E0041", id="tag"),
    pytest.param("Cam\x1bille", "U+001B", id="escape"),
    pytest.param("Camille\u2028Roux", "U+2028", id="line separator"),
    pytest.param("Camille\rRoux", "U+000D", id="carriage return"),
    pytest.param("Ca" + "\u0301" * 6 + "mille", "accents or marks", id="stacked marks"),
]


def assert_refused_and_kept(response, message, name, *, status=200):
    assert response.status_code == status
    assert message in response.text
    # The form comes back with what was typed (the stored value, never another one).
    assert f'value="{escape(name)}"' in response.text


@pytest.mark.parametrize(("name", "message"), NAMES)
def test_the_comment_form_refuses_the_name_and_keeps_the_comment(name, message):
    post = make_post()

    response = Client(REMOTE_ADDR="203.0.113.10").post(comment_url(post), form_data(name=name, body="My words, kept."))

    assert_refused_and_kept(response, message, name, status=400)
    assert "My words, kept." in response.text
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("name", "message"), NAMES)
def test_sign_up_refuses_the_display_name_and_keeps_it(name, message):
    response = Client(REMOTE_ADDR="203.0.113.11").post(
        reverse("accounts:signup"),
        {"email": "camille@example.org", "display_name": name, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert_refused_and_kept(response, message, name)
    assert 'value="camille@example.org"' in response.text
    assert not User.objects.exists()


@pytest.mark.parametrize(("name", "message"), NAMES)
def test_the_profile_refuses_the_display_name_and_keeps_it(name, message):
    user = make_user(display_name="Camille")
    client = Client(REMOTE_ADDR="203.0.113.12")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"display_name": name, "bio": "My bio.", "website": ""})

    assert_refused_and_kept(response, message, name)
    assert "My bio." in response.text
    user.refresh_from_db()
    assert user.display_name == "Camille"


@pytest.mark.parametrize(("name", "message"), NAMES)
def test_a_membership_request_refuses_the_role_and_keeps_it(name, message):
    verdane = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    client = Client(REMOTE_ADDR="203.0.113.13")
    client.force_login(make_user(display_name="Camille"))

    response = client.post(
        reverse("accounts:verification_request"), {"organization": verdane.pk, "role": name, "email": ""}
    )

    assert_refused_and_kept(response, message, name)
    assert not Membership.objects.exists()


def test_names_in_scripts_that_need_joiners_pass_every_door():
    """A Persian half-space (ZWNJ) and an emoji sequence (ZWJ) are letters' business, not tricks."""
    persian, emoji = "می\u200cخواهم", "Sam 👩\u200d💻"
    verdane = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    post = make_post()

    sent = Client(REMOTE_ADDR="203.0.113.20").post(comment_url(post), form_data(name=persian))
    signed_up = Client(REMOTE_ADDR="203.0.113.21").post(
        reverse("accounts:signup"),
        {"email": "sam@example.org", "display_name": emoji, "password1": PASSWORD, "password2": PASSWORD},
    )
    member = Client(REMOTE_ADDR="203.0.113.22")
    member.force_login(make_user(display_name="Camille"))
    profile = member.post(reverse("accounts:profile"), {"display_name": persian, "bio": "", "website": ""})
    request = member.post(
        reverse("accounts:verification_request"), {"organization": verdane.pk, "role": emoji, "email": ""}
    )

    assert [sent.status_code, signed_up.status_code, profile.status_code, request.status_code] == [302] * 4
    assert Comment.objects.get().name == persian
    assert User.objects.get(email="sam@example.org").display_name == emoji
    assert Membership.objects.get().role == emoji


def test_staff_editing_an_account_in_the_admin_meet_the_same_rule(admin_client):
    user = make_user(display_name="Camille")

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {"email": user.email, "display_name": "Camille\u202e", "is_active": "on", "date_joined_0": "2026-01-01",
         "date_joined_1": "10:00:00"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "U+202E" in response.text
    user.refresh_from_db()
    assert user.display_name == "Camille"
