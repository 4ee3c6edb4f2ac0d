"""Job entry points of the duplicates capability: scan, accept above, match one.

Each takes ids only, enters nothing itself (the runner gives it an app context),
builds its tenant scope from the app, calls one service through
:func:`~.lifecycle.run_tracked` and commits. Running one twice is harmless.
"""

from __future__ import annotations

from ..models import AcceptJob
from ..models import ScanJob
from ..proxies import current_privacy
from ..services import duplicates
from ..services.tenants import is_enabled
from .lifecycle import Progress
from .lifecycle import ReportFn
from .lifecycle import run_tracked

__all__ = ["accept_above_job", "match_record_job", "scan_job"]


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


def match_record_job(tenant: str, source_key: str, record_id: str) -> int:
    """Match one record of *tenant* against its stored index and commit; a no-op
    where the module is off. Returns the record's pending suggestions."""
    session = current_privacy.session
    if not is_enabled(session, tenant):
        return 0
    found = duplicates.match_record(
        current_privacy.scope(tenant), source_key, str(record_id)
    )
    session.commit()
    return len(found)
