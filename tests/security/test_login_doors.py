"""Both login pages, the site's and the admin's, share one set of limits, counted per account and per address.

Over HTTP, each attempt from its own session, as a person guessing
passwords would send them. The account is counted under the address the
database matched, folded: a dotless ı, a long ſ or capitals open no fresh
counter, and an address that only matches through such a letter logs into
nothing (PostgreSQL's UPPER() maps ı to I and ſ to S).
"""

import pytest
from django.test import Client

from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
SITE, ADMIN = "/accounts/login/", "/admin/login/"


def attempt(door, email, password, ip="203.0.113.5"):
    """One login from a new session; return the response and that session's client."""
    client = Client()
    data = {"username": email, "password": password}
    if door == ADMIN:
        data["next"] = "/admin/"
    return client.post(door, data, REMOTE_ADDR=ip), client


def logged_in(client):
    return "_auth_user_id" in client.session


def test_five_failures_on_the_admin_login_refuse_even_the_right_password():
    staff = make_user(email="editor@example.com", is_staff=True, is_superuser=True)
    for number in range(5):  # RATE_LIMIT_LOGIN_PER_ACCOUNT, by default.
        response, _client = attempt(ADMIN, staff.email, "wrong", ip=f"198.51.100.{number + 1}")
        assert response.status_code == 200

    response, client = attempt(ADMIN, staff.email, PASSWORD, ip="198.51.100.99")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.text
    assert not logged_in(client)
    assert Client().get("/admin/").status_code == 302  # Still the login page for everyone.


def test_below_the_limit_the_admin_login_works_and_clears_the_count():
    staff = make_user(email="editor@example.com", is_staff=True)
    for _ in range(4):
        attempt(ADMIN, staff.email, "wrong")
    response, client = attempt(ADMIN, staff.email, PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    for _ in range(4):  # The success forgave the earlier failures.
        attempt(ADMIN, staff.email, "wrong")
    assert attempt(ADMIN, staff.email, PASSWORD)[0].status_code == 302
    for _ in range(5):  # Counted again from there.
        attempt(ADMIN, staff.email, "wrong")
    assert attempt(ADMIN, staff.email, PASSWORD)[0].status_code == 429


@pytest.mark.parametrize("last_door", [SITE, ADMIN])
def test_failures_split_between_the_two_doors_count_together(last_door):
    staff = make_user(email="editor@example.com", is_staff=True)
    doors = [SITE, ADMIN, SITE, ADMIN, SITE]
    for number, door in enumerate(doors):
        assert attempt(door, staff.email, "wrong", ip=f"192.0.2.{number + 1}")[0].status_code == 200

    response, client = attempt(last_door, staff.email, PASSWORD, ip="192.0.2.200")

    assert response.status_code == 429
    assert not logged_in(client)


VARIANTS = {
    "claire@example.com": ["claıre@example.com", "CLAIRE@example.com", "Claıre@Example.com", "cLaIrE@example.com"],
    "sophie@example.com": ["ſophie@example.com", "SOPHIE@example.com", "ſophıe@example.com", "Sophie@EXAMPLE.com"],
    "kate@example.com": ["\u212aate@example.com", "KATE@example.com", "kate@example.com", "\u212aATE@example.com"],
}


@pytest.mark.parametrize("account", list(VARIANTS))
def test_spellings_of_one_address_share_one_counter_across_doors_and_addresses(account):
    user = make_user(email=account, is_staff=True)
    spellings = [*VARIANTS[account], account]
    for number, spelling in enumerate(spellings):
        door = SITE if number % 2 else ADMIN
        assert attempt(door, spelling, "wrong", ip=f"198.51.100.{number + 10}")[0].status_code == 200

    for door in (SITE, ADMIN):
        response, client = attempt(door, user.email, PASSWORD, ip="198.51.100.250")
        assert response.status_code == 429
        assert not logged_in(client)


@pytest.mark.parametrize("door", [SITE, ADMIN])
@pytest.mark.parametrize("trick", ["claıre@example.com", "CLAıRE@example.com", "claıre@EXAMPLE.com"])
def test_an_address_that_only_matches_through_a_case_mapping_trick_logs_into_nothing(door, trick):
    make_user(email="claire@example.com", is_staff=True)

    response, client = attempt(door, trick, PASSWORD)  # PostgreSQL: UPPER('claıre') = 'CLAIRE'.

    assert response.status_code == 200
    assert not logged_in(client)
    # The address as it is, in any case, still logs in.
    assert attempt(door, "Claire@Example.COM", PASSWORD)[0].status_code == 302


@pytest.mark.parametrize("door", [SITE, ADMIN])
@pytest.mark.parametrize(
    "account, spelling", [("sophie@example.com", "ſophie@example.com"), ("kate@example.com", "\u212aate@example.com")]
)
def test_a_compatibility_spelling_reads_alike_on_both_doors(door, account, spelling):
    """A long ſ or a Kelvin sign K is normalised (NFKC) to s or K, as Django's admin login does: one address."""
    make_user(email=account, is_staff=True)

    response, client = attempt(door, spelling, PASSWORD)

    assert response.status_code == 302 and logged_in(client)


def test_one_address_trying_many_accounts_is_refused_on_both_doors():
    users = [make_user(is_staff=True) for _ in range(21)]
    for number, user in enumerate(users[:20]):  # RATE_LIMIT_LOGIN_PER_IP, by default.
        door = ADMIN if number % 2 else SITE
        assert attempt(door, user.email, "wrong", ip="203.0.113.66")[0].status_code == 200

    for door in (SITE, ADMIN):
        response, client = attempt(door, users[20].email, PASSWORD, ip="203.0.113.66")
        assert response.status_code == 429
        assert not logged_in(client)
    # Another address is not affected.
    assert attempt(ADMIN, users[20].email, PASSWORD, ip="192.0.2.77")[0].status_code == 302


def test_an_account_awaiting_confirmation_learns_nothing_past_the_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (2, 900)}
    make_user(email="new@example.com", is_active=False, awaiting_confirmation=True)
    for _ in range(2):
        attempt(SITE, "new@example.com", "wrong")

    response, _client = attempt(SITE, "NEW@example.com", PASSWORD)

    assert response.status_code == 429
    assert "Confirm your e-mail address first" not in response.text
