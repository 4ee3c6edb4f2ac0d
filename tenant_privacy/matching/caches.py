"""The matcher's memo caches: what they hold and how to empty them.

Normalisation and similarity are memoised per distinct string (names, streets,
phones repeat across a tenant's registrations). The caches are bounded, hold no
more than the strings the process has already seen, and are emptied by
:func:`clear_caches`: a benchmark calls it before each timed run so that every
run starts cold, as a fresh scan in a fresh worker does.
"""

from __future__ import annotations

from . import blocking
from . import normalize
from . import scoring

__all__ = ["clear_caches"]

_CACHED = (
    normalize.fold_text,
    normalize.canon_token,
    normalize._canon_words,
    normalize._sound,
    normalize.phonetic,
    normalize._name_words,
    normalize.normalize_phone,
    normalize._street_token,
    normalize._street_parts,
    normalize._written_date,
    normalize._provider_domain,
    blocking._given_keys,
    scoring.token_similarity,
    scoring.name_similarity,
    scoring._street_text_similarity,
)


def clear_caches() -> None:
    """Empty every memo cache of the matcher (results never change, only speed)."""
    for function in _CACHED:
        function.cache_clear()
