"""A worker killed while it sends loses no e-mail, and sends at most one second copy of one e-mail.

The kill is what SIGKILL leaves behind: the worker stops in the middle of
a send, its task stays RUNNING and the ledger row "sending"; nothing is
cleaned up. (bench/fault_worker_kill.py does it with real processes and
SIGKILL.)
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import services
from core import worker
from mail import ledger
from mail import tasks as mail_tasks
from mail.models import Delivery
from mail.suppressions import address_suppress
from tests.blog.factories import make_post
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

CONFIRM_CONTEXT = {"link": "https://testserver/x/", "hours": 1}
MODERATORS = ["desk@example.net", "mod@example.com", "root@example.com"]


class WorkerKilled(BaseException):
    """Stands for a SIGKILL: no `except Exception` sees it, and the worker does not record its task."""


@pytest.fixture
def dies_on_the_second_send(monkeypatch):
    """The second e-mail kills its worker: before the mail server took it, or just after ("accepted")."""

    def arm(*, accepted):
        real_send, calls = ledger.message_send, []

        def send(**message):
            calls.append(message["to"])
            if len(calls) == 2:
                if accepted:
                    real_send(**message)
                raise WorkerKilled
            real_send(**message)

        def set_failed(self, error):  # The dead worker writes nothing more.
            if isinstance(error, WorkerKilled):
                raise error
            return original_set_failed(self, error)

        original_set_failed = DBTaskResult.set_failed
        monkeypatch.setattr(ledger, "message_send", send)
        monkeypatch.setattr(DBTaskResult, "set_failed", set_failed)
        return lambda: (monkeypatch.setattr(ledger, "message_send", real_send), calls)[1]

    return arm


def received():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.parametrize("accepted", [False, True], ids=["before the server took it", "after"])
def test_a_killed_worker_loses_no_email_and_its_task_is_run_again_after_the_lease(
    database_queue, moderators, dies_on_the_second_send, accepted
):
    disarm = dies_on_the_second_send(accepted=accepted)
    services.comment_create(post=make_post(), name="Camille", email="camille@example.org", body="Hello.")

    with pytest.raises(WorkerKilled):
        run_worker("worker-1")
    # Every moderator's e-mail was recorded before anything was sent; the rest goes on without the dead worker.
    assert Delivery.objects.count() == 3
    disarm()
    run_worker("worker-2")
    interrupted = Delivery.objects.get(state=Delivery.State.SENDING)
    assert received() == sorted(set(MODERATORS) - ({interrupted.recipient} if not accepted else set()))
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1

    # Within the lease, nobody touches it: its worker may only be slow.
    assert worker.tasks_reap() == 0
    with time_machine.travel(timezone.now() + ledger.lease() + timedelta(seconds=1)):
        assert worker.tasks_reap() == 1
        run_worker("worker-2")
        assert worker.tasks_reap() == 0

    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    copies = [message for message in mail.outbox if message.to == [interrupted.recipient]]
    # The one window for a duplicate: killed after the server took the e-mail, before the "sent" mark.
    assert len(copies) == (2 if accepted else 1)
    assert len({message.extra_headers["Message-ID"] for message in copies}) == 1
    assert received() == sorted(MODERATORS + ([interrupted.recipient] if accepted else []))


def test_an_email_whose_task_was_lost_is_sent_by_the_periodic_resume(database_queue, moderators):
    services.comment_create(post=make_post(), name="Camille", email="camille@example.org", body="Hello.")
    run_worker()  # Records the three e-mails and sends them.
    row = Delivery.objects.first()
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.SENDING)  # Its task vanished mid-send.
    mail.outbox.clear()

    assert ledger.deliveries_resume() == 0
    with time_machine.travel(timezone.now() + ledger.lease() + timedelta(seconds=1)):
        assert ledger.deliveries_resume() == 1
        run_worker()
        assert ledger.deliveries_resume() == 0
    assert received() == [row.recipient]


def test_an_address_suppressed_while_its_email_waited_is_not_written_to(database_queue, moderators):
    services.comment_create(post=make_post(), name="Camille", email="camille@example.org", body="Hello.")
    run_worker("worker-1", max_tasks=1)  # moderators_notify records the e-mails; their sends wait.
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.QUEUED}
    address_suppress(email="mod@example.com")

    run_worker("worker-2")

    assert "mod@example.com" not in received()
    assert Delivery.objects.get(recipient="mod@example.com").state == Delivery.State.SUPPRESSED


def test_a_task_that_kills_every_worker_that_runs_it_is_given_up_after_three(database_queue):
    mail_tasks.mail_send(template="comments/email/confirm", context=CONFIRM_CONTEXT, to="a@example.org")
    task = DBTaskResult.objects.get()
    for run in range(1, 4):
        DBTaskResult.objects.filter(pk=task.pk).update(
            status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=[f"w{i}" for i in range(run)]
        )
        with time_machine.travel(timezone.now() + ledger.lease() + timedelta(seconds=1)):
            assert worker.tasks_reap() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "core.worker.WorkerLost"


def test_an_account_email_is_in_the_ledger_and_tried_again_when_the_server_fails(database_queue, monkeypatch):
    calls = []

    def flaky(**message):
        calls.append(message["to"])
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(ledger, "message_send", flaky)
    mail_tasks.mail_send(template="comments/email/confirm", context=CONFIRM_CONTEXT, to="Ana@Example.org")
    [row] = Delivery.objects.all()
    assert (row.kind, row.state, row.recipient) == (Delivery.Kind.ACCOUNT, Delivery.State.QUEUED, "Ana@Example.org")

    run_worker()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_worker()

    assert calls == [["Ana@Example.org"], ["Ana@Example.org"]]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.State.SENT, 2)


def test_the_worker_waits_out_a_database_outage_and_says_so_once(monkeypatch, caplog):
    """db_worker used to exit on the first OperationalError; it now waits, then goes on."""
    runs, answers = [], iter([False, False, True])

    def run(self):
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError("connection refused")

    monkeypatch.setattr(worker.Worker, "run", run)
    monkeypatch.setattr(worker.ResilientWorker, "_database_answers", staticmethod(lambda: next(answers)))
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)

    worker.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w",
        excluded_queue_names=[],
    ).run()

    assert len(runs) == 2
    said = [record.getMessage() for record in caplog.records if record.name == "core.worker"]
    assert len(said) == 2
    assert said[0].startswith("Database unreachable") and said[1].startswith("Database answers again")
