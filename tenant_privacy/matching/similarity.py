"""Similarities in [0, 1] of the values of two records (name words, names,
birth dates, streets) and the predicates the comparators ask of names and
emails (a known given name, a typo in a local part, a personal address).

Pure; the memoised ones are emptied by :func:`tenant_privacy.matching.clear_caches`.
"""

from __future__ import annotations

import typing as t
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import partial_ratio
from rapidfuzz.fuzz import ratio
from rapidfuzz.fuzz import token_set_ratio
from rapidfuzz.fuzz import token_sort_ratio

from .normalize import NICK_GROUPS
from .normalize import canon_token
from .normalize import is_given_name
from .normalize import is_placeholder_email
from .normalize import phonetic
from .weights import FAMILY_EMAIL_PREFIXES
from .weights import KNOWN_NAMES_ONE_EDIT
from .weights import KNOWN_NAMES_OTHER
from .weights import ROLE_EMAIL_LOCALS
from .weights import SHORT_FORM
from .weights import SPELLING_VARIANT

if t.TYPE_CHECKING:
    from .normalize import NormalizedRecord

__all__ = [
    "birth_similarity",
    "email_holds_other_surname",
    "has_contact",
    "is_family_email",
    "is_local_typo",
    "is_personal_address",
    "known_given",
    "local_is_the_name",
    "name_similarity",
    "street_similarity",
    "token_similarity",
]

_EMPTY: frozenset[int] = frozenset()


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two canonical name words.

    1.0 when equal; 0.95 for nicknames of one name (Kris/Kristoffer);
    0.85 for an initial against a word starting with it; 0.9 for a short form
    (a word of 3+ letters that starts or ends a longer one); two different known
    given names (Maja/Maria, Geir/Einar) are other names, not typos, unless they
    sound the same (Monica/Monika: 0.95): at most
    :data:`KNOWN_NAMES_ONE_EDIT` when one edit apart (Anne/Anna) and
    :data:`KNOWN_NAMES_OTHER` otherwise; else Jaro-Winkler, raised to 0.86 when
    both sound alike (same phonetic key).
    """
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.85 if a[0] == b[0] else 0.0
    if NICK_GROUPS.get(a, _EMPTY) & NICK_GROUPS.get(b, _EMPTY):
        return 0.95
    sim = JaroWinkler.normalized_similarity(a, b)
    if is_given_name(a) and is_given_name(b):
        if phonetic(a, False) == phonetic(b, False):
            # one name spelled two ways (Monica/Monika, Carl/Karl, Stefan/Stephan)
            return max(sim, SPELLING_VARIANT)
        cap = KNOWN_NAMES_ONE_EDIT if OSA.distance(a, b) == 1 else KNOWN_NAMES_OTHER
        return min(sim, cap)
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and len(long) >= len(short) + 2:
        if long.startswith(short) or long.endswith(short):
            # a short form (Tine/Martine, Kasia/Katarzyna aside): likely one name
            sim = max(sim, SHORT_FORM)
    if sim < 0.9 and len(a) > 2 and len(b) > 2 and phonetic(a) == phonetic(b):
        sim = 0.86
    return sim


@lru_cache(maxsize=500_000)
def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Similarity of two multi-word names, order-insensitive, in [0, 1].

    Each word of the shorter name is matched to its best word in the longer one
    and the scores averaged, so "ole martin" vs "ole" is 1.0 and
    "hansen berg" vs "hansen" is 1.0; written-together forms ("olemartin") are
    also compared.
    """
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    total = 0.0
    for x in short:
        best = 0.0
        for y in long:
            s = token_similarity(x, y)
            if s > best:
                best = s
                if s == 1.0:
                    break
        total += best
    sim = total / len(short)
    if len(a) > 1 or len(b) > 1:
        joined = JaroWinkler.normalized_similarity("".join(a), "".join(b))
        if joined > sim:
            sim = joined
    return sim


def birth_similarity(a: str, b: str) -> float:
    """Similarity of two ISO birth dates: 1.0 equal, 0.8 day and month swapped,
    0.7 one typo, 0.4 two edits that leave the year, or the day and month,
    equal, else 0.0 (another date)."""
    if a == b:
        return 1.0
    ya, ma, da = a[:4], a[5:7], a[8:10]
    yb, mb, db = b[:4], b[5:7], b[8:10]
    if ya == yb and ma == db and da == mb:
        return 0.8
    # one wrong or two transposed digits (1981/1918, 02-13/01-13) is a typo
    dist = OSA.distance(a, b)
    if dist == 1:
        return 0.7
    if dist == 2 and (ya == yb or (ma == mb and da == db)):
        return 0.4
    return 0.0


