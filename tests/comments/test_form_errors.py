"""Bad input gets a clear message and the reader's text back; never a 500, never two comments."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing

from comments.forms import new_form_token, read_form_token
from comments.models import Comment
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, reader_of, token_for, token_in

pytestmark = pytest.mark.django_db

LONG_BUT_VALID_EMAIL = "reader@" + ".".join(["d" * 60] * 4) + ".example.org"  # 267 characters
LONG_URL = "https://example.org/" + "a" * 230


@pytest.fixture
def post():
    return make_post()


@pytest.mark.parametrize(
    ("fields", "message", "kept"),
    [
        pytest.param(
            {"body": "x" * 5001},
            "Your comment is 5001 characters long; the limit is 5000.",
            "x" * 5001,
            id="body too long",
        ),
        pytest.param({"body": ""}, "This field is required.", "Camille", id="empty body"),
        pytest.param({"body": " \n\t "}, "This field is required.", "Camille", id="blank body"),
        pytest.param({"name": ""}, "This field is required.", "A thoughtful comment.", id="no name"),
        pytest.param({"name": "n" * 81}, "at most 80 characters", "n" * 81, id="name too long"),
        pytest.param({"email": "camille@"}, "Enter a valid email address.", "camille@", id="bad email"),
        pytest.param({"email": ""}, "This field is required.", "A thoughtful comment.", id="no email"),
        pytest.param(
            {"email": LONG_BUT_VALID_EMAIL}, "at most 254 characters", "A thoughtful comment.", id="email too long"
        ),
        pytest.param({"website": "not a site"}, "Enter a valid URL.", "not a site", id="bad website"),
        pytest.param({"website": "javascript:alert(1)"}, "Enter a valid URL.", "A thoughtful comment.", id="js url"),
        pytest.param({"website": LONG_URL}, "at most 200 characters", LONG_URL, id="website too long"),
        pytest.param({"body": "nul\x00here"}, "Null characters are not allowed.", "nul\x00here", id="NUL in body"),
        pytest.param(
            {"body": "bell\x07here"}, "invisible control character (U+0007)", "bell\x07here", id="control char in body"
        ),
        pytest.param(
            {"name": "Cam\x1bille"}, "invisible control character (U+001B)", "Cam\x1bille", id="escape in name"
        ),
        pytest.param({"body": "caf\ufffd"}, "could not be read", "caf", id="replacement character"),
    ],
)
def test_each_error_is_explained_and_the_text_is_kept(client, post, fields, message, kept):
    data = form_data(**fields)

    response = client.post(comment_url(post), data)

    assert response.status_code == 400
    assert message in response.text
    assert kept in response.text
    assert not Comment.objects.exists()


def test_line_breaks_and_tabs_are_accepted(client, post):
    client.post(comment_url(post), form_data(body="First line.\r\n\r\n\tSecond line."))

    assert Comment.objects.get().body == "First line.\r\n\r\n\tSecond line."


def test_the_body_limit_is_read_from_the_settings(client, post, settings):
    settings.COMMENTS_BODY_MAX_LENGTH = 20

    response = client.post(comment_url(post), form_data(body="y" * 21))

    assert response.status_code == 400
    assert "Your comment is 21 characters long; the limit is 20." in response.text
    assert "at most 20 characters" in response.text  # The help text.
    assert 'data-max-length="20"' in response.text


def raw_post(client, post, body, content_type):
    return client.generic("POST", comment_url(post), body, content_type=content_type)


def urlencoded(client, post, body_bytes):
    token = token_for(client, post).encode()
    return b"name=Camille&email=camille%40example.org&token=" + token + b"&body=" + body_bytes


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"caf%E9+au+lait", id="percent-encoded latin-1"),
        pytest.param(b"bad+%FF%FE+bytes", id="percent-encoded invalid bytes"),
        pytest.param(b"half+a+character+%E2%82", id="truncated sequence"),
    ],
)
def test_invalid_utf8_in_a_urlencoded_form_is_refused_clearly(client, post, body):
    response = raw_post(client, post, urlencoded(client, post, body), "application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "could not be read" in response.text
    assert "Camille" in response.text
    assert not Comment.objects.exists()


def test_raw_non_utf8_bytes_in_a_urlencoded_form_never_fail(client, post):
    # Django reads a body that is not UTF-8 as Latin-1; the C1 byte then shows as a control character.
    response = raw_post(client, post, urlencoded(client, post, b"caf\xe9 \x81"), "application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "invisible control character (U+0081)" in response.text
    assert not Comment.objects.exists()


def test_invalid_utf8_in_a_multipart_form_is_refused_clearly(client, post):
    boundary = "b0undary"
    parts = []
    for name, value in [
        ("name", b"Camille"),
        ("email", b"camille@example.org"),
        ("token", token_for(client, post).encode()),
        ("body", b"caf\xe9 \xff\xfe"),
    ]:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()

    response = raw_post(client, post, body, f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 400
    assert "could not be read" in response.text
    assert not Comment.objects.exists()


# The form token.


def test_a_double_submission_creates_one_comment(client, post):
    data = form_data(body="Clicked twice.")

    first = client.post(comment_url(post), data)
    second = client.post(comment_url(post), data)

    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_a_double_submission_from_two_tabs_is_still_one_comment(client, post):
    data = form_data(body="Clicked twice.")

    client.post(comment_url(post), data)
    type(client)().post(comment_url(post), data)

    assert Comment.objects.count() == 1


def test_each_page_view_gives_a_new_token(client, post):
    first = token_in(client.get(post.get_absolute_url()).text)
    second = token_in(client.get(post.get_absolute_url()).text)

    assert first != second


def test_two_comments_from_two_forms_are_two_comments(client, post):
    client.post(comment_url(post), form_data(body="First thought."))
    client.post(comment_url(post), form_data(body="Second thought."))

    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("token", "message"),
    [
        pytest.param(
            new_form_token(reader="", post_id=0)[:-3] + "abc", "This form was damaged", id="tampered signature"
        ),
        pytest.param("not-a-token", "This form was damaged", id="garbage"),
        pytest.param(
            signing.dumps({"id": "x", "at": 0}, salt="another.salt"), "This form was damaged", id="other salt"
        ),
        pytest.param("", "This field is required.", id="missing"),
    ],
)
def test_a_damaged_token_is_refused_with_a_new_one_and_the_text_kept(client, post, token, message):
    response = client.post(comment_url(post), form_data(token=token, body="Kept despite the token."))

    assert response.status_code == 400
    assert message in response.text
    assert "Kept despite the token." in response.text
    assert not Comment.objects.exists()
    if token:
        # A fresh token, valid for this reader and post, to send again.
        read_form_token(token_in(response.text), reader=reader_of(client), post_id=post.pk, max_age=3600)


def test_an_expired_form_is_refused_then_accepted_with_its_new_token(client, post, settings):
    opened = datetime.now(tz=UTC)
    with time_machine.travel(opened, tick=False):
        data = form_data(body="Typed slowly.")
    later = opened + timedelta(hours=settings.COMMENTS_FORM_MAX_AGE_HOURS, minutes=1)

    with time_machine.travel(later, tick=False):
        response = client.post(comment_url(post), data)
        assert response.status_code == 400
        assert "This form was opened too long ago" in response.text
        assert "Typed slowly." in response.text
        assert not Comment.objects.exists()

        again = client.post(comment_url(post), {**data, "token": token_in(response.text)})

    assert again.status_code == 302
    assert Comment.objects.get().body == "Typed slowly."
