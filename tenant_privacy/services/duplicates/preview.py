"""What accepting a suggestion would bring together, and where those records disagree.

A suggestion compares two records, but linking them joins their whole subjects: every
record already linked with either side ends up under one person. Duplicates found
pairwise can chain (a father linked with a registration that is really his son's);
the review page therefore lists the other records that would be joined and warns
where a record of one side clearly differs from a record of the other on who the
person is (given name, birth date, national id). Reads only; changes nothing.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ... import matching
from ...matching.scoring import FIRST_CONFLICT
from ...models import SubjectRecord
from ...store.refs import RecordRef
from ...store.refs import parse_ref
from . import index as mi
from .suggestions import refs_of

if t.TYPE_CHECKING:
    from ...models import MatchSuggestion
    from ...store.scope import TenantScope


__all__ = [
    "CONFLICT_BELOW",
    "AcceptPlan",
    "LinkConflict",
    "LinkPreview",
    "conflict_fields",
    "link_preview",
    "plan_accept_above",
]

#: Evidence below these similarities is a clear difference in who the person is.
CONFLICT_BELOW: dict[str, float] = {
    "first_name": FIRST_CONFLICT,
    "birth_date": 0.4,
    "national_id": 0.7,
}
#: Most records of one subject that are compared (larger subjects: the first ones).
MAX_GROUP = 50


@dataclass(frozen=True)
class LinkConflict:
    """A record of one side and one of the other that differ in who they are."""

    left: RecordRef
    right: RecordRef
    #: The identity fields that clearly differ (keys of :data:`CONFLICT_BELOW`).
    fields: tuple[str, ...]


@dataclass(frozen=True)
class LinkPreview:
    """Records besides the two compared that linking joins, and conflicts among all."""

    joined: tuple[RecordRef, ...] = ()
    conflicts: tuple[LinkConflict, ...] = ()


def _group(scope: TenantScope, ref: RecordRef) -> list[RecordRef]:
    """*ref* and the records linked with it (its subject's), *ref* first."""
    link = scope.link_of(ref)
    if link is None:
        return [ref]
    stmt = (
        scope.select(SubjectRecord)
        .where(SubjectRecord.subject_id == link.subject_id)
        .order_by(SubjectRecord.source_key, SubjectRecord.record_id)
        .limit(MAX_GROUP)
    )
    others = [r.ref for r in scope.session.scalars(stmt) if r.ref != ref]
    return [ref, *others]


def link_preview(scope: TenantScope, suggestion: MatchSuggestion) -> LinkPreview:
    """What accepting *suggestion* would join, and the clear conflicts it would hide.

    Empty when its two records already belong to one subject or neither has other
    records. A conflict pairs a record of the first side with one of the second
    whose given names, birth dates or national ids clearly differ; the
    suggestion's own pair is left out (the page compares it field by field).
    """
    a, b = refs_of(suggestion)
    side_a, side_b = _group(scope, a), _group(scope, b)
    if a in side_b or (len(side_a) == 1 and len(side_b) == 1):
        return LinkPreview()
    joined = (*side_a[1:], *side_b[1:])
    loaded = mi.load_refs(scope, [*side_a, *side_b], mi.tenant_region(scope))
    records = {parse_ref(nr.id): nr for nr in loaded}
    conflicts = tuple(_conflicts(side_a, side_b, (a, b), records))
    return LinkPreview(joined, conflicts)


def _conflicts(
    side_a: t.Sequence[RecordRef],
    side_b: t.Sequence[RecordRef],
    pair: tuple[RecordRef, RecordRef],
    records: t.Mapping[RecordRef, matching.NormalizedRecord],
) -> t.Iterator[LinkConflict]:
    """Each record of *side_a* and of *side_b* (the first :data:`MAX_GROUP` of each)
    that clearly differ; *pair* itself, and records no longer there, left out."""
    for left in side_a[:MAX_GROUP]:
        for right in side_b[:MAX_GROUP]:
            if (left, right) == pair or left not in records or right not in records:
                continue
            fields = conflict_fields(records[left], records[right])
            if fields:
                yield LinkConflict(left, right, fields)


def conflict_fields(
    left: matching.NormalizedRecord, right: matching.NormalizedRecord
) -> tuple[str, ...]:
    """The identity fields on which two records clearly differ in who they are."""
    _, evidence = matching.score_pair(left, right)
    return tuple(
        name
        for name, below in CONFLICT_BELOW.items()
        if name in evidence and evidence[name] < below
    )


@dataclass(frozen=True)
class AcceptPlan:
    """Which pending suggestions above a score can be linked in one go.

    ``accept`` in the order they are linked (best first); ``hold`` those left
    pending for a person to review, because linking them, after the ones before
    them, would join records that clearly differ in who they are (a father and a
    namesake son chained through a registration that matches both).
    """

    accept: tuple[int, ...] = ()
    hold: tuple[int, ...] = ()


def plan_accept_above(
    scope: TenantScope, suggestions: t.Sequence[MatchSuggestion]
) -> AcceptPlan:
    """Plan accepting *suggestions* (best first) without chaining different people.

    The tenant's current grouping is read once and the links are played through in
    memory: a suggestion is held when a record of its one side (as grouped by then)
    and a record of the other clearly differ (:data:`CONFLICT_BELOW`; its own pair
    is left out, as on the review page). Reads only; changes nothing.
    """
    if not suggestions:
        return AcceptPlan()
    refs = {ref for s in suggestions for ref in refs_of(s)}
    # who is one person now: each record's subject, played forward link by link
    owner: dict[RecordRef, RecordRef] = {}
    people: dict[RecordRef, list[RecordRef]] = {}
    for subject_refs in _members_of_subjects(scope, refs):
        people[subject_refs[0]] = list(subject_refs)
        for ref in subject_refs:
            owner[ref] = subject_refs[0]
    for ref in refs:
        if ref not in owner:
            owner[ref] = ref
            people[ref] = [ref]
    everyone = [ref for group in people.values() for ref in group]
    loaded = mi.load_refs(scope, everyone, mi.tenant_region(scope))
    records = {parse_ref(nr.id): nr for nr in loaded}
    accept: list[int] = []
    hold: list[int] = []
    for s in suggestions:
        a, b = refs_of(s)
        pa, pb = owner[a], owner[b]
        if pa != pb:
            if next(_conflicts(people[pa], people[pb], (a, b), records), None):
                hold.append(s.id)
                continue
            if len(people[pa]) < len(people[pb]):
                pa, pb = pb, pa
            for ref in people[pb]:
                owner[ref] = pa
            people[pa].extend(people.pop(pb))
        accept.append(s.id)
    return AcceptPlan(tuple(accept), tuple(hold))


def _members_of_subjects(
    scope: TenantScope, refs: t.Iterable[RecordRef]
) -> list[list[RecordRef]]:
    """Every record of each subject that one of *refs* belongs to, one list each."""
    subject_ids = {link.subject_id for link in scope.links_of(refs).values()}
    out: dict[int, list[RecordRef]] = {}
    for link in scope.subject_links(subject_ids):
        out.setdefault(link.subject_id, []).append(link.ref)
    return list(out.values())
