"""The ledger: each notification e-mail is claimed once before it is sent, and a failed one is sent later."""

from datetime import timedelta

import pytest
from django.core import mail

from comments import services, tasks
from comments.models import Status
from mail import ledger
from mail.models import Delivery
from tests.accounts.factories import make_author
from tests.blog.factories import make_post
from tests.comments.factories import SUBMITTED, comment_sent, make_comment, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return make_post(title="Answering angry customers", published_at=SUBMITTED - timedelta(days=1))


def test_a_retried_task_sends_nothing_twice(post, moderators):
    comment = comment_sent(post)
    event = comment.events.get()
    count = len(mail.outbox)

    tasks.moderators_notify.enqueue(event.pk)
    tasks.moderators_notify.enqueue(event.pk)

    assert len(mail.outbox) == count == 3


def test_a_failed_send_is_sent_by_the_next_run_and_only_then(post, monkeypatch):
    comment = comment_sent(post)
    real = ledger.message_send

    def broken(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(ledger, "message_send", broken)
    services.comment_approve(comment=comment, moderator=make_author())
    row = Delivery.objects.get(kind=Delivery.Kind.PUBLISHED)
    assert row.state == Delivery.State.FAILED
    comment.refresh_from_db()
    assert comment.announced_at is None  # Left for the next run.

    monkeypatch.setattr(ledger, "message_send", real)
    tasks.periodic_run()
    tasks.periodic_run()

    assert len(sent_to("camille@example.org")) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.SENT, 2)


def test_a_claimed_email_is_not_sent_by_a_second_worker(post):
    comment = make_comment(post=post, status=Status.APPROVED, email="camille@example.org")
    Delivery.objects.create(kind=Delivery.Kind.PUBLISHED, recipient="camille@example.org", key=f"comment:{comment.pk}")

    outcome = ledger.deliver(
        kind=Delivery.Kind.PUBLISHED,
        recipient="camille@example.org",
        key=f"comment:{comment.pk}",
        template="comments/email/published",
        context={"comment": comment, "post": post, "comment_url": "x"},
    )

    assert outcome == ledger.Outcome.SKIPPED
    assert mail.outbox == []
