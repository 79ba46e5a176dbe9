"""Becoming a verified representative: the request page, the e-mailed link, the staff's actions."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Membership, MembershipEvent, Organization
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

REQUEST_URL = reverse("accounts:verification_request")
MEMBERSHIPS_URL = reverse("accounts:memberships")
CHANGELIST = reverse("admin:accounts_membership_changelist")


@pytest.fixture
def verdane():
    return Organization.objects.create(
        name="Maison Verdane", slug="maison-verdane", email_domains="maison-verdane.example\n@verdane.example"
    )


@pytest.fixture
def member(client):
    user = make_user(display_name="Camille Roux")
    client.force_login(user)
    return user


def ask(client, organization, email="", role="Community manager"):
    return client.post(REQUEST_URL, {"organization": organization.pk, "role": role, "email": email})


def sent_link(message):
    """The path of the verification link in an e-mail, checked to be an absolute address.

    Links in e-mails are built from SITE_URL: here empty, so https:// and the first allowed host.
    """
    url = re.search(r"https?://\S+", message.body).group(0)
    assert url.startswith("https://testserver/accounts/organisations/verify/")
    return url.removeprefix("https://testserver")


def link_for(client, organization, email="camille@maison-verdane.example"):
    ask(client, organization, email=email)
    return sent_link(mail.outbox[-1])


# The request page


def test_request_page_needs_a_login(client):
    response = client.get(REQUEST_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_request_without_an_address_waits_for_the_staff(client, member, verdane):
    response = ask(client, verdane)

    assert response.status_code == 302 and response.url == MEMBERSHIPS_URL
    membership = Membership.objects.get(user=member, organization=verdane)
    assert (membership.status, membership.role) == (Membership.Status.REQUESTED, "Community manager")
    assert list(membership.events.values_list("to_status", "actor")) == [(Membership.Status.REQUESTED, member.pk)]
    assert mail.outbox == []
    page = client.get(MEMBERSHIPS_URL).content.decode()
    assert "Maison Verdane" in page and "Requested" in page


def test_request_with_an_address_on_the_domains_sends_a_signed_link(client, member, verdane):
    response = ask(client, verdane, email="Camille@Verdane.example")

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["Camille@Verdane.example"]
    assert "Maison Verdane" in message.subject
    assert "72 hours" in message.body
    sent_link(message)
    assert Membership.objects.get(user=member).status == Membership.Status.REQUESTED


def test_an_address_off_the_domains_is_refused_with_a_form_error(client, member, verdane):
    response = ask(client, verdane, email="camille@gmail.example")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("email", code="off_domain")
    assert "@maison-verdane.example, @verdane.example" in response.content.decode()
    assert not Membership.objects.exists()
    assert mail.outbox == []


def test_a_subdomain_is_not_one_of_the_domains(client, member, verdane):
    response = ask(client, verdane, email="camille@mail.maison-verdane.example")

    assert response.context["form"].has_error("email", code="off_domain")


def test_an_address_is_refused_when_the_organisation_has_no_domain(client, member):
    plain = Organization.objects.create(name="Plain", slug="plain")

    response = ask(client, plain, email="camille@plain.example")

    assert response.context["form"].has_error("email", code="no_domains")
    assert not Membership.objects.exists()


def test_a_verified_member_cannot_ask_again(client, member, verdane):
    membership = services.membership_request(user=member, organization=verdane)
    services.membership_verify(membership=membership, by=make_user(is_staff=True))

    response = ask(client, verdane)

    assert response.context["form"].has_error("organization", code="already_verified")


# The link


def test_following_the_link_verifies_the_membership(client, member, verdane):
    path = link_for(client, verdane)

    confirm = client.get(path)
    response = client.post(path)

    assert confirm.status_code == 200 and "Confirm" in confirm.content.decode()
    assert response.status_code == 302 and response.url == MEMBERSHIPS_URL
    membership = Membership.objects.get(user=member)
    assert (membership.status, membership.method, membership.verified_email) == (
        Membership.Status.VERIFIED,
        Membership.Method.EMAIL,
        "camille@maison-verdane.example",
    )
    assert membership.events.last().to_status == Membership.Status.VERIFIED
    assert "Verified" in client.get(MEMBERSHIPS_URL).content.decode()


def test_the_link_page_needs_a_login(client, member, verdane):
    path = link_for(client, verdane)
    client.logout()

    response = client.post(path)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert Membership.objects.get().status == Membership.Status.REQUESTED


def test_an_expired_link_says_so(client, member, verdane, settings):
    path = link_for(client, verdane)

    with time_machine.travel(timezone.now() + settings.ACCOUNTS_VERIFICATION_LINK_MAX_AGE + timedelta(minutes=1)):
        client.force_login(member)
        response = client.post(path)

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REQUESTED


def test_a_link_still_works_just_before_it_expires(client, member, verdane, settings):
    path = link_for(client, verdane)

    with time_machine.travel(timezone.now() + settings.ACCOUNTS_VERIFICATION_LINK_MAX_AGE - timedelta(minutes=1)):
        client.force_login(member)
        client.post(path)

    assert Membership.objects.get().status == Membership.Status.VERIFIED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], token.split(":")[0][::-1]),
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_link_is_not_valid(client, member, verdane, tamper):
    path = link_for(client, verdane)
    token = path.rstrip("/").rsplit("/", 1)[1]

    response = client.post(reverse("accounts:verification_link", kwargs={"token": tamper(token)}))

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REQUESTED


def test_a_link_used_once_does_not_work_again(client, member, verdane):
    path = link_for(client, verdane)
    client.post(path)

    response = client.post(path)

    assert response.status_code == 400
    assert "This link was already used" in response.content.decode()
    assert Membership.objects.get().events.count() == 2


def test_a_link_does_not_undo_a_revocation(client, member, verdane):
    path = link_for(client, verdane)
    client.post(path)
    services.membership_revoke(membership=Membership.objects.get(), by=make_user(is_staff=True))

    response = client.post(path)

    assert "This link was already used" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REVOKED


def test_a_link_sent_before_a_revocation_stays_dead_after_asking_again(client, member, verdane):
    old = link_for(client, verdane)
    services.membership_revoke(membership=Membership.objects.get(), by=make_user(is_staff=True))
    ask(client, verdane)  # Requested again, by staff decision this time.

    response = client.post(old)

    assert "This link was already used" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REQUESTED


def test_a_link_followed_by_another_account_is_not_valid(client, member, verdane):
    path = link_for(client, verdane)
    client.force_login(make_user())

    response = client.post(path)

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REQUESTED


def test_a_link_stops_working_when_the_domain_is_removed(client, member, verdane):
    path = link_for(client, verdane)
    verdane.email_domains = "verdane.example"
    verdane.save()

    response = client.post(path)

    assert "This link is not valid" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REQUESTED


# The staff's decision in the admin


def admin_user(*codenames):
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))
    return user


def run_action(client, action, memberships):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [m.pk for m in memberships], "index": 0}, follow=True
    )


def test_staff_verify_requested_memberships_in_bulk(client, verdane):
    staff = admin_user("view_membership", "change_membership")
    client.force_login(staff)
    requested = [services.membership_request(user=make_user(), organization=verdane) for _ in range(2)]

    response = run_action(client, "verify", requested)

    assert "2 memberships verified." in response.content.decode()
    for membership in requested:
        membership.refresh_from_db()
        assert (membership.status, membership.method, membership.decided_by) == (
            Membership.Status.VERIFIED,
            Membership.Method.STAFF,
            staff,
        )
        assert membership.verified_at is not None


def test_staff_revocation_is_recorded_in_the_audit_trail(client, verdane):
    staff = admin_user("view_membership", "change_membership")
    client.force_login(staff)
    membership = services.membership_request(user=make_user(), organization=verdane)
    services.membership_verify(membership=membership, by=staff)

    response = run_action(client, "revoke", [membership])

    assert "1 membership revoked." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REVOKED
    events = MembershipEvent.objects.filter(membership=membership)
    assert list(events.values_list("from_status", "to_status", "actor")) == [
        ("", Membership.Status.REQUESTED, membership.user_id),
        (Membership.Status.REQUESTED, Membership.Status.VERIFIED, staff.pk),
        (Membership.Status.VERIFIED, Membership.Status.REVOKED, staff.pk),
    ]
    history = client.get(reverse("admin:accounts_membership_change", args=[membership.pk])).content.decode()
    assert "Revoked" in history


def test_staff_who_may_only_view_memberships_cannot_verify(client, verdane):
    client.force_login(admin_user("view_membership"))
    membership = services.membership_request(user=make_user(), organization=verdane)

    run_action(client, "verify", [membership])

    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    assert membership.events.count() == 1


def test_a_revoked_member_sees_it_and_may_ask_again(client, member, verdane):
    membership = services.membership_request(user=member, organization=verdane)
    services.membership_verify(membership=membership, by=make_user(is_staff=True))
    services.membership_revoke(membership=membership, by=make_user(is_staff=True))

    assert "Revoked" in client.get(MEMBERSHIPS_URL).content.decode()
    ask(client, verdane, email="camille@verdane.example")
    client.post(sent_link(mail.outbox[-1]))

    membership.refresh_from_db()
    assert (membership.status, membership.method) == (Membership.Status.VERIFIED, Membership.Method.EMAIL)
