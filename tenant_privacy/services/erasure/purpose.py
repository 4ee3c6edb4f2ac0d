"""Which data subjects are kept past their purpose.

A person source may declare a :class:`~tenant_privacy.registry.Purpose`: what its
rows are for, the period without activity after which that is over, and what
counts as activity (columns of the row, dates in related rows). A tenant may
choose another period within the host's bounds. A registration with no purpose
is always within it, and so is one with no activity date at all; a subject is
past its purpose only when every one of its registrations is.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass

import sqlalchemy as sa

from ...errors import InvalidInput
from ...i18n import gettext
from ...models import SUBJECT_ERASED
from ...models import Subject
from ...models import as_utc
from ...models import utcnow
from ...registry import PersonSource
from ...store.scope import chunks
from .. import audit
from ..requests import add_months
from ..tenants import settings_of

if t.TYPE_CHECKING:
    from ...store.refs import RecordRef
    from ...store.scope import TenantScope

__all__ = [
    "Past",
    "auto_approves",
    "past_subjects",
    "periods",
    "purpose_sources",
    "set_purpose_settings",
]


@dataclass(frozen=True)
class Past:
    """One registration past its purpose: its last activity and the period."""

    ref: RecordRef
    months: int
    last_activity: dt.datetime

    def as_reason(self) -> list[t.Any]:
        """``[source_key, record_id, months, last_activity_iso]`` (ids and a date)."""
        return [*self.ref, self.months, self.last_activity.date().isoformat()]


def purpose_sources(scope: TenantScope) -> list[PersonSource]:
    """The person sources that declare a purpose."""
    return [s for s in scope.registry.person_sources() if s.purpose is not None]


def periods(scope: TenantScope) -> dict[str, int]:
    """Source key -> the tenant's period in months (its choice within the host's
    bounds, else the host's)."""
    chosen = settings_of(scope).purpose_months or {}
    return {
        s.key: s.purpose.clamp(chosen.get(s.key, s.purpose.months))
        for s in purpose_sources(scope)
        if s.purpose is not None
    }


def auto_approves(scope: TenantScope) -> bool:
    """True when the tenant approves its purpose reviews without an officer."""
    return bool(settings_of(scope).auto_approve_review)


def set_purpose_settings(
    scope: TenantScope,
    actor: str,
    months: t.Mapping[str, t.Any],
    auto_approve: bool | None = None,
) -> None:
    """Set the tenant's periods (source key -> months, each within the host's
    bounds) and, unless None, its automatic approval of purpose reviews; audited.
    Flushes.

    :raises InvalidInput: an unknown source or a period out of bounds (nothing
        is changed).
    """
    sources = {s.key: s for s in purpose_sources(scope)}
    chosen: dict[str, int] = {}
    for key, value in months.items():
        source = sources.get(key)
        if source is None or source.purpose is None:
            raise InvalidInput(gettext("Unknown source."))
        low, high = source.purpose.bounds
        try:
            number = int(str(value).strip())
        except ValueError:
            number = 0
        if not low <= number <= high:
            raise InvalidInput(
                gettext(
                    "A period must be between %(low)s and %(high)s months.",
                    low=low,
                    high=high,
                )
            )
        chosen[key] = number
    row = settings_of(scope)
    scope.session.add(row)
    row.purpose_months = {**(row.purpose_months or {}), **chosen}
    data: dict[str, int] = {}
    if auto_approve is not None:
        row.auto_approve_review = bool(auto_approve)
        data["auto"] = int(bool(auto_approve))
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.PURPOSE_SETTINGS_CHANGED,
        fields=sorted(chosen),
        data=data,
    )
    scope.session.flush()


def _as_time(value: t.Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return as_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return None


def _latest(found: dict[str, dt.datetime], record_id: str, value: t.Any) -> None:
    when = _as_time(value)
    if when is not None and (record_id not in found or when > found[record_id]):
        found[record_id] = when


def last_activity(scope: TenantScope, source: PersonSource) -> dict[str, dt.datetime]:
    """Record id -> last activity of every row of *source* in this tenant that
    has any (one statement per column and per related source)."""
    purpose = source.purpose
    found: dict[str, dt.datetime] = {}
    if purpose is None:
        return found
    id_col = source.column(source.id_column)
    own = [name for name in purpose.activity if "." not in name]
    if own:
        stmt = sa.select(id_col, *(source.column(n) for n in own)).where(
            scope.tenant_clause(source)
        )
        for record_id, *values in scope.session.execute(stmt):
            for value in values:
                _latest(found, str(record_id), value)
    for name in purpose.activity:
        if "." not in name:
            continue
        key, attr = name.split(".", 1)
        related = scope.registry.get(key)
        ref_col = related.column(related.person_refs[source.key])  # type: ignore[attr-defined]
        stmt = (
            sa.select(ref_col, sa.func.max(related.column(attr)))
            .where(scope.tenant_clause(related), ref_col.is_not(None))
            .group_by(ref_col)
        )
        for record_id, value in scope.session.execute(stmt):
            _latest(found, str(record_id), value)
    return found


def past_records(
    scope: TenantScope, now: dt.datetime | None = None
) -> dict[RecordRef, Past]:
    """Every registration of this tenant past its purpose at *now*."""
    now = now or utcnow()
    months = periods(scope)
    out: dict[RecordRef, Past] = {}
    for source in purpose_sources(scope):
        cutoff = add_months(now, -months[source.key])
        for record_id, when in last_activity(scope, source).items():
            if when < cutoff:
                ref = (source.key, record_id)
                out[ref] = Past(ref, months[source.key], when)
    return out


def _erased_among(scope: TenantScope, subject_ids: set[int]) -> set[int]:
    """Those of *subject_ids* already erased (one query per :data:`MAX_IN` ids,
    rather than loading each subject)."""
    erased: set[int] = set()
    for part in chunks(sorted(subject_ids)):
        erased.update(
            scope.session.scalars(
                sa.select(Subject.id).where(
                    Subject.tenant_key == scope.tenant,
                    Subject.id.in_(part),
                    Subject.state == SUBJECT_ERASED,
                )
            )
        )
    return erased


def past_subjects(
    scope: TenantScope,
    now: dt.datetime | None = None,
    *,
    among: t.Iterable[int] | None = None,
) -> dict[int, list[Past]]:
    """Subject id -> its registrations, for every subject (not erased) whose
    every registration is past its purpose at *now*; only those of *among* when
    given. Records with no subject yet get one (get-or-create, in bulk).
    Flushes."""
    past = past_records(scope, now)
    wanted = {link.subject_id for link in scope.links_or_new(past).values()}
    if among is not None:
        wanted &= {int(i) for i in among}
    out: dict[int, list[Past]] = {}
    kept = _erased_among(scope, wanted)  # what is left of them stays as it is
    for link in scope.subject_links(wanted):
        entry = past.get(link.ref)
        if entry is None:
            kept.add(link.subject_id)
        else:
            out.setdefault(link.subject_id, []).append(entry)
    return {sid: items for sid, items in out.items() if sid not in kept}
