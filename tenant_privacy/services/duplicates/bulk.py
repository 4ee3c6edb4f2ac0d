"""Incremental matching of a batch of records at once: what the job
``match_records`` runs.

The result is that of :func:`~.incremental.match_record` called for each record
in turn, in the given order (the tests hold the two paths to it), but the work is
done per batch: one settings read and one read of the records before the lock,
then one lock, one read of the old index rows, one bulk delete and one bulk
insert of blocking keys, one query for the records filed under the batch's keys,
comparisons in memory, and the suggestions written in one flush and one insert.
Matching one by one lets each record see the records matched before it under
their new keys and those after it under their old ones; the candidates are
worked out here exactly so.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from types import SimpleNamespace

import sqlalchemy as sa

from ... import matching
from ...errors import NotFound
from ...models import SUBJECT_ERASED
from ...models import MatchSuggestion
from ...models import Subject
from ...models import SubjectRecord
from ...store import locks
from ...store.locks import tenant_lock
from ...store.refs import RecordRef
from ...store.refs import ordered
from ...store.refs import parse_ref
from ...store.scope import chunks
from . import index as mi
from .calibration import tenant_has_households
from .calibration import threshold
from .incremental import best_per_person
from .incremental import name_block_limits
from .suggestions import PENDING
from .suggestions import PairKey
from .suggestions import new_suggestion
from .suggestions import pair_key
from .suggestions import refresh_pair

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = ["match_records"]


def match_records(scope: TenantScope, refs: t.Iterable[t.Sequence[str]]) -> int:
    """Match the records *refs* (``(source_key, record_id)``, in this order) of the
    tenant against its stored index, as :func:`~.incremental.match_record` would
    one after the other; a ref given twice is matched once, one naming no record
    is skipped. Returns the number of pending suggestions the records kept (a pair
    of two of them counts for each). Flushes."""
    wanted = _unique_refs(scope, refs)
    if not wanted:
        return 0
    region = mi.tenant_region(scope)
    limit, households = threshold(scope), tenant_has_households(scope)
    # the host's rows are no part of what the lock guards: read them before it,
    # so the tenant (and, on SQLite, the database) waits a shorter while
    reads = _by_ref(mi.read_refs(scope, wanted, region))
    tenant_lock(scope, locks.GROUPING)
    # what is left of an erased person is never matched again (the erasure won)
    for ref in _erased(scope, wanted):
        reads.pop(ref, None)
    old_keys = mi.keys_of(scope, wanted)
    indexed = mi.indexed_of(scope, wanted)
    mi.forget_many(scope, wanted)
    mi.write_index(scope, [reads[ref] for ref in wanted if ref in reads])
    candidates = _candidates(scope, wanted, reads, old_keys)
    others = {c for found in candidates.values() for c in found if c not in reads}
    reads.update(_by_ref(mi.read_refs(scope, sorted(others), region)))
    subjects = _subjects(scope, [*wanted, *others])
    prints = {ref: read.fingerprint for ref, read in reads.items()}
    ledger = _Ledger(scope, wanted)
    found = 0
    for ref in wanted:
        mine = ledger.mine(ref) if ref in indexed else []
        kept: list[MatchSuggestion] = []
        if ref in reads:
            pairs = matching.match_one(
                reads[ref].nr,
                [reads[c].nr for c in candidates[ref] if c in reads],
                threshold=limit,
                households=households,
            )
            for pair in best_per_person(subjects.get(ref), pairs, subjects.get):
                row = ledger.store(pair, prints)
                if row is not None:
                    kept.append(row)
        kept_ids = {id(row) for row in kept}
        for s in mine:
            if s.status == PENDING and id(s) not in kept_ids:
                ledger.drop(s)
        found += len(kept)
    ledger.write()
    return found


def _unique_refs(
    scope: TenantScope, refs: t.Iterable[t.Sequence[str]]
) -> list[RecordRef]:
    out: dict[RecordRef, None] = {}
    for source_key, record_id in refs:
        try:
            out.setdefault(scope.ref(str(source_key), str(record_id)))
        except NotFound:
            continue
    return list(out)


def _by_ref(reads: t.Iterable[mi.ReadRecord]) -> dict[RecordRef, mi.ReadRecord]:
    return {parse_ref(read.nr.id): read for read in reads}


def _candidates(
    scope: TenantScope,
    wanted: list[RecordRef],
    reads: t.Mapping[RecordRef, mi.ReadRecord],
    old_keys: t.Mapping[RecordRef, set[str]],
) -> dict[RecordRef, list[RecordRef]]:
    """The candidates of each present record of the batch, as
    :func:`~.index.candidate_refs` finds them when the records are matched one
    by one: those before it filed under their new keys, those after it under
    their old ones (a new record: none), the rest as stored."""
    new_keys = {
        ref: mi.key_hashes(scope.tenant, reads[ref].nr)
        for ref in wanted
        if ref in reads
    }
    stored = mi.members_of(scope, {h for keys in new_keys.values() for h in keys})
    batch = set(wanted)
    before: dict[str, list[int]] = defaultdict(list)
    after: dict[str, list[int]] = defaultdict(list)
    for pos, ref in enumerate(wanted):
        for h in new_keys.get(ref, ()):
            before[h].append(pos)
        for h in old_keys.get(ref, ()):
            after[h].append(pos)
    out: dict[RecordRef, list[RecordRef]] = {}
    for pos, ref in enumerate(wanted):
        if ref not in new_keys:
            continue
        members = {
            h: [m for m in stored.get(h, ()) if m not in batch]
            + [wanted[p] for p in before[h] if p < pos]
            + [wanted[p] for p in after[h] if p > pos]
            for h in new_keys[ref]
        }
        out[ref] = mi.rank_candidates(members, name_block_limits(new_keys[ref]))
    return out


def _erased(scope: TenantScope, refs: t.Sequence[RecordRef]) -> set[RecordRef]:
    """Those of *refs* whose person was erased, read afresh (under the lock, an
    erasure that ran meanwhile has committed)."""
    by_subject: dict[int, list[RecordRef]] = defaultdict(list)
    for source_key, record_id, subject in mi.ref_rows(
        scope, SubjectRecord, refs, SubjectRecord.subject_id
    ):
        by_subject[subject].append((source_key, record_id))
    if not by_subject:
        return set()
    erased = scope.session.scalars(
        sa.select(Subject.id).where(
            Subject.tenant_key == scope.tenant,
            Subject.id.in_(list(by_subject)),
            Subject.state == SUBJECT_ERASED,
        )
    )
    return {ref for subject in erased for ref in by_subject[subject]}


def _subjects(scope: TenantScope, refs: t.Sequence[RecordRef]) -> dict[RecordRef, int]:
    """The subject id of each of *refs* that has one."""
    rows = mi.ref_rows(scope, SubjectRecord, refs, SubjectRecord.subject_id)
    return {(source_key, record_id): subject for source_key, record_id, subject in rows}


class _Ledger:
    """The tenant's suggestions involving a batch of records, changed in memory
    as matching them one by one would change them, then written at once."""

    def __init__(self, scope: TenantScope, refs: t.Sequence[RecordRef]):
        self.scope = scope
        self.by_ref: dict[RecordRef, dict[PairKey, MatchSuggestion]] = defaultdict(dict)
        self.created: dict[int, MatchSuggestion] = {}
        self.deleted: list[MatchSuggestion] = []
        batch = set(refs)
        for side in ("a", "b"):
            source_col = getattr(MatchSuggestion, f"{side}_source")
            id_col = getattr(MatchSuggestion, f"{side}_id")
            for source_key, ids in mi.by_source(refs).items():
                for part in chunks(ids):
                    stmt = scope.select(MatchSuggestion).where(
                        source_col == source_key, id_col.in_(part)
                    )
                    for s in scope.session.scalars(stmt):
                        if any(r in batch for r in pair_key(s)):
                            self._file(s)

    def _file(self, s: MatchSuggestion) -> None:
        key = pair_key(s)
        for ref in key:
            self.by_ref[ref][key] = s

    def mine(self, ref: RecordRef) -> list[MatchSuggestion]:
        """The suggestions involving *ref* now."""
        return list(self.by_ref.get(ref, {}).values())

    def store(
        self, pair: matching.MatchPair, prints: t.Mapping[RecordRef, str]
    ) -> MatchSuggestion | None:
        """:func:`~.suggestions.store_pair` in memory."""
        a, b, _ = ordered(parse_ref(pair.a), parse_ref(pair.b))
        row = self.by_ref.get(a, {}).get((a, b))
        if row is not None:
            return refresh_pair(row, pair, prints[a], prints[b])
        # a new row stays a plain object until written (one INSERT for all)
        values = new_suggestion(self.scope.tenant, a, b, pair, prints)
        row = t.cast(MatchSuggestion, SimpleNamespace(**values, id=None))
        self.created[id(row)] = row
        self._file(row)
        return row

    def drop(self, s: MatchSuggestion) -> None:
        """Delete suggestion *s*."""
        key = pair_key(s)
        for ref in key:
            self.by_ref.get(ref, {}).pop(key, None)
        if self.created.pop(id(s), None) is None:
            self.deleted.append(s)

    def write(self) -> None:
        """Flush the deletions, then insert the new suggestions (a pair deleted
        and found again is a new row, as one by one)."""
        session = self.scope.session
        for s in self.deleted:
            session.delete(s)
        session.flush()
        rows = [vars(row) for row in self.created.values()]
        for row in rows:
            del row["id"]
        if rows:
            session.execute(sa.insert(MatchSuggestion.__table__), rows)
