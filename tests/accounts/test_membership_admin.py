"""Staff add memberships in the admin as requests, and cannot move one to another person."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Organization
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

# The read-only history inline still posts its (empty) management form.
HISTORY = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


@pytest.fixture
def admin_client(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_a_membership_added_by_staff_is_a_recorded_request(admin_client):
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    rep = make_user()

    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": rep.pk, "organization": brand.pk, "role": "Support", **HISTORY},
    )

    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.user, membership.status, membership.role) == (rep, Membership.Status.REQUESTED, "Support")
    event = membership.events.get()
    assert event.to_status == Membership.Status.REQUESTED
    assert event.note == "added by staff"


def test_a_verified_membership_cannot_be_moved_to_another_person(admin_client):
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    rep, other = make_user(), make_user()
    membership = Membership.objects.create(user=rep, organization=brand)
    services.membership_verify(membership=membership)

    admin_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": other.pk, "organization": brand.pk, "role": "Support", **HISTORY},
    )

    membership.refresh_from_db()
    assert membership.user == rep
    assert membership.role == "Support"
