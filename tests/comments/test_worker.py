"""The database queue and its worker: nothing is lost while no worker runs, nothing is sent twice."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from comments import services, tasks
from comments.models import Comment, Status
from mail import ledger
from mail import tasks as mail_tasks
from mail.models import Delivery
from mail.suppressions import address_suppress
from tests.accounts.factories import make_user
from tests.blog.factories import make_post
from tests.comments.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings, monkeypatch):
    """The production backend; the worker keeps the test's transaction (no closing of old connections)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker(worker_id="worker-1"):
    """What `manage.py db_worker --batch` does: run every task that is due, then stop."""
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


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


def test_an_account_email_that_fails_is_tried_again_later(database_queue, monkeypatch):
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(mail_tasks, "message_send", flaky)
    mail_tasks.mail_send(
        template="comments/email/confirm", context={"post": make_post(), "link": "x", "hours": 1}, to="a@example.org"
    )
    run_worker()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_worker()

    assert calls == [["a@example.org"], ["a@example.org"]]
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


class WorkerKilled(BaseException):
    """Stands for a SIGKILL: no `except Exception` in the worker sees it, nothing is cleaned up."""


def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(monkeypatch):
    """Three writers wait for "published"; the worker dies on the second e-mail, during the send."""
    writers = ["ana@example.org", "ben@example.org", "chloe@example.org"]
    comments = []
    for writer in writers:
        comment = make_comment(post=make_post(), status=Status.APPROVED, email=writer)
        comment.events.create(source="moderator", from_status=Status.PENDING, to_status=Status.APPROVED)
        comments.append(comment)
    real_send = ledger.message_send
    calls = []

    def dies_on_the_second(**message):
        calls.append(message["to"])
        if len(calls) == 2:
            raise WorkerKilled
        real_send(**message)

    monkeypatch.setattr(ledger, "message_send", dies_on_the_second)
    with pytest.raises(WorkerKilled):
        tasks.periodic_run()
    monkeypatch.setattr(ledger, "message_send", real_send)
    assert [message.to for message in published_emails()] == [[writers[0]]]
    interrupted = Delivery.objects.get(recipient=writers[1])
    assert interrupted.state == Delivery.State.SENDING and interrupted.message["template"]

    # A new worker starts at once: the third writer is told; the second e-mail's claim is still fresh.
    tasks.periodic_run()
    assert sorted(message.to[0] for message in published_emails()) == [writers[0], writers[2]]

    # Past the lease, the e-mail the dead worker held is sent from the ledger, once.
    with time_machine.travel(timezone.now() + ledger.SENDING_LEASE + timedelta(minutes=1)):
        assert tasks.periodic_run()["resumed"] == 1
        assert tasks.periodic_run()["resumed"] == 0
    emails = published_emails()
    assert sorted(message.to[0] for message in emails) == sorted(writers)
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert Comment.objects.filter(announced_at__isnull=True).count() == 0
    # Every copy of a notification carries the same Message-ID: a duplicate can be recognised.
    resent = next(message for message in emails if message.to == [writers[1]])
    assert resent.extra_headers["Message-ID"] == ledger.message_id(
        kind=Delivery.Kind.PUBLISHED, recipient=writers[1], key=f"comment:{comments[1].pk}"
    )


def test_an_address_suppressed_meanwhile_is_not_written_to_when_resuming(monkeypatch):
    comment = make_comment(post=make_post(), status=Status.APPROVED, email="dora@example.org")
    comment.events.create(source="moderator", from_status=Status.PENDING, to_status=Status.APPROVED)

    def killed(**message):
        raise WorkerKilled

    monkeypatch.setattr(ledger, "message_send", killed)
    with pytest.raises(WorkerKilled):
        tasks.periodic_run()
    monkeypatch.undo()
    address_suppress(email="dora@example.org")

    with time_machine.travel(timezone.now() + ledger.SENDING_LEASE + timedelta(minutes=1)):
        assert tasks.periodic_run()["resumed"] == 0
    assert published_emails() == []
    assert Delivery.objects.get().state == Delivery.State.SUPPRESSED
