"""Job entry points of the duplicates capability: scan, accept above, match records.

Each takes ids only, enters nothing itself (the runner gives it an app context),
builds its tenant scope from the app, calls one service through
:func:`~.lifecycle.run_tracked` and commits. Running one twice is harmless.
"""

from __future__ import annotations

import logging
import typing as t

from ..models import AcceptJob
from ..models import ScanJob
from ..proxies import current_privacy
from ..services import duplicates
from ..services.tenants import is_enabled
from .lifecycle import Progress
from .lifecycle import ReportFn
from .lifecycle import run_tracked

__all__ = [
    "MATCH_BATCH",
    "accept_above_job",
    "match_records_job",
    "scan_job",
]

log = logging.getLogger(__name__)

#: Most records one ``match_records`` job matches (and commits at once). A batch
#: holds the tenant's grouping lock while it runs (well under 1 ms a record on the
#: bulk path), so links and reviews wait a fraction of a second behind one.
MATCH_BATCH = 200


def scan_job(tenant: str, scan_id: int, report: ReportFn | None = None) -> int | None:
    """Run the queued scan *scan_id* of *tenant*, committing batch by batch so its
    page shows progress. Returns the number of pending suggestions, or None when
    the scan was not queued (already run)."""

    def work(scan: ScanJob, progress: Progress) -> int:
        return duplicates.run_scan(scope, scan, progress)

    scope = current_privacy.scope(tenant)
    return run_tracked(
        scope, ScanJob, scan_id, work, commit_progress=True, report=report
    )


def accept_above_job(tenant: str, job_id: int) -> int | None:
    """Run the queued accept job *job_id* of *tenant* in one transaction: it links
    everything it planned or nothing. Returns the number accepted, or None when
    the job was not queued."""

    def work(job: AcceptJob, progress: Progress) -> int:
        return duplicates.run_accept(scope, job)

    scope = current_privacy.scope(tenant)
    return run_tracked(scope, AcceptJob, job_id, work)


def match_records_job(tenant: str, refs: t.Sequence[t.Sequence[str]]) -> int:
    """Match records *refs* (``[source_key, record_id]`` pairs) of *tenant* against
    its stored index and commit once; a no-op where the module is off. Returns the
    number of pending suggestions they have.

    The batch is matched at once
    (:func:`~tenant_privacy.services.duplicates.match_records`, the same result as
    one record after the other). When that fails, the batch is rolled back and
    matched again one record (and commit) at a time, so the others are kept; the
    first error is then re-raised (its records' ids are logged).
    """
    session = current_privacy.session
    if not is_enabled(session, tenant):
        return 0
    scope = current_privacy.scope(tenant)
    pairs = [(str(source_key), str(record_id)) for source_key, record_id in refs]
    try:
        found = duplicates.match_records(scope, pairs)
        session.commit()
        return found
    except Exception:
        session.rollback()
        if len(pairs) == 1:
            raise
    found, error = 0, None
    for source_key, record_id in pairs:
        try:
            found += len(duplicates.match_record(scope, source_key, record_id))
            session.commit()
        except Exception as exc:
            session.rollback()
            log.exception(
                "incremental match of %s:%s in tenant %s failed",
                source_key,
                record_id,
                tenant,
            )
            error = error or exc
    if error is not None:
        raise error
    return found
