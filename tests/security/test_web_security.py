"""CSRF on every form, no open redirect, no header injection, security headers, permission pairs."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Organization
from accounts.services import membership_request
from comments.models import Status
from mail.tasks import mail_send
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    reader = make_user(email="reader@example.org")
    comment = make_comment(status=Status.APPROVED)
    own = make_comment(post=comment.post, user=reader, status=Status.PENDING)
    organization = Organization.objects.create(name="Verdane", slug="verdane", email_domains="verdane.example")
    return {"reader": reader, "comment": comment, "own": own, "post": comment.post, "organization": organization}


# Every form of the public site, with what it posts; all need a CSRF token.
FORMS = [
    ("comment", False, lambda w: comment_url(w["post"]), lambda w: form_data()),
    ("comment, old address", False, lambda w: w["post"].get_absolute_url(), lambda w: form_data()),
    ("report", False, lambda w: reverse("comments:report", args=[w["comment"].pk]), dict),
    ("remove", True, lambda w: reverse("comments:remove", args=[w["own"].pk]), dict),
    ("login", False, lambda w: reverse("accounts:login"), lambda w: {"username": "reader@example.org"}),
    ("logout", True, lambda w: reverse("accounts:logout"), dict),
    ("signup", False, lambda w: reverse("accounts:signup"), lambda w: {"email": "x@example.org"}),
    ("resend", False, lambda w: reverse("accounts:resend_confirmation"), lambda w: {"email": "x@example.org"}),
    ("confirm", False, lambda w: reverse("accounts:signup_confirm", args=["token"]), dict),
    ("profile", True, lambda w: reverse("accounts:profile"), lambda w: {"display_name": "Changed"}),
    ("delete", True, lambda w: reverse("accounts:delete_account"), lambda w: {"comments": "keep"}),
    ("password_change", True, lambda w: reverse("accounts:password_change"), dict),
    ("password_reset", False, lambda w: reverse("accounts:password_reset"), lambda w: {"email": "x@example.org"}),
    ("membership", True, lambda w: reverse("accounts:verification_request"), dict),
    ("verification_link", True, lambda w: reverse("accounts:verification_link", args=["token"]), dict),
    ("language", False, lambda w: reverse("set_language"), lambda w: {"language": "en"}),
]


@pytest.mark.parametrize(("name", "logged_in", "url", "data"), FORMS, ids=[form[0] for form in FORMS])
def test_every_form_refuses_a_post_without_its_csrf_token(world, name, logged_in, url, data):
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        client.force_login(world["reader"])
    response = client.post(url(world), data(world))
    assert response.status_code == 403
    world["reader"].refresh_from_db()
    assert world["reader"].display_name != "Changed"
    world["own"].refresh_from_db()
    assert world["own"].status == Status.PENDING


def test_admin_actions_refuse_a_post_without_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [world["own"].pk]},
    )
    assert response.status_code == 403
    world["own"].refresh_from_db()
    assert world["own"].status == Status.PENDING


OUTSIDE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    " https://evil.example/",
    "https://evil.example%2F@testserver/",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_login_never_redirects_outside(client, target):
    user = make_user()
    response = client.post(
        reverse("accounts:login") + "?next=" + target, {"username": user.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("blog:post_list")


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_language_switch_never_redirects_outside(client, target):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OUTSIDE)
def test_logout_never_redirects_outside(client, target):
    client.force_login(make_user())
    response = client.post(reverse("accounts:logout") + "?next=" + target)
    assert response.status_code == 302
    assert response["Location"] == reverse("blog:post_list")


def test_a_line_break_in_a_subject_cannot_add_a_header():
    mail_send(
        template="accounts/email/verification",
        context={"organization": {"name": "Verdane\r\nBcc: victim@example.org"}, "link": "x", "hours": 1},
        to="member@verdane.example",
    )
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    headers = message.message().as_bytes().decode().split("\n\n", 1)[0]
    assert not [line for line in headers.splitlines() if line.lower().startswith("bcc:")]
    assert message.recipients() == ["member@verdane.example"]


@pytest.mark.parametrize(
    "address", ["x@example.org\r\nBcc: victim@example.org", "x@example.org\nCc: victim@example.org", "x@example.org,"]
)
def test_an_address_with_a_line_break_is_refused_before_any_mail(client, address):
    response = client.post(reverse("accounts:password_reset"), {"email": address})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(reverse("accounts:resend_confirmation"), {"email": address})
    assert response.status_code == 200
    assert mail.outbox == []


def test_security_headers_on_every_page(client, world):
    for url in ["/", world["post"].get_absolute_url(), reverse("accounts:login"), reverse("comments:feed")]:
        response = client.get(url, secure=True)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"


def test_cookies_are_secure_and_http_only_when_debug_is_off(client, settings):
    assert not settings.DEBUG
    user = make_user()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": "a-long-test-password"}, secure=True
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.get(reverse("accounts:login"), secure=True).cookies.get(settings.CSRF_COOKIE_NAME)
    assert csrf is None or csrf["secure"]
    assert settings.CSRF_COOKIE_SECURE


def test_the_language_cookie_is_secure_and_same_site_when_debug_is_off(client, settings):
    assert not settings.DEBUG
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True)
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"]
    assert cookie["samesite"] == "Lax"


def test_a_bad_host_is_refused_with_the_same_security_headers_as_every_page(client, settings):
    settings.ALLOWED_HOSTS = ["blog.example.com"]
    good = client.get("/", HTTP_HOST="blog.example.com", secure=True)
    bad = client.get("/", HTTP_HOST="evil.example", secure=True)
    assert (good.status_code, bad.status_code) == (200, 400)
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert bad[header] == good[header], header


def test_check_deploy_is_clean_with_production_settings(settings, capsys):
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "async.E001"]
    settings.SECURE_SSL_REDIRECT = True
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "smtp.example"}}
    }
    call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in capsys.readouterr().out


# Permission pairs: the owner (or a permitted moderator) may, anyone else may not.


def test_a_reader_withdraws_their_own_comment_but_not_anothers(world):
    owner, other = Client(), Client()
    owner.force_login(world["reader"])
    other.force_login(make_user())
    url = reverse("comments:remove", args=[world["own"].pk])
    assert other.post(url).status_code == 404  # As if it did not exist.
    world["own"].refresh_from_db()
    assert world["own"].status == Status.PENDING
    assert owner.post(url).status_code == 302
    world["own"].refresh_from_db()
    assert world["own"].status == Status.REMOVED


def test_an_anonymous_commenter_withdraws_only_from_the_session_that_wrote(world, client):
    post = world["post"]
    client.post(comment_url(post), form_data(body="Mine, anonymously"))
    mine = post.comments.get(body="Mine, anonymously")
    assert Client().post(reverse("comments:remove", args=[mine.pk])).status_code == 404  # As if it did not exist.
    assert client.post(reverse("comments:remove", args=[mine.pk])).status_code == 302


def test_a_comment_that_is_not_public_cannot_be_reported(world, client):
    assert client.post(reverse("comments:report", args=[world["own"].pk])).status_code == 404
    assert client.post(reverse("comments:report", args=[world["comment"].pk])).status_code == 302


def test_a_reader_cannot_ask_for_a_membership_for_someone_else(world, client):
    other = make_user()
    client.force_login(world["reader"])
    client.post(
        reverse("accounts:verification_request"),
        {"organization": world["organization"].pk, "role": "CM", "user": other.pk},
    )
    assert Membership.objects.filter(user=world["reader"]).count() == 1
    assert not Membership.objects.filter(user=other).exists()


def test_the_data_export_holds_only_the_requesters_own_data(world, client):
    client.force_login(make_user(email="someone@example.org"))
    content = client.get(reverse("accounts:export_data")).content.decode()
    assert "reader@example.org" not in content
    assert world["own"].body not in content


def test_deleting_an_account_needs_its_own_password(world, client):
    client.force_login(world["reader"])
    response = client.post(reverse("accounts:delete_account"), {"comments": "keep", "password": "not-mine"})
    assert response.status_code == 200
    world["reader"].refresh_from_db()


def test_the_dashboard_is_for_verified_representatives_only(world, client):
    client.force_login(world["reader"])
    assert client.get(reverse("comments:dashboard")).status_code == 403
    membership = membership_request(user=world["reader"], organization=world["organization"])
    from accounts.services import membership_verify

    membership_verify(membership=membership)
    assert client.get(reverse("comments:dashboard")).status_code == 200


def test_the_admin_reply_needs_the_moderate_permission(world, client):
    editor = make_user(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_comment"))
    url = reverse("admin:comments_comment_reply", args=[world["comment"].pk])
    client.force_login(editor)
    assert client.post(url, {"body": "Not allowed"}).status_code == 403
    editor.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    editor.user_permissions.add(Permission.objects.get(codename="change_comment"))
    editor = type(editor).objects.get(pk=editor.pk)
    client.force_login(editor)
    assert client.get(url).status_code == 200


def test_readers_cannot_open_the_admin_or_preview_drafts(client):
    draft = make_post(status="draft")
    client.force_login(make_user())
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(make_author(is_superuser=True))
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_membership_admin_actions_need_the_change_permission(world, client):
    membership = membership_request(user=world["reader"], organization=world["organization"])
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_membership"))
    client.force_login(viewer)
    client.post(
        reverse("admin:accounts_membership_changelist"), {"action": "verify", "_selected_action": [membership.pk]}
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    changer = make_user(is_staff=True)
    changer.user_permissions.add(*Permission.objects.filter(codename__in=["view_membership", "change_membership"]))
    client.force_login(changer)
    client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "verify", "_selected_action": [membership.pk], "apply": "1", "note": "Checked with the brand."},
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.VERIFIED
