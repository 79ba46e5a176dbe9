"""Readers download what the blog holds about them, and delete their account."""

import json

import pytest
from django.utils.translation import gettext, override

from accounts import self_service
from accounts.models import Membership, MembershipEvent, Organization, User
from accounts.services import membership_request, membership_verify
from comments.models import Comment, Flag, ModerationEvent, Status, Subscription
from mail.models import Delivery, Suppression
from tests.accounts.factories import make_user
from tests.blog.factories import image_upload, make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def verdane():
    return Organization.objects.create(name="Maison Verdane", slug="maison-verdane")


@pytest.fixture
def reader(client):
    user = make_user(
        email="camille@example.org",
        display_name="Camille",
        bio="Reads about brands.",
        website="https://camille.example.org/",
        password=PASSWORD,
    )
    client.force_login(user)
    return user


def test_the_export_is_a_json_attachment_with_the_profile_memberships_and_comments(client, reader, verdane):
    membership_verify(membership=membership_request(user=reader, organization=verdane, role="Community manager"))
    post = make_post(title="Answering angry customers", slug="answering")
    approved = make_comment(post=post, user=reader, name="Camille", email=reader.email, body="First thought.")
    held = make_comment(post=post, user=reader, name="Camille", email=reader.email, body="A link or three.")
    held.status = Status.HELD
    held.save(update_fields=["status"])
    make_comment(post=post, body="Someone else's comment.")

    response = client.get("/accounts/profile/data/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="account-data-')
    data = json.loads(response.content)
    assert data["profile"] == {
        "email": "camille@example.org",
        "display_name": "Camille",
        "bio": "Reads about brands.",
        "website": "https://camille.example.org/",
        "avatar": None,
        "date_joined": reader.date_joined.isoformat(),
        "last_login": data["profile"]["last_login"],
    }
    [membership] = data["memberships"]
    assert membership["organization"] == "Maison Verdane"
    assert (membership["role"], membership["status"], membership["verified_by"]) == (
        "Community manager",
        "verified",
        "staff",
    )
    assert membership["verified_at"]
    assert [comment["body"] for comment in data["comments"]] == ["First thought.", "A link or three."]
    first = data["comments"][0]
    assert first["post"] == {"title": "Answering angry customers", "url": "http://testserver" + post.get_absolute_url()}
    assert first["url"] == f"http://testserver/comments/{approved.pk}/"
    assert first["status"] == "approved"
    assert first["submitted_at"] == approved.created_at.isoformat()
    assert data["comments"][1]["status"] == "held"


def test_the_export_gives_the_avatar_address(client, reader):
    client.post("/accounts/profile/", {"display_name": "Camille", "avatar": image_upload("me.png")})

    data = json.loads(client.get("/accounts/profile/data/").content)

    assert data["profile"]["avatar"].startswith("http://testserver/media/avatars/avatar")


def test_the_export_requires_logging_in(client):
    assert client.get("/accounts/profile/data/")["Location"].startswith("/accounts/login/")


def test_the_deletion_page_explains_both_choices(client, reader):
    make_comment(user=reader)

    html = client.get("/accounts/profile/delete/").text

    assert "You wrote 1 comment while logged in" in html
    assert "Keep my comments" in html
    assert "signed “Deleted account”" in html
    assert "Remove my comments" in html
    assert 'name="password"' in html
    assert User.objects.filter(pk=reader.pk).exists()


def delete(client, choice, password=PASSWORD):
    return client.post("/accounts/profile/delete/", {"comments": choice, "password": password})


def test_keeping_the_comments_anonymises_them_and_leaves_their_text(client, reader, verdane):
    membership_request(user=reader, organization=verdane)
    comments = [
        make_comment(user=reader, name="Camille", email=reader.email, website=reader.website, body=f"Text {n}.")
        for n in range(2)
    ]
    other = make_comment(body="Not hers.")

    response = delete(client, "keep")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="camille@example.org").exists()
    assert not Membership.objects.exists()
    for comment in comments:
        comment.refresh_from_db()
        assert (comment.user, comment.name, comment.email, comment.website) == (None, "Deleted account", "", "")
        assert comment.status == Status.APPROVED
    assert [comment.body for comment in comments] == ["Text 0.", "Text 1."]
    other.refresh_from_db()
    assert other.name != "Deleted account"
    assert "Deleted account" in client.get(comments[0].post.get_absolute_url()).text


