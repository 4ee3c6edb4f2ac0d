"""Stored duplicate suggestions: saving the pairs the matcher found, reading them.

A suggestion is a pair of person records of one tenant, stored in one order
(``a < b``), with a score, the evidence and a fingerprint of each record's identity
values as the host holds them. A rejected pair stays rejected until one of its two
records changes (its fingerprint differs): a new version of the matcher, which may
normalise the same values differently, does not re-open it.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from ... import matching
from ...errors import InvalidInput
from ...models import MatchSuggestion
from ...models import SubjectRecord
from ...models import utcnow
from ...store import locks
from ...store.locks import tenant_lock
from ...store.refs import RecordRef
from ...store.refs import ordered
from ...store.refs import parse_ref

if t.TYPE_CHECKING:
    from sqlalchemy import orm

    from ...store.scope import TenantScope

__all__ = [
    "ACCEPTED",
    "PENDING",
    "REJECTED",
    "count_pending",
    "next_pending",
    "pending",
    "refresh_pair",
    "refs_of",
    "same_subject",
    "store_pair",
    "store_scan_pairs",
    "suggestion",
]

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"

PairKey = tuple[RecordRef, RecordRef]


def pair_key(s: MatchSuggestion) -> PairKey:
    """The ordered refs of a stored suggestion, as pairs are keyed."""
    return (s.a_source, s.a_id), (s.b_source, s.b_id)


def refs_of(s: MatchSuggestion) -> tuple[RecordRef, RecordRef]:
    """The two record refs of a suggestion."""
    return pair_key(s)


def suggestion(scope: TenantScope, suggestion_id: int | str) -> MatchSuggestion:
    """The suggestion *suggestion_id* of this tenant.

    :raises NotFound: if there is none here (also for another tenant's id).
    """
    return scope.by_id(MatchSuggestion, suggestion_id, "suggestion")


def same_subject(scope: TenantScope, a: RecordRef, b: RecordRef) -> bool:
    """True when records *a* and *b* are already linked to one subject."""
    la, lb = scope.link_of(a), scope.link_of(b)
    return la is not None and lb is not None and la.subject_id == lb.subject_id


# -- saving -------------------------------------------------------------------------
def store_pair(
    scope: TenantScope,
    pair: matching.MatchPair,
    prints: t.Mapping[RecordRef, str],
    existing: dict[PairKey, MatchSuggestion],
) -> MatchSuggestion | None:
    """Create or refresh the suggestion of *pair*; None if it stays decided.

    A pending suggestion gets the new score; a rejected one is re-opened only when a
    fingerprint changed; an accepted one is re-opened when its records are no
    longer in one subject (the link was undone).
    """
    a, b, _ = ordered(parse_ref(pair.a), parse_ref(pair.b))
    row = existing.get((a, b))
    if row is None:
        row = MatchSuggestion(**new_suggestion(scope.tenant, a, b, pair, prints))
        scope.session.add(row)
        existing[(a, b)] = row
        return row
    return refresh_pair(row, pair, prints[a], prints[b])


def refresh_pair(
    row: MatchSuggestion, pair: matching.MatchPair, fp_a: str, fp_b: str
) -> MatchSuggestion | None:
    """:func:`store_pair` of a pair already stored as *row* (*fp_a*, *fp_b*: the
    fingerprints of its ordered refs now); None if it stays decided."""
    if row.status == REJECTED and (row.a_fingerprint, row.b_fingerprint) == (
        fp_a,
        fp_b,
    ):
        return None
    row.score = float(pair.score)
    row.evidence = dict(pair.evidence)
    row.a_fingerprint, row.b_fingerprint = fp_a, fp_b
    if row.status != PENDING:
        row.status = PENDING
        row.decided_at = None
        row.decided_by = None
    return row


def new_suggestion(
    tenant: str,
    a: RecordRef,
    b: RecordRef,
    pair: matching.MatchPair,
    prints: t.Mapping[RecordRef, str],
) -> dict[str, t.Any]:
    """Column values of a pending suggestion of *pair* (refs ordered: a < b)."""
    return {
        "tenant_key": tenant,
        "a_source": a[0],
        "a_id": a[1],
        "b_source": b[0],
        "b_id": b[1],
        "score": float(pair.score),
        "evidence": dict(pair.evidence),
        "status": PENDING,
        "a_fingerprint": prints[a],
        "b_fingerprint": prints[b],
        "created_at": utcnow(),
    }


def store_scan_pairs(
    scope: TenantScope,
    pairs: t.Sequence[matching.MatchPair],
    prints: t.Mapping[RecordRef, str],
) -> int:
    """Upsert a full scan's pairs; drop pending ones it no longer finds; return
    the number pending.

    Pairs joining the same two persons (a record and three registrations linked
    to one subject) are one suggestion: the best-scoring pair between them.
    """
    session = scope.session
    tenant_lock(scope, locks.GROUPING)
    existing = {pair_key(s): s for s in session.scalars(scope.select(MatchSuggestion))}
    subjects = {
        link.ref: link.subject_id
        for link in session.scalars(scope.select(SubjectRecord))
    }
    kept: set[MatchSuggestion] = set()
    new_rows: list[dict[str, t.Any]] = []
    claimed: set[frozenset[t.Any]] = set()
    for pair in sorted(pairs, key=lambda p: (-p.score, p.a, p.b)):
        a, b, _ = ordered(parse_ref(pair.a), parse_ref(pair.b))
        if a in subjects and subjects.get(a) == subjects.get(b):
            continue
        # one suggestion per two persons: the best pair between them (a record
        # with no subject yet is a person of its own)
        persons = frozenset(
            ("subject", subjects[r]) if r in subjects else ("record", r) for r in (a, b)
        )
        if persons in claimed:
            continue
        claimed.add(persons)
        if (a, b) in existing:
            row = store_pair(scope, pair, prints, existing)
            if row is not None:
                kept.add(row)
            continue
        # a pair never suggested before: one bulk insert below, no ORM object
        new_rows.append(new_suggestion(scope.tenant, a, b, pair, prints))
    for row in list(existing.values()):
        if row.status == PENDING and row not in kept:
            session.delete(row)
    session.flush()
    _insert_new(session, new_rows)
    return len(kept) + len(new_rows)


def _insert_new(session: orm.Session, rows: list[dict[str, t.Any]]) -> None:
    """Insert suggestion rows never stored before, in one statement."""
    if rows:
        session.execute(sa.insert(MatchSuggestion.__table__), rows)


# -- reading ------------------------------------------------------------------------
def pending(
    scope: TenantScope, page: int = 1, per_page: int = 25
) -> tuple[list[MatchSuggestion], int]:
    """One page of pending suggestions, best first, and the total count.

    :raises InvalidInput: if *page* or *per_page* is below 1.
    """
    if page < 1 or per_page < 1:
        raise InvalidInput("page and page size must be positive")
    base = scope.select(MatchSuggestion).where(MatchSuggestion.status == PENDING)
    total = int(
        scope.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        or 0
    )
    stmt = (
        base.order_by(MatchSuggestion.score.desc(), MatchSuggestion.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(scope.session.scalars(stmt)), total


def count_pending(scope: TenantScope) -> int:
    """How many suggestions of the tenant are pending."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(MatchSuggestion)
        .where(
            MatchSuggestion.tenant_key == scope.tenant,
            MatchSuggestion.status == PENDING,
        )
    )
    return int(scope.session.scalar(stmt) or 0)


def next_pending(
    scope: TenantScope, current: MatchSuggestion
) -> MatchSuggestion | None:
    """The pending suggestion after *current* in the list's order, for a reviewer
    going through them one by one.

    The order is that of :func:`pending` (best first, then by id); past the last
    one it starts again at the top. *current* itself is never returned, so a
    reviewer who skips a suggestion moves on. None when no other is pending.
    """
    base = scope.select(MatchSuggestion).where(
        MatchSuggestion.status == PENDING, MatchSuggestion.id != current.id
    )
    order = (MatchSuggestion.score.desc(), MatchSuggestion.id)
    after = sa.or_(
        MatchSuggestion.score < current.score,
        sa.and_(
            MatchSuggestion.score == current.score, MatchSuggestion.id > current.id
        ),
    )
    for stmt in (base.where(after), base):
        found = scope.session.scalars(stmt.order_by(*order).limit(1)).first()
        if found is not None:
            return found
    return None
