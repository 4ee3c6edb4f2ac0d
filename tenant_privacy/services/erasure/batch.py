"""Many erasures as one job: one erasure request per person in the register,
each erased in a transaction of its own by the ``erase_batch`` job.

Used by a bulk erasure an officer or a script asks for, and by the purpose review
(:mod:`.purpose`) once its batch is approved.
"""

from __future__ import annotations

import typing as t

from ...models import ErasureBatch
from ...models import ErasureJob
from ...models import JobStatus
from ...store import jobs as job_rows
from .execute import ERASED
from .execute import request_erasure

if t.TYPE_CHECKING:
    from ...models import PrivacyRequest
    from ...store.scope import TenantScope

__all__ = ["batch_jobs", "request_erasures"]


def request_erasures(
    scope: TenantScope,
    actor: str,
    subject_ids: t.Iterable[int],
    *,
    channel: str = "officer",
) -> tuple[ErasureBatch, dict[int, PrivacyRequest]]:
    """Register an erasure of every subject of *subject_ids* (those erased
    already are left out) and queue them as one batch; each request is audited.
    Flushes; the caller commits, then hands the batch to the runner (job
    ``erase_batch``). Returns the batch and subject id -> its request.

    :raises NotFound: a subject not of this tenant (nothing is entered).
    """
    batch = job_rows.queue(scope, ErasureBatch, actor)
    made: dict[int, PrivacyRequest] = {}
    for subject_id in dict.fromkeys(int(i) for i in subject_ids):
        if scope.subject(subject_id).state == ERASED:
            continue
        request, job = request_erasure(scope, actor, subject_id, channel=channel)
        job.batch_id = batch.id
        made[subject_id] = request
    batch.total = len(made)
    scope.session.flush()
    return batch, made


def batch_jobs(scope: TenantScope, batch_id: int) -> list[int]:
    """Ids of the queued erasure jobs of batch *batch_id*, in order."""
    stmt = (
        scope.select(ErasureJob)
        .where(
            ErasureJob.batch_id == batch_id,
            ErasureJob.status == JobStatus.QUEUED.value,
        )
        .order_by(ErasureJob.id)
    )
    return [job.id for job in scope.session.scalars(stmt)]
