"""Incremental matching: one new or changed registration against the stored index,
without a rescan. The automatic matching hook (:mod:`tenant_privacy.hooks`) and
``TenantPrivacy.match_record`` hand it to the job runner (job ``match_record``).
"""

from __future__ import annotations

import typing as t

from ... import matching
from ...errors import NotFound
from ...matching.blocking import MAX_BLOCK
from ...matching.blocking import block_limit
from ...models import SUBJECT_ERASED
from ...models import MatchSuggestion
from ...store import locks
from ...store.locks import tenant_lock
from ...store.refs import RecordRef
from ...store.refs import ordered
from ...store.refs import parse_ref
from . import index as mi
from .calibration import tenant_has_households
from .calibration import threshold
from .suggestions import PENDING
from .suggestions import pair_key
from .suggestions import store_pair

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = [
    "best_per_person",
    "best_per_subject",
    "match_record",
    "name_block_limits",
]


def match_record(
    scope: TenantScope, source_key: str, record_id: str
) -> list[MatchSuggestion]:
    """Match one new or changed registration against the tenant's stored keys.

    Replaces the record's blocking keys and fingerprint, scores it against the
    stored records sharing most keys with it (at most
    :data:`~.index.MAX_CANDIDATES`) and upserts the suggestions. A record that no
    longer exists is forgotten and its pending suggestions dropped. Returns the
    record's pending suggestions, best first. Flushes.

    *record_id* may be any spelling :func:`~tenant_privacy.store.refs.canonical_id`
    accepts; one it refuses (or a key that is no person source) names no record:
    nothing to match.
    """
    session = scope.session
    try:
        ref: RecordRef = scope.ref(source_key, record_id)
    except NotFound:
        return []
    tenant_lock(scope, locks.GROUPING)
    indexed = mi.forget(scope, ref)
    link = scope.link_of(ref)
    if link is not None:
        scope.session.refresh(link.subject)  # an erasure may have committed
    # what is left of an erased person is never matched again (the erasure won)
    row = (
        None
        if link is not None and link.subject.state == SUBJECT_ERASED
        else mi.fetch(scope, ref)
    )
    # a record never indexed has no suggestions yet: skip the look-up
    mine = mi.suggestions_of(scope, ref) if indexed else []
    if row is None:
        for s in mine:
            if s.status == PENDING:
                session.delete(s)
        session.flush()
        return []
    region = mi.tenant_region(scope)
    read = mi.read_row(scope, scope.person_source(ref[0]), row, region)
    prints = mi.write_index(scope, [read])
    keys = mi.key_hashes(scope.tenant, read.nr)
    candidates = mi.candidate_refs(scope, ref, keys, limits=name_block_limits(keys))
    cand_reads = mi.read_refs(scope, candidates, region)
    pairs = matching.match_one(
        read.nr,
        [c.nr for c in cand_reads],
        threshold=threshold(scope),
        households=tenant_has_households(scope),
    )
    prints.update({parse_ref(c.nr.id): c.fingerprint for c in cand_reads})
    existing = {pair_key(s): s for s in mine}
    kept: list[MatchSuggestion] = []
    for pair in best_per_subject(scope, ref, pairs):
        other = parse_ref(pair.b)
        a, b, _ = ordered(ref, other)
        if (a, b) not in existing:
            found = session.scalars(
                scope.select(MatchSuggestion).filter_by(
                    a_source=a[0], a_id=a[1], b_source=b[0], b_id=b[1]
                )
            ).first()
            if found is not None:
                existing[(a, b)] = found
        stored = store_pair(scope, pair, prints, existing)
        if stored is not None:
            kept.append(stored)
    for s in mine:
        if s.status == PENDING and s not in kept:
            session.delete(s)
    session.flush()
    return sorted(kept, key=lambda s: -s.score)


def best_per_subject(
    scope: TenantScope, ref: RecordRef, pairs: t.Iterable[matching.MatchPair]
) -> list[matching.MatchPair]:
    """The best-scoring of *pairs* (``a`` is *ref*) against each other person:
    a record that matches three registrations already linked to one person is
    one suggestion against that person, not three (the review page shows what
    else linking joins). Pairs within *ref*'s own subject are dropped."""
    own = scope.link_of(ref)

    def subject_of(other: RecordRef) -> int | None:
        link = scope.link_of(other)
        return None if link is None else link.subject_id

    return best_per_person(None if own is None else own.subject_id, pairs, subject_of)


def best_per_person(
    own: int | None,
    pairs: t.Iterable[matching.MatchPair],
    subject_of: t.Callable[[RecordRef], int | None],
) -> list[matching.MatchPair]:
    """:func:`best_per_subject` given the subject id *own* of the record and
    *subject_of* (a record's subject id, None for a record without one)."""
    seen: set[t.Any] = set()
    best: list[matching.MatchPair] = []
    for pair in sorted(pairs, key=lambda p: (-p.score, p.b)):
        other = parse_ref(pair.b)
        subject = subject_of(other)
        if subject is None:
            group: t.Any = other  # a record with no subject yet is its own person
        elif own is not None and subject == own:
            continue
        else:
            group = subject
        if group not in seen:
            seen.add(group)
            best.append(pair)
    return best


def name_block_limits(keys: t.Mapping[str, str]) -> dict[str, int]:
    """Limits of the name blocks among *keys* (hash → key), as a full scan applies.

    Only name keys are capped: a full scan splits any other oversized block by
    name prefix, which ranking the candidates by shared keys approximates.
    """
    limits = {h: block_limit(key) for h, key in keys.items()}
    return {h: limit for h, limit in limits.items() if limit < MAX_BLOCK}