@lru_cache(maxsize=200_000)
def _street_text_similarity(sa: str, sb: str) -> float:
    """Similarity of two normalised street texts (word order, run-together
    words and an extra locality forgiven)."""
    if sa == sb:
        return 1.0
    sim = max(token_sort_ratio(sa, sb), 0.95 * token_set_ratio(sa, sb)) / 100.0
    # words run together or split apart ("wellingtonb street", "brentwoodvlge")
    ja, jb = sa.replace(" ", ""), sb.replace(" ", "")
    best = max(sim, ratio(ja, jb) / 100.0)
    if best < 0.92 and min(len(ja), len(jb)) >= 8:
        # one side carries an extra locality: its street part still agrees
        # (worth at most 0.92, so only looked at when the rest scored lower)
        best = max(best, 0.92 * partial_ratio(ja, jb) / 100.0)
    return best


def _house_agreement(ha: tuple[str, ...], hb: tuple[str, ...]) -> float:
    """1.0 shared house number, 0.9 one typo (12/21, 18/1), else 0.75."""
    if ha == hb or set(ha) & set(hb):
        return 1.0
    for x in ha:
        for y in hb:
            if OSA.distance(x, y) <= 1:
                return 0.9
    return 0.75


def street_similarity(a: NormalizedRecord, b: NormalizedRecord) -> float:
    """Similarity of two records' streets and house numbers (another number on
    the same street lowers it: a neighbour or a move)."""
    sa, sb = a.street or "", b.street or ""
    if sa and sb:
        sim = 1.0 if sa == sb else _street_text_similarity(sa, sb)
    elif not sa and not sb:
        sim = 1.0
    else:
        sim = 0.5
    if a.house and b.house:
        # another house number on the same street: a neighbour or a move
        sim *= _house_agreement(a.house, b.house)
    return sim


def email_holds_other_surname(a: NormalizedRecord, b: NormalizedRecord) -> bool:
    """True when one record's email local part holds the other's surname."""
    for x, y in ((a, b), (b, a)):
        if x.email and y.last:
            local = x.email.partition("@")[0]
            if any(len(w) >= 4 and w in local for w in y.last):
                return True
    return False


def is_local_typo(x: str, y: str) -> bool:
    """True when two email local parts differ by one mistyped letter (one wrong,
    missing or extra letter, or two adjacent ones swapped) and by nothing else.

    Digits and separators must be equal: namesakes at one provider differ
    exactly so ("kari.nordmann1", "kari_nordmann"). Short parts are too close
    to each other's spellings by chance ("kn", "kan").
    """
    if min(len(x), len(y)) < 6:
        return False
    if [c for c in x if c.isdigit()] != [c for c in y if c.isdigit()]:
        return False
    if [c for c in x if c in "._-"] != [c for c in y if c in "._-"]:
        return False
    return OSA.distance(x, y, score_cutoff=1) == 1


def local_is_the_name(local: str, a: NormalizedRecord, b: NormalizedRecord) -> bool:
    """True when an email local part spells nothing but the two records' names
    ("ola.hansen", "hansenola"; an initial may remain): every Ola Hansen can have
    it at some provider, so sharing it across providers says little.

    The words are taken out longest first, and words of one length in
    alphabetical order: overlapping words ("ivar", "arlo" in "ivarlo") give
    one answer in every process, not one that follows the hash seed's set order.
    """
    # spelled as the names are ("bjoern.olsen" holds "bjorn" and "olsen")
    rest = canon_token("".join(ch for ch in local if ch.isalpha()))
    for word in sorted({*a.first, *a.last, *b.first, *b.last}, key=_longest_first):
        rest = rest.replace(word, "")
    return len(rest) <= 1


def _longest_first(word: str) -> tuple[int, str]:
    """Sort key: longer words first, words of one length alphabetically."""
    return -len(word), word


def is_personal_address(email: str) -> bool:
    """True when ``email`` belongs to one person: neither a household's shared
    address ("familien.hansen@...") nor an organisation's ("post@firma.no"),
    nor a placeholder ("noreply@firma.no", see :func:`is_placeholder_email`)."""
    local = email.partition("@")[0]
    return (
        not is_family_email(local)
        and local not in ROLE_EMAIL_LOCALS
        and not is_placeholder_email(email)
    )


def is_family_email(local_part: str) -> bool:
    """True for a household's shared address ("familien.hansen", "fam.berg")."""
    return local_part.startswith(FAMILY_EMAIL_PREFIXES)


def known_given(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """True when both names start with a known given name."""
    return is_given_name(x[0]) and is_given_name(y[0])


def has_contact(r: NormalizedRecord) -> bool:
    """True when ``r`` carries a personal contact identifier (email, non-landline)."""
    return bool(r.email) or (r.phone is not None and r.phone_kind != "fixed")
