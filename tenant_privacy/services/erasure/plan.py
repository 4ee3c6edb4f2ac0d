"""What an erasure will do: every record and field of a subject, across all sources.

:func:`plan_erasure` reads the subject's rows and decides, field by field, what
happens: removed (``null``, ``empty``, ``redact``, or the row deleted), anonymised
with a named strategy, kept until a date because of a legal reason, or left alone
(not declared in ``erasure``: the host chose so). The preview page, ``privacy erase
--dry-run`` and the erasure itself (:mod:`.execute`) use the same plan, so what is
shown is what is done.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass
from dataclasses import field

from ...core.strategies import DELETE_ROW
from ...core.strategies import KEEP
from ...core.strategies import ROW
from ...core.strategies import is_fake
from ...labels import column_labels
from ...models import SUBJECT_ERASED
from ...models import Subject
from ...models import as_utc
from ...models import utcnow
from ...registry import PersonSource
from ...registry import RelatedSource
from ..fields import exported_columns
from ..requests import add_months

if t.TYPE_CHECKING:
    from ...registry import Retention
    from ...registry import Source
    from ...store.refs import RecordRef
    from ...store.scope import TenantScope

__all__ = [
    "ANONYMISED",
    "FieldPlan",
    "KEPT",
    "REMOVED",
    "RecordPlan",
    "SubjectPlan",
    "UNCHANGED",
    "identifiers_of",
    "plan_erasure",
    "plan_owner",
    "plan_record",
    "plan_refs",
]

REMOVED = "removed"
ANONYMISED = "anonymised"
KEPT = "kept"
UNCHANGED = "unchanged"
#: Strategies that leave nothing of the value (shown as "removed").
REMOVING = frozenset({"null", "empty", "redact"})
#: Identity fields whose values ``redact_text`` looks for in free text.
IDENTIFYING = ("first_name", "last_name", "full_name", "email", "phone", "street")


@dataclass
class FieldPlan:
    """What happens to one field of one record."""

    name: str
    label: str
    action: str
    #: the strategy applied now (removed, anonymised) or at ``until`` (kept)
    strategy: str | None = None
    until: dt.datetime | None = None
    reason: str | None = None


@dataclass
class RecordPlan:
    """What happens to one record: deleted now, changed now, and what is held."""

    source: Source
    record_id: str
    row: t.Any
    delete_now: bool
    fields: list[FieldPlan]
    #: retention -> due date, for the fields kept
    holds: dict[Retention, dt.datetime] = field(default_factory=dict)

    @property
    def ref(self) -> RecordRef:
        return (self.source.key, self.record_id)

    @property
    def changes(self) -> dict[str, str]:
        """Field -> strategy applied now (none when the row is deleted)."""
        if self.delete_now:
            return {}
        return {
            f.name: str(f.strategy)
            for f in self.fields
            if f.action in (REMOVED, ANONYMISED)
        }

    @property
    def action(self) -> str:
        """The record as a whole: removed, kept (held), anonymised or unchanged."""
        if self.delete_now:
            return REMOVED
        if self.holds:
            return KEPT
        return ANONYMISED if self.changes else UNCHANGED

    @property
    def kept_until(self) -> dt.datetime | None:
        return max(self.holds.values()) if self.holds else None


@dataclass
class SubjectPlan:
    """The whole erasure of one subject."""

    subject: Subject
    records: list[RecordPlan]

    @property
    def erased(self) -> bool:
        return self.subject.state == SUBJECT_ERASED

    def count(self, action: str) -> int:
        return sum(1 for r in self.records if r.action == action)


def due_date(row: t.Any, retention: Retention, now: dt.datetime) -> dt.datetime:
    """When a field kept under *retention* in *row* may go: *years* after the
    row's *from_field* (a date or a time), or after *now* without one."""
    start: t.Any = getattr(row, retention.from_field) if retention.from_field else None
    if isinstance(start, dt.datetime):
        base = as_utc(start)
    elif isinstance(start, dt.date):
        base = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)
    else:
        base = now
    return add_months(base, 12 * retention.years)


def planned_columns(
    source: Source, labels: bool = True
) -> tuple[list[str], dict[str, str]]:
    """The columns an erasure plans for, and their labels (none: the names)."""
    columns = list(
        dict.fromkeys([*exported_columns(source), *source.erasure, *source.retain])
    )
    columns = [c for c in columns if c != ROW]
    return columns, column_labels(source, columns) if labels else {}


