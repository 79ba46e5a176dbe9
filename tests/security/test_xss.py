"""Stored XSS: every payload of the corpus, wherever a reader or staff can write, renders inert.

The browser half (tests/e2e/test_xss.py) opens the same kind of pages in
Chromium and fails if any script runs.
"""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.forms import ProfileForm
from blog.models import Post
from comments.forms import CommentForm, new_form_token
from comments.models import Comment, Status
from core.sanitize import clean_post_html, render_reader_text
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import comment_url, form_data, make_comment
from tests.security.inert import executable_vectors, payloads

PAYLOADS = payloads()


def test_the_corpus_holds_several_hundred_payloads_and_the_detector_sees_most_raw():
    assert len(PAYLOADS) >= 500
    # The detector is not blind: most payloads are flagged before cleaning
    # (the rest are mutation patterns that only a browser reads as markup).
    assert sum(1 for payload in PAYLOADS if executable_vectors(payload)) > 0.8 * len(PAYLOADS)


def test_every_payload_as_reader_text_is_inert_and_kept_as_text():
    failures = [(payload, found) for payload in PAYLOADS if (found := executable_vectors(render_reader_text(payload)))]
    assert failures == []


def test_every_payload_in_a_staff_post_body_is_cleaned_to_inert_html():
    failures = [(payload, found) for payload in PAYLOADS if (found := executable_vectors(clean_post_html(payload)))]
    assert failures == []


def batches(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


@pytest.mark.django_db
def test_payloads_posted_through_the_comment_form_are_stored_or_refused_and_render_inert(settings):
    """Five payloads per comment body, one as the name, one as the website."""
    settings.COMMENTS_RATE_LIMIT = 10**6
    post = make_post()
    answers = {}
    for number, batch in enumerate(batches(PAYLOADS, 5)):
        data = form_data(body="\n".join(batch), name=batch[0][:80], website=batch[1], email=f"x{number}@example.org")
        response = Client().post(comment_url(post), data)
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        if response.status_code == 400:
            assert response.context["form"].errors, batch
            assert executable_vectors(response.content.decode()) == [], batch
    assert set(answers) <= {302, 400}
    stored = Comment.objects.filter(post=post)
    assert stored.count() == answers.get(302, 0) > 0
    stored.update(status=Status.APPROVED, publish_at=timezone.now() - timedelta(minutes=1))
    for url in [post.get_absolute_url(), reverse("comments:feed")]:
        html = Client().get(url).content.decode()
        assert executable_vectors(html) == [], url


@pytest.mark.django_db
def test_every_payload_as_a_website_is_refused_or_linked_inert(client):
    """The comment form's website field decides; what it accepts is shown as the commenter's link."""
    post = make_post()
    accepted = []
    token = new_form_token(reader="", post_id=post.pk)
    for payload in PAYLOADS:
        form = CommentForm(form_data(website=payload, token=token), reader="", post_id=post.pk)
        if form.is_valid():
            accepted.append(form.cleaned_data["website"])
        else:
            assert "website" in form.errors, payload
    for website in accepted:
        make_comment(post=post, website=website)
    html = client.get(post.get_absolute_url()).content.decode()
    assert executable_vectors(html) == []
    assert len(accepted) < len(PAYLOADS) // 4


@pytest.mark.django_db
def test_payloads_in_comments_saved_directly_render_inert_on_the_page_and_in_the_feed(client):
    post = make_post()
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            post=post,
            name=payload[:80],
            email="x@example.org",
            body=payload,
            body_html=render_reader_text(payload),
            status=Status.APPROVED,
            publish_at=now - timedelta(minutes=1),
        )
        for payload in PAYLOADS
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert executable_vectors(page) == []
    feed = client.get(reverse("comments:feed")).content
    for entry in ET.fromstring(feed).iter("{http://www.w3.org/2005/Atom}summary"):
        assert executable_vectors(entry.text or "") == []


@pytest.mark.django_db
def test_payloads_in_profile_fields_are_stored_or_refused_and_render_inert(client):
    user = make_user()
    client.force_login(user)
    refused = 0
    names = []
    for number, payload in enumerate(PAYLOADS):
        fields = {"display_name": payload[:80], "bio": payload[:500], "website": payload}
        form = ProfileForm(fields, instance=user)
        if not form.is_valid():
            # Not a URL; and a name may not hold line breaks or invisible characters (validate_name).
            assert set(form.errors) <= {"website", "display_name"}, (payload, form.errors)
            name_refusals = {error.code for error in form.errors.as_data().get("display_name", [])}
            assert name_refusals <= {"line_break", "control_character", "invisible_character"}, form.errors
            refused += 1
            if "website" in form.errors:
                fields["website"] = ""
            if name_refusals:
                fields["display_name"] = f"Reader {number}"
            form = ProfileForm(fields, instance=user)
        user = form.save()
        assert user.display_name == fields["display_name"].strip()
        names.append(user.display_name)
        if number % 4 == 0:
            # Through the page too: the header shows the name, the form every field.
            assert client.post(reverse("accounts:profile"), form.data).status_code == 302
            assert executable_vectors(client.get(reverse("accounts:profile")).content.decode()) == [], payload
    assert refused > 0
    # Each name as the signature of a public comment.
    post = make_post()
    for name in names:
        make_comment(post=post, user=user, name=name)
    assert executable_vectors(client.get(post.get_absolute_url()).content.decode()) == []


@pytest.mark.django_db
def test_payloads_in_staff_posts_render_inert_on_every_public_page(client):
    author = make_author()
    for start in range(0, len(PAYLOADS), 100):
        batch = PAYLOADS[start : start + 100]
        make_post(author=author, title=batch[0][:200], lead=batch[1][:600], body="\n".join(batch))
    for post in Post.objects.all():
        assert executable_vectors(client.get(post.get_absolute_url()).content.decode()) == []
    for url in ["/", reverse("blog:feed_atom"), reverse("blog:feed_rss")]:
        assert executable_vectors(client.get(url).content.decode()) == [], url


@pytest.mark.django_db
def test_the_moderation_desk_shows_payloads_inert(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    post = make_post()
    first = make_comment(post=post, status=Status.PENDING)
    changelist = reverse("admin:comments_comment_changelist")
    change = reverse("admin:comments_comment_change", args=[first.pk])
    # The admin's own scripts and icons are not the readers': compare with the page before any payload.
    baseline = set(executable_vectors(client.get(changelist).content.decode()))
    baseline |= set(executable_vectors(client.get(change).content.decode()))
    for payload in PAYLOADS:
        make_comment(post=post, body=payload, name=payload[:80], status=Status.PENDING, parent=first)
    for page in range(len(PAYLOADS) // 50 + 1):
        html = client.get(changelist, {"p": page + 1}).content.decode()
        assert set(executable_vectors(html)) - baseline == set()
    html = client.get(change).content.decode()  # The thread around the first comment shows its replies.
    assert set(executable_vectors(html)) - baseline == set()
    for comment in Comment.objects.exclude(pk=first.pk)[:25]:
        html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
        assert set(executable_vectors(html)) - baseline == set()
