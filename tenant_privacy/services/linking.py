"""Linking person records under one data subject, unlinking, and undo.

A link (merge) moves every record of the involved subjects under one subject: the
one with the lowest id. Host rows are never touched. Each operation writes a
:class:`~tenant_privacy.models.MergeRecord` holding who, when, the evidence and the
previous grouping (``[[source_key, record_id, previous_subject_id], ...]`` for every
moved record), so :func:`undo_merge` can restore exactly that grouping. Subjects
emptied by a link are kept with state ``"merged"`` (never deleted), so an undo puts
the records back under the same subject ids.

Concurrency: every operation first takes a per-tenant linking lock (a transaction
advisory lock on PostgreSQL; a write, hence the single writer lock, on SQLite), then
locks the involved subject rows in ascending id order and reads the grouping fresh.
Two officers accepting overlapping suggestions therefore run one after the other and
the second sees the first one's result: no lost link, no active subject without
records. This assumes the default READ COMMITTED isolation on PostgreSQL. Call these
functions before writing other audit events in the same transaction (the audit
chain's head lock is taken last).

Functions flush and never commit; the caller (a view, a CLI command) commits.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from collections.abc import Sequence

import sqlalchemy as sa

from ..errors import InvalidInput
from ..errors import MergeConflict
from ..models import SUBJECT_ERASED
from ..models import MergeRecord
from ..models import MergeSubject
from ..models import Subject
from ..models import SubjectRecord
from ..models import utcnow
from ..store import locks
from ..store.locks import tenant_lock
from ..store.refs import RecordRef
from . import audit
from . import visibility

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope


__all__ = [
    "ACTIVE",
    "MERGED",
    "UNLINK",
    "get_merge",
    "is_unlink",
    "link_records",
    "merges_of",
    "moved_refs",
    "parse_ref",
    "undo_blocker",
    "undo_merge",
    "unlink_record",
]

#: State of a subject that owns records.
ACTIVE = "active"
#: State of a subject left without records by a link (kept for undo).
MERGED = "merged"
#: State of an erased subject (``services.erasure``): never linked again.
ERASED = SUBJECT_ERASED
#: ``MergeRecord.kind`` of a merge record written by :func:`unlink_record`.
UNLINK = "unlink"


def parse_ref(text: str) -> RecordRef:
    """Parse ``"source:id"`` into a record ref.

    :raises InvalidInput: if *text* is not of that form.
    """
    source_key, sep, record_id = str(text).strip().partition(":")
    if not sep or not source_key or not record_id:
        raise InvalidInput(f"a record ref looks like 'source:id', not {text!r}")
    return (source_key, record_id)


def _clean_refs(scope: TenantScope, refs: Sequence[t.Any]) -> list[RecordRef]:
    """Unique canonical refs (:meth:`TenantScope.ref`) in the given order:
    ``contact:7`` and ``contact:007`` are one record.

    :raises InvalidInput: for a malformed ref.
    :raises NotFound: for a ref that cannot name a person record of this tenant.
    """
    out: list[RecordRef] = []
    for ref in refs:
        if isinstance(ref, str):
            ref = parse_ref(ref)
        try:
            source_key, record_id = ref
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"invalid record ref {ref!r}") from exc
        if not str(source_key).strip() or not str(record_id).strip():
            raise InvalidInput(f"invalid record ref {ref!r}")
        item = scope.ref(str(source_key).strip(), record_id)
        if item not in out:
            out.append(item)
    return out


def _serialise(scope: TenantScope) -> None:
    """Take the tenant's linking lock until the transaction ends (the lock under
    which suggestions change too: ``store.locks.GROUPING``)."""
    tenant_lock(scope, locks.GROUPING)


def _lock_subjects(scope: TenantScope, ids: t.Iterable[int]) -> dict[int, Subject]:
    """Lock and reload the subject rows *ids* of this tenant, in ascending id order."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    stmt = (
        scope.select(Subject)
        .where(Subject.id.in_(wanted))
        .order_by(Subject.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {s.id: s for s in scope.session.scalars(stmt)}
    missing = set(wanted) - set(found)
    if missing:
        raise MergeConflict(f"subjects {sorted(missing)} no longer exist")
    return found


def _ensure_links(scope: TenantScope, refs: list[RecordRef]) -> dict[RecordRef, int]:
    """Current subject id of every ref, creating subjects for unlinked records.

    :raises NotFound: if a ref is not a person record of this tenant.
    """
    for ref in refs:
        scope.record(*ref)
    links = scope.links_or_new(refs, fresh=True)
    return {ref: links[scope.ref(*ref)].subject_id for ref in refs}


def _refresh_states(scope: TenantScope, subjects: t.Iterable[Subject]) -> None:
    """Set each subject active if it owns a record, else merged."""
    subjects = list(subjects)
    ids = [s.id for s in subjects]
    if not ids:
        return
    owning = set(
        scope.session.scalars(
            sa.select(SubjectRecord.subject_id)
            .where(
                SubjectRecord.tenant_key == scope.tenant,
                SubjectRecord.subject_id.in_(ids),
            )
            .distinct()
        )
    )
    for subject in subjects:
        subject.state = ACTIVE if subject.id in owning else MERGED
    scope.session.flush()
    for subject in subjects:
        scope.session.expire(subject, ["records"])


def moved_refs(merge: MergeRecord) -> list[RecordRef]:
    """The record refs a merge record moved, in stored order."""
    return [(str(p[0]), str(p[1])) for p in merge.previous]


def is_unlink(merge: MergeRecord) -> bool:
    """True if *merge* was written by :func:`unlink_record`."""
    return merge.kind == UNLINK


def link_records(
    scope: TenantScope,
    actor: str,
    refs: Sequence[RecordRef],
    *,
    score: float | None = None,
    evidence: Mapping[str, t.Any] | None = None,
    suggestion_id: int | None = None,
) -> MergeRecord | None:
    """Put the person records *refs* (and every record already linked with them)
    under one data subject: the lowest id among their current subjects.

    The emptied subjects keep their rows with state ``"merged"``. Writes a
    :class:`MergeRecord` and a ``records.linked`` audit event; flushes, never
    commits.

    :param actor: the audit ref of who acts (``"user:<id>"``, ``"operator"``).
    :param refs: at least two ``(source_key, record_id)`` pairs (or ``"source:id"``).
    :param score: match score in [0, 1] when the link comes from a suggestion.
    :param evidence: JSON-safe per-field similarities (no personal values).
    :param suggestion_id: the suggestion accepted, if any.
    :returns: the merge record, or None when the records already share one subject
        (nothing to do, nothing written).
    :raises InvalidInput: fewer than two distinct records (``contact:7`` and
        ``contact:007`` are one) or a malformed ref.
    :raises NotFound: a ref is not a person record of this tenant.
    """
    clean = _clean_refs(scope, refs)
    if len(clean) < 2:
        raise InvalidInput("linking needs at least two different records")
    _serialise(scope)
    current = _ensure_links(scope, clean)
    involved = _lock_subjects(scope, current.values())
    # Re-read after locking: the grouping is now stable until we commit.
    fresh = scope.links_of(clean, fresh=True)
    current = {ref: link.subject_id for ref, link in fresh.items()}
    if len(set(current.values())) < 2:
        return None
    involved.update(_lock_subjects(scope, set(current.values()) - set(involved)))
    if any(involved[i].state == ERASED for i in set(current.values())):
        # an erasure committed first: what is left of the person stays alone
        raise MergeConflict("an erased person's records are not linked")
    target_id = min(current.values())
    sources = sorted(set(current.values()) - {target_id})
    previous: list[list[t.Any]] = []
    now = utcnow()
    for link in scope.subject_links(sources, fresh=True):
        previous.append([link.source_key, link.record_id, link.subject_id])
        link.subject_id = target_id
        link.linked_at = now
    merge = MergeRecord(
        tenant_key=scope.tenant,
        subject_id=target_id,
        actor=actor,
        created_at=now,
        score=score,
        evidence=dict(evidence or {}),
        previous=previous,
        suggestion_id=suggestion_id,
    )
    scope.session.add(merge)
    scope.session.flush()
    _index_merge(scope, merge)
    _refresh_states(scope, [involved[i] for i in sorted(set(current.values()))])
    # one person now: the stricter of their visibility rules (the emptied
    # subjects keep theirs, which an undo gives back)
    visibility.merge_rules(scope, target_id, sources)
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.RECORDS_LINKED,
        subject_id=target_id,
        record_refs=sorted(set(clean) | {(p[0], p[1]) for p in previous}),
        data={"merge": merge.id, "subjects": sources},
    )
    return merge