def test_the_kept_comments_are_signed_in_the_site_language(client, reader, settings):
    settings.LANGUAGE_CODE = "fr"
    comment = make_comment(user=reader, name="Camille")

    client.post(
        "/accounts/profile/delete/",
        {"comments": "keep", "password": PASSWORD},
        headers={"accept-language": "en"},
    )

    comment.refresh_from_db()
    with override("fr"):
        assert comment.name == gettext("Deleted account")


def test_removing_the_comments_withdraws_each_with_an_event(client, reader):
    approved = make_comment(user=reader, name="Camille", email=reader.email)
    pending = make_comment(user=reader, name="Camille", email=reader.email, status=Status.PENDING)
    rejected = make_comment(user=reader, name="Camille", email=reader.email, status=Status.REJECTED)
    reply = make_comment(post=approved.post, parent=approved, body="A reply by someone else.")

    response = delete(client, "remove")

    assert response.status_code == 302
    for comment, was in ((approved, Status.APPROVED), (pending, Status.PENDING)):
        comment.refresh_from_db()
        assert comment.status == Status.REMOVED
        event = comment.events.get()
        assert (event.source, event.from_status, event.to_status) == (
            ModerationEvent.Source.COMMENTER,
            was,
            Status.REMOVED,
        )
        assert (comment.user, comment.name, comment.email) == (None, "Deleted account", "")
    assert ModerationEvent.objects.count() == 2
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED  # not public: nothing to withdraw, but anonymised
    assert rejected.email == ""
    reply.refresh_from_db()
    assert reply.status == Status.APPROVED
    assert not Comment.objects.public().filter(pk__in=[approved.pk, pending.pk]).exists()


def test_a_wrong_password_deletes_nothing(client, reader):
    comment = make_comment(user=reader, name="Camille")

    response = delete(client, "remove", password="not-my-password")

    assert response.status_code == 200
    assert "This is not your password." in response.text
    assert User.objects.filter(pk=reader.pk).exists()
    comment.refresh_from_db()
    assert (comment.status, comment.user_id, comment.name) == (Status.APPROVED, reader.pk, "Camille")


def test_a_choice_is_required(client, reader):
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD})

    assert "This field is required." in response.text
    assert User.objects.filter(pk=reader.pk).exists()


def test_a_failure_halfway_deletes_nothing(client, reader, monkeypatch):
    first = make_comment(user=reader, name="Camille")
    second = make_comment(user=reader, name="Camille")
    real_remove = self_service.comment_remove

    def remove_then_fail(*, comment, **kwargs):
        if comment.pk == second.pk:
            raise RuntimeError("the database went away")
        return real_remove(comment=comment, **kwargs)

    monkeypatch.setattr(self_service, "comment_remove", remove_then_fail)

    with pytest.raises(RuntimeError):
        self_service.user_delete(user=reader, comments=self_service.REMOVE_COMMENTS)

    assert User.objects.filter(pk=reader.pk).exists()
    first.refresh_from_db()
    assert (first.status, first.user_id, first.name) == (Status.APPROVED, reader.pk, "Camille")
    assert not ModerationEvent.objects.exists()


def test_the_avatar_file_goes_with_the_account(client, reader, django_capture_on_commit_callbacks):
    client.post("/accounts/profile/", {"display_name": "Camille", "avatar": image_upload("me.png")})
    reader.refresh_from_db()
    path = reader.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        delete(client, "keep")

    assert not User._meta.get_field("avatar").storage.exists(path)


@pytest.mark.parametrize("kind", ["staff", "author"])
def test_staff_and_authors_are_refused_and_told_who_closes_their_account(client, kind):
    user = make_user(is_staff=kind == "staff", password=PASSWORD)
    if kind == "author":
        make_post(author=user)
    client.force_login(user)

    page = client.get("/accounts/profile/delete/")
    response = delete(client, "keep")

    assert "closed by an administrator" in page.text
    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_the_membership_audit_trail_survives_without_the_account(client, reader, verdane):
    staff = make_user(is_staff=True)
    other = make_user()
    membership_verify(membership=membership_request(user=other, organization=verdane), by=staff, note="checked")
    membership_request(user=reader, organization=verdane)

    delete(client, "keep")

    assert MembershipEvent.objects.filter(membership__user=other).count() == 2


