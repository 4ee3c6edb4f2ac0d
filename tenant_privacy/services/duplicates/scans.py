"""Full duplicate scans of a tenant: starting one, running it, reading their state.

A *scan* reads every person record of one tenant, files each under hashed blocking
keys (:class:`~tenant_privacy.models.BlockingKey`), remembers a fingerprint of its
identity values (:class:`~tenant_privacy.models.MatchRecord`), runs
:func:`~tenant_privacy.matching.scan_duplicates` and stores the pairs as
suggestions (:mod:`.suggestions`). Our tables hold hashes and ids only, never
personal values. The scan row is a job row: :mod:`tenant_privacy.jobs.scan` runs
it through the one job lifecycle.
"""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa

from ... import matching
from ...errors import ScanInProgress
from ...models import SUBJECT_ERASED
from ...models import BlockingKey
from ...models import JobStatus
from ...models import MatchRecord
from ...models import ScanJob
from ...models import Subject
from ...models import SubjectRecord
from ...models import utcnow
from ...store import jobs as job_rows
from ...store import locks
from ...store.locks import tenant_lock
from ...store.refs import RecordRef
from ...store.refs import parse_ref
from .. import audit
from . import index as mi
from .calibration import threshold
from .incremental import match_record
from .suggestions import count_pending
from .suggestions import store_scan_pairs

if t.TYPE_CHECKING:
    from ...registry import PersonSource
    from ...store.scope import TenantScope

__all__ = [
    "active_scan",
    "latest_scan",
    "run_scan",
    "scan_phase",
    "start_scan",
]

#: Records read, normalised and indexed per checkpoint of a scan.
SCAN_BATCH = 1000
#: ``progress(done, total)``: called after each batch; the job commits there.
ProgressFn = t.Callable[[int, int], None]


def start_scan(scope: TenantScope, actor: str) -> ScanJob:
    """Create a queued scan of the tenant and audit it; the caller commits, then
    hands it to the job runner (job ``scan``).

    :param actor: the audit ref of who starts it (``"user:<id>"``).
    :raises ScanInProgress: while another scan of the tenant is queued or running
        (and not stale, see :func:`active_scan`).
    """
    tenant_lock(scope, locks.SCAN_START)  # two officers starting at once: one scan
    if active_scan(scope) is not None:
        raise ScanInProgress("a duplicate scan of this tenant is already running")
    scan = job_rows.queue(scope, ScanJob, actor)
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SCAN_STARTED,
        data={"scan": scan.id},
    )
    return scan


def run_scan(scope: TenantScope, scan: ScanJob, progress: ProgressFn) -> int:
    """Read and normalise every person record of the tenant, then, in one final
    step, replace the tenant's index and store the pairs found; return the number
    of pending suggestions. Flushes; *progress* is called after each batch read
    (the job commits there, so a page polling the scan sees it advance).

    The index is only replaced at the end, under the grouping lock, so incremental
    matching goes on while the scan reads, and a scan that fails leaves the
    previous index in use. Records saved, added or deleted while it read are
    reconciled in that final step (see :func:`_replace_index`).
    """
    scan.keys_version = matching.KEYS_VERSION
    scan.total = _count(scope)
    progress(0, scan.total)
    # a minute early: a record matched just before, whose commit the scan did not
    # see yet, is matched again too (costs a few extra matches, never a miss)
    read_since = utcnow() - dt.timedelta(minutes=1)
    region = mi.tenant_region(scope)
    reads: list[mi.ReadRecord] = []
    for source in scope.registry.person_sources():
        for rows in _batches(scope, source):
            reads.extend(mi.read_row(scope, source, row, region) for row in rows)
            progress(min(len(reads), scan.total), scan.total)
    result = matching.scan_duplicates([r.nr for r in reads], threshold=threshold(scope))
    scan.household_rate = result.household_rate
    tenant_lock(scope, locks.GROUPING)  # incremental matching waits from here on
    live = _live_refs(scope)
    reads = [r for r in reads if parse_ref(r.nr.id) in live]
    pairs = [
        p for p in result.pairs if parse_ref(p.a) in live and parse_ref(p.b) in live
    ]
    changed = _replace_index(scope, reads, read_since)
    prints = {parse_ref(r.nr.id): r.fingerprint for r in reads}
    del reads, result
    scan.suggestions = store_scan_pairs(scope, pairs, prints)
    for ref in sorted(changed | (live - prints.keys())):
        match_record(scope, *ref)  # saved or added while the scan read
    scan.suggestions = count_pending(scope)
    audit.record(
        scope.session,
        scope.tenant,
        scan.actor,
        audit.Action.SCAN_FINISHED,
        data={
            "scan": scan.id,
            "records": scan.total,
            "suggestions": scan.suggestions,
        },
    )
    scope.session.flush()
    return scan.suggestions


