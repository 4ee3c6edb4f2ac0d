"""The matcher's memo caches: what they hold and how to empty them.

Normalisation and similarity are memoised per distinct string (names, streets,
phones repeat across a tenant's registrations). The caches are bounded, hold no
more than the strings the process has already seen, and are emptied by
:func:`clear_caches`: a benchmark calls it before each timed run so that every
run starts cold, as a fresh scan in a fresh worker does.
"""

from __future__ import annotations

from . import blocking
from . import similarity
from .normalize import addresses
from .normalize import dates
from .normalize import emails
from .normalize import names
from .normalize import phones
from .normalize import text

__all__ = ["clear_caches"]

_CACHED = (
    text.fold_text,
    text.canon_token,
    text._canon_words,
    text._sound,
    text.phonetic,
    names._name_words,
    phones._phone_number,
    addresses._street_token,
    addresses._street_parts,
    dates._written_date,
    emails._provider_domain,
    blocking._given_keys,
    similarity.token_similarity,
    similarity.name_similarity,
    similarity._street_text_similarity,
)


def clear_caches() -> None:
    """Empty every memo cache of the matcher (results never change, only speed)."""
    for function in _CACHED:
        function.cache_clear()
