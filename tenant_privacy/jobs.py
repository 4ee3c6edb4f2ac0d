"""Background jobs: thin entry points and two runners (inline, rq).

Jobs take primitives only (tenant key, ids), enter an app context, call one service and
commit. Under the embedded default (``TENANT_PRIVACY_JOBS_INLINE``) they run at once in
the calling process; otherwise they go to Redis and an ``rq worker`` runs them, building
the app with the factory named in ``TENANT_PRIVACY_APP_FACTORY``.
"""

from __future__ import annotations

import logging
import typing as t

from flask import Flask
from flask import current_app
from flask import has_app_context
from werkzeug.utils import import_string

from .config import PREFIX

log = logging.getLogger(__name__)

_worker_apps: dict[str, Flask] = {}


class InlineJobRunner:
    """Runs each job synchronously in the caller's app context."""

    inline = True

    def enqueue(self, target: str, **kwargs: t.Any) -> str | None:
        """Run ``target(**kwargs)`` now; return None (there is no queue id)."""
        run_job(target, None, kwargs)
        return None


class RQJobRunner:
    """Puts jobs on an rq queue in Redis."""

    inline = False

    def __init__(self, redis_url: str, queue_name: str, timeout: int, factory: str):
        from redis import Redis
        from rq import Queue

        self.queue = Queue(queue_name, connection=Redis.from_url(redis_url))
        self.timeout = timeout
        self.factory = factory

    def enqueue(self, target: str, **kwargs: t.Any) -> str | None:
        """Queue ``target(**kwargs)``; return the rq job id."""
        job = self.queue.enqueue(
            "tenant_privacy.jobs.run_job",
            target,
            self.factory,
            kwargs,
            job_timeout=self.timeout,
            result_ttl=3600,
            failure_ttl=30 * 86400,
        )
        return str(job.id)


JobRunner = InlineJobRunner | RQJobRunner


def make_job_runner(app: Flask) -> JobRunner:
    """The runner *app*'s configuration asks for."""
    if app.config[PREFIX + "JOBS_INLINE"]:
        return InlineJobRunner()
    factory = app.config[PREFIX + "APP_FACTORY"]
    if not factory:
        from .errors import ConfigError

        raise ConfigError(
            "TENANT_PRIVACY_APP_FACTORY (e.g. 'wsgi:create_app') is needed by rq"
        )
    return RQJobRunner(
        app.config[PREFIX + "REDIS_URL"],
        app.config[PREFIX + "QUEUE_NAME"],
        int(app.config[PREFIX + "JOB_TIMEOUT"]),
        factory,
    )


def enqueue(target: str, **kwargs: t.Any) -> str | None:
    """Hand the job function *target* (a dotted path) and its primitive *kwargs*
    to the current app's runner: run now under the inline default, else queued on
    rq. Returns the rq job id, or None when it ran inline."""
    runner: JobRunner = current_app.extensions["tenant_privacy"].services["jobs"]
    return runner.enqueue(target, **kwargs)


def _worker_app(factory: str) -> Flask:
    if factory not in _worker_apps:
        module, _, attr = factory.partition(":")
        create = import_string(f"{module}.{attr or 'create_app'}")
        _worker_apps[factory] = create()
    return _worker_apps[factory]


def run_job(target: str, factory: str | None, kwargs: dict[str, t.Any]) -> t.Any:
    """Run the job function *target* inside an app context; the worker entry point.

    In a worker process the app is built once from *factory* and reused.
    """
    func = import_string(target)
    if has_app_context():
        return func(**kwargs)
    if not factory:
        raise RuntimeError("a job outside an app context needs an app factory")
    app = _worker_app(factory)
    with app.app_context():
        try:
            return func(**kwargs)
        finally:
            current_app.extensions["tenant_privacy"].db.session.remove()
