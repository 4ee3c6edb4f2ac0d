"""Names: tokens of first, last and full names, given-name knowledge, orientation.

Pure and deterministic: the name lists are built once at import from
:mod:`..given_names` and :mod:`..nicknames`.
"""

from __future__ import annotations

import re
import typing as t
from functools import lru_cache

from ..given_names import build_ambiguous_names
from ..given_names import build_given_names
from ..nicknames import build_groups
from .text import MAX_TEXT_CHARS
from .text import bounded
from .text import canon_text
from .text import canon_token

__all__ = [
    "AMBIGUOUS_NAMES",
    "EMPTY_GROUPS",
    "GIVEN_NAMES",
    "MAX_NAME_TOKENS",
    "MAX_NAME_TOKEN_CHARS",
    "NAME_NOISE",
    "NAME_PLACEHOLDERS",
    "NICK_GROUPS",
    "is_given_name",
    "nickname_groups",
    "orient_names",
    "read_names",
    "split_full_name",
]

#: Nickname groups of each canonical given name (Kris/Kristoffer share one).
NICK_GROUPS: dict[str, frozenset[int]] = build_groups(canon_token)
#: Canonical words known as given names only (never as surnames).
GIVEN_NAMES: frozenset[str] = build_given_names(canon_token)
#: Canonical words used both as given names and as surnames.
AMBIGUOUS_NAMES: frozenset[str] = build_ambiguous_names(canon_token)


def is_given_name(token: str) -> bool:
    """True when the canonical word ``token`` is a known given name only."""
    return token in GIVEN_NAMES


def _surname_first(head: tuple[str, ...], rest: tuple[str, ...]) -> bool:
    """True when ``head`` cannot be a given name and ``rest`` holds one."""
    return (
        bool(head)
        and not any(w in GIVEN_NAMES or w in AMBIGUOUS_NAMES for w in head)
        and any(w in GIVEN_NAMES for w in rest)
    )


#: Most words a given name or a surname keeps (the first ones): a real name has
#: at most about six in all (four in every bench set). Comparing two names costs
#: the product of their word counts, so this bounds every name comparison at
#: 8 x 8 word comparisons, however long a hostile name field is.
MAX_NAME_TOKENS = 8
#: Most characters a name word keeps (the longest in the bench sets has 17; long
#: surnames such as "wolfeschlegelsteinhausenbergerdorff" have 35).
MAX_NAME_TOKEN_CHARS = 40


#: No nickname group (the default of :attr:`NormalizedRecord.first_groups`).
EMPTY_GROUPS: frozenset[int] = frozenset()


#: Titles and generation marks that are no part of a name ("Dr. Ole Hansen jr.").
NAME_NOISE = frozenset(
    "dr doktor prof professor hr herr fru frk froken mr mrs ms miss mx sir dame "
    "jr jnr junior sr snr senior ii iii iv phd md".split()
)
_PARENTHESES = re.compile(r"\([^)]*\)")


def _name_tokens(value: t.Any) -> tuple[str, ...]:
    """Name tokens of a field value (see :func:`_name_words`); empty for None.

    Only the first :data:`~.text.MAX_TEXT_CHARS` characters are read.
    """
    if value is None:
        return ()
    return _name_words(bounded(str(value), MAX_TEXT_CHARS))


#: Words typed where the name is not known ("Ukjent", "Ikke oppgitt", "xxx"); a
#: name made of nothing else is no name. "N.N." and "N/A" too (below).
NAME_PLACEHOLDERS = frozenset(
    "ukjent ukjend unknown nn xxx xx x test dummy ikke oppgitt mangler ingen none "
    "null navn name fornavn etternavn firstname lastname".split()
)
_PLACEHOLDER_INITIALS = frozenset({("n", "n"), ("n", "a")})


