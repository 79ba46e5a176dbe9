"""The background worker that survives its database and its siblings: it waits out outages and reaps the dead.

django-tasks-db's worker (`db_worker`) exits on the first OperationalError
when the database is unreachable, and a task whose worker was killed
(SIGKILL, a crash, a lost machine) stays RUNNING for good: the library has
nothing that looks at stale RUNNING tasks. So the project's `db_worker`
(core/management/commands/db_worker.py, found before the library's) runs
this Worker:

- on a database error outside a task, it closes its connections, logs one
  warning for the outage, and tries again with a growing pause (1 s, 2 s,
  4 s… at most WORKER_RETRY_MAX seconds); it logs once when the database
  answers again;
- a thread reaps, every minute (or half the lease, if shorter), the tasks RUNNING for longer than
  TASKS_LEASE: their worker is taken for dead and the task goes back to the
  queue, where any worker runs it again. A task that was taken by
  MAX_RUNS workers in turn is marked failed instead: it is what kills them.

Every task of the blog may run again (e-mails are claimed once in the
ledger, mail.ledger; the other tasks check what is already done), so
"again" is safe. A killed worker's task is therefore picked up within
TASKS_LEASE and a minute (6 minutes by default) by any other worker, or
by the same one once its supervisor restarts it (docs/deployment.md).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("core.worker")

MAX_RUNS = 3
WORKER_RETRY_MAX = 30
# A database that is down raises either: OperationalError (a DatabaseError), or InterfaceError once closed.
DATABASE_DOWN = (DatabaseError, InterfaceError)


class WorkerLost(Exception):
    """The task's worker stopped while running it, MAX_RUNS times: it is not run again."""


def tasks_reap(*, now: datetime | None = None) -> int:
    """Put back in the queue the tasks RUNNING past TASKS_LEASE; return how many were reaped.

    Each is taken by one update that checks it is still the same run, so two
    reapers never both act on a task, and a worker that finishes it in the
    meantime keeps its result.
    """
    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - settings.TASKS_LEASE)
    reaped = 0
    for result in stale.only("id", "task_path", "started_at", "worker_ids")[:100]:
        same_run = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if len(result.worker_ids) >= MAX_RUNS:
            taken = same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"Its worker stopped while running it, {len(result.worker_ids)} times.",
            )
        else:
            taken = same_run.update(status=TaskResultStatus.READY, started_at=None)
        if taken:
            reaped += 1
            logger.warning(
                "Task %s (%s) ran for longer than %s: its worker (%s) is taken for dead; %s.",
                result.pk,
                result.task_path,
                settings.TASKS_LEASE,
                result.worker_ids[-1] if result.worker_ids else "?",
                "marked failed" if len(result.worker_ids) >= MAX_RUNS else "queued again",
            )
    return reaped


class ResilientWorker(Worker):
    """django-tasks-db's Worker, waiting out database outages, with the reaper in a thread beside it."""

    def run(self) -> None:
        if not self.batch:
            threading.Thread(target=self._reap_forever, name="reaper", daemon=True).start()
        pause = 1
        while self.running:
            try:
                super().run()
                return
            except DATABASE_DOWN as error:
                connections.close_all()
                logger.warning("Database unreachable (%s): the worker waits and tries again.", error)
                while self.running and not self._database_answers():
                    time.sleep(pause)
                    pause = min(pause * 2, WORKER_RETRY_MAX)
                pause = 1
                logger.warning("Database answers again: the worker goes on.")

    @staticmethod
    def _database_answers() -> bool:
        try:
            connections["default"].ensure_connection()
        except DATABASE_DOWN:
            connections.close_all()
            return False
        return True

    def _reap_forever(self) -> None:
        every = min(timedelta(minutes=1), settings.TASKS_LEASE / 2)  # REAP_EVERY
        while self.running:
            time.sleep(every.total_seconds())
            try:
                close_old_connections()
                tasks_reap()
            except DATABASE_DOWN:
                pass  # The main loop says the database is unreachable.
            finally:
                connections.close_all()