def plan_record(
    source: Source,
    record_id: str,
    row: t.Any,
    now: dt.datetime | None = None,
    columns: tuple[list[str], dict[str, str]] | None = None,
) -> RecordPlan:
    """What an erasure does to *row* of *source* (pure but for reading the row).

    :param columns: the source's planned columns and labels, when the caller
        plans many rows of it (computed here otherwise).
    """
    now = now or utcnow()
    columns, labels = columns or planned_columns(source)
    holds: dict[Retention, dt.datetime] = {}
    for retention in source.retain.values():
        due = due_date(row, retention, now)
        if due > now:
            holds[retention] = due
    delete_now = source.deletes_rows and not holds
    plans: list[FieldPlan] = []
    for name in columns:
        label = labels.get(name, name)
        retention = source.retain.get(name)
        if retention is not None and retention in holds:
            plans.append(
                FieldPlan(
                    name,
                    label,
                    KEPT,
                    source.final_strategy(name),
                    holds[retention],
                    str(retention.reason),
                )
            )
            continue
        if delete_now:
            plans.append(FieldPlan(name, label, REMOVED, DELETE_ROW))
            continue
        strategy = source.erasure.get(name)
        if retention is not None:  # its period has passed already
            strategy = source.final_strategy(name)
            if strategy == DELETE_ROW:
                strategy = "null"
        if strategy is None or strategy == KEEP:
            plans.append(FieldPlan(name, label, UNCHANGED))
        elif strategy in REMOVING:
            plans.append(FieldPlan(name, label, REMOVED, strategy))
        else:
            plans.append(FieldPlan(name, label, ANONYMISED, strategy))
    return RecordPlan(source, record_id, row, delete_now, plans, holds)


def _rows(scope: TenantScope, refs: list[RecordRef]) -> list[tuple[Source, str, t.Any]]:
    out: list[tuple[Source, str, t.Any]] = []
    for source in scope.registry.person_sources():
        ids = [rid for key, rid in refs if key == source.key]
        found = scope.records(source, ids)
        out.extend((source, rid, found[rid]) for rid in ids if rid in found)
    for related in scope.registry.related_sources():
        for row in scope.related_rows(related, refs):
            out.append((related, str(getattr(row, related.id_column)), row))
    return out


def plan_erasure(
    scope: TenantScope,
    subject_id: int | str,
    now: dt.datetime | None = None,
    *,
    labels: bool = True,
) -> SubjectPlan:
    """The erasure of subject *subject_id*: every record of it in every source.

    :param labels: label the fields for people (the erasure itself needs none).

    :raises NotFound: no such subject in this tenant.
    """
    subject = scope.subject(subject_id)
    return plan_refs(scope, subject, scope.subject_refs(subject), now, labels=labels)


def plan_owner(scope: TenantScope, ref: RecordRef) -> SubjectPlan:
    """The erasure of whoever owns the person record *ref*: its subject's, or, for
    a record with no subject row yet, the record's alone under a transient
    subject. Creates nothing (a preview, or a command not yet confirmed).

    :raises NotFound: no such record in this tenant.
    """
    ref = scope.ref(*ref)
    link = scope.link_of(ref)
    if link is not None:
        return plan_erasure(scope, link.subject_id)
    scope.record(*ref)
    transient = Subject(tenant_key=scope.tenant, state="active")
    return plan_refs(scope, transient, [ref])


def plan_refs(
    scope: TenantScope,
    subject: Subject,
    refs: list[RecordRef],
    now: dt.datetime | None = None,
    *,
    labels: bool = True,
) -> SubjectPlan:
    """The erasure of the person records *refs* of *subject* (for a record that
    has no subject row yet, a transient one: a preview creates nothing).

    :param labels: label the fields for people (the erasure itself needs none).
    """
    now = now or utcnow()
    known: dict[str, tuple[list[str], dict[str, str]]] = {}
    records = [
        plan_record(
            src,
            rid,
            row,
            now,
            known.get(src.key)
            or known.setdefault(src.key, planned_columns(src, labels)),
        )
        for src, rid, row in _rows(scope, refs)
    ]
    _plan_authored(scope, refs, records)
    return SubjectPlan(subject, records)


def _plan_authored(
    scope: TenantScope, refs: list[RecordRef], records: list[RecordPlan]
) -> None:
    """Add what erasing the subject does to the rows it *wrote* (``author_refs``):
    the author attribute emptied (the host then shows "Deleted user"), nothing
    else, since the rest of such a row is about someone else."""
    by_ref = {r.ref: r for r in records}
    wanted = set(refs)
    for source in scope.registry.related_sources():
        for row in scope.authored_rows(source, refs):
            rid = str(getattr(row, source.id_column))
            attrs = [
                attr
                for key, attr in source.author_refs.items()
                if (key, str(getattr(row, attr, None))) in wanted
            ]
            labels = column_labels(source, attrs)
            emptied = [FieldPlan(a, labels.get(a, a), REMOVED, "null") for a in attrs]
            record = by_ref.get((source.key, rid))
            if record is None:
                records.append(RecordPlan(source, rid, row, False, emptied))
            elif not record.delete_now:
                names = {f.name for f in emptied}
                record.fields = [f for f in record.fields if f.name not in names]
                record.fields.extend(emptied)


def identifiers_of(plan: SubjectPlan) -> tuple[str, ...]:
    """The subject's names, addresses and phone numbers as stored in its person
    records (for ``redact_text``; never stored, never logged)."""
    found: list[str] = []
    for record in plan.records:
        source = record.source
        if not isinstance(source, PersonSource):
            continue
        for name in IDENTIFYING:
            attr = source.identity.get(name)
            value = getattr(record.row, attr, None) if attr else None
            if not isinstance(value, str) or is_fake(value):
                continue  # an erased value names nobody
            if value.strip() and value.strip() not in found:
                found.append(value.strip())
    return tuple(found)


def is_related(source: Source) -> bool:
    return isinstance(source, RelatedSource)
