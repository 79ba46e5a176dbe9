"""Names that imitate the author, a verified representative or an organisation are refused."""

import pytest

from accounts import services
from accounts.impersonation import imitated, skeleton
from accounts.models import Membership, Organization
from tests.accounts.factories import make_user
from tests.blog.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    author = make_user(display_name="Claire Dubois", is_staff=True)
    make_post(author=author)
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    rep = make_user(display_name="Léa Fournier")
    membership = Membership.objects.create(user=rep, organization=brand)
    services.membership_verify(membership=membership)
    return {"author": author, "rep": rep, "brand": brand, "membership": membership}


@pytest.mark.parametrize(
    ("name", "imitates"),
    [
        ("Claire Dubois", "Claire Dubois"),
        ("claire dubois", "Claire Dubois"),
        ("CLAIRE  DUBOIS", "Claire Dubois"),
        ("Claire-Dubois", "Claire Dubois"),
        ("Cláire Dubóis", "Claire Dubois"),
        ("Cl4ire Dub0is", "Claire Dubois"),
        ("Claire Duboіs", "Claire Dubois"),  # Cyrillic і
        ("Сlaire Dubois", "Claire Dubois"),  # Cyrillic С
        ("Lea Fournier", "Léa Fournier"),
        ("Léa Foumier", "Léa Fournier"),  # "rn" read as "m"
        ("Maison Verdane", "Maison Verdane"),
        ("Maison Verdane Support", "Maison Verdane"),
        ("maisonverdane", "Maison Verdane"),
        ("Claire Martin", None),
        ("Claire", None),
        ("Lucas Fournier", None),
        ("Verdane", None),
        ("", None),
    ],
)
def test_imitations_are_caught_and_namesakes_spared(cast, name, imitates):
    assert imitated(name) == imitates


def test_people_may_use_their_own_name(cast):
    assert imitated("Claire Dubois", user=cast["author"]) is None
    assert imitated("Lea Fournier", user=cast["rep"]) is None
    assert imitated("Claire Dubois", user=cast["rep"]) == "Claire Dubois"


def test_a_revoked_representative_is_no_longer_protected(cast):
    services.membership_revoke(membership=cast["membership"], by=cast["author"], note="left the brand")

    assert imitated("Léa Fournier") is None
    assert imitated("Maison Verdane") == "Maison Verdane"


def test_the_skeleton_ignores_case_accents_spacing_and_look_alikes():
    assert skeleton("Éloïse  D'Arc") == skeleton("eloise darc")
    assert skeleton("Сafé") == skeleton("cafe")  # Cyrillic С
    assert skeleton("Anne") != skeleton("Anna")
