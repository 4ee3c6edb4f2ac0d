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

from .. import matching
from ..matching.scoring import FIRST_CONFLICT
from ..models import SubjectRecord
from . import match_index as mi
from .duplicates import refs_of

if t.TYPE_CHECKING:
    from ..models import MatchSuggestion
    from ..store.scope import TenantScope

RecordRef = tuple[str, str]

__all__ = ["CONFLICT_BELOW", "LinkConflict", "LinkPreview", "link_preview"]

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
    records = {mi.split_ref(nr.id): nr for nr in loaded}
    conflicts: list[LinkConflict] = []
    for left in side_a:
        for right in side_b:
            if (left, right) == (a, b) or left not in records or right not in records:
                continue  # a record that no longer exists
            _, evidence = matching.score_pair(records[left], records[right])
            fields = tuple(
                name
                for name, below in CONFLICT_BELOW.items()
                if name in evidence and evidence[name] < below
            )
            if fields:
                conflicts.append(LinkConflict(left, right, fields))
    return LinkPreview(joined, tuple(conflicts))
