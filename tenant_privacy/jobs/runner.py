"""The two job runners (inline, rq) and the worker entry point.

Under the embedded default (``TENANT_PRIVACY_JOBS_INLINE``) a job runs at once in
the calling process and app context; otherwise it goes to the Redis queue its
catalog entry names, and an rq worker runs it in an app built from
``TENANT_PRIVACY_APP_FACTORY``. Either way the job is looked up by name in
:data:`~.catalog.JOBS` and given keyword arguments of ids only.

The app is built once per process (:func:`worker_app`). rq's default worker forks
a new process for every job, which would build it again each time (0.6-0.9 s);
:class:`tenant_privacy.jobs.worker.PrivacyWorker` builds it in the worker before
it forks, so every job's process inherits it.
"""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import current_app
from flask import has_app_context
from sqlalchemy import orm as sa_orm
from werkzeug.utils import import_string

from ..config import config_value
from ..errors import ConfigError
from .catalog import JOBS
from .catalog import MAIN
from .catalog import RECORDS
from .catalog import queue_name as queue_name_of

__all__ = [
    "InlineJobRunner",
    "JobRunner",
    "RQJobRunner",
    "after_fork",
    "make_job_runner",
    "perform",
    "worker_app",
]

_worker_apps: dict[str, Flask] = {}


def _check(name: str) -> None:
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}")


class InlineJobRunner:
    """Runs each job synchronously in the caller's app context."""

    inline = True

    def enqueue(self, name: str, **kwargs: t.Any) -> str | None:
        """Run job *name* now with *kwargs*; return None (there is no queue id)."""
        _check(name)
        perform(name, None, kwargs)
        return None


class RQJobRunner:
    """Puts jobs on rq queues in Redis: *queue_name* for long jobs, and
    ``<queue_name>-records`` for per-record matching (see :mod:`.catalog`)."""

    inline = False

    def __init__(self, redis_url: str, queue_name: str, timeout: int, factory: str):
        # rq and redis are an optional extra, imported only when jobs leave the
        # process (JOBS_INLINE off)
        try:
            from redis import Redis
            from rq import Queue
        except ImportError as exc:
            raise ConfigError(
                "TENANT_PRIVACY_JOBS_INLINE is off but rq is not installed: "
                "pip install 'tenant_privacy[rq]'"
            ) from exc
        redis = Redis.from_url(redis_url)
        self.queues = {
            queue: Queue(queue_name_of(queue_name, queue), connection=redis)
            for queue in (MAIN, RECORDS)
        }
        self.timeout = timeout
        self.factory = factory

    def enqueue(self, name: str, **kwargs: t.Any) -> str | None:
        """Queue job *name* with *kwargs*; return the rq job id."""
        _check(name)
        job = self.queues[JOBS[name].queue].enqueue(
            perform,
            name,
            self.factory,
            kwargs,
            job_timeout=self.timeout,
            result_ttl=3600,
            failure_ttl=30 * 86400,
        )
        return str(job.id)


JobRunner = InlineJobRunner | RQJobRunner


def make_job_runner(config: t.Mapping[str, t.Any]) -> JobRunner:
    """The runner an app's *config* asks for.

    :raises ConfigError: rq without an app factory, or without rq installed.
    """
    if config_value("JOBS_INLINE", config):
        return InlineJobRunner()
    factory = config_value("APP_FACTORY", config)
    if not factory:
        raise ConfigError(
            "TENANT_PRIVACY_APP_FACTORY (e.g. 'wsgi:create_app') is needed by rq"
        )
    return RQJobRunner(
        config_value("REDIS_URL", config),
        config_value("QUEUE_NAME", config),
        int(config_value("JOB_TIMEOUT", config)),
        factory,
    )


def worker_app(factory: str) -> Flask:
    """The app of *factory* (``"module:function"``), built once per process.

    Its mappers are configured at once, so a process forked from this one does
    not do it again for each job.
    """
    if factory not in _worker_apps:
        module, _, attr = factory.partition(":")
        create = import_string(f"{module}.{attr or 'create_app'}")
        app = create()
        sa_orm.configure_mappers()
        _worker_apps[factory] = app
    return _worker_apps[factory]


def after_fork() -> None:
    """In a process just forked from a worker: leave the parent's database
    connections to the parent (SQLAlchemy's ``engine.dispose(close=False)`` for
    multiprocessing), so this process opens its own."""
    for app in _worker_apps.values():
        state = app.extensions.get("tenant_privacy")
        if state is None:
            continue
        with app.app_context():
            for engine in state.db.engines.values():
                engine.dispose(close=False)


def perform(name: str, factory: str | None, kwargs: dict[str, t.Any]) -> t.Any:
    """Run job *name* inside an app context; the worker's entry point.

    Inside an app context (inline) it runs there; in a worker process the app is
    built once from *factory* and its session removed after each job.
    """
    func = JOBS[name].func
    if has_app_context():
        return func(**kwargs)
    if not factory:
        raise RuntimeError("a job outside an app context needs an app factory")
    app = worker_app(factory)
    with app.app_context():
        try:
            return func(**kwargs)
        finally:
            current_app.extensions["tenant_privacy"].db.session.remove()
