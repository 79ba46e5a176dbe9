"""The database queue and its worker: nothing is lost while no worker runs, nothing is sent twice."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import services, tasks
from comments.models import Comment, Status
from mail import ledger
from mail.models import Delivery
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


def published_emails():
    return [message for message in mail.outbox if "is published" in message.subject]


def test_the_worker_catches_up_after_publication_and_tells_the_writer_once(database_queue, settings):
    settings.NOTIFICATIONS_MODERATOR_EMAILS = ["desk@example.net"]
    post = make_post()
    comment = services.comment_create(
        post=post, name="Camille", email="camille@example.org", body="Hello", language="en"
    )

    assert mail.outbox == []  # Waiting in the database: no worker ran.
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    with time_machine.travel(comment.publish_at + timedelta(minutes=1)):
        assert list(Comment.objects.public()) == [comment]  # Published on time, with no worker.
        assert tasks.periodic_schedule() is True  # What `periodic_tasks --schedule` does.
        assert tasks.periodic_schedule() is False  # Already queued.
    assert mail.outbox == []

    with time_machine.travel(comment.publish_at + timedelta(minutes=10)):
        run_worker()
        run_worker("worker-2")

    assert [message.to for message in mail.outbox if "queue" in message.subject] == [["desk@example.net"]]
    [message] = published_emails()
    assert message.to == ["camille@example.org"]
    # The periodic task queued its next run.
    assert DBTaskResult.objects.filter(task_path="comments.tasks.periodic", status="READY").count() == 1


def test_two_workers_and_a_duplicated_task_send_one_email(database_queue):
    comment = make_comment(post=make_post(), status=Status.APPROVED, email="camille@example.org")
    comment.events.create(source="moderator", from_status=Status.PENDING, to_status=Status.APPROVED)
    for _ in range(3):
        tasks.publication_announce.enqueue(comment.pk)

    run_worker("worker-1")
    run_worker("worker-2")

    assert len(published_emails()) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_account_emails_wait_for_the_worker_too(database_queue, client):

    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "display_name": "New",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert mail.outbox == []

    make_user(email="old@example.org")
    client.post("/accounts/password/reset/", {"email": "old@example.org"})
    assert mail.outbox == []

    run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == ["new@example.org", "old@example.org"]
    assert "https://testserver/accounts/signup/confirm/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_the_same_email_send_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time, so no race can happen")
    comment = make_comment(post=make_post(), status=Status.APPROVED, email="camille@example.org")
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        barrier.wait()
        try:
            outcomes.append(
                ledger.deliver(
                    kind=Delivery.Kind.PUBLISHED,
                    recipient="camille@example.org",
                    key=f"comment:{comment.pk}",
                    template="comments/email/published",
                    context={"comment": comment, "post": comment.post, "comment_url": "x"},
                    now=timezone.now(),
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [ledger.Outcome.SENT, ledger.Outcome.SKIPPED]
    assert len(mail.outbox) == 1


def test_a_send_that_fails_is_tried_again_later_and_sent_once(database_queue, settings, monkeypatch):
    settings.NOTIFICATIONS_MODERATOR_EMAILS = ["desk@example.net", "other@example.net"]
    real = ledger.message_send

    def down_for_desk(**kwargs):
        if kwargs["to"] == ["desk@example.net"]:
            raise ConnectionRefusedError("mail server down")
        real(**kwargs)

    monkeypatch.setattr(ledger, "message_send", down_for_desk)
    services.comment_create(post=make_post(), name="Camille", email="camille@example.org", body="Hello")
    run_worker()

    assert [message.to for message in mail.outbox] == [["other@example.net"]]
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}

    monkeypatch.setattr(ledger, "message_send", real)
    run_worker()
    assert len(mail.outbox) == 1  # Not before its time.

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_worker()

    assert sorted(message.to[0] for message in mail.outbox) == ["desk@example.net", "other@example.net"]
    assert not DBTaskResult.objects.filter(status="READY").exists()
