"""The Author badge comes from the account behind a comment, never from its name."""

import pytest

from comments.badges import AUTHOR, badge_for
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "badge"),
    [
        ("post author", AUTHOR),
        ("staff", None),
        ("reader account", None),
        ("anonymous using the author's name", None),
        ("deactivated author", None),
    ],
)
def test_badge_for(who, badge):
    post = make_post()
    author = post.author
    fields = {"post": post, "name": author.display_name}
    if who == "post author":
        fields["user"] = author
    elif who == "staff":
        fields["user"] = make_user(is_staff=True)
    elif who == "reader account":
        fields["user"] = make_user()
    elif who == "deactivated author":
        author.is_active = False
        author.save()
        fields["user"] = author
    comment = make_comment(**fields)

    assert badge_for(comment, post) == badge


def test_the_post_page_shows_the_badge_on_the_authors_reply_only(client, settings):
    settings.LANGUAGE_CODE = "en"
    post = make_post()
    question = make_comment(post=post, name="Reader")
    reply = make_comment(post=post, parent=question, user=post.author, name=post.author.display_name)
    impostor = make_comment(post=post, name=post.author.display_name)

    html = client.get(post.get_absolute_url(), headers={"accept-language": "en"}).text

    def block(comment):
        start = html.index(f'id="comment-{comment.pk}"')
        return html[start : html.index("</article>", start)]

    assert 'class="badge comment-badge comment-badge-author"' in block(reply)
    assert "comment-badge" not in block(question)
    assert "comment-badge" not in block(impostor)
