"""Staff roles are not badges: "Author" is worn by who wrote the post, and moderators answer without it.

Each writer sends a comment over HTTP from their own session and address,
then an anonymous reader (another session) reads the post page. The admin's
in-thread reply follows the same rule, and says beforehand which badge the
reply will wear.
"""

from itertools import count

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.badges import AUTHOR, badge_for
from comments.models import Comment, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment

pytestmark = pytest.mark.django_db

_addresses = count(10)


def moderator(**fields):
    """A staff account in the moderators' role: "Can moderate comments" (and the admin's view and change)."""
    user = make_user(is_staff=True, **fields)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["view_comment", "change_comment", "moderate_comment"]
        )
    )
    return user


def session_of(user):
    """A browser of its own, from an address of its own, logged in as `user`."""
    browser = Client(REMOTE_ADDR=f"198.51.100.{next(_addresses)}")
    browser.force_login(user)
    return browser


def send(user, post, body):
    response = session_of(user).post(comment_url(post), form_data(body=body))
    assert response.status_code == 302
    return Comment.objects.get(body=body)


def block(html, comment):
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def as_a_reader_sees_it(post, comment):
    """The comment as an anonymous reader's page shows it, made public first if it is not."""
    if not comment.is_public():
        services.comment_approve(comment=comment, moderator=moderator())
    return block(Client(REMOTE_ADDR="203.0.113.9").get(post.get_absolute_url()).text, comment)


@pytest.fixture
def post():
    return make_post()


# Writing on the post page


def test_staff_who_did_not_write_the_post_and_may_not_moderate_wait_like_readers(post):
    staff = make_user(is_staff=True)

    comment = send(staff, post, "A word from the office.")

    assert comment.status == Status.PENDING
    assert comment.reasons[0]["code"] == "delay"
    assert "comment-badge" not in as_a_reader_sees_it(post, comment)


def test_staff_who_may_not_moderate_are_held_by_the_policy_like_readers(post, settings):
    settings.COMMENTS_BLOCKLIST = ["casino"]

    comment = send(make_user(is_staff=True), post, "Our casino partner says hello.")

    assert comment.status == Status.HELD
    assert comment.reasons[0]["code"] == "blocked_word"


def test_a_moderator_who_did_not_write_the_post_is_published_at_once_without_a_badge(post):
    comment = send(moderator(), post, "Please keep it civil, everyone.")

    assert comment.status == Status.APPROVED
    assert comment.reasons[0]["code"] == "trusted"
    html = as_a_reader_sees_it(post, comment)
    assert "Please keep it civil, everyone." in html
    assert "comment-badge" not in html


def test_a_superuser_who_did_not_write_the_post_wears_no_badge(post):
    comment = send(make_user(is_staff=True, is_superuser=True), post, "The site owner passing by.")

    assert comment.status == Status.APPROVED
    assert "comment-badge" not in as_a_reader_sees_it(post, comment)


def test_the_posts_author_is_published_at_once_under_the_author_badge(post):
    comment = send(post.author, post, "Thanks for reading, all.")

    assert comment.status == Status.APPROVED
    assert 'class="badge comment-badge comment-badge-author"' in as_a_reader_sees_it(post, comment)


def test_a_co_author_is_published_at_once_under_the_author_badge(post):
    co_author = make_user()  # Not staff: writing the post is what counts.
    post.co_authors.add(co_author)

    comment = send(co_author, post, "I wrote the second half.")

    assert comment.status == Status.APPROVED
    assert 'class="badge comment-badge comment-badge-author"' in as_a_reader_sees_it(post, comment)


def test_the_staff_author_of_another_post_wears_no_badge_here(post):
    other_post = make_post()
    other_author = other_post.author  # Staff, as the factories make authors.
    other_post.co_authors.add(make_user())

    comment = send(other_author, post, "I write here too, on other days.")

    assert comment.status == Status.PENDING
    assert "comment-badge" not in as_a_reader_sees_it(post, comment)
    own = send(other_author, other_post, "And this one is mine.")
    assert "comment-badge-author" in as_a_reader_sees_it(other_post, own)


def test_a_co_author_of_another_post_wears_no_badge_here(post):
    co_author = make_user()
    make_post().co_authors.add(co_author)

    comment = send(co_author, post, "Not my post, this one.")

    assert comment.status == Status.PENDING
    assert "comment-badge" not in as_a_reader_sees_it(post, comment)


