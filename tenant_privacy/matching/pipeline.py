"""Batch and incremental matching on top of normalisation, blocking and scoring."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .blocking import MAX_BLOCK
from .blocking import candidate_pairs
from .households import HouseholdRate
from .normalize import NormalizedRecord
from .normalize import normalize_record
from .scoring import DEFAULT_THRESHOLD
from .scoring import compare
from .scoring import compare_readings
from .scoring import logistic
from .scoring import rounded

__all__ = ["MatchPair", "ScanResult", "find_duplicates", "match_one", "scan_duplicates"]

_KEYS = ("a", "b", "score", "evidence")


@dataclass(frozen=True, slots=True)
class MatchPair:
    """One suggested duplicate pair; also readable as a mapping (``pair["a"]``)."""

    a: Any
    b: Any
    score: float
    evidence: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        if key not in _KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def keys(self) -> tuple[str, ...]:
        """The mapping keys: "a", "b", "score", "evidence"."""
        return _KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    def __contains__(self, key: object) -> bool:
        return key in _KEYS

    def get(self, key: str, default: Any = None) -> Any:
        """Mapping-style ``get``."""
        return getattr(self, key) if key in _KEYS else default

    def to_dict(self) -> dict[str, Any]:
        """A plain dict copy (JSON-serialisable when the ids are)."""
        return {
            "a": self.a,
            "b": self.b,
            "score": self.score,
            "evidence": dict(self.evidence),
        }


def _sort_key(p: MatchPair) -> tuple[float, str, str]:
    return (-p.score, str(p.a), str(p.b))


def _as_normalized(
    records: Iterable[Mapping[str, Any] | NormalizedRecord], region: str
) -> list[NormalizedRecord]:
    out: list[NormalizedRecord] = []
    for rec in records:
        if isinstance(rec, NormalizedRecord):
            out.append(rec)
        else:
            out.append(normalize_record(rec, region=region))
    return out


@dataclass(frozen=True)
class ScanResult:
    """What one full scan found: the pairs and the tenant's measured household rate."""

    pairs: list[MatchPair]
    #: share of same-surname, same-address pairs with another given name; None
    #: when too few such pairs were seen to judge (see :mod:`.households`)
    household_rate: float | None
    #: False when the data showed no households and was read accordingly
    households: bool


def find_duplicates(
    records: Iterable[Mapping[str, Any]],
    *,
    threshold: float | None = None,
    default_region: str = "NO",
    max_block: int = MAX_BLOCK,
) -> list[MatchPair]:
    """Suggest duplicate pairs among ``records``, best first.

    Each record is a mapping with an ``id`` and any of the contract fields;
    unknown keys are ignored and missing/None values allowed. Only records that
    share a blocking key are compared (never all pairs). Returns every pair whose
    score is at least ``threshold`` (default :data:`DEFAULT_THRESHOLD`), sorted by
    score descending then by ids; ``a``/``b`` keep input order (``a`` came first).
    Same as ``scan_duplicates(...).pairs``.
    """
    return scan_duplicates(
        records,
        threshold=threshold,
        default_region=default_region,
        max_block=max_block,
    ).pairs


def scan_duplicates(
    records: Iterable[Mapping[str, Any]],
    *,
    threshold: float | None = None,
    default_region: str = "NO",
    max_block: int = MAX_BLOCK,
) -> ScanResult:
    """:func:`find_duplicates` plus the household rate measured on the way.

    When the records show no households (:class:`.households.HouseholdRate`),
    pairs without contact data that conflict on a given name or birth date are
    scored again with ``households=False`` before the pairs are returned; the
    product stores the rate so that incremental matching reads the tenant the
    same way.
    """
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    # many small long-lived objects: the cyclic GC would rescan them over and
    # over (quadratic-looking slow-down); nothing here creates reference cycles
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _find(records, limit, default_region, max_block)
    finally:
        if was_enabled:
            gc.enable()


def _find(
    records: Iterable[Mapping[str, Any]],
    limit: float,
    default_region: str,
    max_block: int,
) -> ScanResult:
    nrs = _as_normalized(records, default_region)
    out: list[MatchPair] = []
    rate = HouseholdRate()
    # pairs that a tenant without households would read differently: decided
    # once the whole tenant has been measured
    sensitive: list[tuple[NormalizedRecord, NormalizedRecord, float, dict[str, float]]]
    sensitive = []
    for i, j in candidate_pairs(nrs, max_block=max_block):
        ra, rb = nrs[i], nrs[j]
        if ra.id == rb.id:
            continue
        total, ev, sensitive_pair = compare_readings(ra, rb)
        rate.add(ev)
        score = logistic(total)
        if sensitive_pair:
            sensitive.append((ra, rb, score, ev))
        elif score >= limit:
            out.append(MatchPair(ra.id, rb.id, round(score, 6), rounded(ev)))
    households = rate.has_households()
    for ra, rb, score, ev in sensitive:
        if not households:
            total, ev = compare(ra, rb, households=False)
            score = logistic(total)
        if score >= limit:
            out.append(MatchPair(ra.id, rb.id, round(score, 6), rounded(ev)))
    out.sort(key=_sort_key)
    return ScanResult(out, rate.rate, households)


def match_one(
    new: Mapping[str, Any] | NormalizedRecord,
    candidates: Iterable[Mapping[str, Any] | NormalizedRecord],
    *,
    region: str = "NO",
    threshold: float | None = None,
    households: bool = True,
) -> list[MatchPair]:
    """Score one new registration against given candidates, best first.

    The caller fetches ``candidates`` (e.g. the records sharing a blocking key
    with ``new``); each is scored exactly as :func:`find_duplicates` would score
    the pair. Pairs below ``threshold`` (default :data:`DEFAULT_THRESHOLD`) are
    dropped; ``a`` is always the new record's id. A candidate with the same id as
    ``new`` is skipped. ``households=False`` scores as for a tenant whose data
    shows no households (see :class:`HouseholdRate`); the default is the strict
    reading.
    """
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    nr = (
        new
        if isinstance(new, NormalizedRecord)
        else normalize_record(new, region=region)
    )
    out: list[MatchPair] = []
    seen: set[Any] = set()
    for cand in _as_normalized(candidates, region):
        if cand.id == nr.id or cand.id in seen:
            continue
        seen.add(cand.id)
        total, ev = compare(nr, cand, households=households)
        score = logistic(total)
        if score >= limit:
            out.append(MatchPair(nr.id, cand.id, round(score, 6), rounded(ev)))
    out.sort(key=_sort_key)
    return out
