"""Bidirectional text from anywhere cannot reorder the text after it, on any page, feed or e-mail.

Strings are stored as an import or an old release could have stored them:
with right-to-left overrides, embeddings and isolates left open, stray
closers that would end the page's own isolates, and right-to-left letters.
Each page is read over HTTP and checked by tests/security/isolation.py;
<title> and the attributes are checked to the character. The browser's
view of the same pages is in tests/e2e/test_bidi.py.
"""

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.services import membership_request, membership_revoke, membership_verify
from accounts.verification import verification_link_send
from comments import mentions, notifications, services
from comments.models import Comment, Status, Subscription
from core.bidi import FSI, PDF, PDI, RLE, RLI, RLO, isolate
from mail.suppressions import unsubscribe_token
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import image_upload, make_post
from tests.comments.factories import comment_url, form_data, make_comment
from tests.security.isolation import line_problems, unisolated

pytestmark = pytest.mark.django_db

TITLE = f"Titre {RLO}renversé"
LEAD = f"Un chapeau {RLE}enchâssé"
ALT = f"Une image {RLO}"
AUTHOR = f"Claire {RLI}isolée"
NAME = f"{PDI}{RLO}Eve"  # A stray PDI first: it would end a bare <bdi> early.
RTL_NAME = "שלום 12"
BODY = f"Texte {RLO}renversé\n\nSecond paragraphe {RLI}ouvert"
ORG = f"Maison {RLO}Verdane"
ROLE = f"{RLE}Community manager"
DISPLAY = f"Noé {PDF}{RLO}"
# The admin's table cells and read-only fields hold one value each, alone in their box.
ADMIN_VALUES = {"td", "th", "readonly"}


def assert_isolated(response, **options):
    assert response.status_code == 200, response.status_code
    problems = unisolated(response.text, **options)
    assert not problems, "\n".join(problems)


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def meta(html, prop):
    return re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)"', html).group(1)


@pytest.fixture
def world():
    """A post whose every string, and every string in its thread, holds bidirectional controls."""
    author = make_author(display_name=AUTHOR)
    post = make_post(author=author, title=TITLE, lead=LEAD, cover_alt=ALT, body=f"<p>Corps {RLO}</p>")
    post.set_cover(image_upload(size=(64, 36)))
    post.save()
    organization = Organization.objects.create(name=ORG, slug="verdane", keywords="verdane")
    representative = make_user(display_name=RTL_NAME)
    membership = membership_request(user=representative, organization=organization, role=ROLE)
    membership_verify(membership=membership, by=author, note="checked")
    first = make_comment(post=post, name=NAME, website="https://eve.example", body=BODY)
    make_comment(post=post, name=RTL_NAME, email="r@example.org", body="שלום 12, verdane", parent=first)
    make_comment(post=post, user=representative, name=RTL_NAME, organization=organization, body=f"{RLI}Réponse")
    make_comment(post=post, user=author, name=AUTHOR, body="Merci")
    return post, organization, representative


# -- the pages -----------------------------------------------------------------------


def test_the_post_page_isolates_every_readers_string(client, world):
    post, _organization, _representative = world

    response = client.get(post.get_absolute_url())

    assert_isolated(response)
    html = response.text
    assert title_of(html) == f"{FSI}{TITLE}{PDF}{PDI} · {settings.BLOG_TITLE}"
    assert meta(html, "og:title") == f"{FSI}{TITLE}{PDF}{PDI}"
    assert meta(html, "description") == f"{FSI}{LEAD}{PDF}{PDI}"
    assert meta(html, "article:author") == f"{FSI}{AUTHOR}{PDI}{PDI}"
    assert f'alt="{FSI}{ALT}{PDF}{PDI}"' in html
    assert f'data-name="{FSI}{RLO}Eve{PDF}{PDI}"' in html
    assert f"<bdi>{RLO}Eve{PDF}</bdi>" in html  # The stray PDI is gone, the override closed.
    assert '<div class="comment-text" dir="auto">' in html


