"""Readers sign up, confirm their address by a signed link, and only then log in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from accounts.tokens import confirmation_token
from tests.accounts.factories import make_user
from tests.blog.factories import make_post

pytestmark = pytest.mark.django_db

PASSWORD = "ceci-est-un-mot-de-passe"


def sign_up(client, **fields):
    data = {"email": "camille@example.org", "display_name": "Camille", "password1": PASSWORD, "password2": PASSWORD}
    data.update(fields)
    return client.post("/accounts/signup/", data)


def link_in(message):
    return re.search(r"https?://testserver(/accounts/signup/confirm/[^/\s]+/)", message.body).group(1)


def test_signup_creates_an_inactive_account_and_emails_a_link(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    user = User.objects.get(email="camille@example.org")
    assert (user.is_active, user.awaiting_confirmation, user.display_name) == (False, True, "Camille")
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@example.org"]
    assert "Confirm your address" in mail.outbox[0].subject
    assert link_in(mail.outbox[0])
    assert "camille@example.org" in client.get(response["Location"]).text


def test_following_the_link_asks_then_confirms_and_logs_in(client):
    sign_up(client)
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my address" in page.text
    assert User.objects.get(email="camille@example.org").is_active is False  # a GET changes nothing

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user = User.objects.get(email="camille@example.org")
    assert (user.is_active, user.awaiting_confirmation) == (True, False)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_used_link_sends_to_the_login_page(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    client.post(link)
    client.logout()

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "already confirmed" in response.text


def test_an_expired_link_says_so_and_offers_a_new_one(client, settings):
    with time_machine.travel("2026-03-01 10:00 +0000", tick=False):
        sign_up(client)
    link = link_in(mail.outbox[0])

    with time_machine.travel("2026-03-01 10:00 +0000", tick=False) as traveller:
        traveller.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
        response = client.post(link)

    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert 'action="/accounts/signup/resend/"' in response.text
    assert User.objects.get(email="camille@example.org").is_active is False


def test_a_link_still_works_just_before_it_expires(client, settings):
    with time_machine.travel("2026-03-01 10:00 +0000", tick=False) as traveller:
        sign_up(client)
        traveller.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60))
        response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 302
    assert User.objects.get(email="camille@example.org").is_active


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_link_is_refused(client, tamper):
    sign_up(client)
    token = link_in(mail.outbox[0]).split("/")[-2]

    response = client.post(f"/accounts/signup/confirm/{tamper(token)}/")

    assert response.status_code == 400
    assert "This link is not valid" in response.text
    assert User.objects.get(email="camille@example.org").is_active is False


def test_a_token_signed_for_another_purpose_is_refused(client):
    from django.core import signing

    user = make_user(is_active=False, awaiting_confirmation=True)
    forged = signing.dumps({"u": user.pk, "e": user.email}, salt="accounts.membership-verification")

    assert client.post(f"/accounts/signup/confirm/{forged}/").status_code == 400
    user.refresh_from_db()
    assert user.is_active is False


def test_a_link_for_an_address_since_changed_is_refused(client):
    user = make_user(is_active=False, awaiting_confirmation=True, email="old@example.org")
    token = confirmation_token(user)
    User.objects.filter(pk=user.pk).update(email="new@example.org")

    assert client.post(f"/accounts/signup/confirm/{token}/").status_code == 400


def test_a_link_cannot_reactivate_an_account_staff_deactivated(client):
    user = make_user(is_active=False, awaiting_confirmation=False)

    response = client.post(f"/accounts/signup/confirm/{confirmation_token(user)}/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.is_active is False


def test_a_reader_cannot_log_in_before_confirming_and_is_told_why(client):
    sign_up(client)

    response = client.post("/accounts/login/", {"username": "camille@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert "Confirm your e-mail address first" in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_on_a_pending_account_gets_the_usual_answer(client):
    sign_up(client)

    response = client.post("/accounts/login/", {"username": "camille@example.org", "password": "wrong-password"})

    assert "Please enter a correct" in response.text
    assert "Confirm your e-mail address first" not in response.text


def test_signup_refuses_an_address_taken_in_another_case(client):
    make_user(email="camille@example.org")

    response = sign_up(client, email="Camille@Example.org")

    assert response.status_code == 200
    assert "already exists" in response.text
    assert User.objects.filter(email__iexact="camille@example.org").count() == 1
    assert mail.outbox == []


def test_signing_up_again_while_pending_points_to_a_new_link(client):
    sign_up(client)

    response = sign_up(client, display_name="Camille again")

    assert "awaits confirmation" in response.text
    assert len(mail.outbox) == 1


def test_a_refused_signup_keeps_what_was_typed_and_says_why(client):
    response = sign_up(client, password2="something-else-entirely")

    assert response.status_code == 200
    assert 'value="camille@example.org"' in response.text
    assert 'value="Camille"' in response.text
    assert "The two password fields didn’t match." in response.text
    assert not User.objects.exists()


def test_signup_applies_the_password_rules(client):
    response = sign_up(client, password1="camille", password2="camille")

    assert "This password is too short" in response.text
    assert not User.objects.exists()


def test_a_pending_reader_gets_a_new_link_that_works(client):
    sign_up(client)

    response = client.post("/accounts/signup/resend/", {"email": "CAMILLE@example.org"})

    assert response["Location"] == "/accounts/signup/sent/"
    assert len(mail.outbox) == 2
    client.post(link_in(mail.outbox[1]))
    assert User.objects.get(email="camille@example.org").is_active


@pytest.mark.parametrize("state", ["unknown", "active", "deactivated"])
def test_resend_answers_the_same_and_sends_nothing_for_other_addresses(client, state):
    if state == "active":
        make_user(email="camille@example.org")
    elif state == "deactivated":
        make_user(email="camille@example.org", is_active=False)

    response = client.post("/accounts/signup/resend/", {"email": "camille@example.org"})

    assert response["Location"] == "/accounts/signup/sent/"
    assert mail.outbox == []


def test_a_logged_in_reader_is_sent_from_signup_to_their_profile(client):
    client.force_login(make_user())

    assert client.get("/accounts/signup/")["Location"] == "/accounts/profile/"


def test_the_header_offers_sign_up_to_visitors_and_the_profile_to_readers(client):
    html = client.get("/").text
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/profile/"' not in html

    client.force_login(make_user(display_name="Camille"))
    html = client.get("/").text
    assert 'href="/accounts/profile/"' in html
    assert 'href="/accounts/signup/"' not in html
    assert "/static/img/avatar-default.svg" in html


def test_signup_refuses_a_name_imitating_a_badge_wearer(client):
    make_post(author=make_user(display_name="Claire Martel", is_staff=True))

    response = sign_up(client, display_name="c1aire  MARTEL")

    assert "too close to “Claire Martel”" in response.text
    assert not User.objects.filter(email="camille@example.org").exists()