# Everything stored about the person, not only what their account holds.


def export(client):
    response = client.get("/accounts/profile/data/")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_holds_the_comments_sent_from_the_address_before_signing_up(client, reader):
    post = make_post()
    before = make_comment(
        post=post, email="Camille@Example.org", body="Before my account.", ip_address="192.0.2.7", user_agent="Old/1.0"
    )
    logged_in = make_comment(
        post=post, user=reader, email=reader.email, body="With my account.", ip_address="2001:db8::1"
    )
    make_comment(post=post, email="someone@example.org", body="Someone else.", ip_address="192.0.2.99")

    data = export(client)

    by_body = {comment["body"]: comment for comment in data["comments"]}
    assert set(by_body) == {"Before my account.", "With my account."}
    assert by_body["Before my account."]["logged_in"] is False
    assert by_body["With my account."]["logged_in"] is True
    assert (by_body["Before my account."]["ip_address"], by_body["Before my account."]["user_agent"]) == (
        "192.0.2.7",
        "Old/1.0",
    )
    assert by_body["With my account."]["ip_address"] == "2001:db8::1"
    assert by_body["Before my account."]["url"] == f"http://testserver/comments/{before.pk}/"
    assert by_body["With my account."]["id"] == logged_in.pk
    assert "192.0.2.99" not in json.dumps(data)


def test_an_address_not_confirmed_yet_gets_no_comment_it_did_not_write_logged_in(reader):
    make_comment(email=reader.email, body="Before my account.")
    reader.awaiting_confirmation = True

    data = self_service.user_export(user=reader, base_url="http://testserver")

    assert data["comments"] == []


def test_a_comment_the_reader_may_not_see_has_no_address_in_the_export(client, reader):
    rejected = make_comment(user=reader, email=reader.email, status=Status.REJECTED, body="Rejected.")

    [comment] = export(client)["comments"]

    assert (comment["id"], comment["status"], comment["url"]) == (rejected.pk, "rejected", None)


def test_the_export_holds_the_readers_reports_subscriptions_and_mail(client, reader):
    reported = make_comment(body="Rude words.")
    Flag.objects.create(comment=reported, reporter=f"user:{reader.pk}", user=reader, reason="Insulting")
    Flag.objects.create(comment=reported, reporter="session:other", reason="Someone else's reason")
    mine = make_comment(email="camille@example.org", body="Tell me of replies.")
    Subscription.objects.create(comment=mine, email="CAMILLE@example.org", scope="replies", language="fr")
    Subscription.objects.create(comment=make_comment(), email="other@example.org", scope="thread")
    Delivery.objects.create(
        kind=Delivery.Kind.REPLY, recipient="camille@example.org", key=f"comment:{mine.pk}", state="sent"
    )
    Delivery.objects.create(kind=Delivery.Kind.REPLY, recipient="other@example.org", key="comment:1", state="sent")
    Suppression.objects.create(email="camille@example.org", reason=Suppression.Reason.UNSUBSCRIBED)

    data = export(client)

    [report] = data["reports"]
    assert (report["comment"], report["reason"]) == (reported.pk, "Insulting")
    [subscription] = data["subscriptions"]
    assert (subscription["comment"], subscription["scope"], subscription["confirmed_at"]) == (mine.pk, "replies", None)
    [delivery] = data["notifications"]
    assert (delivery["kind"], delivery["about"], delivery["state"]) == ("reply", f"comment:{mine.pk}", "sent")
    assert "message" not in delivery  # What was sent, not a copy of its links.
    assert data["suppressed"]["reason"] == "unsubscribed"
    assert "Someone else's reason" not in json.dumps(data)
    assert "other@example.org" not in json.dumps(data)


def test_the_export_holds_each_membership_history(client, reader, verdane):
    staff = make_user(is_staff=True)
    membership = membership_request(user=reader, organization=verdane, role="Support")
    membership_verify(membership=membership, by=staff, note="Checked with the brand.")

    [exported] = export(client)["memberships"]

    history = exported["history"]
    assert [(event["from"], event["to"]) for event in history] == [("", "requested"), ("requested", "verified")]
    assert [event["by"] for event in history] == ["you", "staff"]
    assert all(event["at"] for event in history)
    assert history[-1]["note"] == "Checked with the brand."
