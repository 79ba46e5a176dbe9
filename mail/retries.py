"""A send that failed (the mail server is down) is queued again later, a few times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.tasks import Task, task_backends
from django.utils import timezone

# When a send fails, the task runs again after these delays.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6)]


def retry_later(task: Task, *args: Any, attempt: int, **kwargs: Any) -> bool:
    """Queue `task` again after the attempt's delay; False when it has had its tries or cannot wait.

    The database queue does not retry a failed task by itself. The send
    tasks may run again safely: the ledger (mail.ledger) claims each e-mail
    once.
    """
    if attempt > len(RETRY_DELAYS) or not task_backends[task.backend].supports_defer:
        return False
    task.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1]).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True
