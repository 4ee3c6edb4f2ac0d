"""The rq worker class: which jobs run without a fork, the app built at start."""

from __future__ import annotations

import pytest
from redis import Redis
from rq.job import Job

from tenant_privacy.jobs import worker
from tenant_privacy.jobs.runner import perform


def _job(*args: object) -> Job:
    # a job is only built here, never queued: the connection is not used
    return Job.create(perform, args=args, connection=Redis(port=1))


def test_record_batches_run_in_the_worker_and_long_jobs_in_a_horse() -> None:
    assert worker._in_process(_job("match_records", "wsgi:create_app", {}))
    for name in ("scan", "accept_above", "build_export", "erase"):
        assert not worker._in_process(_job(name, "wsgi:create_app", {}))
    assert not worker._in_process(_job("no_such_job", "wsgi:create_app", {}))
    other = Job.create(print, args=("match_records",), connection=Redis(port=1))
    assert not worker._in_process(other)


@pytest.mark.parametrize("factory", ["wsgi:create_app", " ", None])
def test_a_worker_builds_the_app_its_environment_names_when_it_starts(
    monkeypatch, factory
) -> None:
    built: list[str] = []
    monkeypatch.setattr(worker, "worker_app", built.append)
    if factory is None:
        monkeypatch.delenv(worker.FACTORY_ENV, raising=False)
    else:
        monkeypatch.setenv(worker.FACTORY_ENV, factory)
    worker.preload_app()
    assert built == (["wsgi:create_app"] if factory == "wsgi:create_app" else [])
