"""Brand mentions: found in any comment, told to representatives once the comment is public."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Organization
from blog.models import Post
from comments import mentions
from comments import services as comment_services
from comments.models import Mention, Status
from mail import ledger
from mail.models import Delivery
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

DASHBOARD = reverse("comments:dashboard")


# Finding keywords: no database needed.


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I tried Verdane yesterday.", ["verdane"]),
        ("VERDANE, again!", ["verdane"]),
        ("verdané is what my aunt calls it", ["verdane"]),
        ("(Verdane)", ["verdane"]),
        ("Verdanes are everywhere", []),
        ("superverdane", []),
        ("Their crème   de nuit is nice", ["creme de nuit"]),
        ("CREME DE NUIT", ["creme de nuit"]),
        ("crème de nuits", []),
        ("L\u2019Atelier opened", ["l'atelier"]),
        ("Nothing to see", []),
    ],
)
def test_keywords_match_whole_words_in_any_case_with_or_without_accents(text, found):
    assert mentions.keywords_in(text, ["verdane", "creme de nuit", "l'atelier"]) == found


# Notices


@pytest.fixture
def verdane():
    return Organization.objects.create(
        name="Maison Verdane", slug="maison-verdane", keywords="Verdane\nCrème de nuit", email_domains="verdane.example"
    )


def representative(organization, **fields):
    user = make_user(**fields)
    membership = services.membership_request(user=user, organization=organization)
    services.membership_verify(membership=membership, by=None)
    return user


@pytest.fixture
def representatives(verdane):
    return [representative(verdane), representative(verdane)]


@pytest.fixture
def post():
    return make_post()


def recipients():
    """Who was told of a mention (the commenter's own "published" e-mail is another story)."""
    return sorted(address for message in mail.outbox if "mentions you" in message.subject for address in message.to)


def emails_of(users):
    return sorted(user.email for user in users)


def notices():
    return Delivery.objects.filter(kind=Delivery.Kind.MENTION, state=Delivery.State.SENT)


def send_notices():
    call_command("send_mention_notices", stdout=StringIO())


@pytest.mark.django_db
def test_a_comment_published_at_once_tells_each_representative_once(
    post, representatives, django_capture_on_commit_callbacks
):
    make_user(email="someone@verdane.example")  # Not a member.
    services.membership_request(user=make_user(), organization=Organization.objects.get())  # Not verified.

    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(post=post, user=post.author, body="What does Verdane think?")
    send_notices()
    send_notices()

    assert comment.status == Status.APPROVED
    assert recipients() == emails_of(representatives)
    assert notices().count() == 2
    message = mail.outbox[0]
    assert post.title in message.subject
    assert "What does Verdane think?" in message.body
    assert f"https://testserver{comment.get_absolute_url()}" in message.body
    assert "https://testserver/comments/dashboard/" in message.body


@pytest.mark.django_db
def test_links_in_notices_start_with_site_url_when_it_is_set(post, representatives, settings):
    settings.SITE_URL = "https://blog.example/"
    comment = make_comment(post=post, body="Verdane")
    mentions.mentions_record(comment=comment)

    send_notices()

    assert f"https://blog.example{comment.get_absolute_url()}" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_pending_comment_is_told_only_once_its_time_has_come(
    post, representatives, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(
            post=post, name="Camille", email="camille@example.org", body="Verdane's new cream?"
        )
    send_notices()

    assert comment.status == Status.PENDING
    assert Mention.objects.filter(comment=comment).exists()
    assert mail.outbox == []

    with time_machine.travel(comment.publish_at - timedelta(minutes=1)):
        send_notices()
    assert mail.outbox == []

    with time_machine.travel(comment.publish_at + timedelta(minutes=1)):
        send_notices()
        send_notices()
    assert recipients() == emails_of(representatives)


@pytest.mark.django_db
def test_a_moderators_approval_tells_representatives_without_waiting(
    post, representatives, django_capture_on_commit_callbacks
):
    comment = comment_services.comment_create(post=post, name="Camille", email="c@example.org", body="Verdane!")
    mentions.mentions_record(comment=comment)

    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_approve(comment=comment, moderator=make_author())
    send_notices()

    assert recipients() == emails_of(representatives)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.HELD, Status.REJECTED, Status.SPAM, Status.REMOVED])
