"""The periodic jobs given to ``rq cron``: the catalog's own jobs, through the same
worker entry point as every other job, and each runs in an app."""

from __future__ import annotations

from croniter import croniter

from tenant_privacy.jobs import cron
from tenant_privacy.jobs.catalog import JOBS
from tenant_privacy.jobs.runner import perform


def test_the_periodic_jobs_are_catalog_jobs_through_perform():
    names = [entry["args"][0] for entry in cron.REGISTERED]
    assert sorted(names) == ["expire_exports", "purpose_review", "retention_run"]
    for entry in cron.REGISTERED:
        assert entry["func"] is perform and entry["args"][0] in JOBS
        assert croniter.is_valid(entry["cron"])
        assert entry["queue_name"] == cron.QUEUE


def test_each_periodic_job_runs_in_an_app(make_app):
    app = make_app()
    with app.app_context():
        for name in cron.SCHEDULE:
            assert perform(name, None, {}) == 0  # nothing due in an empty tenant
