"""Running the worker inside a test: what `manage.py db_worker --batch` does, on the test's own connection."""

from core.worker import ResilientWorker


def run_worker(worker_id="worker-1", max_tasks=None):
    """Run every task that is due (or `max_tasks` of them), then stop: the project's worker, without its reaper."""
    ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()
