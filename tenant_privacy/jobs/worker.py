"""rq worker classes that build the host's app once per worker, not once per job.

rq's default ``Worker`` forks a work horse for every job, and a forked horse
loses whatever it built: each job used to build the whole app from
``TENANT_PRIVACY_APP_FACTORY`` (0.6-0.9 s) before it did any work.
:class:`PrivacyWorker` builds the app in the worker itself before the first fork
(from the factory the job names), so every horse inherits it; in the horse the
parent's pooled database connections are left to the parent
(``engine.dispose(close=False)``, as SQLAlchemy documents for ``fork()``).

Start it with rq's ``--worker-class``, listening to the main queue first::

    rq worker --worker-class tenant_privacy.jobs.worker.PrivacyWorker \\
        --url "$REDIS_URL" tenant_privacy tenant_privacy-records

Jobs of the records queue (:data:`~.catalog.RECORDS`: a batch of incremental
matches, short and frequent) :class:`PrivacyWorker` runs in the worker process
itself, as rq's ``SimpleWorker`` does: a fork and a cold start (new database
connections, empty statement caches) cost 30 ms a job, more than matching a
batch of a hundred records. Long jobs (scans, exports, erasures) still get a
horse of their own.

:class:`PrivacySimpleWorker` runs every job in the worker process itself (no
fork): a little faster per job, but a job that crashes the process stops the
worker, and memory a job leaves behind stays.

A worker whose environment sets ``TENANT_PRIVACY_APP_FACTORY`` (``"wsgi:create_app"``)
builds that app when it starts, so its first job does not wait for it either.

This module imports rq; the rest of the package does not need it.
"""

from __future__ import annotations

import logging
import os
import typing as t

from rq.worker import SimpleWorker
from rq.worker import Worker

from .catalog import JOBS
from .catalog import RECORDS
from .runner import after_fork
from .runner import perform
from .runner import worker_app

if t.TYPE_CHECKING:
    from rq.job import Job
    from rq.queue import Queue

__all__ = ["PrivacySimpleWorker", "PrivacyWorker"]

log = logging.getLogger(__name__)

_PERFORM = f"{perform.__module__}.{perform.__qualname__}"


def _prepare_app(job: Job) -> None:
    """Build the app a job of ours names, in this process, once."""
    try:
        if job.func_name != _PERFORM or len(job.args) < 2 or not job.args[1]:
            return
        worker_app(str(job.args[1]))
    except Exception:
        # the job builds it again and fails with the reason in its own result
        log.exception("building the app for job %s failed", job.id)


#: Environment variable naming the app factory a worker builds when it starts.
FACTORY_ENV = "TENANT_PRIVACY_APP_FACTORY"


def preload_app() -> None:
    """Build the app named by :data:`FACTORY_ENV`, if set (once per process)."""
    factory = os.environ.get(FACTORY_ENV, "").strip()
    if factory:
        worker_app(factory)


def _in_process(job: Job) -> bool:
    """True for a job of ours on the records queue (run without a fork)."""
    try:
        if job.func_name != _PERFORM or not job.args:
            return False
        spec = JOBS.get(str(job.args[0]))
    except Exception:  # a job whose data cannot be read: rq reports it
        return False
    return spec is not None and spec.queue == RECORDS


class PrivacyWorker(Worker):
    """rq's forking worker, with the app built once before it forks; jobs of the
    records queue run in the worker itself."""

    def work(self, *args: t.Any, **kwargs: t.Any) -> bool:
        """Build the app of :data:`FACTORY_ENV` (if set), then take jobs."""
        preload_app()
        return super().work(*args, **kwargs)

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Build the job's app here (once), then run a records job here, or fork
        and run any other job in a horse."""
        _prepare_app(job)
        if _in_process(job):
            SimpleWorker.execute_job(self, job, queue)  # type: ignore[arg-type]
            return
        super().execute_job(job, queue)

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        """In the forked horse: drop the parent's connections, then run."""
        after_fork()
        super().main_work_horse(job, queue)


class PrivacySimpleWorker(SimpleWorker):
    """rq's non-forking worker; the app is built once, in the worker."""

    def work(self, *args: t.Any, **kwargs: t.Any) -> bool:
        """Build the app of :data:`FACTORY_ENV` (if set), then take jobs."""
        preload_app()
        return super().work(*args, **kwargs)

    def execute_job(self, job: Job, queue: Queue) -> None:
        """Build the job's app (once) and run the job in this process."""
        _prepare_app(job)
        super().execute_job(job, queue)