def test_removing_a_co_author_takes_the_badge_off_their_comments(post, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 600  # The cached page must follow too.
    co_author = make_user()
    post.co_authors.add(co_author)
    comment = send(co_author, post, "Written while I was a co-author.")
    assert "comment-badge-author" in as_a_reader_sees_it(post, comment)

    post.co_authors.remove(co_author)

    assert "comment-badge" not in as_a_reader_sees_it(post, comment)


@pytest.mark.parametrize(
    ("who", "badge"),
    [
        ("post author", AUTHOR),
        ("co-author", AUTHOR),
        ("staff", None),
        ("moderator", None),
        ("superuser", None),
        ("author of another post", None),
    ],
)
def test_badge_for_follows_who_wrote_the_post(post, who, badge):
    user = {
        "post author": lambda: post.author,
        "co-author": lambda: post.co_authors.add(co := make_user()) or co,
        "staff": lambda: make_user(is_staff=True),
        "moderator": moderator,
        "superuser": lambda: make_user(is_staff=True, is_superuser=True),
        "author of another post": lambda: make_post().author,
    }[who]()
    comment = make_comment(post=post, user=user, name=user.display_name)

    assert badge_for(comment, post) == badge


def test_the_author_badge_of_co_authors_costs_the_page_no_query(post, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 0
    readers, co_authors = [make_user() for _ in range(3)], [make_user() for _ in range(3)]

    def queries_with(writers):
        shown = make_post()
        for writer in writers:
            make_comment(post=shown, user=writer, name=writer.display_name)
        shown.co_authors.add(*co_authors)
        Client().get(shown.get_absolute_url())
        with CaptureQueriesContext(connection) as captured:
            html = Client().get(shown.get_absolute_url()).text
        return len(captured), html.count("comment-badge-author")

    assert queries_with(readers) == (queries_with(co_authors)[0], 0)
    assert queries_with(co_authors)[1] == 3


# Replying from the admin


def reply_page(browser, comment):
    return browser.get(reverse("admin:comments_comment_reply", args=[comment.pk])).text


def reply(browser, comment, body):
    return browser.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"identity": "self", "body": body})


def test_a_moderator_who_did_not_write_the_post_replies_from_the_admin_without_a_badge(post):
    question = make_comment(post=post, status=Status.HELD, publish_at=None, body="Is this sponsored?")
    desk = session_of(moderator(display_name="Sam Moderator"))

    page = reply_page(desk, question)
    response = reply(desk, question, "No, nobody paid for it.")

    assert "Sam Moderator, without a badge" in page
    assert "under the Author badge" not in page
    assert response.status_code == 302
    answer = Comment.objects.get(parent=question)
    assert (answer.status, question.__class__.objects.get(pk=question.pk).status) == (Status.APPROVED,) * 2
    html = as_a_reader_sees_it(post, answer)
    assert "No, nobody paid for it." in html
    assert "comment-badge" not in html


@pytest.mark.parametrize("role", ["author", "co-author"])
def test_a_moderator_who_wrote_the_post_replies_from_the_admin_under_the_author_badge(role):
    writer = moderator(display_name="Claire Writer")
    post = make_post(author=writer) if role == "author" else make_post()
    if role == "co-author":
        post.co_authors.add(writer)
    question = make_comment(post=post, body="Will there be a sequel?")
    desk = session_of(writer)

    page = reply_page(desk, question)
    change_page = desk.get(reverse("admin:comments_comment_change", args=[question.pk])).text
    reply(desk, question, "Yes, next month.")

    assert "Claire Writer, under the Author badge" in page
    assert "Claire Writer, under the Author badge" in change_page
    assert "comment-badge-author" in as_a_reader_sees_it(post, Comment.objects.get(parent=question))


def test_the_change_page_of_a_comment_says_a_moderators_reply_wears_no_badge(post):
    question = make_comment(post=post)
    desk = session_of(moderator(display_name="Sam Moderator"))

    page = desk.get(reverse("admin:comments_comment_change", args=[question.pk])).text

    assert "Sam Moderator, without a badge" in page


def test_nobody_signs_with_the_name_of_a_co_author(post):
    co_author = make_user(display_name="Julien Caron")  # Not staff, and the author of no post.
    post.co_authors.add(co_author)

    response = Client(REMOTE_ADDR="203.0.113.20").post(
        comment_url(post), form_data(name="Julien Caron", body="Trust me, I wrote it.")
    )

    assert response.status_code == 400
    assert "too close to" in response.text
    assert "Trust me, I wrote it." in response.text
    assert not Comment.objects.exists()
