"""The one lifecycle of every job row: queued -> running -> done or failed.

:func:`run_tracked` owns it. It starts a queued row (status, heartbeat), hands the
work a :class:`Progress` to report ``done`` of ``total`` (each report is a sign of
life; a job that commits batch by batch commits there), marks the row done, or on
an error rolls the work back, marks the row failed with the error's class name and
re-raises. A row that is not queued is left alone, so running a job twice is
harmless. Staleness (no sign of life for too long) is read by
:func:`tenant_privacy.store.jobs.is_stale`.

A job of one transaction (an erasure) reports too: its reports commit with its
work, but the first one locks its row, which is what shows it alive meanwhile
(:func:`tenant_privacy.store.jobs.mark_stale`); a step of a batch job passes the
batch's row as ``parent``, so that its reports keep the batch alive as well.
"""

from __future__ import annotations

import typing as t

from ..i18n import gettext
from ..models import JobRow
from ..models import JobStatus
from ..models import utcnow
from ..store import jobs as job_rows

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

J = t.TypeVar("J", bound=JobRow)
R = t.TypeVar("R")

#: ``report(done, total)``: a CLI command's progress bar, say.
ReportFn = t.Callable[[int, int], None]

__all__ = ["Progress", "failure_reason", "run_tracked"]


class Progress:
    """Reports a job's progress on its row; each report is a heartbeat.

    :param commit: commit at each report (a job whose work is committed batch by
        batch, like a scan); else flush only (a job of one transaction, whose
        progress shows when it ends).
    :param report: also tell this callable (a CLI progress bar).
    :param parent: the row of the batch job this job is a step of: each report
        is its heartbeat too.
    """

    def __init__(
        self,
        scope: TenantScope,
        row: JobRow,
        *,
        commit: bool,
        report: ReportFn | None = None,
        parent: JobRow | None = None,
    ) -> None:
        self.scope = scope
        self.row = row
        self.commit = commit
        self.report = report
        self.parent = parent

    def __call__(self, done: int, total: int) -> None:
        """Record that *done* of *total* units are done."""
        self.row.progress, self.row.total = done, total
        self.row.heartbeat_at = utcnow()
        if self.parent is not None:
            self.parent.heartbeat_at = self.row.heartbeat_at
        if self.commit:
            self.scope.session.commit()
        else:
            self.scope.session.flush()
        if self.report is not None:
            self.report(done, total)


def run_tracked(
    scope: TenantScope,
    model: type[J],
    row_id: int,
    work: t.Callable[[J, Progress], R],
    *,
    commit_progress: bool = False,
    report: ReportFn | None = None,
    commit_start: bool = True,
    parent: JobRow | None = None,
) -> R | None:
    """Run *work* for the queued job row *row_id* of *model* through its lifecycle;
    commit. Returns what *work* returned, or None when the row was not queued.

    On an error the work is rolled back, the row marked failed (class name of the
    error only) and the error re-raised.

    :param commit_start: commit the ``running`` state before the work (a page
        shows it); False for a job run as one step of a batch job, whose own row
        carries the heartbeat: its start commits with its work.
    :param parent: that batch job's row, kept alive by this job's reports.
    """
    session = scope.session
    row = scope.get(model, id=int(row_id))
    if row.status != JobStatus.QUEUED:
        return None
    row.status = JobStatus.RUNNING
    row.heartbeat_at = utcnow()
    if commit_start:
        session.commit()
    progress = Progress(
        scope, row, commit=commit_progress, report=report, parent=parent
    )
    try:
        result = work(row, progress)
        row.status = JobStatus.DONE
        row.progress = row.total
        row.finished_at = utcnow()
        session.commit()
        return result
    except Exception as exc:
        session.rollback()
        job_rows.mark_failed(scope, model, row_id, exc)
        session.commit()
        raise


def failure_reason(row: JobRow) -> str:
    """Why *row* failed, in words a person can read (translated)."""
    reasons = {
        job_rows.STALE: gettext(
            "It stopped without finishing (its worker went away). Start it again."
        ),
        "MergeConflict": gettext(
            "The records changed while it ran; nothing was changed. Start it again."
        ),
        "NotFound": gettext(
            "A record it needed was deleted while it ran; nothing was changed."
        ),
        "InvalidInput": gettext("It was given a value it cannot use."),
        "ExportRevoked": gettext(
            "The person was erased while it ran; nothing was kept or sent."
        ),
        "ConfigError": gettext(
            "The module is not fully configured for this; the server log says what "
            "to set."
        ),
        "OSError": gettext(
            "A file could not be written or the mail server could not be reached. "
            "Start it again later."
        ),
        "SMTPException": gettext(
            "The mail server refused the mail. Start it again later."
        ),
        "IntegrityError": _refused(row),
        "InternalError": _refused(row),
        "OperationalError": gettext(
            "The database was busy or unreachable. Start it again later."
        ),
    }
    return reasons.get(
        row.error or "",
        gettext(
            "An unexpected error stopped it. The server log names job %(id)s.",
            id=row.id,
        ),
    )


def _refused(row: JobRow) -> str:
    """Why a job failed whose write the database refused (a constraint, or a
    trigger of the host's tables raising)."""
    return gettext(
        "The database refused one of its changes (a rule or trigger of the "
        "tables); nothing was changed. Start it again once that is fixed; the "
        "server log names job %(id)s.",
        id=row.id,
    )
