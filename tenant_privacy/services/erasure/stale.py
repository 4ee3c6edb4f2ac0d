"""Erasures whose worker went away: found when their requests are read.

A worker killed mid-erasure (out of memory, a deploy) leaves its job row running
and its request "erasing" (or "received", for a queued job it never reached).
:func:`refresh_all`, called wherever requests are shown, marks such a job failed
(error ``stale``, :func:`tenant_privacy.store.jobs.mark_stale`) and its request
failed, audited ``erasure.failed``, so the officer starts it again from the
request's page. An erasure is one transaction, so the killed one changed
nothing; and an erasure erases whatever of the person is left, so a retry
finishes one that was half done (a host whose tables commit apart from ours).

A single erasure is stale after ``ERASURE_STALE_MINUTES`` without a sign of
life. One of a bulk batch waits queued while the batch erases the persons before
it, so it lives as long as its batch: when the batch is stale, or ended without
reaching it, it and every other unfinished erasure of the batch fail; the
persons the batch finished stay done.
"""

from __future__ import annotations

import typing as t

from ...models import ACTIVE_JOB_STATUSES
from ...models import ErasureBatch
from ...models import ErasureJob
from ...models import JobStatus
from ...models import PrivacyRequest
from ...store import jobs as job_rows
from .. import requests
from .execute import record_failure

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = ["refresh_all"]

#: States of an erasure request whose job may still be queued or running.
WAITING = (requests.RECEIVED, requests.ERASING)


def refresh_all(scope: TenantScope, rows: t.Sequence[PrivacyRequest]) -> None:
    """Bring the erasure requests among *rows* up to date with their jobs, with
    one query for their jobs (and one for their batches): a job whose worker went
    away is marked failed and its request failed (audited), as is a request
    whose job failed without saying so. Flushes; the caller commits."""
    pending = {
        row.id: row
        for row in rows
        if row.kind == requests.ERASURE and row.state in WAITING
    }
    if not pending:
        return
    latest: dict[int, ErasureJob] = {}
    for job in scope.session.scalars(
        scope.select(ErasureJob)
        .where(ErasureJob.request_id.in_(pending))
        .order_by(ErasureJob.id.desc())
    ):
        latest.setdefault(job.request_id, job)
    batch_ids = {j.batch_id for j in latest.values() if j.active and j.batch_id}
    for batch in _batches(scope, batch_ids):
        if job_rows.reap(scope, batch) or not batch.active:
            _fail_rest(scope, batch)
    for request_id, job in latest.items():
        if job.active and job.batch_id is None and job_rows.reap(scope, job):
            record_failure(scope, job.id)
        elif job.status == JobStatus.FAILED and pending[request_id].state in WAITING:
            record_failure(scope, job.id)  # its worker died before saying so
    scope.session.flush()


def _batches(scope: TenantScope, ids: set[int]) -> list[ErasureBatch]:
    if not ids:
        return []
    stmt = scope.select(ErasureBatch).where(ErasureBatch.id.in_(ids))
    return list(scope.session.scalars(stmt))


def _fail_rest(scope: TenantScope, batch: ErasureBatch) -> None:
    """Every erasure of *batch* not finished: failed (error ``stale``), its
    request failed and audited; one its worker still holds is left alone."""
    stmt = (
        scope.select(ErasureJob)
        .where(
            ErasureJob.batch_id == batch.id,
            ErasureJob.status.in_(ACTIVE_JOB_STATUSES),
        )
        .order_by(ErasureJob.id)
    )
    for job in scope.session.scalars(stmt).all():
        if job_rows.mark_stale(scope, job):
            record_failure(scope, job.id)
