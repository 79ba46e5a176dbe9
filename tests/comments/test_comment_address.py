"""The comment form posts to an address of comments (comments:post_comment); the post's own address sends old forms on.

A page drawn before comments had their own address still posts to the
post's address, which answers 307: the browser sends the same form, text and
all, to the new one. A comment refused there comes back on the post's page.
"""

import re

import pytest
from django.test import Client

from comments.models import Comment
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment, token_in

pytestmark = pytest.mark.django_db

WORDS = "Words I took a long time to write."


@pytest.fixture
def post():
    return make_post(title="An open thread")


def test_the_post_pages_form_posts_to_the_comments_address(client, post):
    html = client.get(post.get_absolute_url()).text

    assert re.search(r'<form method="post" action="([^"]+)"', html).group(1) == f"{comment_url(post)}#comment-form"
    assert comment_url(post) == f"/comments/post/{post.slug}/"


def test_a_post_to_the_posts_address_answers_307_to_the_comments_address_with_its_query(client, post):
    response = client.post(f"{post.get_absolute_url()}?cpage=2", form_data(body=WORDS))

    assert response.status_code == 307
    assert response["Location"] == comment_url(post, "?cpage=2")
    assert not Comment.objects.exists()


def test_a_comment_from_a_page_drawn_before_the_move_is_sent_through_the_307(client, post):
    response = client.post(post.get_absolute_url(), form_data(body=WORDS), follow=True)

    comment = Comment.objects.get()
    assert comment.body == WORDS
    assert response.redirect_chain == [
        (comment_url(post), 307),
        (f"{post.get_absolute_url()}#comment-{comment.pk}", 302),
    ]
    assert WORDS in response.text


def test_a_refused_comment_sent_to_the_old_address_comes_back_with_its_text_and_status(client, post):
    response = client.post(post.get_absolute_url(), form_data(body=WORDS, email="not an address"), follow=True)

    assert response.status_code == 400
    assert response.redirect_chain == [(comment_url(post), 307)]
    assert WORDS in response.text
    assert not Comment.objects.exists()


def test_an_old_form_for_a_post_gone_since_gets_its_text_back(client):
    response = client.post("/posts/never-was/", form_data(body=WORDS), follow=True)

    assert response.status_code == 404
    assert "Your comment was not sent" in response.text
    assert WORDS in response.text


def test_a_refused_comment_comes_back_on_the_post_page_at_the_comments_address(client, post):
    make_comment(post=post, body="Someone else's words.")
    page = client.get(post.get_absolute_url()).text

    response = client.post(comment_url(post), form_data(body=WORDS, email="not an address", token=token_in(page)))

    assert response.status_code == 400
    assert [template.name for template in response.templates][0] == "blog/post_detail.html"
    assert "An open thread" in response.text
    assert "Someone else's words." in response.text
    assert "1 comment" in response.text
    assert "Enter a valid email address." in response.text
    assert WORDS in response.text
    assert f'action="{comment_url(post)}#comment-form"' in response.text


def test_a_page_of_comments_sent_back_is_the_page_the_comment_was_sent_from(client, post, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(post=post, body="On the first page.")
    make_comment(post=post, body="On the second page.")

    response = client.post(comment_url(post, "?cpage=2"), form_data(body=""))

    assert response.status_code == 400
    assert "On the second page." in response.text
    assert "On the first page." not in response.text
    assert f'action="{comment_url(post)}?cpage=2#comment-form"' in response.text


def test_a_get_at_the_comments_address_goes_to_the_post_page_with_its_query(client, post):
    response = client.get(comment_url(post, "?cpage=2&reply_to=7"))

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2&reply_to=7"


def test_a_reply_link_of_a_page_sent_back_opens_the_reply_form_on_the_post_page(client, post):
    parent = make_comment(post=post, body="Answer me.")
    sent_back = client.post(comment_url(post), form_data(body="")).text
    link = re.search(r'class="comment-reply-link" href="([^"]+)"', sent_back).group(1).replace("&amp;", "&")
    assert link.startswith("?")  # Relative: the browser puts it after the address it is on, the comments'.

    response = Client().get(comment_url(post, link.split("#")[0]), follow=True)

    assert response.redirect_chain == [(f"{post.get_absolute_url()}?reply_to={parent.pk}", 302)]
    assert "You are replying to a comment." in response.text
