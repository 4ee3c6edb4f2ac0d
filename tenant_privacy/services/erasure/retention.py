"""Retention that finishes itself: fields kept after an erasure for a legal
reason are anonymised (or their rows deleted) once their due date has passed.

Each :class:`~tenant_privacy.models.RetentionHold` names one record, the fields it
keeps with the strategy each gets at the end, the reason and the due date.
:func:`finish_due` ends the due holds of one tenant in the caller's transaction,
one audit event per record (refs, field names and strategies, never values).
"""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa

from ...core.strategies import DELETE_ROW
from ...models import RetentionHold
from ...models import utcnow
from ...store.scope import ERASING_KEY
from .. import audit
from .execute import apply_values

if t.TYPE_CHECKING:
    from sqlalchemy import orm

    from ...store.scope import TenantScope

__all__ = ["due_tenants", "finish_due", "holds_of"]


def due_tenants(session: orm.Session, now: dt.datetime | None = None) -> list[str]:
    """The tenants with at least one hold due at *now*."""
    stmt = (
        sa.select(RetentionHold.tenant_key)
        .where(
            RetentionHold.finished_at.is_(None),
            RetentionHold.due_at <= (now or utcnow()),
        )
        .distinct()
        .order_by(RetentionHold.tenant_key)
    )
    return list(session.scalars(stmt))


def holds_of(scope: TenantScope, subject_id: int) -> list[RetentionHold]:
    """The holds of a subject (open first, by due date)."""
    stmt = (
        scope.select(RetentionHold)
        .where(RetentionHold.subject_id == subject_id)
        .order_by(RetentionHold.finished_at.is_not(None), RetentionHold.due_at)
    )
    return list(scope.session.scalars(stmt))


def finish_due(
    scope: TenantScope,
    *,
    salt: bytes,
    redaction: str,
    now: dt.datetime | None = None,
) -> list[RetentionHold]:
    """End every hold of this tenant due at *now*: apply each kept field's final
    strategy, delete the row when its source deletes rows and no other hold of
    the record is open; audited. Flushes; returns the holds ended."""
    now = now or utcnow()
    stmt = (
        scope.select(RetentionHold)
        .where(RetentionHold.finished_at.is_(None), RetentionHold.due_at <= now)
        .order_by(RetentionHold.due_at, RetentionHold.id)
    )
    due = list(scope.session.scalars(stmt))
    scope.session.info[ERASING_KEY] = True
    try:
        for hold in due:
            _finish(scope, hold, salt, redaction, now)
        scope.session.flush()
    finally:
        scope.session.info.pop(ERASING_KEY, None)
    return due


def _finish(
    scope: TenantScope,
    hold: RetentionHold,
    salt: bytes,
    redaction: str,
    now: dt.datetime,
) -> None:
    hold.finished_at = now
    scope.session.flush()
    fields: list[str] = []
    data: dict[str, int] = {"hold": hold.id}
    if hold.source_key in scope.registry:
        source = scope.registry.get(hold.source_key)
        row = scope.records(source, [hold.record_id]).get(hold.record_id)
        if row is not None:
            changes = {
                str(name): str(strategy)
                for name, strategy in hold.fields
                if strategy != DELETE_ROW
            }
            wants_delete = any(s == DELETE_ROW for _, s in hold.fields)
            others = scope.session.scalars(
                scope.select(RetentionHold).where(
                    RetentionHold.source_key == hold.source_key,
                    RetentionHold.record_id == hold.record_id,
                    RetentionHold.finished_at.is_(None),
                    RetentionHold.id != hold.id,
                )
            ).first()
            if wants_delete and others is None:
                scope.delete_rows(source, [hold.record_id])
                fields.append(f"{source.key}.*:{DELETE_ROW}")
                data["deleted"] = 1
            else:
                if wants_delete:  # another hold keeps the row: empty these fields
                    changes.update(
                        {str(n): "null" for n, s in hold.fields if s == DELETE_ROW}
                    )
                apply_values(
                    scope,
                    source,
                    hold.record_id,
                    row,
                    changes,
                    salt=salt,
                    redaction=redaction,
                )
                fields.extend(f"{source.key}.{n}:{s}"[:64] for n, s in changes.items())
    audit.record(
        scope.session,
        scope.tenant,
        audit.SYSTEM,
        audit.Action.ERASURE_RETENTION_FINISHED,
        subject_id=hold.subject_id,
        record_refs=[(hold.source_key, hold.record_id)],
        fields=fields,
        data=data,
    )
