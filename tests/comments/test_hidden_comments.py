"""A comment the reader may not see answers exactly like a comment that does not exist.

Its permalink, report and withdrawal addresses give the same status and the
same page as an id nobody ever used: counting ids, or trying them one by
one, tells nothing about what waits in the queue, what was rejected or
withdrawn, or which drafts have comments.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from comments import session as comment_session
from comments.models import Comment, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 999_999
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
ADDRESSES = [
    pytest.param("GET", "/comments/{}/", id="permalink"),
    pytest.param("GET", "/comments/{}/report/", id="report page"),
    pytest.param("POST", "/comments/{}/report/", id="report"),
    pytest.param("GET", "/comments/{}/remove/", id="withdrawal page"),
    pytest.param("POST", "/comments/{}/remove/", id="withdrawal"),
]


def hidden(state, reader):
    """A comment in a state this reader may not see."""
    if state == "draft post":
        return make_comment(post=make_post(status="draft"))
    if state == "scheduled post":
        return make_comment(post=make_post(published_at=timezone.now() + timedelta(days=2)))
    mine = state.startswith("own ")
    status = state.removeprefix("own ")
    comment = make_comment(status=status, publish_at=timezone.now() + timedelta(hours=48))
    if mine:
        session = reader.session
        session[comment_session.SESSION_KEY] = [comment.pk]
        session.save()
    return comment


def answer(client, method, address, pk):
    """The status and the page, less what any page holds of its own address and its masked CSRF token."""
    response = client.generic(method, address.format(pk))
    page = response.text.replace(f"/comments/{pk}/", "/comments/<id>/")
    return response.status_code, CSRF.sub("<csrf>", page)


STATES = [
    "pending",  # Someone else's, waiting for its publication.
    "held",
    "rejected",
    "spam",
    "removed",
    "own rejected",
    "own spam",
    "own removed",
    "draft post",
    "scheduled post",
]


@pytest.mark.parametrize(("method", "address"), ADDRESSES)
@pytest.mark.parametrize("state", STATES)
def test_a_hidden_comment_answers_like_one_that_does_not_exist(client, state, method, address):
    comment = hidden(state, client)
    before = comment.status

    assert answer(client, method, address, comment.pk) == answer(client, method, address, NO_SUCH_ID)
    assert answer(client, method, address, NO_SUCH_ID)[0] == 404
    comment.refresh_from_db()
    assert comment.flag_count == 0
    assert comment.status == before


@pytest.mark.parametrize(("method", "address"), ADDRESSES)
def test_a_logged_in_reader_gets_the_same_answer_for_another_readers_waiting_comment(client, method, address):
    client.force_login(make_user())
    comment = make_comment(status=Status.HELD, user=make_user())

    assert answer(client, method, address, comment.pk) == answer(client, method, address, NO_SUCH_ID)


def test_the_commenter_still_reaches_their_own_waiting_comment(client):
    comment = make_comment(status=Status.PENDING)
    session = client.session
    session[comment_session.SESSION_KEY] = [comment.pk]
    session.save()

    assert (
        client.get(f"/comments/{comment.pk}/")["Location"] == f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    )
    assert client.get(f"/comments/{comment.pk}/remove/").status_code == 200


def test_a_public_comment_keeps_its_permalink_and_report_page_for_everyone(client):
    comment = make_comment(status=Status.APPROVED)

    assert client.get(f"/comments/{comment.pk}/").status_code == 302
    assert client.get(f"/comments/{comment.pk}/report/").status_code == 200
    assert client.get(f"/comments/{comment.pk}/remove/").status_code == 404  # Not theirs to withdraw.
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED


@pytest.mark.parametrize("status", [Status.PENDING, Status.HELD, Status.REJECTED, Status.APPROVED])
def test_a_moderator_reaches_every_comment_from_the_admin_and_its_links_lead_somewhere(client, status):
    moderator = make_user(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment", "moderate_comment"])
    )
    client.force_login(moderator)
    comment = make_comment(status=status, publish_at=timezone.now() + timedelta(hours=48))
    if status == Status.APPROVED:
        comment.publish_at = timezone.now() - timedelta(hours=1)
        comment.save()

    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assert page.status_code == 200
    [post_link] = re.findall(r'<a href="([^"]+)">' + re.escape(comment.post.title) + "</a>", page.text)
    assert client.get(post_link).status_code in (200, 302)
