"""Rate limits answer HTTP 429 with a readable page; login is throttled per account and per IP."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Organization
from core import rate_limit
from tests.accounts.factories import make_user
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        "login_account": (3, 900),
        "login_ip": (6, 900),
        "signup_ip": (2, 900),
        "password_reset_ip": (3, 900),
        "password_reset_address": (2, 900),
        "report_ip": (2, 900),
        "membership_request_account": (2, 900),
    }
    return settings.RATE_LIMITS


def login(client, email, password, ip="203.0.113.5"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_after_too_many_failures_even_the_right_password_is_refused_with_429(client, limits):
    user = make_user()
    for _ in range(3):
        assert login(client, user.email, "wrong").status_code == 200
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_limit_counts_the_address_in_any_case_and_from_any_ip(client, limits):
    user = make_user()
    for number, ip in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
        login(client, user.email.upper() if number % 2 else user.email, "wrong", ip=ip)
    assert login(client, user.email, PASSWORD, ip="198.51.100.99").status_code == 429


def test_below_the_limit_the_right_password_logs_in_and_clears_the_count(client, limits):
    user = make_user()
    for _ in range(2):
        login(client, user.email, "wrong")
    assert login(client, user.email, PASSWORD).status_code == 302
    assert rate_limit.attempts("login_account", user.email) == 0


def test_one_ip_trying_many_accounts_is_throttled(client, limits):
    users = [make_user() for _ in range(7)]
    for user in users[:6]:
        assert login(client, user.email, "wrong").status_code == 200
    assert login(client, users[6].email, PASSWORD).status_code == 429
    # Another address is not affected.
    assert login(client, users[6].email, PASSWORD, ip="192.0.2.77").status_code == 302


def test_the_429_page_is_translated(client, limits):
    user = make_user()
    for _ in range(3):
        login(client, user.email, "wrong")
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_signup_is_limited_per_ip(client, limits):
    for number in range(2):
        data = {
            "email": f"new{number}@example.org",
            "display_name": f"New {number}",
            "password1": "Tr3s-l0ng-mot-de-passe",
            "password2": "Tr3s-l0ng-mot-de-passe",
        }
        assert client.post(reverse("accounts:signup"), data).status_code == 302
    data["email"] = "third@example.org"
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_resending_the_confirmation_counts_with_sign_ups(client, limits):
    for _ in range(2):
        client.post(reverse("accounts:resend_confirmation"), {"email": "who@example.org"})
    assert client.post(reverse("accounts:resend_confirmation"), {"email": "who@example.org"}).status_code == 429


def test_password_reset_is_limited_per_address_and_per_ip(client, limits):
    user = make_user()
    url = reverse("accounts:password_reset")
    for _ in range(2):
        assert client.post(url, {"email": user.email}).status_code == 302
    assert client.post(url, {"email": user.email}).status_code == 429
    assert len(mail.outbox) == 2
    # The IP's own limit (3) is reached by the three posts above.
    assert client.post(url, {"email": "other@example.org"}).status_code == 429
    assert client.post(url, {"email": "other@example.org"}, REMOTE_ADDR="192.0.2.8").status_code == 302


def test_reports_are_limited_per_ip(client, limits):
    comments = [make_comment() for _ in range(3)]
    for comment in comments[:2]:
        assert client.post(reverse("comments:report", args=[comment.pk])).status_code == 302
    response = client.post(reverse("comments:report", args=[comments[2].pk]))
    assert response.status_code == 429
    comments[2].refresh_from_db()
    assert comments[2].flag_count == 0


def test_membership_requests_are_limited_per_account(client, limits):
    brand = Organization.objects.create(name="Verdane", slug="verdane", email_domains="verdane.example")
    client.force_login(make_user())
    url = reverse("accounts:verification_request")

    sent = [
        client.post(url, {"organization": brand.pk, "role": "Support", "email": f"lea{n}@verdane.example"})
        for n in range(3)
    ]

    assert [response.status_code for response in sent] == [302, 302, 429]
    assert sent[2]["Retry-After"]
    assert [message.to for message in mail.outbox] == [["lea0@verdane.example"], ["lea1@verdane.example"]]
    other = Client()
    other.force_login(make_user())
    assert other.post(url, {"organization": brand.pk, "role": "Support", "email": ""}).status_code == 302


def test_comment_posting_over_the_limit_gets_429_with_the_text_kept(client, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    post = make_comment().post
    for number in range(2):
        response = client.post(comment_url(post), form_data(body=f"Comment {number}"))
        assert response.status_code == 302
    response = client.post(comment_url(post), form_data(body="One too many"))
    assert response.status_code == 429
    assert "One too many" in response.content.decode()


def test_limits_are_not_enforced_while_the_cache_is_down(client, limits, settings, unreachable_cache):
    user = make_user()
    for _ in range(5):
        login(client, user.email, "wrong")
    assert login(client, user.email, PASSWORD).status_code == 302
