"""An anonymous comment under the address of an account is held for a person, and borrows no trust.

Anyone can type an address. Without logging in, a comment signed with the
address of an account (a reader's, a representative's, the post's author's)
waits for a moderator, with the reason in the queue; and comments approved
earlier under that address count only when they were written from the
account, in the policy (COMMENTS_REQUIRE_PREVIOUS_APPROVAL) and in the
queue's history column.
"""

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership, Organization, User
from comments.models import Comment, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
REASON = "the address of a registered account, sent without logging in"


@pytest.fixture
def post():
    return make_post(author=make_user(email="claire@blog.example", display_name="Claire Dubois"))


@pytest.fixture
def reader():
    return make_user(email="camille@example.org", display_name="Camille")


@pytest.fixture
def rep():
    brand = Organization.objects.create(name="Maison Verdane", slug="maison-verdane")
    user = make_user(email="lea@maison-verdane.example", display_name="Léa Fournier")
    account_services.membership_verify(membership=Membership.objects.create(user=user, organization=brand))
    return user


def earlier(**fields):
    """A comment from last month: history, not a burst of comments the rate limit would count."""
    return make_comment(created_at=timezone.now() - timedelta(days=30), **fields)


_addresses = (f"198.51.100.{number}" for number in itertools.count(1))


def send(post, *, email, name="Someone", body="Hello from nowhere.", client=None):
    """Post the form as a reader from an address of their own (several readers, several addresses)."""
    address = next(_addresses)
    client = client or Client(REMOTE_ADDR=address)
    response = client.post(comment_url(post), form_data(name=name, email=email, body=body), REMOTE_ADDR=address)
    assert response.status_code == 302
    return Comment.objects.latest("pk")


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("camille@example.org", id="a reader's account"),
        pytest.param("CAMILLE@Example.ORG", id="a reader's account, in another case"),
        pytest.param("lea@maison-verdane.example", id="a representative's account"),
        pytest.param("claire@blog.example", id="the post author's account"),
    ],
)
def test_an_anonymous_comment_under_an_accounts_address_waits_for_a_moderator(post, reader, rep, address):
    comment = send(post, email=address, body="Trust me, I am them.")

    assert comment.status == Status.HELD
    assert comment.user_id is None
    assert {"code": "account_address", "count": 0, "word": ""} in comment.reasons
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert "Trust me, I am them." not in Client(REMOTE_ADDR="192.0.2.1").get(post.get_absolute_url()).text


def test_the_owner_logged_in_and_an_address_without_account_go_by_the_delay(post, reader):
    owner = Client(REMOTE_ADDR="198.51.100.8")
    owner.force_login(reader)

    own = send(post, email="ignored@example.org", client=owner, body="From my account.")
    stranger = send(post, email="nobody@example.org", body="No account here.")

    assert (own.status, own.user_id) == (Status.PENDING, reader.pk)
    assert stranger.status == Status.PENDING


def test_comments_approved_under_an_accounts_address_lend_trust_only_from_the_account(post, reader, settings):
    settings.COMMENTS_REQUIRE_PREVIOUS_APPROVAL = True
    for _ in range(3):
        earlier(email="camille@example.org", status=Status.APPROVED)  # Anonymous, then approved.
    earlier(email="regular@example.org", status=Status.APPROVED)
    owner = Client(REMOTE_ADDR="198.51.100.9")
    owner.force_login(reader)

    impostor = send(post, email="Camille@example.org", body="An impostor with a history.")
    before = send(post, email="x@example.org", client=owner, body="The owner, with no approval from the account.")
    earlier(email="camille@example.org", user=reader, status=Status.APPROVED)
    after = send(post, email="x@example.org", client=owner, body="The owner, approved once from the account.")
    regular = send(post, email="regular@example.org", body="A regular without an account.")

    assert [reason["code"] for reason in impostor.reasons] == ["account_address", "first_comment"]
    assert [reason["code"] for reason in before.reasons] == ["first_comment"]
    assert after.status == regular.status == Status.PENDING


def test_the_queue_shows_the_reason_and_counts_only_approvals_from_the_account(client, post, reader):
    moderator = make_user(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment", "moderate_comment"])
    )
    client.force_login(moderator)
    for _ in range(4):
        earlier(email="camille@example.org", status=Status.APPROVED)
    earlier(email="camille@example.org", user=reader, status=Status.APPROVED)
    for _ in range(2):
        earlier(email="regular@example.org", status=Status.APPROVED)
    impostor = send(post, email="CAMILLE@example.org", body="An impostor with a history.")
    regular = send(post, email="Regular@example.org", body="A regular.")
    regular.status = Status.HELD
    regular.save(update_fields=["status"])

    response = client.get(CHANGELIST)

    rows = {row.pk: row for row in response.context["cl"].result_list}
    assert rows[impostor.pk].approved_from_address == 1
    assert rows[regular.pk].approved_from_address == 2
    assert REASON in response.text
    assert "1 approved" in response.text and "4 approved" not in response.text and "5 approved" not in response.text


@pytest.mark.parametrize(
    "typed", ["CAMILLE@EXAMPLE.ORG", "camılle@example.org", "camiſle@example.org", "Camille@Example.org"]
)
def test_an_address_that_logs_in_to_an_account_or_that_the_database_matches_to_one_is_held(post, reader, typed):
    """Held whenever it would log in; also when it only looks like the account's address to the database.

    On PostgreSQL a dotless ı matches "i" case-insensitively yet logs into
    nothing (accounts.models.same_address): such a look-alike of an
    account's address is held too, the safer side. On SQLite neither matches.
    """
    logs_in = _logs_in(typed)
    looks_alike = User.objects.at_address(typed).exists()

    comment = send(post, email=typed)

    assert logs_in <= looks_alike
    assert (comment.status == Status.HELD) == looks_alike


def _logs_in(typed):
    try:
        User.objects.get_by_natural_key(typed)
    except User.DoesNotExist:
        return False
    return True
