""" "Accept all above a score" as a job: thousands of links do not wait in a request.

Linking one suggestion takes some milliseconds (a merge record, the moved links, an
audit event); a tenant's first review can accept ten thousand at once, minutes of
work. The page therefore records an :class:`~tenant_privacy.models.AcceptJob` and
hands it to the job runner (job ``accept_above``): inline under the embedded
default, else an rq worker. The job runs :func:`.review.accept_above` in one
transaction, so it links all it planned or nothing.
"""

from __future__ import annotations

import typing as t

from ...models import AcceptJob
from ...store import jobs as job_rows
from .review import accept_above
from .review import check_score

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = ["CHANGED_MEANWHILE", "latest_accept_run", "run_accept", "start_accept"]

#: Errors meaning the grouping changed while the job planned or linked.
CHANGED_MEANWHILE = frozenset({"MergeConflict", "InvalidInput", "NotFound"})


def start_accept(scope: TenantScope, actor: str, min_score: t.Any) -> AcceptJob:
    """A queued accept job of the tenant; the caller commits, then hands it to the
    job runner.

    :raises InvalidInput: if *min_score* is not a number in [0, 1].
    """
    return job_rows.queue(
        scope, AcceptJob, actor, min_score=check_score(min_score), accepted=0, held=0
    )


def run_accept(scope: TenantScope, job: AcceptJob) -> int:
    """Accept every pending suggestion above the job's score, in the caller's
    transaction; record the counts on *job*; return the number accepted."""
    plan = accept_above(scope, job.actor, job.min_score)
    job.accepted, job.held = len(plan.accept), len(plan.hold)
    job.total = job.progress = len(plan.accept)
    return job.accepted


def latest_accept_run(scope: TenantScope) -> AcceptJob | None:
    """The tenant's most recent accept job, or None."""
    return job_rows.latest(scope, AcceptJob)