def unlink_record(scope: TenantScope, actor: str, ref: RecordRef) -> MergeRecord | None:
    """Split the person record *ref* off its subject into a new subject of its own.

    Written as a merge record of kind ``"unlink"``, so it can be
    undone like a link. Audited as ``records.unlinked`` on the old subject.

    :returns: the merge record, or None if the record is already alone.
    :raises NotFound: *ref* is not a person record of this tenant.
    """
    (clean,) = _clean_refs(scope, [ref])
    _serialise(scope)
    old_id = _ensure_links(scope, [clean])[clean]
    old = _lock_subjects(scope, [old_id])[old_id]
    links = scope.subject_links([old_id], fresh=True)
    if len(links) < 2:
        return None
    link = next(item for item in links if item.ref == clean)
    new = Subject(tenant_key=scope.tenant, state=ACTIVE)
    scope.session.add(new)
    scope.session.flush()
    now = utcnow()
    link.subject_id = new.id
    link.linked_at = now
    merge = MergeRecord(
        tenant_key=scope.tenant,
        subject_id=new.id,
        actor=actor,
        created_at=now,
        kind=UNLINK,
        evidence={"from_subject": old_id},
        previous=[[clean[0], clean[1], old_id]],
    )
    scope.session.add(merge)
    scope.session.flush()
    _index_merge(scope, merge)
    _refresh_states(scope, [old, new])
    # the split-off record stays as protected as it was until an officer decides
    visibility.copy_rules(scope, old_id, new.id)
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.RECORDS_UNLINKED,
        subject_id=old_id,
        record_refs=[clean],
        data={"merge": merge.id, "new_subject": new.id},
    )
    return merge


