"""Readers change their password, or reset it by a link e-mailed to them."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail

from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "un-tout-nouveau-mot-de-passe"


def test_a_reset_link_is_emailed_and_sets_a_new_password(client):
    user = make_user(email="camille@example.org", display_name="Camille", password=PASSWORD)

    response = client.post("/accounts/password/reset/", {"email": "Camille@Example.org"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert message.subject == "[Carnet de communauté] Reset your password on Carnet de communauté"
    assert "Hello Camille," in message.body
    link = re.search(r"https://testserver(/accounts/password/reset/[^/]+/[^/]+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.text
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done["Location"] == "/accounts/password/reset/done/"
    assert authenticate(email="camille@example.org", password=NEW_PASSWORD) == user
    assert "This link no longer works" in client.get(link, follow=True).text  # used once only


def test_a_reset_for_an_unknown_address_sends_nothing_and_answers_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_forged_reset_link_is_refused_with_a_way_forward(client):
    make_user(email="camille@example.org")

    response = client.get("/accounts/password/reset/MQ/forged-token/", follow=True)

    assert "This link no longer works" in response.text
    assert 'href="/accounts/password/reset/"' in response.text


def test_changing_the_password_needs_the_old_one(client):
    user = make_user(email="camille@example.org", password=PASSWORD)
    client.force_login(user)

    refused = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your old password was entered incorrectly" in refused.text

    done = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/accounts/password/change/done/"
    assert authenticate(email="camille@example.org", password=NEW_PASSWORD) == user
    assert "_auth_user_id" in client.session


def test_changing_the_password_requires_logging_in(client):
    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_login_page_links_to_reset_and_sign_up(client):
    html = client.get("/accounts/login/").text

    assert 'href="/accounts/password/reset/"' in html
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/signup/resend/"' in html
