"""The one job lifecycle (:class:`JobRow`, :class:`JobStatus`) and the jobs of
matching (scans, accept runs)."""

from __future__ import annotations

import datetime as dt
import enum
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

from .base import TENANT_LEN
from .base import Base
from .base import utcnow


class JobStatus(enum.StrEnum):
    """Where a job is in its lifecycle: queued -> running -> done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: The statuses of a job that has not finished.
ACTIVE_JOB_STATUSES = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class JobRow:
    """Columns every job row shares (scans, accept runs, exports, erasures, ...).

    A job row is created ``queued`` by whoever asks for the work, then run by
    :func:`tenant_privacy.jobs.lifecycle.run_tracked`, which owns the rest of its
    lifecycle: ``running`` with a heartbeat and progress (``done`` of ``total``),
    then ``done`` or ``failed`` with the class name of the error (never its message,
    which may quote personal data). A job with no sign of life for longer than
    :attr:`stale_after` is stale: its worker is gone.
    """

    #: The config key (without prefix) and its unit in seconds that bound how long
    #: a job of this kind may go without a sign of life.
    stale_after: t.ClassVar[tuple[str, int]] = ("JOB_TIMEOUT", 1)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN), index=True)
    #: a :class:`JobStatus` value
    status: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), default=JobStatus.QUEUED.value
    )
    progress: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    total: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    actor: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    #: last sign of life of the job (its start, each committed checkpoint)
    heartbeat_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    finished_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    #: class name of the error that failed the job, or "stale"
    error: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))

    @property
    def active(self) -> bool:
        """True while the job is queued or running."""
        return self.status in ACTIVE_JOB_STATUSES


class ScanJob(JobRow, Base):
    """A full duplicate scan of a tenant, with progress for the page."""

    __tablename__ = "tenant_privacy_scan_job"
    stale_after = ("JOB_STALE_MINUTES", 60)

    suggestions: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    #: measured share of same-surname, same-address pairs with another given
    #: name (see tenant_privacy.matching.households); None: too few to judge
    household_rate: orm.Mapped[float | None] = orm.mapped_column(sa.Float)
    #: tenant_privacy.matching.KEYS_VERSION of the blocking keys the scan stored
    keys_version: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)


class AcceptJob(JobRow, Base):
    """One "accept all above a score" run of a tenant, as a job (inline or rq)."""

    __tablename__ = "tenant_privacy_accept_job"

    min_score: orm.Mapped[float] = orm.mapped_column(sa.Float)
    #: suggestions accepted, and left pending because they would join records
    #: that clearly differ (see services.duplicates.preview.plan_accept_above)
    accepted: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    held: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
