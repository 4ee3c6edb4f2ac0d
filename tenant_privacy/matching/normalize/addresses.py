"""Addresses: street words and house numbers, postcodes, countries, and a
street field that holds the whole address.

Pure and deterministic.
"""

from __future__ import annotations

import re
import typing as t
from functools import lru_cache

from .text import MAX_TEXT_CHARS
from .text import bounded
from .text import canon_folded
from .text import clean_code
from .text import fold_text

__all__ = [
    "MAX_HOUSE_NUMBERS",
    "normalize_country",
    "normalize_postcode",
    "normalize_street",
    "split_address",
]

_STREET_WORDS = {
    "gate": "gt",
    "gata": "gt",
    "gaten": "gt",
    "veien": "vn",
    "vegen": "vn",
    "vei": "vn",
    "veg": "vn",
    "v": "vn",
    "plass": "pl",
    "plassen": "pl",
    "postboks": "pb",  # "Postboks 123", "Boks 123", "Pb. 123"
    "boks": "pb",
    "street": "st",
    "str": "st",
    "road": "rd",
    "place": "pl",
    "avenue": "ave",
    "av": "ave",
    "court": "ct",
    "crt": "ct",
    "crescent": "cres",
    "cresent": "cres",
    "drive": "dr",
    "lane": "ln",
    "terrace": "tce",
    "parade": "pde",
    "highway": "hwy",
    "circuit": "cct",
    "close": "cl",
}
_STREET_SUFFIXES = (
    ("gaten", "gt"),
    ("gata", "gt"),
    ("gate", "gt"),
    ("veien", "vn"),
    ("vegen", "vn"),
    ("vei", "vn"),
    ("veg", "vn"),
)

_STREET_SUFFIX_ENDS = tuple(suffix for suffix, _ in _STREET_SUFFIXES)


@lru_cache(maxsize=100_000)
def _street_token(token: str) -> str:
    """One canonical street word with its street word or suffix abbreviated."""
    if token in _STREET_WORDS:
        return _STREET_WORDS[token]
    if not token.endswith(_STREET_SUFFIX_ENDS):
        return token  # most words: no Norwegian street suffix
    for suffix, short in _STREET_SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix) + 2:
            return token[: -len(suffix)] + short
    return token


_HOUSE_LETTERS = frozenset("abcdefgh")
#: Most house numbers a street keeps (the first ones; the bench sets have at
#: most 3): comparing two streets compares every number with every other.
MAX_HOUSE_NUMBERS = 8


def normalize_street(raw: t.Any) -> tuple[str, tuple[str, ...]] | None:
    """Street as (words without house numbers, house numbers), abbreviations unified.

    "Storgata 5 B" and "Storgt. 5b" both give ("storgt", ("5b",)). Only the
    first :data:`~.text.MAX_TEXT_CHARS` characters are read, and at most
    :data:`MAX_HOUSE_NUMBERS` house numbers kept.
    """
    if raw is None:
        return None
    return _street_parts(bounded(str(raw), MAX_TEXT_CHARS))


@lru_cache(maxsize=200_000)
def _street_parts(raw: str) -> tuple[str, tuple[str, ...]] | None:
    """Memoised body of :func:`normalize_street`."""
    words: list[str] = []
    numbers: list[str] = []
    after_number = False  # the previous word was all digits
    for tok in fold_text(raw).split():
        if tok[0].isdigit():
            numbers.append(tok)
            after_number = tok.isdigit()
            continue
        if after_number and len(tok) == 1 and tok in _HOUSE_LETTERS:
            numbers[-1] += tok  # a house letter belongs to its number: "5 b" -> "5b"
        else:
            words.append(_street_token(canon_folded(tok)))
        after_number = False
    if not words and not numbers:
        return None
    return " ".join(words), tuple(numbers[:MAX_HOUSE_NUMBERS])


#: A numeric postcode with a country prefix or the town after it: "N-0150",
#: "NO 0150", "0150 Oslo".
_POSTCODE_DECORATED = re.compile(r"^(?:[a-z]{1,2}[- ]?)?(\d{3,5})(?:[\s,]+\D.*)?$")


#: The end of a street field that also holds postcode and town: ", 0150 Oslo".
_TOWN_TAIL = re.compile(r"[,\s]+(\d{4})\s+([^\W\d_][^\d]*)$")


def normalize_postcode(raw: t.Any, country: str | None) -> str | None:
    """Clean postcode; a Norwegian one that lost its leading zero (a spreadsheet
    import turned "0150" into 150) gets it back; "N-0150" and "0150 Oslo" give
    "0150". ``country`` is the record's country code, else the region."""
    if (
        isinstance(raw, str)
        and not raw.isdigit()
        and (hit := _POSTCODE_DECORATED.match(raw.strip().lower()))
    ):
        raw = hit.group(1)
    code = clean_code(raw)
    if code and country == "NO" and code.isdigit() and len(code) < 4:
        code = code.zfill(4)
    return code


_COUNTRY_CODES = {
    "norway": "NO",
    "norge": "NO",
    "noreg": "NO",
    "sweden": "SE",
    "sverige": "SE",
    "denmark": "DK",
    "danmark": "DK",
    "finland": "FI",
    "suomi": "FI",
    "iceland": "IS",
    "germany": "DE",
    "deutschland": "DE",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "united states": "US",
    "usa": "US",
    "australia": "AU",
    "poland": "PL",
    "polska": "PL",
}


def normalize_country(raw: t.Any) -> str | None:
    """A country as an upper-case two-letter code ("Norge", "no" -> "NO").

    Two letters are taken as a code; a known name gives its code; any other
    name comes back folded ("atlantis"). None when empty.
    """
    if raw is None:
        return None
    text = fold_text(str(raw))
    if not text:
        return None
    if len(text) == 2:
        return text.upper()
    return _COUNTRY_CODES.get(text, text)


def split_address(
    street: t.Any, postcode: t.Any, city: t.Any
) -> tuple[t.Any, t.Any, t.Any]:
    """(street, postcode, city) with a whole address in the street field taken apart.

    "Storgata 5, 0150 Oslo" in ``street`` gives ("Storgata 5", "0150", "Oslo")
    when the record has no postcode or the same one, and keeps a city the record
    gives. Anything else comes back unchanged.
    """
    if (
        isinstance(street, str)
        and street[-1:].isalpha()  # a town name ends it, not a house number
        and (tail := _TOWN_TAIL.search(street))
    ):
        # the whole address in one field: "Storgata 5, 0150 Oslo"
        head = street[: tail.start()]
        if any(ch.isalpha() for ch in head) and (
            not postcode or normalize_postcode(postcode, "NO") == tail.group(1)
        ):
            street, postcode = head, tail.group(1)
            city = city or tail.group(2)
    return street, postcode, city
