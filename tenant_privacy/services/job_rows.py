"""The rows that track background jobs (scans, accept runs): their age, and
marking one failed.

A failed job keeps only the class name of its error: the message of a database or
matching error may quote personal data, and job rows and logs hold ids only.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

from ..models import utcnow

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

log = logging.getLogger(__name__)

__all__ = ["age", "mark_failed"]


def age(when: dt.datetime) -> dt.timedelta:
    """How long ago *when* was (SQLite hands back naive datetimes: read as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return utcnow() - when


def mark_failed(
    scope: TenantScope, model: type[t.Any], row_id: int, exc: BaseException
) -> t.Any:
    """Mark the job row *row_id* of *model* failed with the class name of *exc*
    and log that by ids, unless it already finished or failed; flush. Returns the
    row.

    Call it after rolling back the job's own work; the caller commits.
    """
    row = scope.get(model, id=int(row_id))
    if row.status not in ("queued", "running"):
        return row  # already recorded (the job marked itself failed)
    row.status = "failed"
    row.error = type(exc).__name__[:255]
    row.finished_at = utcnow()
    scope.session.flush()
    log.error(
        "%s %s of tenant %s failed: %s",
        model.__name__,
        row_id,
        scope.tenant,
        type(exc).__name__,
    )
    return row