def test_a_comment_that_is_not_public_is_never_told(post, representatives, status):
    comment = make_comment(post=post, status=status, publish_at=timezone.now() - timedelta(days=3), body="Verdane")
    mentions.mentions_record(comment=comment)

    with time_machine.travel(timezone.now() + timedelta(days=30)):
        send_notices()

    assert mail.outbox == []
    assert not notices().exists()


@pytest.mark.django_db
def test_held_and_spam_comments_from_the_form_are_recorded_but_not_told(
    post, representatives, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held = comment_services.comment_create(post=post, name="A", email="a@example.org", body="Verdane casino")
        spam = comment_services.comment_create(
            post=post, name="B", email="b@example.org", body="Verdane deals", honeypot="http://spam.example"
        )

    with time_machine.travel(timezone.now() + timedelta(days=30)):
        send_notices()

    assert (held.status, spam.status) == (Status.HELD, Status.SPAM)
    assert Mention.objects.count() == 2
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_comment_by_one_of_the_organisations_representatives_tells_nobody(
    post, verdane, representatives, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_create(
            post=post, user=representatives[0], organization=verdane, body="Verdane here, happy to help."
        )
    mentions.mentions_record(comment=make_comment(post=post, user=representatives[1], body="I like Verdane."))
    send_notices()

    assert mail.outbox == []


@pytest.mark.django_db
def test_a_representative_of_two_mentioned_organisations_gets_one_email(post, verdane, representatives):
    other = Organization.objects.create(name="Atelier Nord", slug="atelier-nord", keywords="Nord")
    both = representatives[0]
    services.membership_verify(membership=services.membership_request(user=both, organization=other), by=None)
    comment = make_comment(post=post, body="Verdane or Nord?")
    mentions.mentions_record(comment=comment)

    send_notices()

    assert recipients() == emails_of(representatives)
    [message] = [message for message in mail.outbox if message.to == [both.email]]
    assert "Maison Verdane, Atelier Nord" in message.body or "Atelier Nord, Maison Verdane" in message.body


@pytest.mark.django_db
def test_revoked_and_unverified_members_are_not_told(post, verdane, representatives):
    revoked = Membership.objects.get(user=representatives[1])
    services.membership_revoke(membership=revoked, by=None)
    comment = make_comment(post=post, body="Verdane")
    mentions.mentions_record(comment=comment)

    send_notices()

    assert recipients() == [representatives[0].email]


@pytest.mark.django_db
def test_someone_verified_later_is_not_sent_old_mentions(post, verdane, representatives):
    mentions.mentions_record(comment=make_comment(post=post, body="Verdane"))
    send_notices()
    newcomer = representative(verdane)

    send_notices()

    assert newcomer.email not in recipients()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_on_the_next_run(post, representatives, monkeypatch):
    mentions.mentions_record(comment=make_comment(post=post, body="Verdane"))

    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(ledger, "message_send", broken)
    send_notices()
    assert not notices().exists()

    monkeypatch.undo()
    send_notices()
    assert recipients() == emails_of(representatives)


@pytest.mark.django_db
def test_recording_mentions_twice_keeps_one_row_per_organisation(post, verdane):
    comment = make_comment(post=post, body="Verdane, Verdane, crème de nuit")

    mentions.mentions_record(comment=comment)
    mentions.mentions_record(comment=comment)

    [mention] = Mention.objects.all()
    assert mention.keywords == ["verdane", "crème de nuit"]


# The dashboard


def minutes_ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def mentioned(post, minutes, body="About Verdane", **fields):
    fields.setdefault("publish_at", minutes_ago(minutes))
    comment = make_comment(post=post, body=body, **fields)
    mentions.mentions_record(comment=comment)
    return comment


@pytest.mark.django_db
def test_the_dashboard_lists_unanswered_mentions_first(client, post, verdane, representatives):
    rep, colleague = representatives
    answered_old = mentioned(post, 50)
    make_comment(post=post, parent=answered_old, user=colleague, body="Thanks!", publish_at=minutes_ago(45))
    answered_deep = mentioned(post, 40)
    reader_reply = make_comment(post=post, parent=answered_deep, body="Me too", publish_at=minutes_ago(35))
    make_comment(post=post, parent=reader_reply, user=rep, organization=verdane, body="Hi", publish_at=minutes_ago(30))
    unanswered_old = mentioned(post, 20)
    make_comment(post=post, parent=unanswered_old, body="Agreed", publish_at=minutes_ago(15))
    waiting_reply = mentioned(post, 12)
    make_comment(post=post, parent=waiting_reply, user=rep, status=Status.PENDING, body="Soon")
    unanswered_new = mentioned(make_post(), 10)
    mentioned(post, 5, status=Status.PENDING, publish_at=timezone.now() + timedelta(hours=1))
    mentioned(post, 5, status=Status.HELD, publish_at=None)
    mentioned(post, 5, user=colleague)  # Their own words.
    client.force_login(rep)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert [m.comment for m in response.context["unanswered"]] == [unanswered_new, waiting_reply, unanswered_old]
    assert [m.comment for m in response.context["answered"]] == [answered_deep, answered_old]
    page = response.content.decode()
    assert page.index(unanswered_new.get_absolute_url()) < page.index(answered_deep.get_absolute_url())


@pytest.mark.django_db
def test_the_dashboard_only_shows_the_representatives_organisations(client, post, verdane, representatives):
    other = Organization.objects.create(name="Atelier Nord", slug="atelier-nord", keywords="Nord")
    ours = mentioned(post, 10)
    mentioned(post, 5, body="Nord only")
    client.force_login(representatives[0])

    response = client.get(DASHBOARD)

    assert [m.comment for m in response.context["unanswered"]] == [ours]
    assert other.name not in response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_is_for_verified_representatives_only(client, verdane):
    assert client.get(DASHBOARD).status_code == 302
    asker = make_user()
    services.membership_request(user=asker, organization=verdane)
    client.force_login(asker)

    response = client.get(DASHBOARD)

    assert response.status_code == 403
    assert reverse("accounts:verification_request") in response.content.decode()


@pytest.mark.django_db
def test_the_dashboards_query_count_does_not_grow_with_mentions(client, verdane, representatives):
    client.force_login(representatives[0])

    def queries_with(count):
        for _ in range(count):
            post = make_post()
            comment = mentioned(post, 10)
            make_comment(post=post, parent=comment, user=representatives[1], publish_at=minutes_ago(5))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(8)


# Posts that are not public


def hidden_post(state):
    """A post readers cannot open: a draft, or one scheduled for tomorrow."""
    if state == "draft":
        return make_post(status=Post.Status.DRAFT, published_at=minutes_ago(60))
    return make_post(published_at=timezone.now() + timedelta(days=1))


def publish(post, state):
    """The editor publishes the draft; a scheduled post goes public by the clock (the caller travels past it)."""
    if state == "draft":
        post.status = Post.Status.PUBLISHED
        post.save()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_mention_on_a_post_that_is_not_public_is_neither_shown_nor_e_mailed_until_it_is(
    client, verdane, representatives, state
):
    post = hidden_post(state)
    secret = mentioned(post, 10, body="Verdane is sponsoring our next post.")
    visible = mentioned(make_post(), 5, body="Verdane again, in public.")
    client.force_login(representatives[0])

    page = client.get(DASHBOARD)
    send_notices()

    assert [m.comment for m in page.context["unanswered"]] == [visible]
    assert post.title not in page.content.decode()
    assert "sponsoring" not in page.content.decode()
    assert [message.body for message in mail.outbox if "sponsoring" in message.body] == []
    assert not Mention.objects.get(comment=secret).notified_at

    publish(post, state)
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=2) if state == "scheduled" else timezone.now()):
        client.force_login(representatives[0])
        page = client.get(DASHBOARD)
        send_notices()
        send_notices()

    assert secret in [m.comment for m in page.context["unanswered"]]
    assert recipients() == emails_of(representatives)  # Told once the post is public, once each.
    assert all("sponsoring" in message.body for message in mail.outbox)


@pytest.mark.django_db
def test_a_moderators_reply_on_a_draft_tells_no_representative(
    client, verdane, representatives, django_capture_on_commit_callbacks
):
    post = hidden_post("draft")
    question = make_comment(post=post, status=Status.HELD, publish_at=None, body="Is this sponsored?")
    client.force_login(make_user(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:comments_comment_reply", args=[question.pk]),
            {"identity": "self", "body": "Yes, by Verdane."},
        )
    send_notices()

    assert response.status_code == 302
    assert Mention.objects.filter(comment__body="Yes, by Verdane.").exists()
    assert recipients() == []
    client.force_login(representatives[0])
    assert client.get(DASHBOARD).context["unanswered"] == []