@lru_cache(maxsize=200_000)
def _name_words(text: str) -> tuple[str, ...]:
    """Canonical name words of ``text`` without remarks, titles and placeholders:
    at most :data:`MAX_NAME_TOKENS` words of at most :data:`MAX_NAME_TOKEN_CHARS`
    characters each (the first ones)."""
    if "(" in text:  # "Ole Hansen (privat)"
        text = _PARENTHESES.sub(" ", text)
    tokens = tuple(w for w in canon_text(text) if w)
    kept = tuple(w for w in tokens if w not in NAME_NOISE)
    if tokens in _PLACEHOLDER_INITIALS or all(w in NAME_PLACEHOLDERS for w in tokens):
        return ()
    return _bounded_name(kept or tokens)


def _bounded_name(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` cut to :data:`MAX_NAME_TOKENS` words of at most
    :data:`MAX_NAME_TOKEN_CHARS` characters (real names come back unchanged)."""
    if len(words) > MAX_NAME_TOKENS:
        words = words[:MAX_NAME_TOKENS]
    if any(len(w) > MAX_NAME_TOKEN_CHARS for w in words):
        words = tuple(w[:MAX_NAME_TOKEN_CHARS] for w in words)
    return words


def split_full_name(full_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a full name into (first-name tokens, last-name tokens).

    "Nordmann, Ola" gives last "nordmann", first "ola"; "NORDMANN OLA" (a first
    word that is not a known given name followed by one that is) gives the same;
    otherwise the last word is the surname and the rest the given names. Other
    swapped orders are handled later by the scorer, which tries both orientations.
    Only the first :data:`~.text.MAX_TEXT_CHARS` characters are read.
    """
    text = _PARENTHESES.sub(" ", bounded(str(full_name), MAX_TEXT_CHARS)).strip()
    if "," in text:
        last, _, first = text.partition(",")
        return _name_tokens(first), _name_tokens(last)
    # keep hyphenated surnames together before tokenising; drop titles
    words = [w for w in text.split() if not set(canon_text(w)) <= NAME_NOISE]
    if not words:
        return (), ()
    if len(words) == 1:
        return _name_tokens(words[0]), ()
    head, rest = _name_tokens(words[0]), _name_tokens(" ".join(words[1:]))
    if _surname_first(head, rest):
        return rest, head
    return _name_tokens(" ".join(words[:-1])), _name_tokens(words[-1])


def orient_names(
    first: tuple[str, ...], last: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(given, surname) the right way round.

    When no word of ``first`` can be a given name and a word of ``last`` is a
    known given name (the fields were filled the wrong way round), the two are
    swapped; otherwise they are returned unchanged.
    """
    if last and _surname_first(first, last):
        return last, first
    return first, last


def read_names(
    first_name: t.Any, last_name: t.Any, full_name: t.Any
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(given, surname) tokens of a record's three name fields.

    A missing first or last name is taken from ``full_name``: when both are
    missing it is split (:func:`split_full_name`); when one is given, the words
    of the full name that are not in it make up the other. The result is turned
    the right way round (:func:`orient_names`); each part keeps at most
    :data:`MAX_NAME_TOKENS` words.
    """
    first = _name_tokens(first_name)
    last = _name_tokens(last_name)
    if full_name and (not first or not last):
        f2, l2 = split_full_name(str(full_name))
        if not first and not last:
            first, last = f2, l2
        elif not first:
            # remove the known surname from the full name, rest is the first name
            rest = tuple(w for w in f2 + l2 if w not in last)
            first = rest or f2
        else:
            rest = tuple(w for w in f2 + l2 if w not in first)
            last = rest or l2
    first, last = orient_names(first, last)
    return first[:MAX_NAME_TOKENS], last[:MAX_NAME_TOKENS]


def nickname_groups(first: tuple[str, ...]) -> frozenset[int]:
    """Every nickname group any of the given-name tokens ``first`` belongs to."""
    groups: set[int] = set()
    for tok in first:
        groups.update(NICK_GROUPS.get(tok, EMPTY_GROUPS))
    return frozenset(groups)
