import itertools

from accounts.models import User

_numbers = itertools.count(1)


def make_user(**fields):
    number = next(_numbers)
    fields.setdefault("email", f"user{number}@example.com")
    fields.setdefault("display_name", f"User {number}")
    return User.objects.create_user(password=fields.pop("password", "a-long-test-password"), **fields)


def make_author(**fields):
    fields.setdefault("is_staff", True)
    return make_user(**fields)
