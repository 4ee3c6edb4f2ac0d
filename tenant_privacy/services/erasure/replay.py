"""Replaying erasures after a restore from a backup.

A backup taken before an erasure brings the person back when it is restored. The
register still records the erasure: its job, and its audit event naming every
record it touched by ref (never by value). :func:`replay` erases those records
again, by id, through the same plan and strategies: rows the source deletes are
deleted, fields anonymised, fields kept under a legal reason left kept (their
holds are in the register), holds that ended since finished again. Every
strategy leaves an erased value as it is (``fake_*`` recognise their own values),
so a replay of a replay changes nothing.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections import defaultdict

from ...core.strategies import DELETE_ROW
from ...models import AuditEvent
from ...models import ErasureJob
from ...models import JobStatus
from ...models import RetentionHold
from ...models import utcnow
from ...store import locks
from ...store.locks import tenant_lock
from ...store.scope import ERASING_KEY
from .. import audit
from .execute import forget_matching
from .execute import values_of
from .plan import SubjectPlan
from .plan import identifiers_of
from .plan import is_related
from .plan import plan_record
from .plan import planned_columns

if t.TYPE_CHECKING:
    from ...registry import Source
    from ...store.refs import RecordRef
    from ...store.scope import TenantScope

__all__ = ["erasures_since", "replay"]


def erasures_since(scope: TenantScope, since: dt.datetime) -> list[ErasureJob]:
    """The erasures of this tenant done at or after *since*, oldest first."""
    stmt = (
        scope.select(ErasureJob)
        .where(
            ErasureJob.status == JobStatus.DONE.value,
            ErasureJob.finished_at >= since,
        )
        .order_by(ErasureJob.id)
    )
    return list(scope.session.scalars(stmt))


def _erased_refs(scope: TenantScope, job: ErasureJob) -> list[RecordRef]:
    """The record refs the audit event of erasure *job* names (none for an
    erasure that found the person erased already)."""
    stmt = scope.select(AuditEvent).where(
        AuditEvent.action == audit.Action.ERASURE_EXECUTED.value,
        AuditEvent.subject_id == job.subject_id,
    )
    for event in scope.session.scalars(stmt):
        if (event.data or {}).get("erasure") == job.id:
            return [(str(k), str(i)) for k, i in event.record_refs or []]
    return []


def replay(
    scope: TenantScope,
    actor: str,
    job: ErasureJob,
    *,
    salt: bytes,
    redaction: str,
    now: dt.datetime | None = None,
) -> int:
    """Erase again every record erasure *job* erased that holds anything the
    erasure would change; audited when something changed (refs and counts).
    Flushes, never commits. Returns how many records changed."""
    tenant_lock(scope, locks.GROUPING)  # as the erasure itself: links wait
    now = now or utcnow()
    by_source: dict[str, list[str]] = defaultdict(list)
    for key, record_id in _erased_refs(scope, job):
        if key in scope.registry:
            by_source[key].append(record_id)
    plans = []
    for key, ids in by_source.items():
        source = scope.registry.get(key)
        columns = planned_columns(source, labels=False)
        for record_id, row in scope.records(source, ids).items():
            plans.append(plan_record(source, record_id, row, now, columns))
    subject = scope.subject(job.subject_id)
    identifiers = identifiers_of(SubjectPlan(subject, plans))
    plans.sort(key=lambda p: 0 if is_related(p.source) else 1)
    changed: list[RecordRef] = []
    scope.session.info[ERASING_KEY] = True
    try:
        for plan in plans:
            if _replay_record(scope, plan, salt, redaction, identifiers):
                changed.append(plan.ref)
        changed += _refinish_holds(scope, job, salt, redaction)
        forget_matching(scope, scope.subject_refs(subject))
        if changed:
            audit.record(
                scope.session,
                scope.tenant,
                actor,
                audit.Action.ERASURE_REPLAYED,
                subject_id=subject.id,
                record_refs=changed,
                data={"erasure": job.id, "records": len(changed)},
            )
        scope.session.flush()
    finally:
        scope.session.info.pop(ERASING_KEY, None)
    return len(changed)


def _replay_record(
    scope: TenantScope,
    plan: t.Any,
    salt: bytes,
    redaction: str,
    identifiers: tuple[str, ...],
) -> bool:
    """Erase one restored record again; True when it changed."""
    if plan.delete_now:
        return bool(scope.delete_rows(plan.source, [plan.record_id]))
    values = values_of(
        scope,
        plan.source,
        plan.record_id,
        plan.row,
        plan.changes,
        salt=salt,
        redaction=redaction,
        identifiers=identifiers,
    )
    differ = {k: v for k, v in values.items() if getattr(plan.row, k) != v}
    if differ:
        scope.update_rows(plan.source, [plan.record_id], differ)
    return bool(differ)


def _refinish_holds(
    scope: TenantScope, job: ErasureJob, salt: bytes, redaction: str
) -> list[RecordRef]:
    """Apply again the final strategies of the erasure's holds that ended."""
    stmt = scope.select(RetentionHold).where(
        RetentionHold.erasure_id == job.id, RetentionHold.finished_at.is_not(None)
    )
    changed: list[RecordRef] = []
    for hold in scope.session.scalars(stmt):
        if hold.source_key not in scope.registry:
            continue
        source: Source = scope.registry.get(hold.source_key)
        row = scope.records(source, [hold.record_id]).get(hold.record_id)
        if row is None:
            continue
        if any(s == DELETE_ROW for _, s in hold.fields) and not _open_hold(scope, hold):
            scope.delete_rows(source, [hold.record_id])
            changed.append((source.key, hold.record_id))
            continue
        changes = {
            str(n): ("null" if s == DELETE_ROW else str(s)) for n, s in hold.fields
        }
        values = values_of(
            scope, source, hold.record_id, row, changes, salt=salt, redaction=redaction
        )
        differ = {k: v for k, v in values.items() if getattr(row, k) != v}
        if differ:
            scope.update_rows(source, [hold.record_id], differ)
            changed.append((source.key, hold.record_id))
    return changed


def _open_hold(scope: TenantScope, hold: RetentionHold) -> bool:
    stmt = (
        scope.select(RetentionHold)
        .where(
            RetentionHold.source_key == hold.source_key,
            RetentionHold.record_id == hold.record_id,
            RetentionHold.finished_at.is_(None),
        )
        .limit(1)
    )
    return scope.session.scalars(stmt).first() is not None
