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

import typing as t

import sqlalchemy as sa

from ... import matching
from ...config import config_value
from ...errors import ScanInProgress
from ...models import BlockingKey
from ...models import JobStatus
from ...models import MatchRecord
from ...models import ScanJob
from ...store import jobs as job_rows
from ...store import locks
from ...store.locks import tenant_lock
from ...store.refs import RecordRef
from .. import audit
from . import index as mi
from .suggestions import store_scan_pairs

if t.TYPE_CHECKING:
    from ...registry import PersonSource
    from ...store.scope import TenantScope

__all__ = [
    "active_scan",
    "index_outdated",
    "last_finished_scan",
    "latest_scan",
    "run_scan",
    "scan_phase",
    "start_scan",
    "tenant_has_households",
    "threshold",
]

#: Records read, normalised and indexed per checkpoint of a scan.
SCAN_BATCH = 1000
#: ``progress(done, total)``: called after each batch; the job commits there.
ProgressFn = t.Callable[[int, int], None]


def threshold(scope: TenantScope) -> float | None:
    """The configured match threshold, or None for the matcher's default."""
    value = config_value("MATCH_THRESHOLD", scope.config)
    return None if value is None else float(value)


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
    scan = ScanJob(tenant_key=scope.tenant, status=JobStatus.QUEUED, actor=actor)
    scope.session.add(scan)
    scope.session.flush()
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SCAN_STARTED,
        data={"scan": scan.id},
    )
    return scan


def run_scan(scope: TenantScope, scan: ScanJob, progress: ProgressFn) -> int:
    """Index every person record of the tenant and store the pairs found; return
    the number of pending suggestions. Flushes; *progress* is called after each
    batch (the job commits there, so a page polling the scan sees it advance)."""
    session = scope.session
    scan.keys_version = matching.KEYS_VERSION
    scan.total = _count(scope)
    for model in (BlockingKey, MatchRecord):
        session.execute(sa.delete(model).where(model.tenant_key == scope.tenant))
    progress(0, scan.total)
    region = mi.tenant_region(scope)
    nrs: list[matching.NormalizedRecord] = []
    prints: dict[RecordRef, str] = {}
    for source in scope.registry.person_sources():
        for rows in _batches(scope, source):
            batch = [mi.read_row(scope, source, row, region) for row in rows]
            prints.update(mi.write_index(scope, batch))
            nrs.extend(read.nr for read in batch)
            progress(min(len(nrs), scan.total), scan.total)
    result = matching.scan_duplicates(nrs, threshold=threshold(scope))
    scan.household_rate = result.household_rate
    del nrs
    scan.suggestions = store_scan_pairs(scope, result.pairs, prints)
    audit.record(
        session,
        scope.tenant,
        scan.actor,
        audit.Action.SCAN_FINISHED,
        data={
            "scan": scan.id,
            "records": scan.total,
            "suggestions": scan.suggestions,
        },
    )
    session.flush()
    return scan.suggestions


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


def last_finished_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's newest scan that finished ("done"), or None."""
    stmt = (
        scope.select(ScanJob)
        .filter_by(status=JobStatus.DONE.value)
        .order_by(ScanJob.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def index_outdated(scope: TenantScope) -> bool:
    """True when the tenant's stored blocking keys are of an older matcher version.

    The keys were written by the last finished scan; after an upgrade that
    changed them (:data:`tenant_privacy.matching.KEYS_VERSION`), a record saved
    now misses candidates filed under the old keys until the tenant is scanned
    again. False for a tenant never scanned.
    """
    scan = last_finished_scan(scope)
    return scan is not None and scan.keys_version != matching.KEYS_VERSION


def tenant_has_households(scope: TenantScope) -> bool:
    """How incremental matching reads the tenant: as its last finished scan measured.

    False only when the newest finished scan found the data household-free
    (see :mod:`tenant_privacy.matching.households`); without a scan, True (the
    strict reading that keeps relatives apart).
    """
    scan = last_finished_scan(scope)
    if scan is None or scan.household_rate is None:
        return True
    return scan.household_rate >= matching.HOUSEHOLD_FREE_RATE
