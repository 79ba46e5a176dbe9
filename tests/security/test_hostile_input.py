"""Any string, in any public form field or URL parameter: stored and shown faithfully, or refused with a message.

Never a 500, never a half-written row. Strings come from hypothesis:
control characters, NUL, lone surrogates (sent as the raw bytes a broken
client would send), right-to-left and zero-width marks, emoji, very long
text, template, SQL and format-string syntax. Examples accumulate in the
test's database, so each example checks the rows it added.
"""

import html
import re
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import Membership, Organization, User
from comments.models import Comment, Flag, ModerationEvent, Subscription
from mail.models import Suppression
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db

TRICKY = [
    "\x00", "\x01", "\x1b", "\x7f", "\ud800", "\udfff", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff",
    "\u2028", "\r\n", "\t", "😀", "👩🏽‍💻", "e\u0301", "İ", "ß", "ﬃ", "\ufffd",
    "{{ settings.SECRET_KEY }}", "{% debug %}", "${7*7}", "%s%s%n", "{0}", "%(name)s",
    "' OR 1=1 --", '"; DROP TABLE comments_comment; --', "\\", "<b>", "&amp;", "&#0;", "javascript:",
    "https://example.org/?a=1&b=2", "www.example.org", "a@b.example",
]  # fmt: skip
pieces = st.one_of(st.text(max_size=30), st.sampled_from(TRICKY), st.characters(codec=None))
hostile = st.one_of(
    st.lists(pieces, max_size=12).map("".join),
    st.text(min_size=1, max_size=30).map(lambda text: text * 300),  # Long, often past a limit.
)


def post_raw(client, url, data):
    """POST a form as a browser would, surrogates and all (as the bytes a broken client sends)."""
    body = "&".join(
        f"{quote_plus(name)}={quote_plus(str(value).encode('utf-8', 'surrogatepass'))}" for name, value in data.items()
    )
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def path_part(text):
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def visible_text(fragment):
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def counts():
    return Comment.objects.count(), ModerationEvent.objects.count()


@pytest.fixture
def post(settings):
    settings.COMMENTS_RATE_LIMIT = 10**6
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (10**6, 60))
    return make_post()


def assert_refused_with_a_message(response):
    assert response.status_code == 400, response.status_code
    form = response.context["form"]
    assert form.errors
    assert all(str(message) for messages in form.errors.values() for message in messages)


@given(body=hostile, name=hostile)
@example(body="\x00", name="Camille")
@example(body="ok", name="\ud800")
@example(body="a" * 5001, name="x")
def test_comment_body_and_name_are_stored_faithfully_or_refused(post, body, name):
    before = counts()
    client = Client()
    response = post_raw(client, comment_url(post), form_data(body=body, name=name, email="any@example.org"))
    if response.status_code == 302:
        comment = Comment.objects.latest("pk")
        assert counts() == (before[0] + 1, before[1] + 1)
        assert comment.body == body.strip() and comment.name == name.strip()
        page = client.get(post.get_absolute_url()).content.decode()
        assert escape(comment.name) in page
        shown = re.search(rf'id="comment-{comment.pk}".*?<div class="comment-text">(.*?)</div>', page, re.S)
        assert visible_text(shown.group(1)) == "".join(comment.body.split())
    else:
        assert_refused_with_a_message(response)
        assert counts() == before


@given(website=hostile, email=hostile)
def test_comment_website_and_email_are_stored_or_refused(post, website, email):
    before = counts()
    response = post_raw(Client(), comment_url(post), form_data(website=website, email=email, body="Hello"))
    if response.status_code == 302:
        assert counts() == (before[0] + 1, before[1] + 1)
        comment = Comment.objects.latest("pk")
        assert comment.website.startswith(("http://", "https://", "ftp://", "ftps://")) or comment.website == ""
    else:
        assert_refused_with_a_message(response)
        assert counts() == before


@given(reply_to=hostile, parent=hostile)
@example(reply_to="¹", parent="")  # A digit to str.isdigit(), not to int().
def test_reply_parameters_never_break_the_page(post, reply_to, parent):
    parent_comment = make_comment(post=post)
    raw = f"{post.get_absolute_url()}?reply_to={path_part(reply_to)}"
    assert Client().get(raw).status_code == 200
    before = counts()
    response = post_raw(Client(), comment_url(post), form_data(parent=parent, body=f"Reply {parent!r}"))
    if response.status_code == 302:
        assert Comment.objects.latest("pk").parent_id in (None, parent_comment.pk)
    else:
        assert_refused_with_a_message(response)
        assert counts() == before


@given(reason=hostile)
def test_a_report_reason_is_stored_or_refused(post, reason):
    comment = make_comment(post=post)
    response = post_raw(Client(), reverse("comments:report", args=[comment.pk]), {"reason": reason})
    if response.status_code == 302:
        assert Flag.objects.get(comment=comment).reason == reason.strip()
    else:
        assert_refused_with_a_message(response)
        assert not Flag.objects.filter(comment=comment).exists()


