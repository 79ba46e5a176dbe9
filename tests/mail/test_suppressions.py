"""Addresses never written to again: one-click unsubscribe (RFC 8058), bounces by command or admin."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments import services
from mail.models import Delivery, Suppression
from mail.suppressions import unsubscribe_token
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import SUBMITTED, comment_sent, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return make_post(title="Answering angry customers", published_at=SUBMITTED - timedelta(days=1))


def test_every_notification_carries_one_click_unsubscribe_headers_and_link(post, moderators):
    comment_sent(post)

    for message in mail.outbox:
        header = message.extra_headers["List-Unsubscribe"]
        assert re.fullmatch(r"<https://testserver/comments/unsubscribe/[^/]+/>", header)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert header[1:-1] in message.body
        assert header[1:-1] in message.alternatives[0][0]
        # On one line, as sent: not folded into encoded words one-click clients cannot read.
        assert f"\nList-Unsubscribe: {header}\n".encode() in message.message().as_bytes()


def test_one_click_unsubscribe_works_without_login_or_csrf_and_nothing_is_sent_again(post, moderators):
    comment_sent(post)
    header = sent_to("mod@example.com")[0].extra_headers["List-Unsubscribe"][1:-1]
    path = header.removeprefix("https://testserver")
    client = Client(enforce_csrf_checks=True)

    page = client.get(path)
    assert page.status_code == 200
    assert "mod@example.com" in page.content.decode()
    assert not Suppression.objects.exists()  # GET only asks.

    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Suppression.objects.get().email == "mod@example.com"

    mail.outbox.clear()
    comment_sent(post, email="another@example.org", body="More words.")
    assert sent_to("mod@example.com") == []
    assert sent_to("root@example.com")
    assert Delivery.objects.filter(recipient="mod@example.com", state=Delivery.State.SUPPRESSED).exists()


def test_a_tampered_unsubscribe_link_changes_nothing(client):
    token = unsubscribe_token("mod@example.com")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    assert client.post(reverse("mail:unsubscribe", args=[tampered])).status_code == 400
    assert client.post(reverse("mail:unsubscribe", args=["not-a-token"])).status_code == 400
    assert not Suppression.objects.exists()


def test_a_bounced_address_entered_by_command_is_not_written_to(post):
    call_command("suppress_address", "Camille@Example.org", stdout=StringIO())
    comment = comment_sent(post)

    services.comment_approve(comment=comment, moderator=make_author())

    assert sent_to("camille@example.org") == []
    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCED


def test_a_bounce_entered_in_the_admin_in_another_case_is_the_same_address(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    Suppression.objects.create(email="camille@example.org", reason=Suppression.Reason.UNSUBSCRIBED)

    response = client.post(
        reverse("admin:mail_suppression_add"), {"email": "Camille@Example.org", "reason": "bounced", "note": ""}
    )

    assert response.status_code == 200  # The form again, with an error: no duplicate, no crash.
    assert Suppression.objects.count() == 1


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("/admin/comments/suppression/?q=camille", "/admin/mail/suppression/?q=camille"),
        ("/admin/comments/delivery/3/change/", "/admin/mail/delivery/3/change/"),
        ("/admin/blog/redirect/", "/admin/wordpress/redirect/"),
    ],
)
def test_admin_pages_of_models_that_changed_app_still_open_from_a_bookmark(client, before, after):
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.get(before)

    assert (response.status_code, response["Location"]) == (301, after)