def _live_refs(scope: TenantScope) -> set[RecordRef]:
    """The refs of every person record the tenant holds now (ids only), less the
    records of erased persons: what is left of them is never matched again."""
    refs: set[RecordRef] = set()
    for source in scope.registry.person_sources():
        id_col = source.column(source.id_column)
        stmt = scope.source_select(source).with_only_columns(id_col)
        refs.update((source.key, str(i)) for i in scope.session.scalars(stmt))
    erased = scope.session.execute(
        sa.select(SubjectRecord.source_key, SubjectRecord.record_id)
        .join(Subject, Subject.id == SubjectRecord.subject_id)
        .where(
            SubjectRecord.tenant_key == scope.tenant, Subject.state == SUBJECT_ERASED
        )
    )
    return refs - {(key, rid) for key, rid in erased}


def _replace_index(
    scope: TenantScope, reads: list[mi.ReadRecord], read_since: dt.datetime
) -> set[RecordRef]:
    """Replace the tenant's stored index by the scan's; return the refs that
    incremental matching indexed after the scan began reading (their values may
    be newer than what the scan read: the caller matches them again)."""
    session = scope.session
    changed = {
        (row.source_key, row.record_id)
        for row in session.scalars(
            scope.select(MatchRecord).where(MatchRecord.updated_at >= read_since)
        )
    }
    for model in (BlockingKey, MatchRecord):
        session.execute(sa.delete(model).where(model.tenant_key == scope.tenant))
    for start in range(0, len(reads), SCAN_BATCH):
        mi.write_index(scope, reads[start : start + SCAN_BATCH])
    return changed


def _count(scope: TenantScope) -> int:
    total = 0
    for source in scope.registry.person_sources():
        stmt = sa.select(sa.func.count()).select_from(
            scope.source_select(source).subquery()
        )
        total += int(scope.session.scalar(stmt) or 0)
    return total


def _batches(scope: TenantScope, source: PersonSource) -> t.Iterator[list[t.Any]]:
    """Rows of *source* in id order, :data:`SCAN_BATCH` at a time (keyset paging)."""
    id_col = source.column(source.id_column)
    last: t.Any = None
    while True:
        stmt = mi.identity_select(scope, source).order_by(id_col).limit(SCAN_BATCH)
        if last is not None:
            stmt = stmt.where(id_col > last)
        rows = list(scope.session.scalars(stmt))
        if not rows:
            return
        last = getattr(rows[-1], source.id_column)
        yield rows
        if len(rows) < SCAN_BATCH:
            return


# -- state ----------------------------------------------------------------------------
def scan_phase(scan: ScanJob, config: t.Mapping[str, t.Any]) -> str:
    """What *scan* is doing: "queued", "reading" (records are read, normalised
    and indexed: progress counts them), "comparing" (all read; pairs are scored
    and suggestions saved), "done", "failed", or "stale" (its job gave no sign of
    life, see :func:`tenant_privacy.store.jobs.is_stale`)."""
    if job_rows.is_stale(scan, config):
        return "stale"
    if scan.status == JobStatus.RUNNING:
        return "reading" if (scan.progress or 0) < (scan.total or 0) else "comparing"
    return str(scan.status)


def active_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's queued or running scan, if any; stale ones are marked failed
    (the caller commits), so that a new scan can start."""
    return job_rows.reap_stale(scope, ScanJob)


def latest_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's most recent scan, or None."""
    return job_rows.latest(scope, ScanJob)
