import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.models import User
from tests.accounts.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.mark.parametrize(
    "typed",
    ["claire@example.com", "Claire@Example.com", "CLAIRE@EXAMPLE.COM"],
)
def test_a_user_logs_in_with_their_email_in_any_case(typed):
    user = make_user(email="claire@example.com", password=PASSWORD)

    assert authenticate(email=typed, password=PASSWORD) == user
    assert authenticate(username=typed, password=PASSWORD) == user


def test_login_fails_with_a_wrong_password():
    make_user(email="claire@example.com", password=PASSWORD)

    assert authenticate(email="claire@example.com", password="not-the-password") is None


def test_create_user_requires_an_email():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user(email="", password=PASSWORD, display_name="Nobody")


def test_create_user_lowercases_the_domain_of_the_email():
    user = User.objects.create_user(email="claire@EXAMPLE.COM", password=PASSWORD, display_name="Claire")

    assert user.email == "claire@example.com"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.check_password(PASSWORD)


def test_two_accounts_cannot_share_an_email_that_differs_only_in_case():
    make_user(email="claire@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(email="Claire@example.com")


def test_model_validation_refuses_an_email_taken_in_another_case():
    make_user(email="claire@example.com")
    other = User(email="CLAIRE@example.com", display_name="Other")

    with pytest.raises(ValidationError):
        other.validate_constraints()


def test_create_superuser_makes_a_staff_superuser():
    user = User.objects.create_superuser(email="admin@example.com", password=PASSWORD, display_name="Admin")

    assert user.is_staff
    assert user.is_superuser
    assert authenticate(email="admin@example.com", password=PASSWORD) == user


def test_createsuperuser_command_creates_a_superuser(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", interactive=False, email="root@example.com", display_name="Root", verbosity=0)

    user = User.objects.get(email="root@example.com")
    assert user.is_superuser
    assert user.is_staff
    assert user.display_name == "Root"
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [("Claire Martel", "Claire Martel"), ("", "claire@example.com")],
)
def test_a_user_is_shown_by_display_name_else_email(display_name, expected):
    user = User(email="claire@example.com", display_name=display_name)

    assert str(user) == expected


def test_full_and_short_names_are_the_display_name():
    user = User(email="claire@example.com", display_name="Claire Martel")

    assert user.get_full_name() == "Claire Martel"
    assert user.get_short_name() == "Claire Martel"


class TestUserAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(User.objects.create_superuser(email="admin@example.com", password=PASSWORD))
        return client

    def test_add_page_shows_the_email_and_password_fields(self, admin_client):
        response = admin_client.get("/admin/accounts/user/add/")

        assert response.status_code == 200
        form = response.context["adminform"].form
        assert {"email", "display_name", "password1", "password2"} <= set(form.fields)

    def test_add_page_creates_a_user_who_can_log_in(self, admin_client):
        response = admin_client.post(
            "/admin/accounts/user/add/",
            {
                "email": "new@example.com",
                "display_name": "New Person",
                "password1": "ceci-est-un-mot-de-passe",
                "password2": "ceci-est-un-mot-de-passe",
            },
        )

        assert response.status_code == 302
        user = User.objects.get(email="new@example.com")
        assert user.display_name == "New Person"
        assert authenticate(email="NEW@example.com", password="ceci-est-un-mot-de-passe") == user

    def test_add_page_refuses_an_email_taken_in_another_case(self, admin_client):
        make_user(email="claire@example.com")

        response = admin_client.post(
            "/admin/accounts/user/add/",
            {
                "email": "Claire@example.com",
                "display_name": "Impostor",
                "password1": "ceci-est-un-mot-de-passe",
                "password2": "ceci-est-un-mot-de-passe",
            },
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert User.objects.filter(email__iexact="claire@example.com").count() == 1

    def test_change_page_opens_for_a_user(self, admin_client):
        user = make_user()

        response = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")

        assert response.status_code == 200
        assert user.email in response.text
