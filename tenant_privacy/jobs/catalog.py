"""Every job by name, with the queue it runs on: the one table the runners read.

A queued job names its entry here (``"scan"``), never by a dotted path, so a
rename cannot strand jobs waiting in Redis and a typo fails when it is queued.
A new capability adds its job module and one line here.

Two queues keep long jobs from waiting behind per-record work: :data:`MAIN`
(``TENANT_PRIVACY_QUEUE_NAME``: scans, accepting, later exports and erasures) and
:data:`RECORDS` (``<QUEUE_NAME>-records``: incremental matching of saved records).
A worker listens to both, main first (rq takes queues in the order given), so a
scan queued behind a thousand record batches is the next job taken.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from . import disclosure
from . import duplicates
from . import erasure

#: Queue of long jobs a person waits for (``TENANT_PRIVACY_QUEUE_NAME``).
MAIN = "main"
#: Queue of per-record matching (``<QUEUE_NAME>-records``).
RECORDS = "records"


@dataclass(frozen=True)
class JobSpec:
    """One job: its entry point (keyword arguments of ids only) and its queue."""

    func: t.Callable[..., t.Any]
    queue: t.Literal["main", "records"] = MAIN


#: Job name -> :class:`JobSpec`.
JOBS: dict[str, JobSpec] = {
    "scan": JobSpec(duplicates.scan_job, MAIN),
    "accept_above": JobSpec(duplicates.accept_above_job, MAIN),
    "match_records": JobSpec(duplicates.match_records_job, RECORDS),
    "build_export": JobSpec(disclosure.build_export_job, MAIN),
    "expire_exports": JobSpec(disclosure.expire_exports_job, MAIN),
    "erase": JobSpec(erasure.erase_job, MAIN),
    "erase_batch": JobSpec(erasure.erase_batch_job, MAIN),
    "retention_run": JobSpec(erasure.retention_run_job, MAIN),
    "purpose_review": JobSpec(erasure.purpose_review_job, MAIN),
}


def queue_name(base: str, queue: str) -> str:
    """The rq queue name of catalog queue *queue* under ``QUEUE_NAME`` *base*."""
    return base if queue == MAIN else f"{base}-{queue}"