def get_merge(scope: TenantScope, merge_id: int | str) -> MergeRecord:
    """The merge record *merge_id* of this tenant.

    :raises NotFound: if there is none here (also for another tenant's id).
    """
    return scope.by_id(MergeRecord, merge_id, "merge")


def undo_merge(scope: TenantScope, actor: str, merge_id: int | str) -> MergeRecord:
    """Restore exactly the grouping a link (or unlink) replaced.

    Every moved record goes back to its previous subject id; those subjects become
    active again and subjects left without records become ``"merged"``. Sets
    ``undone_at``/``undone_by`` and writes a ``merge.undone`` audit event.

    :raises NotFound: no such merge in this tenant.
    :raises MergeConflict: already undone, or a later merge that is not undone moved
        some of the same records (undo that one first), or the records are no longer
        where this merge put them.
    """
    merge = get_merge(scope, merge_id)
    _serialise(scope)
    scope.session.refresh(merge, with_for_update=True)
    if merge.undone_at is not None:
        raise MergeConflict(f"merge {merge.id} is already undone")
    moved = moved_refs(merge)
    blocker = undo_blocker(scope, merge)
    if blocker is not None:
        raise MergeConflict(
            f"merge {blocker.id} later changed the same records or subjects; "
            "undo it first"
        )
    links = scope.links_of(moved, fresh=True)
    for ref in moved:
        link = links.get(ref)
        if link is None or link.subject_id != merge.subject_id:
            raise MergeConflict(
                f"record {ref[0]}:{ref[1]} is no longer under subject "
                f"{merge.subject_id}"
            )
    back = {(str(p[0]), str(p[1])): int(p[2]) for p in merge.previous}
    subjects = _lock_subjects(scope, {merge.subject_id, *back.values()})
    now = utcnow()
    for ref, subject_id in back.items():
        links[ref].subject_id = subject_id
        links[ref].linked_at = now
    merge.undone_at = now
    merge.undone_by = actor
    scope.session.flush()
    _refresh_states(scope, subjects.values())
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.MERGE_UNDONE,
        subject_id=merge.subject_id,
        record_refs=moved,
        data={"merge": merge.id, "subjects": sorted(set(back.values()))},
    )
    return merge


def _index_merge(scope: TenantScope, merge: MergeRecord) -> None:
    """Record the subjects *merge* touched (see :class:`MergeSubject`)."""
    touched = {merge.subject_id} | {int(p[2]) for p in merge.previous}
    scope.session.add_all(
        MergeSubject(merge_id=merge.id, subject_id=sid, tenant_key=scope.tenant)
        for sid in sorted(touched)
    )
    scope.session.flush()


def merges_of(scope: TenantScope, subject_id: int | str) -> list[MergeRecord]:
    """Merge records touching a subject (as target or as a previous owner), newest
    first.

    :raises NotFound: if the subject does not exist in this tenant.
    """
    subject = scope.subject(subject_id)
    touching = sa.select(MergeSubject.merge_id).where(
        MergeSubject.tenant_key == scope.tenant,
        MergeSubject.subject_id == subject.id,
    )
    stmt = (
        scope.select(MergeRecord)
        .where(MergeRecord.id.in_(touching))
        .order_by(MergeRecord.id.desc())
    )
    return list(scope.session.scalars(stmt))


def undo_blocker(scope: TenantScope, merge: MergeRecord) -> MergeRecord | None:
    """The latest later, not-undone merge that blocks undoing *merge*.

    A later merge blocks it when it moved some of the same records or moved records
    out of one of the subjects *merge* would restore (merges are undone in reverse
    order, so the restored grouping is exactly the one replaced).
    """
    records = set(moved_refs(merge))
    subjects = {int(p[2]) for p in merge.previous}
    # newest first, fetched in batches: the blocker is usually among the last
    # few merges, so a tenant with thousands of later merges is not loaded whole
    later = scope.session.scalars(
        scope.select(MergeRecord)
        .where(MergeRecord.id > merge.id, MergeRecord.undone_at.is_(None))
        .order_by(MergeRecord.id.desc())
        .execution_options(populate_existing=True, yield_per=100)
    )
    try:
        for other in later:
            if records & set(moved_refs(other)) or subjects & {
                int(p[2]) for p in other.previous
            }:
                return other
        return None
    finally:
        later.close()
