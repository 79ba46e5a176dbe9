"""The comments' background work, run by the worker (`manage.py db_worker`).

Services enqueue these inside their own transaction: the task row is
written to the same database, so a decision that rolls back leaves no
e-mail behind, and a decision that commits has its e-mail waiting even
if no worker runs at that moment.

Each e-mail is recorded in the ledger and sent by a task of its own, tried
again later when the mail server fails (mail.ledger); comments whose
announcement failed stay unannounced for the next periodic run.

`periodic` does what no single event triggers: announcing comments whose
publish_at passed, sending again what a dead worker left, the moderators' digest, the purge. It enqueues its next
run NOTIFICATIONS_PERIOD later, so one run started by `manage.py
periodic_tasks --schedule` keeps a worker busy for good; `manage.py
periodic_tasks` run by cron does the same work without a chain.
"""

import logging

from django.conf import settings
from django.tasks import TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from mail.ledger import deliveries_resume

from . import notifications, retention

logger = logging.getLogger(__name__)


# These tasks record their e-mails in the ledger, which sends each one in a task of its own and tries
# again when the mail server fails (mail.ledger). `attempt` is for tasks queued before that.


@task
def moderators_notify(event_id, attempt=1):
    return [str(outcome) for outcome in notifications.moderators_notify(event_id=event_id)]


@task
def rejection_notify(event_id, share_reason=False, attempt=1):
    return str(notifications.rejection_notify(event_id=event_id, share_reason=share_reason))


@task
def publication_announce(comment_id):
    from .models import Comment

    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    return comment is not None and notifications.publication_announce(comment=comment)


@task
def subscription_confirmation_send(subscription_id, attempt=1):
    return str(notifications.subscription_confirmation_send(subscription_id=subscription_id))


def periodic_run(*, now=None, dry_run=False):
    """Everything the periodic task does, once; return a summary."""
    now = now or timezone.now()
    summary = {
        "resumed": deliveries_resume(now=now),
        "announced": notifications.publications_announce(now=now),
        "digests": notifications.moderation_digest_send(now=now),
        "purged": 0,
    }
    for purge in retention.PURGES:
        lines = purge(now=now, dry_run=dry_run)
        for line in lines:
            logger.info("Purged %s", line)
        summary["purged"] += len(lines)
    return summary


def periodic_schedule(*, now=None):
    """Enqueue the next periodic run, unless one is already waiting; return whether one was enqueued.

    Only with the database backend, whose queue can be asked what waits;
    with another (the immediate one of the tests) cron runs the command.
    """
    if not isinstance(task_backends[periodic.backend], DatabaseBackend):
        return False
    if DBTaskResult.objects.filter(task_path=periodic.module_path, status=TaskResultStatus.READY).exists():
        return False
    now = now or timezone.now()
    periodic.using(run_after=now + settings.NOTIFICATIONS_PERIOD).enqueue()
    return True


@task
def periodic():
    try:
        return periodic_run()
    finally:
        periodic_schedule()
