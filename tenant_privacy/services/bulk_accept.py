""" "Accept all above a score" as a job: thousands of links do not wait in a request.

Linking one suggestion takes some milliseconds (a merge record, the moved links, an
audit event); a tenant's first review can accept ten thousand at once, minutes of
work. The page therefore records an :class:`~tenant_privacy.models.AcceptJob` and
hands it to the job runner: inline under the embedded default, else an rq worker.
The job runs :func:`~.duplicates.accept_above` in one transaction, so it links all
it planned or nothing. Library functions flush and never commit; the job commits.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from .. import jobs
from ..models import AcceptJob
from ..models import utcnow
from . import duplicates
from . import job_rows

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

__all__ = [
    "CHANGED_MEANWHILE",
    "enqueue",
    "is_stale",
    "latest",
    "run_accept_job",
    "start",
]

#: Errors meaning the grouping changed while the job planned or linked.
CHANGED_MEANWHILE = frozenset({"MergeConflict", "InvalidInput", "NotFound"})

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


def start(scope: TenantScope, actor: str, min_score: float) -> AcceptJob:
    """A queued accept job of the tenant; the caller commits, then :func:`enqueue`.

    :raises InvalidInput: if *min_score* is not a number in [0, 1].
    """
    job = AcceptJob(
        tenant_key=scope.tenant,
        status=QUEUED,
        min_score=duplicates.check_score(min_score),
        actor=actor,
        accepted=0,
        held=0,
    )
    scope.session.add(job)
    scope.session.flush()
    return job


def enqueue(job: AcceptJob) -> None:
    """Hand a committed accept job to the job runner (inline or rq)."""
    jobs.enqueue(
        "tenant_privacy.services.bulk_accept.run_accept_job",
        tenant=job.tenant_key,
        job_id=job.id,
    )


def run_accept_job(tenant: str, job_id: int) -> int:
    """Job entry point: accept every pending suggestion above the job's score.

    Idempotent: a job that is not queued is not run again. One transaction for all
    the links; on failure nothing is linked, the job is marked failed with the
    error's class name (no personal data) and the error re-raised. Returns the
    number of suggestions accepted.
    """
    from ..proxies import current_privacy

    scope = current_privacy.scope(tenant)
    session = scope.session
    job = scope.get(AcceptJob, id=int(job_id))
    if job.status != QUEUED:
        return job.accepted
    job.status = RUNNING
    session.commit()
    try:
        plan = duplicates.accept_above(scope, job.actor, job.min_score)
        job.status = DONE
        job.accepted, job.held = len(plan.accept), len(plan.hold)
        job.finished_at = utcnow()
        session.commit()
        return job.accepted
    except Exception as exc:
        session.rollback()
        job_rows.mark_failed(scope, AcceptJob, job_id, exc)
        session.commit()
        raise


def latest(scope: TenantScope) -> AcceptJob | None:
    """The tenant's most recent accept job, or None."""
    stmt = scope.select(AcceptJob).order_by(AcceptJob.id.desc()).limit(1)
    return scope.session.scalars(stmt).first()


def is_stale(job: AcceptJob) -> bool:
    """True when *job* is queued or running for longer than a job may run
    (``TENANT_PRIVACY_JOB_TIMEOUT``): its worker is gone."""
    from ..config import config_value

    if job.status not in (QUEUED, RUNNING):
        return False
    limit = dt.timedelta(seconds=int(config_value("JOB_TIMEOUT")))
    return job_rows.age(job.created_at) > limit
