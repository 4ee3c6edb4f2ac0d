"""Pair scoring: per-field similarities combined as Fellegi-Sunter-style log-odds.

Each field present on both records contributes a weight (hand-set, roughly
``ln(m/u)``: how much more often the observed agreement happens between two
registrations of one person than between two different people who landed in the
same block). Weights are summed with a prior and squashed by the logistic
function into a score in [0, 1]. See docs/matching.md for the reasoning.

The work is done in three steps, one module each:

1. :mod:`.comparators` compares each field of the two records on its own
   (names, birth date, national id, email, phone, street, postcode, city,
   country, company), giving its similarity and weight;
2. :mod:`.households` combines the readings under the household rules
   (household evidence is capped; a conflict on who they are moves shared
   contact data and surname into the household group);
3. this module turns the log-odds into a score and rounds the evidence.

The weights and thresholds live in :mod:`.weights`, the similarities in
:mod:`.similarity`; the names other modules import from here are re-exported.
"""

from __future__ import annotations

import math
import typing as t

from .comparators import compare_fields
from .households import combine
from .similarity import name_similarity
from .similarity import token_similarity
from .weights import DEFAULT_THRESHOLD
from .weights import FIRST_AGREES
from .weights import FIRST_CONFLICT
from .weights import HOUSEHOLD_CAP
from .weights import PRIOR
from .weights import SPELLING_VARIANT
from .weights import SURNAME_AGREES
from .weights import W_EMAIL_LOCAL
from .weights import W_EMAIL_LOCAL_DIGITS

if t.TYPE_CHECKING:
    from .normalize import NormalizedRecord

__all__ = [
    "DEFAULT_THRESHOLD",
    "FIRST_AGREES",
    "FIRST_CONFLICT",
    "HOUSEHOLD_CAP",
    "PRIOR",
    "SPELLING_VARIANT",
    "SURNAME_AGREES",
    "W_EMAIL_LOCAL",
    "W_EMAIL_LOCAL_DIGITS",
    "compare",
    "compare_readings",
    "logistic",
    "name_similarity",
    "rounded",
    "score_pair",
    "token_similarity",
]


def compare(
    a: NormalizedRecord, b: NormalizedRecord, *, households: bool = True
) -> tuple[float, dict[str, float]]:
    """Log-odds that ``a`` and ``b`` are one person, and the per-field evidence.

    The evidence maps each field present on both records to a similarity in
    [0, 1]; "name" summarises first and last name. With ``households=False``
    (a tenant whose data shows no households, see :mod:`.households`) and no
    contact data on either record, another given name or birth date at an
    agreeing address is read as a replaced value rather than a relative, and
    the address is not capped as household evidence.
    """
    total, ev, _ = compare_readings(a, b, households=households)
    return total, ev


def compare_readings(
    a: NormalizedRecord, b: NormalizedRecord, *, households: bool = True
) -> tuple[float, dict[str, float], bool]:
    """:func:`compare`, plus whether the other household reading could differ.

    The third value is True only when ``households`` can change this pair's
    log-odds: neither record has contact data, the addresses agree, and the
    given names or birth dates conflict. Only such pairs need scoring again
    once a scan has measured the tenant household-free; for every other pair
    both readings give the same log-odds and evidence.
    """
    readings = compare_fields(a, b)
    total, sensitive = combine(a, b, readings, households=households)
    return total, readings.evidence(), sensitive


def logistic(x: float) -> float:
    """The logistic function, mapping log-odds to a probability in [0, 1]."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def score_pair(
    a: NormalizedRecord, b: NormalizedRecord, *, households: bool = True
) -> tuple[float, dict[str, float]]:
    """Score in [0, 1] that ``a`` and ``b`` are the same person, with evidence.

    The evidence holds a similarity in [0, 1] for every field present on both
    records (plus "name"); symmetric in ``a`` and ``b`` up to float rounding.
    ``households=False`` reads a tenant measured to have no households.
    """
    total, ev = compare(a, b, households=households)
    return logistic(total), rounded(ev)


def rounded(evidence: dict[str, float]) -> dict[str, float]:
    """``evidence`` with each similarity rounded to 3 places (display, storage)."""
    out = evidence.copy()  # most values are 1.0: copied, not rebuilt
    for k, v in evidence.items():
        if v != 1.0:
            out[k] = round(v, 3)
    return out
