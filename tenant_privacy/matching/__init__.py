"""Duplicate matching of person registrations: pure Python, no Flask, no database.

Usage::

    from tenant_privacy.matching import find_duplicates
    pairs = find_duplicates(records)

See docs/matching.md for the method, weights and measured quality.
"""

from __future__ import annotations

from .blocking import KEYS_VERSION
from .blocking import MAX_BLOCK
from .blocking import blocking_keys
from .caches import clear_caches
from .closure import transitive_closure
from .households import HOUSEHOLD_FREE_RATE
from .households import HouseholdRate
from .normalize import NormalizedRecord
from .normalize import normalize_birth_date
from .normalize import normalize_email
from .normalize import normalize_phone
from .normalize import normalize_record
from .pipeline import MatchPair
from .pipeline import ScanResult
from .pipeline import find_duplicates
from .pipeline import match_one
from .pipeline import scan_duplicates
from .scoring import DEFAULT_THRESHOLD
from .scoring import score_pair

__all__ = [
    "DEFAULT_THRESHOLD",
    "HOUSEHOLD_FREE_RATE",
    "HouseholdRate",
    "KEYS_VERSION",
    "MAX_BLOCK",
    "MatchPair",
    "NormalizedRecord",
    "blocking_keys",
    "clear_caches",
    "find_duplicates",
    "match_one",
    "normalize_birth_date",
    "normalize_email",
    "normalize_phone",
    "normalize_record",
    "scan_duplicates",
    "ScanResult",
    "score_pair",
    "transitive_closure",
]
