"""Job rows in the store: their age, staleness, the latest one, marking one failed.

Every kind of job row shares :class:`~tenant_privacy.models.JobRow`, so these
functions serve scans, accept runs and every job that comes after them. The
runner that moves a row through its lifecycle is
:func:`tenant_privacy.jobs.lifecycle.run_tracked`; pages and services read rows
through the functions here.

A stale job (no sign of life for its kind's limit) is marked failed by
:func:`mark_stale`, which never takes a live job for dead: a job that works in one
long transaction shows its heartbeats to nobody before it commits, but its first
progress report locks its row, and a row a live transaction holds is skipped
(PostgreSQL ``FOR UPDATE SKIP LOCKED``; a killed worker's transaction ends with
its connection, lock and all). The mark itself is conditional on the status and
heartbeat it read, so a job that finished or beat meanwhile keeps its state
(SQLite, one writer at a time, gets there by waiting for the job's commit).

A failed job keeps only the class name of its error: the message of a database or
matching error may quote personal data, and job rows and logs hold ids only.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..config import config_value
from ..models import ACTIVE_JOB_STATUSES
from ..models import JobRow
from ..models import JobStatus
from ..models import as_utc
from ..models import utcnow

if t.TYPE_CHECKING:
    from .scope import TenantScope

log = logging.getLogger(__name__)

J = t.TypeVar("J", bound=JobRow)

__all__ = [
    "STALE",
    "age",
    "is_stale",
    "latest",
    "mark_failed",
    "mark_stale",
    "queue",
    "reap",
    "reap_stale",
    "stale_limit",
]

#: The error of a job marked failed because it gave no sign of life.
STALE = "stale"


def age(when: dt.datetime) -> dt.timedelta:
    """How long ago *when* was (SQLite hands back naive datetimes: read as UTC)."""
    return utcnow() - as_utc(when)


def stale_limit(model: type[JobRow], config: t.Mapping[str, t.Any]) -> dt.timedelta:
    """How long a job of *model* may go without a sign of life (its
    :attr:`~tenant_privacy.models.JobRow.stale_after` setting)."""
    key, unit_seconds = model.stale_after
    return dt.timedelta(seconds=float(config_value(key, config)) * unit_seconds)


def is_stale(row: JobRow, config: t.Mapping[str, t.Any]) -> bool:
    """True when *row* is queued or running but gave no sign of life (heartbeat,
    or since it was queued none) for its kind's limit: its worker is gone."""
    if row.status not in ACTIVE_JOB_STATUSES:
        return False
    return age(row.heartbeat_at or row.created_at) > stale_limit(type(row), config)


def queue(scope: TenantScope, model: type[J], actor: str, **columns: t.Any) -> J:
    """A new queued job row of *model* in this tenant, asked for by *actor*, with
    its own *columns*; flushed (it has an id). The caller commits, then hands it to
    the job runner."""
    row = model(
        tenant_key=scope.tenant, status=JobStatus.QUEUED, actor=actor, **columns
    )
    scope.session.add(row)
    scope.session.flush()
    return row


def latest(scope: TenantScope, model: type[J]) -> J | None:
    """The tenant's most recent job row of *model*, or None."""
    stmt = scope.select(model).order_by(model.id.desc()).limit(1)
    return scope.session.scalars(stmt).first()


def reap_stale(scope: TenantScope, model: type[J]) -> J | None:
    """The tenant's newest active job of *model*; stale ones are marked failed.

    A stale job gets the status "failed" and the error :data:`STALE` (the caller
    commits), so a new one can start.
    """
    stmt = (
        scope.select(model)
        .where(model.status.in_(ACTIVE_JOB_STATUSES))
        .order_by(model.id.desc())
    )
    active: J | None = None
    for row in scope.session.scalars(stmt).all():
        if not reap(scope, row) and row.active and active is None:
            active = row
    scope.session.flush()
    return active


def reap(scope: TenantScope, row: JobRow) -> bool:
    """Mark *row* failed with :data:`STALE` if it is stale (:func:`is_stale`),
    through :func:`mark_stale`. True when it was marked; the caller commits."""
    return is_stale(row, scope.config) and mark_stale(scope, row)


def mark_stale(scope: TenantScope, row: JobRow) -> bool:
    """Mark the active job *row* failed with :data:`STALE`, its worker being gone
    (it is stale, or the batch it belongs to is), and log that by ids; flush.

    Nothing changes when a live transaction holds the row (the job is at work) or
    the row changed since it was read (finished, failed, or beat): then *row* is
    refreshed and False returned. True when it was marked; the caller commits.
    """
    model = type(row)
    session = scope.session
    status, seen, now = row.status, row.heartbeat_at, utcnow()  # as judged
    mine = sa.and_(model.id == row.id, model.tenant_key == scope.tenant)
    free = session.execute(
        sa.select(model.id).where(mine).with_for_update(skip_locked=True)
    ).first()
    marked = False
    if free is not None:
        result = session.execute(
            sa.update(model)
            .where(
                mine,
                model.status == status,
                model.status.in_(ACTIVE_JOB_STATUSES),
                model.heartbeat_at.is_(None)
                if seen is None
                else model.heartbeat_at == seen,
            )
            .values(status=JobStatus.FAILED.value, error=STALE, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        marked = t.cast("sa.CursorResult[t.Any]", result).rowcount == 1
    if not marked:
        session.refresh(row)
        return False
    for name, value in (
        ("status", JobStatus.FAILED.value),
        ("error", STALE),
        ("finished_at", now),
    ):
        set_committed_value(row, name, value)
    log.warning("%s %s of tenant %s was stale", model.__name__, row.id, scope.tenant)
    return True


def mark_failed(
    scope: TenantScope, model: type[J], row_id: int, exc: BaseException
) -> J:
    """Mark the job row *row_id* of *model* failed with the class name of *exc*
    and log that by ids, unless it already finished or failed; flush. Returns the
    row.

    Call it after rolling back the job's own work; the caller commits.
    """
    row = scope.get(model, id=int(row_id))
    if row.status not in ACTIVE_JOB_STATUSES:
        return row  # already recorded (the job marked itself failed)
    _finish_failed(row, type(exc).__name__)
    scope.session.flush()
    log.error(
        "%s %s of tenant %s failed: %s",
        model.__name__,
        row_id,
        scope.tenant,
        type(exc).__name__,
    )
    return row


def _finish_failed(row: JobRow, error: str) -> None:
    row.status = JobStatus.FAILED
    row.error = error[:255]
    row.finished_at = utcnow()
