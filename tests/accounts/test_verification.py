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
    services.membership_verify(membership=membership, by=make_user(is_staff=True), note="checked by phone")

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
    assert "This link is no longer valid" in response.content.decode()
    assert Membership.objects.get().events.count() == 2


def test_a_new_link_voids_the_older_ones(client, member, verdane):
    first = link_for(client, verdane)
    second = link_for(client, verdane, email="camille@verdane.example")

    refused = client.post(first)
    accepted = client.post(second)

    assert refused.status_code == 400
    assert "This link is no longer valid" in refused.content.decode()
    assert "a newer link was sent" in refused.content.decode()
    assert accepted.status_code == 302 and accepted.url == MEMBERSHIPS_URL
    membership = Membership.objects.get()
    assert (membership.status, membership.verified_email) == (Membership.Status.VERIFIED, "camille@verdane.example")


def test_of_two_links_queued_together_only_the_later_works_whenever_the_worker_signs_them(
    client, member, verdane, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ask(client, verdane, email="camille@maison-verdane.example")
    ask(client, verdane, email="camille@verdane.example")
    assert mail.outbox == []  # Both e-mails wait in the queue, unsigned.

    from django.tasks import default_task_backend

    for result in default_task_backend.results:  # The worker sends them later, in order.
        result.task.call(*result.args, **result.kwargs)
    first, second = (sent_link(message) for message in mail.outbox)

    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    assert Membership.objects.get().verified_email == "camille@verdane.example"


def test_of_three_links_only_the_latest_works_even_once_the_latest_was_refused_elsewhere(client, member, verdane):
    links = [link_for(client, verdane) for _ in range(3)]
    stranger = type(client)()
    stranger.force_login(make_user())

    assert stranger.post(links[2]).status_code == 400  # Another account: refused, and nothing spent.
    assert [client.post(link).status_code for link in links[:2]] == [400, 400]
    assert Membership.objects.get().status == Membership.Status.REQUESTED
    assert client.post(links[2]).status_code == 302
    assert Membership.objects.get().status == Membership.Status.VERIFIED


def test_a_link_does_not_undo_a_revocation(client, member, verdane):
    path = link_for(client, verdane)
    client.post(path)
    services.membership_revoke(membership=Membership.objects.get(), by=make_user(is_staff=True), note="left")

    response = client.post(path)

    assert "This membership was revoked" in response.content.decode()
    assert "Only the staff can restore it" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REVOKED


def test_a_link_sent_before_a_revocation_stays_dead_after_staff_ask_again(client, member, verdane):
    old = link_for(client, verdane)
    staff = make_user(is_staff=True)
    services.membership_revoke(membership=Membership.objects.get(), by=staff, note="not with the brand")
    services.membership_request(user=member, organization=verdane, by=staff)  # Staff open the request again.

    response = client.post(old)

    assert "This link is no longer valid" in response.content.decode()
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


def run_action(client, action, memberships, note="Checked with the brand by phone."):
    """Choose the action in the list, then give the reason on the page it opens and confirm."""
    chosen = {"action": action, "_selected_action": [m.pk for m in memberships]}
    asked = client.post(CHANGELIST, {**chosen, "index": 0})
    if asked.status_code != 200 or "apply" not in asked.content.decode():
        return asked
    return client.post(CHANGELIST, {**chosen, "apply": "1", "note": note}, follow=True)


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
    services.membership_verify(membership=membership, by=staff, note="Checked with the brand by phone.")

    response = run_action(client, "revoke", [membership], note="No longer works for the brand.")

    assert "1 membership revoked." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REVOKED
    events = MembershipEvent.objects.filter(membership=membership)
    assert list(events.values_list("from_status", "to_status", "actor", "note")) == [
        ("", Membership.Status.REQUESTED, membership.user_id, ""),
        (Membership.Status.REQUESTED, Membership.Status.VERIFIED, staff.pk, "Checked with the brand by phone."),
        (Membership.Status.VERIFIED, Membership.Status.REVOKED, staff.pk, "No longer works for the brand."),
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


# After a revocation, only staff


@pytest.fixture
def revoked(client, member, verdane):
    """Camille verified herself by a link, asked for another one, then staff revoked her in the admin."""
    client.post(link_for(client, verdane))
    desk = type(client)(REMOTE_ADDR="192.0.2.50")
    desk.force_login(admin_user("view_membership", "change_membership"))
    run_action(desk, "revoke", [Membership.objects.get()], note="She left Maison Verdane in May.")
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.REVOKED
    mail.outbox.clear()
    return membership


def test_a_revoked_member_cannot_ask_again_by_themselves(client, revoked, verdane):
    page = client.get(REQUEST_URL).content.decode()
    response = ask(client, verdane, email="camille@verdane.example")
    plain = ask(client, verdane)

    assert "only they can restore it" in page
    assert response.status_code == plain.status_code == 200
    assert response.context["form"].has_error("organization", code="revoked")
    assert "only they can restore it" in response.content.decode()
    assert mail.outbox == []  # No new link.
    revoked.refresh_from_db()
    assert revoked.status == Membership.Status.REVOKED
    assert revoked.events.last().to_status == Membership.Status.REVOKED
    assert "Only the staff can restore it" in client.get(MEMBERSHIPS_URL).content.decode()


def test_no_link_verifies_a_revoked_membership_old_or_new(client, member, verdane):
    old = link_for(client, verdane)  # Sent while requested, never followed.
    services.membership_revoke(membership=Membership.objects.get(), by=make_user(is_staff=True), note="Not staff")
    with pytest.raises(services.MembershipRefused) as refused:  # No new link can be made for it either.
        services.verification_token(Membership.objects.get(), "camille@verdane.example")

    response = client.post(old)
    other_session = type(client)(REMOTE_ADDR="198.51.100.7")
    other_session.force_login(member)
    again = other_session.post(old)

    assert refused.value.reason == "revoked"
    assert response.status_code == again.status_code == 400
    assert "This membership was revoked" in response.content.decode()
    assert Membership.objects.get().status == Membership.Status.REVOKED


def test_a_revoked_member_asks_again_only_through_staff(member, verdane):
    membership = services.membership_request(user=member, organization=verdane)
    staff = make_user(is_staff=True)
    services.membership_revoke(membership=membership, by=staff, note="Left the brand.")

    with pytest.raises(services.MembershipRefused):
        services.membership_request(user=member, organization=verdane)
    with pytest.raises(services.MembershipRefused):
        services.membership_request(user=member, organization=verdane, by=member)
    services.membership_request(user=member, organization=verdane, by=staff, note="Back at the brand.")

    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    assert membership.events.last().actor == staff


def test_staff_restore_a_revoked_membership_with_a_reason_and_the_person_is_told(client, revoked, member):
    desk = type(client)(REMOTE_ADDR="192.0.2.51")
    desk.force_login(admin_user("view_membership", "change_membership"))

    response = run_action(desk, "verify", [revoked], note="Back at Maison Verdane since June.")

    assert "1 membership verified." in response.content.decode()
    revoked.refresh_from_db()
    assert (revoked.status, revoked.method) == (Membership.Status.VERIFIED, Membership.Method.STAFF)
    assert revoked.events.last().note == "Back at Maison Verdane since June."
    [message] = mail.outbox
    assert message.to == [member.email]
    assert "You now represent Maison Verdane" in message.subject
    assert "Back at Maison Verdane since June." in message.body


# Staff decisions need a reason, and the person is told


@pytest.mark.parametrize("action", ["verify", "revoke"])
@pytest.mark.parametrize("note", ["", "   "])
def test_a_staff_decision_without_a_reason_is_refused_with_a_message(client, verdane, action, note):
    client.force_login(admin_user("view_membership", "change_membership"))
    membership = services.membership_request(user=make_user(), organization=verdane)
    if action == "revoke":
        services.membership_verify(membership=membership)

    response = run_action(client, action, [membership], note=note)

    assert response.status_code == 200
    assert "Give the reason for this decision" in response.content.decode()
    assert membership.events.count() == (1 if action == "verify" else 2)
    membership.refresh_from_db()
    assert membership.status == (Membership.Status.REQUESTED if action == "verify" else Membership.Status.VERIFIED)
    assert mail.outbox == []


def test_a_revocation_with_a_reason_is_recorded_and_e_mailed(client, verdane):
    client.force_login(admin_user("view_membership", "change_membership"))
    person = make_user(display_name="Camille Roux")
    membership = services.membership_request(user=person, organization=verdane)
    services.membership_verify(membership=membership)

    response = run_action(client, "revoke", [membership], note="She left the brand in May.")

    assert "1 membership revoked." in response.content.decode()
    assert membership.events.last().note == "She left the brand in May."
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "Your membership of Maison Verdane was revoked" in message.subject
    assert "She left the brand in May." in message.body
    assert "Only the staff can restore it" in message.body
    assert "https://testserver/accounts/organisations/" in message.body


def test_the_decision_e_mail_is_written_in_the_sites_language(verdane, settings):
    settings.LANGUAGE_CODE = "fr"
    membership = services.membership_request(user=make_user(), organization=verdane)
    services.membership_verify(membership=membership)

    services.membership_revoke(membership=membership, by=make_user(is_staff=True), note="Départ de la marque.")

    [message] = mail.outbox
    assert "Maison Verdane" in message.subject and "révoqué" in message.subject
    assert "Départ de la marque." in message.body


@pytest.mark.parametrize("decide", ["verify", "revoke"])
def test_the_services_refuse_a_staff_decision_without_a_reason(verdane, decide):
    membership = services.membership_request(user=make_user(), organization=verdane)
    staff = make_user(is_staff=True)
    if decide == "revoke":
        services.membership_verify(membership=membership)

    with pytest.raises(services.MembershipRefused) as refused:
        if decide == "verify":
            services.membership_verify(membership=membership, by=staff, note=" ")
        else:
            services.membership_revoke(membership=membership, by=staff)

    assert refused.value.reason == "reason_required"
    assert mail.outbox == []
