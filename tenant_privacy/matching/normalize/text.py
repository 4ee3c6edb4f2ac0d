"""Text folding shared by every field: case, Nordic letters, canonical spelling,
sound keys and cleaned codes.

Pure and deterministic; the memoised functions are emptied by
:func:`tenant_privacy.matching.clear_caches`.
"""

from __future__ import annotations

import re
import typing as t
import unicodedata
from functools import lru_cache

__all__ = [
    "canon_folded",
    "canon_text",
    "canon_token",
    "clean_code",
    "fold_text",
    "phonetic",
]

_SPECIAL = str.maketrans(
    {
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "ß": "ss",
        "ð": "d",
        "þ": "th",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ı": "i",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGRAPHS = re.compile(r"aa|ae|oe|ue")
_DIGRAPH_MAP = {"aa": "a", "ae": "a", "oe": "o", "ue": "u"}


@lru_cache(maxsize=200_000)
def fold_text(value: str) -> str:
    """Case-fold ``value``, spell Nordic letters out and drop other diacritics.

    Returns lower-case ASCII words separated by single spaces ("Bjørn Sæther" ->
    "bjoern saether"). Hyphens and punctuation become spaces.
    """
    if value.isascii():  # the common case: nothing to fold but the case
        return _NON_ALNUM.sub(" ", value.lower()).strip()
    text = unicodedata.normalize("NFKC", value).casefold().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def canon_token(token: str) -> str:
    """Canonical spelling of one folded word, so Nordic ASCII spellings agree.

    "aa", "ae", "oe" and "ue" collapse to one vowel, so "bjoern", "bjorn" and
    "bjørn" (folded "bjoern") all give "bjorn" and "saether"/"sather" give "sather".
    """
    return canon_folded(fold_text(token))


def canon_folded(word: str) -> str:
    """:func:`canon_token` of a word :func:`fold_text` already gave (no folding)."""
    if "aa" in word or "ae" in word or "oe" in word or "ue" in word:
        return _DIGRAPHS.sub(lambda m: _DIGRAPH_MAP[m.group(0)], word)
    return word


def canon_text(value: str | None) -> tuple[str, ...]:
    """Canonical tokens of free text (see :func:`canon_token`); empty for None."""
    if not value:
        return ()
    return _canon_words(str(value))


@lru_cache(maxsize=200_000)
def _canon_words(text: str) -> tuple[str, ...]:
    """Memoised body of :func:`canon_text`."""
    return tuple(canon_folded(w) for w in fold_text(text).split())


# (trigger, pattern, replacement): the pattern only runs when the trigger occurs
_PHON_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (trigger, re.compile(pattern), repl)
    for trigger, pattern, repl in (
        ("ch", r"^ch", "k"),
        ("sch", r"sch", "sk"),
        ("ph", r"ph", "f"),
        ("th", r"th", "t"),
        ("ck", r"ck", "k"),
        ("c", r"c(?=[eiy])", "s"),
        ("c", r"c", "k"),
        ("q", r"q", "k"),
        ("x", r"x", "ks"),
        ("w", r"w", "v"),
        ("z", r"z", "s"),
        ("dt", r"dt$", "t"),
        ("h", r"(?<=[^aeiouy])h", ""),
        ("hj", r"^hj", "j"),
        ("hv", r"^hv", "v"),
        ("", r"(.)\1+", r"\1"),
    )
)
_NO_VOWELS = str.maketrans("", "", "aeiouy")


@lru_cache(maxsize=200_000)
def _sound(token: str) -> str:
    """``token`` with the spelling rules of :data:`_PHON_RULES` applied."""
    word = token
    for trigger, pattern, repl in _PHON_RULES:
        if trigger in word:
            word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=400_000)
def phonetic(token: str, strip_vowels: bool = True) -> str:
    """A sound key of one canonical word: first letter plus its consonants.

    Spelling variants that sound alike share the key ("kristian"/"christian" ->
    "krstn", "hansen"/"hanssen" -> "hnsn"). With ``strip_vowels=False`` the
    vowels stay ("kristian"/"christian" -> "kristian"), a finer key for
    blocking. Used only for blocking and as a hint.
    """
    if not token:
        return ""
    word = _sound(token)
    if not word:
        return ""
    if not strip_vowels:
        return word[:10]
    return (word[0] + word[1:].translate(_NO_VOWELS))[:6]


_NOT_CODE = re.compile(r"[^0-9a-z]")


def clean_code(raw: t.Any) -> str | None:
    """A postcode or id as lower-case letters and digits only; None when empty.

    "0150" and "12345678901" come back as they are; "N-0150" gives "n0150",
    " 123 456 " gives "123456".
    """
    if raw is None:
        return None
    text = str(raw)
    if text.isascii() and text.isalnum() and (text.isdigit() or text.islower()):
        return text  # already clean: the common case of a postcode or an id
    return _NOT_CODE.sub("", fold_text(text)) or None
