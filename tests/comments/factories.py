import itertools
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import time_machine
from django.conf import settings
from django.core import mail
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from blog.models import Post
from comments import services
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


class DrawnToken:
    """The form token the page drew for whoever sends the form: signed when it is sent.

    A token is bound to the reader (their CSRF secret) and to the post, which
    form_data() does not know: the test client fills it in when it posts the
    form (tests/conftest.py), for its own CSRF cookie and the post of the
    address. Dated when form_data() was called, like a page drawn then; the
    same data sent twice by one reader to one post carries the same token,
    as the same form would.
    """

    def __init__(self):
        self.drawn_at = time.time()
        self.tokens = {}

    def for_reader(self, reader, post_id):
        if (reader, post_id) not in self.tokens:
            with time_machine.travel(self.drawn_at, tick=False):
                self.tokens[reader, post_id] = new_form_token(reader=reader, post_id=post_id)
        return self.tokens[reader, post_id]


def new_csrf_secret():
    """A CSRF secret as Django draws one for a new reader (their CSRF cookie)."""
    return get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)


def reader_of(client):
    """The test client's CSRF secret, as a browser that opened a page holds it (set now if it has none)."""
    if (cookie := client.cookies.get(settings.CSRF_COOKIE_NAME)) is None or not cookie.value:
        client.cookies[settings.CSRF_COOKIE_NAME] = new_csrf_secret()
        cookie = client.cookies[settings.CSRF_COOKIE_NAME]
    return cookie.value


def comment_url(post, query=""):
    """Where the form of the post's page sends a comment (comments.posting), with `query` ("?cpage=2")."""
    return reverse("comments:post_comment", kwargs={"slug": post.slug}) + query


def post_at(path):
    """The id of the post whose page (or whose comment form's address) this is, or None."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if match.view_name not in ("blog:post_detail", "comments:post_comment"):
        return None
    return Post.objects.filter(slug=match.kwargs["slug"]).values_list("pk", flat=True).first()


def token_for(client, post):
    """A form token as the post's page would draw it for this client."""
    return new_form_token(reader=reader_of(client), post_id=post.pk)


def form_data(**fields):
    """What a reader's browser sends from the comment form; its token is drawn for the sender (DrawnToken)."""
    data = {
        "name": "Camille",
        "email": "camille@example.org",
        "website": "",
        "body": "A thoughtful comment.",
        "parent": "",
        "token": DrawnToken(),
        "homepage": "",
    }
    data.update(fields)
    return data


def token_in(html):
    """The form token a page offers."""
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def reporter(name="a", user=None):
    """A reader identity for comments.services.comment_flag: its own address block (or an account on one)."""
    from comments.reporters import Reporter

    key = f"user:{user.pk}" if user is not None else f"net:{name}"
    return Reporter(key=key, network=f"block-{name}", network_label=f"192.0.2.x ({name})", user=user)


# When comment_sent's comments are written: a fixed moment, so that delays and digests are exact.
SUBMITTED = datetime(2026, 3, 2, 9, 10, tzinfo=UTC)


def comment_sent(post, **fields):
    """A reader's comment through the service, as the form sends it, at SUBMITTED: its e-mails leave."""
    fields.setdefault("name", "Camille")
    fields.setdefault("email", "camille@example.org")
    fields.setdefault("body", "A thoughtful comment.")
    return services.comment_create(post=post, now=SUBMITTED, **fields)


def sent_to(address, outbox=None):
    """The e-mails sent to an address (the test outbox by default)."""
    return [message for message in (outbox or mail.outbox) if address in message.to]
