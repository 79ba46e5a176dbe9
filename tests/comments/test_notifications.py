"""Notification e-mails: each trigger, its recipients, language and content, sent once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from comments import notifications, services, tasks
from comments.models import Comment, Status, Subscription
from tests.accounts.factories import make_author, make_user
from tests.blog.factories import make_post
from tests.comments.factories import SUBMITTED, comment_sent, comment_url, form_data, make_comment, reporter, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return make_post(title="Answering angry customers", published_at=SUBMITTED - timedelta(days=1))


def replies_to(address):
    """The reply notifications an address got (not the confirmation, nor "published")."""
    return [m for m in sent_to(address) if "replied" in m.subject or "commented on" in m.subject]


def link_in(message, name):
    return re.search(rf"https?://testserver(/comments/{name}/[^/\s]+/)", message.body).group(1)


# -- moderators -----------------------------------------------------------------


def test_a_comment_entering_the_queue_tells_each_moderator_once_with_its_admin_link(post, moderators):
    comment = comment_sent(post)

    assert comment.status == Status.PENDING
    assert sorted(address for message in mail.outbox for address in message.to) == moderators
    message = sent_to("mod@example.com")[0]
    assert message.subject.startswith("[Carnet de communauté] ")
    assert "Answering angry customers" in message.subject
    assert "A thoughtful comment." in message.body
    assert f"https://testserver/admin/comments/comment/{comment.pk}/change/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"/admin/comments/comment/{comment.pk}/change/" in html


def test_a_held_comment_says_it_is_held(post, moderators):
    comment_sent(post, body="Win at the casino tonight.")

    assert "held" in sent_to("mod@example.com")[0].subject


def test_spam_and_the_authors_own_comments_do_not_disturb_the_moderators(post, moderators):
    comment_sent(post, honeypot="http://spam.example")
    services.comment_create(post=post, user=post.author, body="Thanks, all.", now=SUBMITTED)

    assert not [m for m in mail.outbox if "mod@example.com" in m.to]


def test_readers_reports_that_hold_a_comment_tell_the_moderators(post, moderators, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 1
    comment = make_comment(post=post)

    services.comment_flag(comment=comment, reporter=reporter("abc"))

    assert "held" in sent_to("mod@example.com")[0].subject


def test_reports_on_the_authors_answer_tell_the_moderators_it_stays_published(post, moderators, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 1
    answer = make_comment(post=post, user=post.author, name=post.author.display_name)

    services.comment_flag(comment=answer, reporter=reporter("abc"))

    [message] = sent_to("mod@example.com")
    assert "Readers reported a comment" in message.subject
    assert "it stays published until a moderator decides" in message.body
    assert "will be published on" not in message.body


def test_a_review_answered_before_the_worker_runs_tells_nobody(post, moderators, settings):
    settings.COMMENTS_FLAGS_TO_HOLD = 1
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    answer = make_comment(post=post, user=post.author, name=post.author.display_name)
    services.comment_flag(comment=answer, reporter=reporter("abc"))
    event = answer.events.get()
    services.comment_approve(comment=answer, moderator=post.author)

    assert notifications.moderators_notify(event_id=event.pk) == []


def test_the_digest_lists_a_badged_answer_that_reports_put_in_the_queue(post, moderators, settings):
    settings.NOTIFICATIONS_MODERATOR_DIGEST = "hourly"
    settings.COMMENTS_FLAGS_TO_HOLD = 1
    answer = make_comment(post=post, user=post.author, name=post.author.display_name)
    services.comment_flag(comment=answer, reporter=reporter("abc"), now=SUBMITTED)

    with time_machine.travel(SUBMITTED + timedelta(hours=1)):
        notifications.moderation_digest_send()

    message = sent_to("mod@example.com")[0]
    assert f"/admin/comments/comment/{answer.pk}/change/" in message.body
    assert "reported, still public" in message.body


def test_with_a_digest_moderators_get_one_email_per_period_instead(post, moderators, settings):
    settings.NOTIFICATIONS_MODERATOR_DIGEST = "hourly"
    first = comment_sent(post, body="First words.")
    second = comment_sent(post, email="dom@example.org", body="Second words.")
    assert mail.outbox == []

    with time_machine.travel(SUBMITTED + timedelta(hours=1)):
        notifications.moderation_digest_send()
        notifications.moderation_digest_send()

    assert sorted(address for message in mail.outbox for address in message.to) == moderators
    message = sent_to("mod@example.com")[0]
    assert "2 new comments" in message.subject
    assert f"/admin/comments/comment/{first.pk}/change/" in message.body
    assert f"/admin/comments/comment/{second.pk}/change/" in message.body


# -- the commenter ----------------------------------------------------------------


def test_publication_at_publish_at_needs_no_worker_and_the_periodic_run_tells_the_writer_once(post):
    comment = comment_sent(post, language="fr")
    after = comment.publish_at + timedelta(minutes=1)

    with time_machine.travel(after):
        assert list(Comment.objects.public()) == [comment]  # Public with nothing run.
        assert sent_to("camille@example.org") == []
        tasks.periodic_run()
        tasks.periodic_run()

    [message] = sent_to("camille@example.org")
    assert "publié" in message.subject  # In the language of the page it was written on.
    assert f"https://testserver{comment.get_absolute_url()}" in message.body
    comment.refresh_from_db()
    assert comment.announced_at is not None


def test_a_moderators_approval_tells_the_writer_at_once_in_english(post):
    comment = comment_sent(post, language="en")

    services.comment_approve(comment=comment, moderator=make_author())
    tasks.periodic_run()

    [message] = sent_to("camille@example.org")
    assert "is published" in message.subject


def test_a_comment_published_at_once_tells_nobody_it_was_published(post):
    services.comment_create(post=post, user=post.author, body="Thanks, all.", now=SUBMITTED)

    assert sent_to(post.author.email) == []


@pytest.mark.parametrize("share", [True, False])
def test_a_rejection_tells_the_writer_with_the_reason_only_when_shared(post, share):
    comment = comment_sent(post, language="en")

    services.comment_reject(comment=comment, moderator=make_author(), note="Off topic: about pizza", share_reason=share)

    [message] = sent_to("camille@example.org")
    assert "was not published" in message.subject
    assert ("Off topic: about pizza" in message.body) is share


def test_the_admin_reject_action_can_share_the_reason(client, post):
    moderator = make_user(is_staff=True, is_superuser=True)
    comment = comment_sent(post, language="en")
    client.force_login(moderator)

    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "reject", "_selected_action": [comment.pk], "apply": "1", "reason": "off_topic", "note": "pizza",
         "share_reason": "on"},
    )  # fmt: skip

    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert "Off topic: pizza" in sent_to("camille@example.org")[0].body


# -- reply subscriptions -------------------------------------------------------------


def comment_with_subscription(client, post, notify="replies", **fields):
    client.post(comment_url(post), form_data(notify=notify, **fields))
    return Comment.objects.latest("pk")


def test_an_anonymous_reader_confirms_their_address_before_hearing_of_replies(client, post):
    mine = comment_with_subscription(client, post)
    [confirmation] = sent_to("camille@example.org")
    assert "Confirm" in confirmation.subject
    services.comment_approve(comment=mine, moderator=make_author())

    early = services.comment_create(post=post, parent=mine, user=post.author, body="Before you confirmed.")
    assert replies_to("camille@example.org") == []

    link = link_in(confirmation, "subscription")
    page = client.get(link)
    assert page.status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # Confirm on GET, act on POST.
    client.post(link)
    assert Subscription.objects.get().confirmed_at is not None

    reply = services.comment_create(post=post, parent=mine, user=post.author, body="Welcome!")
    [told] = replies_to("camille@example.org")
    assert reply.get_absolute_url() in told.body  # the permalink finds its page of the thread
    assert early.pk != reply.pk


def test_a_logged_in_reader_needs_no_confirmation(client, post):
    reader = make_user(email="dom@example.com")
    client.force_login(reader)
    mine = comment_with_subscription(client, post, notify="thread")
    services.comment_approve(comment=mine, moderator=make_author())
    assert Subscription.objects.get().confirmed_at is not None

    other = make_comment(post=post, body="Elsewhere in the thread.", status=Status.APPROVED)
    notifications.publication_announce(comment=other)

    [told] = replies_to("dom@example.com")
    assert "Elsewhere in the thread." in told.body


def test_replies_subscription_ignores_the_rest_of_the_thread_and_ones_own_replies(client, post):
    reader = make_user(email="dom@example.com")
    client.force_login(reader)
    mine = comment_with_subscription(client, post, notify="replies")
    services.comment_approve(comment=mine, moderator=make_author())

    notifications.publication_announce(comment=make_comment(post=post, body="Not a reply to Dom."))
    notifications.publication_announce(comment=make_comment(post=post, parent=mine, email="DOM@example.com"))
    assert replies_to("dom@example.com") == []

    notifications.publication_announce(comment=make_comment(post=post, parent=mine, body="A reply to Dom."))
    [told] = replies_to("dom@example.com")
    assert "replied to your comment" in told.subject


@pytest.mark.parametrize(
    ("change", "status"),
    [("expired", 400), ("tampered", 400), ("valid", 200)],
)
def test_confirmation_links_valid_expired_and_tampered(client, post, change, status):
    with time_machine.travel(SUBMITTED, tick=False):
        comment_with_subscription(client, post)
    link = link_in(sent_to("camille@example.org")[0], "subscription")
    if change == "tampered":
        link = link.replace(link[-8:-2], "AAAAAA")
    moment = SUBMITTED + (timedelta(hours=73) if change == "expired" else timedelta(hours=71))

    with time_machine.travel(moment, tick=False):
        assert client.get(link).status_code == status
        response = client.post(link)

    assert response.status_code == status
    assert (Subscription.objects.get().confirmed_at is not None) is (change == "valid")


def test_readers_words_are_escaped_in_the_html_part(post, moderators):
    comment_sent(post, body="<script>alert(1)</script> & <b>bold</b>")

    html = sent_to("mod@example.com")[0].alternatives[0][0]
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_a_french_subscriber_gets_french_replies_and_an_english_one_english(post):
    for language in ("fr", "en"):
        mine = make_comment(post=post, email=f"{language}@example.com")
        services.subscription_create(comment=mine, scope="thread", language=language)
    Subscription.objects.update(confirmed_at=SUBMITTED)
    mail.outbox.clear()  # The confirmation links.

    notifications.publication_announce(comment=make_comment(post=post, name="Lou", body="Bonjour"))

    [french] = sent_to("fr@example.com")
    [english] = sent_to("en@example.com")
    assert "Lou a commenté" in french.subject
    assert "Ne plus recevoir" in french.body
    assert "Lou commented on" in english.subject


def test_nothing_about_a_comment_on_a_post_readers_cannot_open_is_e_mailed_until_the_post_is_public():
    from blog.models import Post

    draft = make_post(title="Not yet", status=Post.Status.DRAFT)
    mine = make_comment(post=draft, email="thread@example.com")
    services.subscription_create(comment=mine, scope="thread")
    Subscription.objects.update(confirmed_at=SUBMITTED)
    comment = make_comment(post=draft, name="Lou", email="lou@example.com", status=Status.PENDING)
    mail.outbox.clear()

    services.comment_approve(comment=comment, moderator=draft.author)
    tasks.periodic_run()
    assert sent_to("thread@example.com") == [] and sent_to("lou@example.com") == []
    comment.refresh_from_db()
    assert comment.announced_at is None  # Told once the post is public, not never.

    draft.status, draft.published_at = Post.Status.PUBLISHED, SUBMITTED
    draft.save()
    tasks.periodic_run()
    assert len(replies_to("thread@example.com")) == 1 and len(sent_to("lou@example.com")) == 1


def test_subjects_are_plain_text_an_ampersand_stays_an_ampersand():
    post = make_post(title="Tom & Jerry <live>")
    comment = make_comment(post=post, email="lou@example.com", status=Status.PENDING)
    mail.outbox.clear()

    services.comment_approve(comment=comment, moderator=post.author)
    tasks.periodic_run()

    [message] = sent_to("lou@example.com")
    assert "Tom & Jerry <live>" in message.subject
    assert "&amp;" not in message.subject and "&lt;" not in message.subject
