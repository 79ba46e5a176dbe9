"""Readers log in with their e-mail address, and keep seeing their pending comments."""

import pytest

from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def test_a_reader_logs_in_and_returns_where_they_were(client):
    make_user(email="reader@example.org", password=PASSWORD)

    response = client.post(
        "/accounts/login/", {"username": "Reader@Example.org", "password": PASSWORD, "next": "/archive/2026/1/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/archive/2026/1/"


def test_a_wrong_password_keeps_the_address_and_says_why(client, settings):
    settings.LANGUAGE_CODE = "en"
    make_user(email="reader@example.org", password=PASSWORD)

    response = client.post("/accounts/login/", {"username": "reader@example.org", "password": "wrong"})

    assert response.status_code == 200
    assert 'value="reader@example.org"' in response.text
    assert "Please enter a correct" in response.text


def test_login_refuses_an_outside_redirect(client):
    make_user(email="reader@example.org", password=PASSWORD)

    response = client.post(
        "/accounts/login/", {"username": "reader@example.org", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_logout_is_a_post_and_ends_the_session(client):
    user = make_user(password=PASSWORD)
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