@given(email=hostile, display_name=hostile, password=hostile)
def test_sign_up_creates_an_account_or_says_why(post, email, display_name, password):
    before = User.objects.count()
    data = {"email": email, "display_name": display_name, "password1": password, "password2": password}
    response = post_raw(Client(), reverse("accounts:signup"), data)
    if response.status_code == 302:
        assert User.objects.count() == before + 1
        user = User.objects.latest("pk")
        assert user.display_name == display_name.strip() and not user.is_active
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert User.objects.count() == before


@given(username=hostile, password=hostile)
def test_login_with_any_strings_is_refused_with_a_message(post, username, password):
    response = post_raw(Client(), reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert response.context["form"].errors


@given(display_name=hostile, bio=hostile, website=hostile)
@example(display_name="Camille", bio="\ud800", website="")  # Sent as bytes that are not UTF-8.
def test_profile_fields_are_saved_faithfully_or_refused(post, display_name, bio, website):
    user = make_user()
    client = Client()
    client.force_login(user)
    response = post_raw(
        client, reverse("accounts:profile"), {"display_name": display_name, "bio": bio, "website": website}
    )
    user.refresh_from_db()
    if response.status_code == 302:
        assert (user.display_name, user.bio) == (display_name.strip(), bio.strip())
        assert escape(user.display_name) in client.get("/").content.decode()
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert user.display_name.startswith("User ")


@given(organization=hostile, role=hostile, email=hostile)
@example(organization="", role="\ud800", email="")  # Sent as bytes that are not UTF-8.
def test_a_membership_request_is_recorded_or_refused(post, organization, role, email):
    verdane = Organization.objects.get_or_create(name="Verdane", slug="verdane", email_domains="verdane.example")[0]
    user = make_user()
    client = Client()
    client.force_login(user)
    for chosen in (organization, str(verdane.pk)):
        response = post_raw(
            client, reverse("accounts:verification_request"), {"organization": chosen, "role": role, "email": email}
        )
        if response.status_code == 302:
            assert Membership.objects.get(user=user).role == role.strip()
        else:
            assert response.status_code == 200
            assert response.context["form"].errors
            assert not Membership.objects.filter(user=user).exists()


@given(email=hostile)
def test_password_reset_and_new_link_forms_answer_the_same_or_say_why(post, email):
    for name in ("accounts:password_reset", "accounts:resend_confirmation"):
        response = post_raw(Client(), reverse(name), {"email": email})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert response.context["form"].errors


@given(token=hostile)
def test_signed_link_paths_with_any_token_are_refused_cleanly(post, token):
    token = token or "x"
    client = Client()
    # A token holding "/" does not match the route at all (404); any other is refused by the page (400).
    assert client.get(f"/accounts/signup/confirm/{path_part(token)}/").status_code in (400, 404)
    client.force_login(make_user())
    assert client.post(f"/accounts/organisations/verify/{path_part(token)}/").status_code in (400, 404)
    assert client.get(f"/accounts/password/reset/{path_part(token)}/{path_part(token)}/").status_code in (200, 404)


@given(token=hostile)
def test_unsubscribe_and_subscription_links_with_any_token_suppress_nothing(post, token):
    """The e-mail links: a forged or mangled token is refused with the page's message, GET or POST."""
    token = token or "x"
    client = Client()
    for url in (f"/comments/unsubscribe/{path_part(token)}/", f"/comments/subscription/{path_part(token)}/"):
        for response in (client.get(url), client.post(url, {"List-Unsubscribe": "One-Click"})):
            assert response.status_code in (400, 404), url
    assert not Suppression.objects.exists()
    assert not Subscription.objects.filter(confirmed_at__isnull=False).exists()


@given(notify=hostile)
def test_the_email_choice_is_one_of_its_choices_or_refused(post, notify):
    before = counts()
    response = post_raw(Client(), comment_url(post), form_data(notify=notify, email="n@example.org", body="Hi"))
    if response.status_code == 302:
        assert counts() == (before[0] + 1, before[1] + 1)
        assert set(Subscription.objects.values_list("scope", flat=True)) <= {"replies", "thread"}
    else:
        assert_refused_with_a_message(response)
        assert counts() == before


@given(value=hostile, number=st.integers(min_value=-(10**30), max_value=10**30))
def test_url_parameters_never_cause_a_server_error(post, value, number):
    client = Client()
    for url in [
        f"/?page={path_part(value)}",
        f"/posts/{path_part(value)}/",
        f"/archive/{abs(number)}/{abs(number) % 100}/",
        f"/comments/{abs(number)}/report/",
        f"/comments/{abs(number)}/remove/",
        f"/accounts/login/?next={path_part(value)}",
        f"/feed/?{path_part(value)}={path_part(value)}",
        f"/comments/feed/{path_part(value)}/",
        f"/comments/{abs(number)}/",
        f"{post.get_absolute_url()}?cpage={path_part(value)}",
        f"{post.get_absolute_url()}?cpage={number}",
        f"{post.get_absolute_url()}?cpage=%C2%B2",  # "²": a digit to str.isdigit(), not to int().
        f"{post.get_absolute_url()}?cpage={'0' * 4500}&reply_to={'1' * 4500}",  # Past what int() reads.
    ]:
        assert client.get(url).status_code < 500, url
    response = post_raw(client, reverse("set_language"), {"language": value, "next": value})
    assert response.status_code in (302, 400)
