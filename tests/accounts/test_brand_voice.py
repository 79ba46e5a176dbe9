"""Writing for an organisation: only its verified members, under a badge derived from the membership."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Organization
from comments.models import Comment, Status
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, make_comment, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    return Organization.objects.create(name="Maison Verdane", slug="maison-verdane", email_domains="verdane.example")


@pytest.fixture
def rep(brand):
    user = make_user(display_name="Léa Fournier", email="lea@verdane.example")
    services.membership_verify(membership=Membership.objects.create(user=user, organization=brand))
    return user


def send(client, post, **fields):
    data = {
        "body": "We are sorry, a new pot is on its way.",
        "token": token_for(client, post),
        "homepage": "",
        **fields,
    }
    return client.post(comment_url(post), data)


def block(html, comment):
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def test_the_form_offers_the_organisation_to_its_verified_member_only(client, rep, brand):
    post = make_post()
    client.force_login(rep)
    assert "Léa Fournier for Maison Verdane" in client.get(post.get_absolute_url()).text

    client.force_login(make_user())
    assert "for Maison Verdane" not in client.get(post.get_absolute_url()).text


def test_a_verified_member_writes_for_the_brand_published_at_once_with_the_badge(client, rep, brand):
    post = make_post()
    question = make_comment(post=post, body="My pot arrived broken.")
    client.force_login(rep)

    response = send(client, post, speak_as=f"org:{brand.pk}", parent=question.pk)

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert (reply.status, reply.organization, reply.user) == (Status.APPROVED, brand, rep)
    client.logout()
    html = block(client.get(post.get_absolute_url()).text, reply)
    assert "Verified · Maison Verdane" in html
    assert "for Maison Verdane" in html
    assert "speaks for Maison Verdane" in html  # the explanation shown on hover and focus


def test_speaking_personally_gives_no_badge_and_the_usual_delay(client, rep, brand):
    post = make_post()
    client.force_login(rep)

    send(client, post, speak_as="self")

    comment = Comment.objects.get()
    assert comment.organization is None
    assert comment.status == Status.PENDING


def test_the_delay_applies_to_brands_when_the_setting_says_so(client, rep, brand, settings):
    settings.COMMENTS_APPROVE_VERIFIED = False
    client.force_login(rep)

    send(client, make_post(), speak_as=f"org:{brand.pk}")

    assert Comment.objects.get().status == Status.PENDING


@pytest.mark.parametrize("who", ["anonymous", "ordinary user", "requested member", "revoked member"])
def test_a_forged_organisation_choice_is_refused_with_403_and_the_text_kept(client, brand, who):
    post = make_post()
    fields = {"name": "Someone", "email": "someone@example.org"} if who == "anonymous" else {}
    if who != "anonymous":
        user = make_user()
        client.force_login(user)
        if who != "ordinary user":
            membership = Membership.objects.create(user=user, organization=brand)
            if who == "revoked member":
                services.membership_verify(membership=membership)
                services.membership_revoke(membership=membership, by=None)

    response = send(client, post, speak_as=f"org:{brand.pk}", **fields)

    assert response.status_code == 403
    assert "Only a verified representative" in response.text
    assert "a new pot is on its way" in response.text
    assert not Comment.objects.exists()


def test_revoking_the_membership_takes_the_badge_off_old_comments(client, rep, brand):
    post = make_post()
    client.force_login(rep)
    send(client, post, speak_as=f"org:{brand.pk}")
    comment = Comment.objects.get()
    client.logout()
    assert "Verified · Maison Verdane" in client.get(post.get_absolute_url()).text

    services.membership_revoke(membership=rep.memberships.get(), by=None)

    html = block(client.get(post.get_absolute_url()).text, comment)
    assert "Verified" not in html
    assert "comment-badge" not in html


def test_an_anonymous_reader_cannot_sign_with_a_protected_name(client, rep, brand):
    post = make_post()

    response = send(client, post, name="Lea  FOURNIER", email="fake@example.org")

    assert response.status_code == 400
    assert "too close to “Léa Fournier”" in response.text
    assert "a new pot is on its way" in response.text
    assert not Comment.objects.exists()


def test_the_post_page_query_count_does_not_grow_with_brand_replies(client, rep, brand, django_assert_max_num_queries):
    post = make_post()
    for _ in range(5):
        make_comment(post=post, user=rep, organization=brand, name=rep.display_name)
    with django_assert_max_num_queries(50) as few:
        client.get(post.get_absolute_url())
    for _ in range(40):
        make_comment(post=post, user=rep, organization=brand, name=rep.display_name)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(post.get_absolute_url())


def test_a_staff_member_replies_from_the_admin_for_their_organisation(client, rep, brand):
    rep.is_staff = True
    rep.save()
    rep.user_permissions.add(*Permission.objects.filter(codename__in=["view_comment", "moderate_comment"]))
    question = make_comment(status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=3))
    client.force_login(rep)

    response = client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"identity": f"org:{brand.pk}", "body": "Thank you, we are on it."},
    )

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert reply.organization == brand
    client.logout()
    assert "Verified · Maison Verdane" in block(client.get(question.post.get_absolute_url()).text, reply)
