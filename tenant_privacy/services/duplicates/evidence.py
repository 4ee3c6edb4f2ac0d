"""What the review page says about one field of a suggestion, truthfully.

The matcher's evidence (``MatchPair.evidence``) is a similarity per field of the
*normalised* values: "gmail.com" and "gmial.com", or "Løvåsveien 53" and
"lovasveien 53", both read 1.0 there. A reviewer must not be told they "agree".
:func:`field_agreement` compares the two values as the host holds them as well,
and tells apart: the same text (case and spacing aside); the same after
normalising (Norwegian letters and their ASCII spellings, punctuation, phone
formats); a typo (one or two letters apart); partly alike; different.
"""

from __future__ import annotations

import typing as t

from rapidfuzz.distance import OSA

from ...matching.normalize import canon_text

__all__ = [
    "DIFFERENT",
    "NORMALISED",
    "NOT_COMPARED",
    "SAME",
    "SIMILAR",
    "TYPO",
    "Agreement",
    "field_agreement",
]

SAME = "same"
NORMALISED = "normalised"
TYPO = "typo"
SIMILAR = "similar"
DIFFERENT = "different"
NOT_COMPARED = "not_compared"

#: Fields whose normalised forms agreeing means one value written two ways
#: (+47 / 0047, 12.04.1979 / 1979-04-12), never a typo the normaliser mended.
FORMATTED_FIELDS = frozenset({"phone", "birth_date", "national_id", "postcode"})
#: Lowest similarity read as "partly alike"; below it, "different".
SIMILAR_FROM = 0.6


class Agreement(t.NamedTuple):
    """One field of a suggestion compared."""

    #: :data:`SAME`, :data:`NORMALISED`, :data:`TYPO`, :data:`SIMILAR`,
    #: :data:`DIFFERENT` or :data:`NOT_COMPARED`.
    kind: str
    #: The matcher's similarity of the field, None when it did not compare it.
    similarity: float | None


def _plain(value: t.Any) -> str:
    return " ".join(str(value).split()).casefold()


def _folded(value: t.Any) -> str:
    """*value* with case, accents, Norwegian letters (and their ASCII spellings),
    spaces and punctuation folded away, as the matcher's text normaliser reads it."""
    return "".join(canon_text(str(value)))


def _typo(a: str, b: str) -> bool:
    """One edit apart (two in words of more than six letters); a swap of two
    neighbouring letters counts as one."""
    limit = 2 if min(len(a), len(b)) > 6 else 1
    return OSA.distance(a, b, score_cutoff=limit) <= limit


def field_agreement(
    field: str, a: t.Any, b: t.Any, similarity: float | None
) -> Agreement:
    """How the values *a* and *b* of *field*, as the host holds them, agree,
    given the matcher's *similarity* of their normalised forms.

    - :data:`SAME`: equal once case and spacing are ignored;
    - :data:`NORMALISED`: equal once letters, punctuation and formats are
      normalised ("Løvåsveien 53" / "lovasveien 53", "+47 915 55 123" /
      "91555123"), or the matcher read them as one value and they are not a
      typo apart;
    - :data:`TYPO`: a letter or two apart ("gmail.com" / "gmial.com"), even
      where the matcher mends it;
    - :data:`SIMILAR` / :data:`DIFFERENT`: the matcher's similarity, from or
      below :data:`SIMILAR_FROM`;
    - :data:`NOT_COMPARED`: a side has no value, or the matcher did not compare.
    """
    if a in (None, "") or b in (None, ""):
        return Agreement(NOT_COMPARED, similarity)
    if _plain(a) == _plain(b):
        return Agreement(SAME, similarity)
    folded_a, folded_b = _folded(a), _folded(b)
    if folded_a and folded_a == folded_b:
        return Agreement(NORMALISED, similarity)
    if similarity is None:
        return Agreement(NOT_COMPARED, similarity)
    typo = field not in FORMATTED_FIELDS and _typo(folded_a, folded_b)
    if similarity >= 0.99:
        return Agreement(TYPO if typo else NORMALISED, similarity)
    if typo or (field in FORMATTED_FIELDS and _typo(folded_a, folded_b)):
        return Agreement(TYPO, similarity)
    if similarity >= SIMILAR_FROM:
        return Agreement(SIMILAR, similarity)
    return Agreement(DIFFERENT, similarity)