def test_a_logged_in_readers_name_is_isolated_in_the_header_and_the_form(client, world):
    post, _organization, _representative = world
    client.force_login(make_user(display_name=DISPLAY))

    response = client.get(post.get_absolute_url())

    assert_isolated(response)
    assert response.text.count(f"<bdi>Noé {RLO}{PDF}</bdi>") == 2  # The header, "You comment as".


@pytest.mark.parametrize("path", ["/", "/archive/{year}/{month}/", "/feed/", "/feed/rss/", "/comments/feed/"])
def test_lists_and_feeds_isolate_titles_leads_and_names(client, world, path):
    post, _organization, _representative = world
    response = client.get(path.format(year=post.published_at.year, month=post.published_at.month))

    if "feed" not in path:
        assert_isolated(response)
        return
    texts = [
        element.text or ""
        for element in ElementTree.fromstring(response.content).iter()
        if element.tag.rsplit("}", 1)[-1] in {"title", "name", "author", "description", "summary"}
    ]
    assert texts
    for text in texts:
        if "<" in text:  # An HTML summary: each paragraph is a block with dir="auto".
            assert not unisolated(text), text
        else:
            assert not line_problems(text), text
    assert any(isolate(TITLE) in text for text in texts)


def test_the_post_feed_of_comments_names_its_post_isolated(client, world):
    post, _organization, _representative = world
    feed = ElementTree.fromstring(client.get(reverse("comments:post_feed", args=[post.slug])).content)
    titles = [element.text for element in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert titles[0].startswith(f"Comments on “{FSI}{TITLE}{PDF}{PDI}”")
    assert f"{FSI}{RLO}Eve{PDF}{PDI} on {FSI}{TITLE}{PDF}{PDI}" in titles
    assert all(not line_problems(title) for title in titles)


def test_a_representatives_pages_isolate_organisations_roles_and_mentions(client, world):
    post, organization, representative = world
    for comment in post.comments.all():
        mentions.mentions_record(comment=comment)
    client.force_login(representative)

    assert_isolated(client.get(reverse("accounts:memberships")))
    dashboard = client.get(reverse("comments:dashboard"))
    assert_isolated(dashboard)
    assert "שלום 12, verdane" in dashboard.text


def test_the_profile_isolates_the_name_and_keeps_the_bio_as_typed(client):
    user = make_user(display_name=DISPLAY, bio=f"{RLO}Bio")
    client.force_login(user)

    response = client.get(reverse("accounts:profile"))

    assert_isolated(response)
    assert f"{RLO}Bio</textarea>" in response.text  # What the reader edits is never changed.


def test_the_pages_about_one_comment_isolate_its_name_and_text(client, world):
    post, _organization, _representative = world
    reader = make_user(display_name=DISPLAY)
    own = make_comment(post=post, user=reader, name=DISPLAY, body=BODY, status=Status.PENDING)
    eve = Comment.objects.get(name=NAME)
    subscription = Subscription.objects.create(comment=eve, email="eve@example.org", scope="replies")
    client.force_login(reader)

    assert_isolated(client.get(reverse("comments:report", args=[eve.pk])))
    assert_isolated(client.get(reverse("comments:remove", args=[own.pk])))
    token = notifications.confirmation_token(subscription)
    assert_isolated(client.get(reverse("comments:subscription_confirm", args=[token])))
    assert_isolated(client.post(reverse("comments:subscription_confirm", args=[token])))
    hebrew_address = "eve@דוגמה.example"
    assert_isolated(client.get(reverse("mail:unsubscribe", args=[unsubscribe_token(hebrew_address)])))


def test_error_pages_isolate_the_readers_name(client):
    client.force_login(make_user(display_name=DISPLAY, is_staff=True))  # Staff, but not allowed to import.
    for path, status in [("/nowhere/", 404), (reverse("admin:blog_post_import"), 403)]:
        response = client.get(path)
        assert response.status_code == status
        assert not unisolated(response.text), unisolated(response.text)
        assert f"<bdi>Noé {RLO}{PDF}</bdi>" in response.text


def test_a_comment_sent_to_a_post_gone_private_gives_the_name_back_isolated(client):
    post = make_post(title="Retiré", status="draft")

    response = client.post(comment_url(post), form_data(name=NAME, body=BODY))

    assert response.status_code == 404
    assert not unisolated(response.text), unisolated(response.text)
    assert f"Signed: <bdi>{RLO}Eve{PDF}</bdi>" in response.text  # The stray PDI dropped, the override closed.


def test_the_messages_after_a_request_isolate_the_organisation(client):
    organization = Organization.objects.create(name=ORG, slug="verdane")
    client.force_login(make_user(display_name="Léa"))

    # The role form now refuses bidi controls (core.plain_text.validate_name); the organisation's name may hold them.
    data = {"organization": organization.pk, "role": "Community manager", "email": ""}
    response = client.post(reverse("accounts:verification_request"), data, follow=True)

    assert_isolated(response)
    assert f"represent {FSI}{ORG}{PDF}{PDI} was recorded" in response.text


def test_the_form_errors_about_an_organisation_isolate_its_name(client):
    organization = Organization.objects.create(name=ORG, slug="verdane", email_domains="verdane.example")
    user = make_user(display_name="Léa")
    membership = membership_request(user=user, organization=organization)
    staff = make_user(is_staff=True)
    membership_verify(membership=membership, by=staff, note="checked")
    membership_revoke(membership=membership, by=staff, note="left the company")
    client.force_login(user)

    response = client.post(reverse("accounts:verification_request"), {"organization": organization.pk, "role": "x"})

    assert response.status_code == 200
    assert_isolated(response)
    assert f"revoked your membership of {FSI}{ORG}{PDF}{PDI}: only they" in response.text


# -- the admin -------------------------------------------------------------------------


@pytest.fixture
def desk(client):
    superuser = make_user(display_name=DISPLAY, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    return superuser


def test_models_name_themselves_isolated_for_the_admin(world):
    post, organization, representative = world
    comment = Comment.objects.get(name=NAME)
    assert str(post) == f"{FSI}{TITLE}{PDF}{PDI}"
    assert str(organization) == f"{FSI}{ORG}{PDF}{PDI}"
    assert str(representative) == f"{FSI}{RTL_NAME}{PDI}"
    assert str(comment) == f"{FSI}{RLO}Eve{PDF}{PDI} on {FSI}{TITLE}{PDF}{PDI}"
    assert str(make_post(title="Plain title")) == "Plain title"  # Nothing to isolate: as typed.


def test_the_moderation_desk_isolates_names_titles_and_texts(client, world, desk):
    post, _organization, _representative = world
    eve = Comment.objects.get(name=NAME)
    eve.status = Status.PENDING
    eve.save()
    changelist = reverse("admin:comments_comment_changelist")

    assert_isolated(client.get(changelist + "?status=all"), value_blocks=ADMIN_VALUES)
    change = client.get(reverse("admin:comments_comment_change", args=[eve.pk]))
    assert_isolated(change, value_blocks=ADMIN_VALUES)
    assert title_of(change.text).startswith(f"{FSI}{RLO}Eve{PDF}{PDI} on {FSI}{TITLE}{PDF}{PDI} | ")
    assert_isolated(client.get(reverse("admin:comments_comment_reply", args=[eve.pk])), value_blocks=ADMIN_VALUES)
    decision = client.post(changelist + "?status=all", {"action": "reject", "_selected_action": [eve.pk]})
    assert_isolated(decision, value_blocks=ADMIN_VALUES)


def test_the_admins_pages_and_messages_about_posts_people_and_brands(client, world, desk):
    post, organization, representative = world
    membership = representative.memberships.get()

    for url in [
        reverse("admin:blog_post_changelist"),
        reverse("admin:blog_post_change", args=[post.pk]),
        reverse("admin:blog_post_delete", args=[post.pk]),
        reverse("admin:accounts_organization_change", args=[organization.pk]),
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        reverse("admin:accounts_user_change", args=[representative.pk]),
        reverse("admin:accounts_user_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_isolated(response, value_blocks=ADMIN_VALUES)

    uncommented = make_post(author=post.author, title=f"Brouillon {RLO}", slug="brouillon")
    deleted = client.post(reverse("admin:blog_post_delete", args=[uncommented.pk]), {"post": "yes"}, follow=True)
    assert_isolated(deleted, value_blocks=ADMIN_VALUES)
    assert f"“{FSI}Brouillon {RLO}{PDF}{PDI}” was deleted" in deleted.text
    assert_isolated(client.get(reverse("admin:index")), value_blocks=ADMIN_VALUES)  # The recent actions.
    changelist = reverse("admin:accounts_membership_changelist")
    decision = client.post(changelist, {"action": "revoke", "_selected_action": [membership.pk]})
    assert_isolated(decision, value_blocks=ADMIN_VALUES)
    assert "<strong><bdi>שלום 12</bdi></strong>" in decision.text


# -- e-mails ----------------------------------------------------------------------------


def assert_mail_isolated(message):
    assert not line_problems(message.subject), message.subject
    assert not line_problems(message.body), message.body
    for html, _kind in message.alternatives:
        assert not unisolated(html), html


def test_every_email_about_a_comment_isolates_names_titles_and_excerpts(settings, world):
    settings.NOTIFICATIONS_MODERATOR_EMAILS = ["desk@example.net"]
    post, _organization, representative = world
    eve = Comment.objects.get(name=NAME)
    Subscription.objects.create(comment=eve, email="eve@example.org", scope="replies", confirmed_at=timezone.now())
    mail.outbox.clear()

    comment = services.comment_create(post=post, name=NAME, email="new@example.org", body=BODY + " verdane")
    comment.parent = eve
    comment.save()
    services.comment_approve(comment=comment, moderator=post.author)
    notifications.publications_announce(now=timezone.now() + timedelta(seconds=1))
    other = services.comment_create(post=post, name=RTL_NAME, email="other@example.org", body=BODY)
    services.comment_reject(comment=other, moderator=post.author, note=f"{RLO}hors sujet", share_reason=True)

    subjects = [message.subject for message in mail.outbox]
    assert any("waits in the queue" in subject for subject in subjects), subjects
    assert any("replied to your comment" in subject for subject in subjects), subjects
    assert any("is published" in subject for subject in subjects), subjects
    assert any("was not published" in subject for subject in subjects), subjects
    assert any("mentions you" in subject for subject in subjects), subjects
    assert f'"{FSI}{TITLE}{PDF}{PDI}"' in subjects[0]
    for message in mail.outbox:
        assert_mail_isolated(message)


def test_account_emails_isolate_the_name_and_the_organisation(client):
    organization = Organization.objects.create(name=ORG, slug="verdane", email_domains="verdane.example")
    user = make_user(display_name=DISPLAY)
    staff = make_user(is_staff=True)
    membership = membership_request(user=user, organization=organization)
    mail.outbox.clear()

    verification_link_send(membership=membership, email="lea@verdane.example")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    membership_verify(membership=membership, by=staff, note=f"{RLO}vérifié")
    membership_revoke(membership=membership, by=staff, note=f"{RLE}retiré")

    assert len(mail.outbox) == 4
    assert mail.outbox[0].subject.endswith(f"Confirm that you represent {FSI}{ORG}{PDF}{PDI}")
    assert mail.outbox[3].subject.endswith(f"Your membership of {FSI}{ORG}{PDF}{PDI} was revoked")
    for message in mail.outbox:
        assert_mail_isolated(message)


def test_the_refusal_of_a_borrowed_name_isolates_the_protected_name(client):
    post = make_post(author=make_author(display_name=f"Claire {RLO}Dubois"))  # Stored before names refused it.

    response = client.post(comment_url(post), form_data(name="Claire Dubois", body=BODY))

    assert response.status_code == 400
    assert "is too close to" in response.text
    assert not unisolated(response.text), unisolated(response.text)
