import itertools
import re
from datetime import timedelta

from django.utils import timezone

from comments.forms import new_form_token
from comments.models import Comment, Status
from tests.blog.factories import make_post

_numbers = itertools.count(1)


def make_comment(**fields):
    """A comment saved directly, in the given state (no policy run): for visibility tests."""
    number = next(_numbers)
    now = timezone.now()
    fields.setdefault("name", f"Reader {number}")
    fields.setdefault("email", f"reader{number}@example.org")
    fields.setdefault("body", f"Comment number {number}.")
    fields.setdefault("status", Status.APPROVED)
    if "post" not in fields:
        fields["post"] = make_post()
    if "publish_at" not in fields and fields["status"] in (Status.APPROVED, Status.PENDING):
        fields["publish_at"] = (
            now - timedelta(hours=1) if fields["status"] == Status.APPROVED else now + timedelta(hours=48)
        )
    return Comment.objects.create(**fields)


def form_data(**fields):
    """What a reader's browser sends from the comment form, with a freshly signed token."""
    data = {
        "name": "Camille",
        "email": "camille@example.org",
        "website": "",
        "body": "A thoughtful comment.",
        "parent": "",
        "token": new_form_token(),
        "homepage": "",
    }
    data.update(fields)
    return data


def token_in(html):
    """The form token a page offers."""
    return re.search(r'name="token" value="([^"]+)"', html).group(1)
