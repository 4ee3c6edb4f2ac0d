"""Pair scoring: per-field similarities combined as Fellegi-Sunter-style log-odds.

Each field present on both records contributes a weight (hand-set, roughly
``ln(m/u)``: how much more often the observed agreement happens between two
registrations of one person than between two different people who landed in the
same block). Weights are summed with a prior and squashed by the logistic
function into a score in [0, 1]. See docs/matching.md for the reasoning.

Two rules keep households apart:

* *household evidence* (same street, postcode, city, a shared landline) is summed
  but capped at :data:`HOUSEHOLD_CAP`: relatives share all of it at once, so it
  counts once;
* when the records *conflict* on who they are (clearly different given names, or
  two different birth dates) a shared email, phone or surname is explained by the
  household and is moved into the capped household group as well.
"""

from __future__ import annotations

import math
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import partial_ratio
from rapidfuzz.fuzz import ratio
from rapidfuzz.fuzz import token_set_ratio
from rapidfuzz.fuzz import token_sort_ratio

from .normalize import MAIL_PROVIDERS
from .normalize import NICK_GROUPS
from .normalize import NormalizedRecord
from .normalize import canon_token
from .normalize import is_given_name
from .normalize import is_placeholder_email
from .normalize import phonetic

__all__ = [
    "DEFAULT_THRESHOLD",
    "HOUSEHOLD_CAP",
    "PRIOR",
    "compare",
    "compare_readings",
    "name_similarity",
    "rounded",
    "score_pair",
    "token_similarity",
]

#: Score (probability-like, in [0, 1]) at or above which a pair is suggested.
DEFAULT_THRESHOLD = 0.5
#: Log-odds of "same person" before looking at any field, for a blocked pair.
PRIOR = -10.0
PRIOR_NO_CONTACT = -7.5
#: Most that address, postcode, city and a landline may add together.
HOUSEHOLD_CAP = 4.5
#: Household evidence from which two addresses agree (street, or postcode + city).
HOUSEHOLD_AGREES = 2.0

_EMPTY: frozenset[int] = frozenset()

# piecewise-linear weight curves: (similarity, weight) points, ascending
_FIRST = (
    (0.0, -7.0),
    (0.7, -7.0),
    (0.8, -2.0),
    (0.85, 1.5),
    (0.9, 3.5),
    (0.95, 4.5),
    (1.0, 4.5),
)
_LAST = ((0.0, -1.5), (0.7, -1.5), (0.85, 1.5), (0.95, 3.5), (1.0, 3.5))
_STREET = ((0.0, -1.0), (0.6, -1.0), (0.8, 1.0), (0.92, 3.0), (1.0, 3.0))
_CITY = ((0.0, -0.3), (0.6, -0.3), (0.9, 0.7), (1.0, 0.7))

W_GIVEN_CONFLICT = -7.0
W_GIVEN_REPLACED = -3.0
W_BIRTH_EXACT = 6.5
W_BIRTH_SWAP = 1.5
W_BIRTH_TYPO = 1.0
W_BIRTH_NEAR = -3.0
W_BIRTH_CONFLICT = -10.0
W_BIRTH_REPLACED = -1.5
W_GIVEN_REPLACED_NO_HOUSEHOLDS = -1.0
#: Highest log-odds (score 0.88) of a pair that agrees only after reading one
#: identity value (given name, birth date) as replaced: it may be a relative.
REPLACED_CAP = 2.0
W_EMAIL = 9.0
W_SURNAME_IN_EMAIL = 1.5
W_EMAIL_LOCAL = 1.0
W_EMAIL_LOCAL_DIGITS = 2.5
W_EMAIL_SIMILAR = 1.0
#: One mistyped letter in the local part at the same domain (digits and
#: separators equal): with agreeing names log-odds +2, a score of 0.88.
W_EMAIL_TYPO = 4.0
W_EMAIL_DIFF = -0.5
W_PHONE = {"mobile": 9.0, "unknown": 6.0, "fixed": 3.0}
W_PHONE_TYPO = 1.0
#: Two adjacent digits of a mobile swapped: a typing error, unlike one digit
#: off (a family plan's consecutive numbers); with agreeing names 0.88.
W_PHONE_TRANSPOSED = 4.0
W_LANDLINE_SAME_NAME = 6.0
W_PHONE_DIFF = -0.5
W_MOBILE_DIFF = -3.0
W_NID = 20.0
W_NID_TYPO = 8.0
W_NID_DIFF = -2.0
W_POSTCODE = 1.5
W_POSTCODE_TYPO = 0.3
W_POSTCODE_DIFF = -0.5
W_COMPANY = 0.5
W_COUNTRY_DIFF = -1.0
#: A registration without any name that shares a personal email or a mobile
#: with another: log-odds +1 (score 0.73), a suggestion for a human to judge.
W_NAMELESS_SHARED = 2.0

#: First-name similarity below this is a conflict (different people).
FIRST_CONFLICT = 0.7
#: First-name similarity from which given names agree (a typo or nickname).
FIRST_AGREES = 0.88
#: Similarity of a name and a longer one that starts or ends with it (Tine/Martine).
SHORT_FORM = 0.9
#: Similarity of two known given names that sound the same (Monica/Monika).
SPELLING_VARIANT = 0.95
#: Most similarity of two known given names one edit apart (Anne/Anna).
KNOWN_NAMES_ONE_EDIT = 0.82
#: Most similarity of two known given names further apart (Maja/Maria).
KNOWN_NAMES_OTHER = 0.6
#: Local parts of a household's shared email address start with one of these.
FAMILY_EMAIL_PREFIXES = ("familien", "familie", "family", "fam.", "fam_", "fam-")
#: Local parts of an organisation's shared (role) address, not one person's.
ROLE_EMAIL_LOCALS = frozenset(
    (
        "post postmottak postkasse firmapost info kontakt contact mail epost "
        "faktura invoice regnskap accounting admin office kontor salg sales "
        "support service kundeservice booking resepsjon hei hello team"
    ).split()
)
#: Surname similarity from which surnames agree (a typo at most).
SURNAME_AGREES = 0.85
#: First-name similarity used when one given name is a part of the other.
DOUBLE_NAME_PARTIAL = 0.93


def _curve(points: tuple[tuple[float, float], ...], x: float) -> float:
    if x >= 1.0:  # the common case: full agreement
        return points[-1][1]
    px, py = points[0]
    if x <= px:
        return py
    for qx, qy in points[1:]:
        if x <= qx:
            return py + (qy - py) * (x - px) / (qx - px)
        px, py = qx, qy
    return py


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


def _email_names_other_surname(a: NormalizedRecord, b: NormalizedRecord) -> bool:
    """True when one record's email local part holds the other's surname."""
    for x, y in ((a, b), (b, a)):
        if x.email and y.last:
            local = x.email.partition("@")[0]
            if any(len(t) >= 4 and t in local for t in y.last):
                return True
    return False


def _local_typo(x: str, y: str) -> bool:
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


def _local_is_the_name(local: str, a: NormalizedRecord, b: NormalizedRecord) -> bool:
    """True when an email local part spells nothing but the two records' names
    ("ola.hansen", "hansenola"; an initial may remain): every Ola Hansen can have
    it at some provider, so sharing it across providers says little."""
    # spelled as the names are ("bjoern.olsen" holds "bjorn" and "olsen")
    rest = canon_token("".join(ch for ch in local if ch.isalpha()))
    for word in sorted({*a.first, *a.last, *b.first, *b.last}, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(rest) <= 1


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


def _known_given(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """True when both names start with a known given name."""
    return is_given_name(x[0]) and is_given_name(y[0])


def has_contact(r: NormalizedRecord) -> bool:
    """True when ``r`` carries a personal contact identifier (email, non-landline)."""
    return bool(r.email) or (r.phone is not None and r.phone_kind != "fixed")


def _birth_similarity(a: str, b: str) -> float:
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


def _street_similarity(a: NormalizedRecord, b: NormalizedRecord) -> float:
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
    ev: dict[str, float] = {}
    personal = PRIOR
    household = 0.0
    contact = 0.0
    surname_w = 0.0
    conflict = False

    # --- names: order-insensitive alignment. The straight (first-first,
    # last-last) and crossed (first-last, last-first) orientations are both
    # scored, each side allowed its own typo; the better one is taken, so a
    # swap plus a typo still agrees on both names.
    fs = ls = None
    if a.first and b.first:
        fs = 1.0 if a.first == b.first else name_similarity(a.first, b.first)
    if a.last and b.last:
        ls = 1.0 if a.last == b.last else name_similarity(a.last, b.last)
    if a.first and a.last and b.first and b.last:
        straight = (fs or 0.0) + (ls or 0.0)
        if straight < 1.9:
            xf = name_similarity(a.first, b.last)
            xl = name_similarity(a.last, b.first)
        else:
            xf = xl = 0.0  # crossed (at most 2.0) cannot beat straight by 0.1
        if xf + xl > straight + 0.1:
            # swapped: which record is swapped is unknown, so the pair that
            # agrees better is read as the surname, unless it is a pair of
            # known given names (Ragnhild/Ragna) and the surname changed
            fs, ls = min(xf, xl), max(xf, xl)
            if _known_given(a.first, b.last) and xf >= xl:
                fs, ls = xf, xl
            elif _known_given(a.last, b.first) and xl >= xf:
                fs, ls = xl, xf
        elif fs == 1.0 and len(a.first) != len(b.first):
            # "Ole Martin" vs "Ole": likely, but fathers and sons do this too
            fs = DOUBLE_NAME_PARTIAL
    elif (a.first and not a.last and b.last) or (b.first and not b.last and a.last):
        # one record has a single name word: try it against both parts
        one = a.first if not a.last else b.first
        other = b if not a.last else a
        cand = max(
            name_similarity(one, other.first) if other.first else 0.0,
            name_similarity(one, other.last) if other.last else 0.0,
        )
        fs, ls = cand, None
    given_conflict = False
    if fs is not None:
        ev["first_name"] = fs
        if fs < FIRST_CONFLICT:
            given_conflict = True
        else:
            personal += _curve(_FIRST, fs)
    if ls is not None:
        ev["last_name"] = ls
        surname_w = _curve(_LAST, ls)
        if ls < SURNAME_AGREES and _email_names_other_surname(a, b):
            # "Linda Dalset" with lindatveit@... against "Linda Tveit": the
            # email still carries the maiden name, a marriage, not a stranger
            surname_w = W_SURNAME_IN_EMAIL
    if fs is not None:
        ev["name"] = fs if ls is None else (fs + ls) / 2
    elif ls is not None:
        ev["name"] = ls

    # --- birth date
    bs = None
    birth_conflict = False
    if a.birth_date and b.birth_date:
        bs = _birth_similarity(a.birth_date, b.birth_date)
        ev["birth_date"] = bs
        if bs == 1.0:
            personal += W_BIRTH_EXACT
        elif bs >= 0.8:
            personal += W_BIRTH_SWAP
        elif bs >= 0.7:
            personal += W_BIRTH_TYPO
        elif bs >= 0.4:
            personal += W_BIRTH_NEAR
        else:
            birth_conflict = True

    # --- national id
    if a.national_id and b.national_id:
        if a.national_id == b.national_id:
            ev["national_id"] = 1.0
            personal += W_NID
        else:
            d = Levenshtein.distance(a.national_id, b.national_id)
            if d == 1 or (
                len(a.national_id) == len(b.national_id)
                and sorted(a.national_id) == sorted(b.national_id)
                and d == 2
            ):
                ev["national_id"] = 0.7
                personal += W_NID_TYPO
            else:
                ev["national_id"] = 0.0
                personal += W_NID_DIFF

    # --- email
    emails_differ = False
    if a.email and b.email:
        if a.email == b.email:
            ev["email"] = 1.0
            contact += W_EMAIL
        else:
            la, _, da = a.email.partition("@")
            lb, _, db = b.email.partition("@")
            if la == lb and len(la) >= 5:
                # "ola.hansen" exists at every provider; digits make it personal
                ev["email"] = 0.8
                if any(ch.isdigit() for ch in la):
                    contact += W_EMAIL_LOCAL_DIGITS
                elif not _local_is_the_name(la, a, b):
                    # a handle of one's own ("skiguru"), not "ola.hansen"
                    contact += W_EMAIL_LOCAL
            elif da == db and _local_typo(la, lb):
                ev["email"] = JaroWinkler.normalized_similarity(la, lb)
                contact += W_EMAIL_TYPO
            else:
                s = JaroWinkler.normalized_similarity(la, lb)
                if s >= 0.93 and da == db:
                    ev["email"] = s
                    contact += W_EMAIL_SIMILAR
                else:
                    ev["email"] = min(s, 0.5)
                    contact += W_EMAIL_DIFF
                    # two private addresses (not work vs private, not a
                    # family's shared address) that differ
                    emails_differ = not (
                        is_family_email(la) or is_family_email(lb)
                    ) and (da == db or (da in MAIL_PROVIDERS and db in MAIL_PROVIDERS))

    # --- phone
    mobiles_differ = False
    shared_landline = False
    shared_mobile = False
    if a.phone and b.phone:
        if a.phone == b.phone:
            ev["phone"] = 1.0
            kind = a.phone_kind or "unknown"
            if kind == "fixed":
                shared_landline = True
            else:
                contact += W_PHONE.get(kind, W_PHONE["unknown"])
                shared_mobile = True
        else:
            d = Levenshtein.distance(a.phone, b.phone)
            if d == 1:
                ev["phone"] = 0.7
                contact += W_PHONE_TYPO
            elif (
                d == 2
                and a.phone_kind != "fixed"
                and b.phone_kind != "fixed"
                and OSA.distance(a.phone, b.phone, score_cutoff=1) == 1
            ):
                ev["phone"] = 0.7
                contact += W_PHONE_TRANSPOSED
            else:
                ev["phone"] = 0.0
                if a.phone_kind == "mobile" and b.phone_kind == "mobile":
                    contact += W_MOBILE_DIFF
                    mobiles_differ = True
                else:
                    contact += W_PHONE_DIFF

    # --- address (household evidence)
    if (a.street or a.house) and (b.street or b.house):
        ss = _street_similarity(a, b)
        ev["street"] = ss
        household += _curve(_STREET, ss)
    if a.postcode and b.postcode:
        if a.postcode == b.postcode:
            ev["postcode"] = 1.0
            household += W_POSTCODE
        elif OSA.distance(a.postcode, b.postcode) == 1:
            # one wrong or two transposed digits
            ev["postcode"] = 0.5
            household += W_POSTCODE_TYPO
        else:
            ev["postcode"] = 0.0
            household += W_POSTCODE_DIFF
    if a.city and b.city:
        cs = (
            1.0
            if a.city == b.city
            else JaroWinkler.normalized_similarity(a.city, b.city)
        )
        ev["city"] = cs
        household += _curve(_CITY, cs)
    if a.country and b.country and a.country != b.country:
        ev["country"] = 0.0
        personal += W_COUNTRY_DIFF
    if a.company and b.company:
        cs = JaroWinkler.normalized_similarity(a.company, b.company)
        ev["company"] = cs
        if cs >= 0.9:
            personal += W_COMPANY

    # --- a registration without any name (a newsletter sign-up, a web-form
    # lead) that shares a personal email or a mobile with another: the address
    # or number is all that identifies the person there, and nothing contradicts
    if (not a.has_name or not b.has_name) and (
        shared_mobile
        or (ev.get("email") == 1.0 and a.email and is_personal_address(a.email))
    ):
        personal += W_NAMELESS_SHARED

    no_contact = not has_contact(a) and not has_contact(b)
    replaced = False
    # a household-free tenant (measured) reads another given name or birth
    # date at an agreeing address as a replaced value; nothing else changes
    could_relax = no_contact and household >= HOUSEHOLD_AGREES
    relaxed = could_relax and not households
    # the reading decides nothing unless a conflict meets an agreeing address
    sensitive = could_relax and (birth_conflict or given_conflict)
    # --- two different birth dates: a parent and child, unless nothing else
    # differs and no contact data could tell relatives apart (below)
    if birth_conflict:
        if relaxed:
            # a tenant without households: another birth date at the same
            # address is a replaced value, not a relative
            personal += W_BIRTH_REPLACED
            replaced = True
        elif (
            no_contact
            and not given_conflict
            and fs is not None
            and fs >= FIRST_AGREES
            and ls is not None
            and ls >= SURNAME_AGREES
        ):
            # the same full name (and, to reach the threshold, the same
            # address) with another birth date and no contact data on either
            # record: a replaced or mistyped birth date is as likely as a
            # same-name relative, so a moderate match
            personal += W_BIRTH_REPLACED
            replaced = True
        else:
            personal += W_BIRTH_CONFLICT
            conflict = True

    # --- given names that clearly differ
    if given_conflict:
        if ls is not None and ls >= SURNAME_AGREES and bs == 1.0 and no_contact:
            # same surname and birth date (and, to reach the threshold, the
            # same address) but another given name, and no contact data on
            # either record that could tell twins apart: a replaced or
            # mistyped given name is as likely as a twin, so a moderate match
            personal += W_GIVEN_REPLACED
            replaced = True
        elif relaxed:
            personal += W_GIVEN_REPLACED_NO_HOUSEHOLDS
            replaced = True
        elif (
            ev.get("email") == 1.0
            and shared_mobile
            and not birth_conflict
            and a.first
            and b.first
            and a.first[0][0] == b.first[0][0]
        ):
            # the same personal email *and* mobile, and given names with one
            # initial (Imma/Ingeborg, Cille/Cecilie): a short form we do not
            # know rather than a relative; a moderate match for a human
            personal += W_GIVEN_REPLACED
            replaced = True
        else:
            personal += W_GIVEN_CONFLICT
            conflict = True

    # --- a shared landline: a household's line, unless the given names agree
    # and no other contact data contradicts (then it is the person's number:
    # a work direct line, or the one phone an older customer gives)
    if shared_landline:
        if (
            not conflict
            and fs is not None
            and fs >= FIRST_AGREES
            and not mobiles_differ
            # two private emails speak against one person, unless both records
            # name the same employer: then the landline is the work line
            and (not emails_differ or ev.get("company", 0.0) >= 0.9)
        ):
            contact += W_LANDLINE_SAME_NAME
        else:
            household += W_PHONE["fixed"]

    # --- no birth dates to compare and contact data that differ: a same-name
    # parent and child share name and address, so the surname is household data
    same_name_no_birth = (
        bs is None and not conflict and (mobiles_differ or emails_differ)
    )

    # --- an identical national id, or one typo away (relatives' ids differ in
    # many digits; check digits make one-edit neighbours invalid), establishes
    # who it is: a name or birth date conflict is then a typo or a replaced
    # value, not a relative
    if ev.get("national_id", 0.0) >= 0.7:
        conflict = same_name_no_birth = replaced = False

    # --- combine
    if same_name_no_birth:
        personal += contact
        if surname_w > 0:
            household += surname_w
        else:
            personal += surname_w
    elif conflict:
        # a shared contact point or surname is explained by the household
        if contact > 0:
            household += contact
        else:
            personal += contact
        if surname_w > 0:
            household += surname_w
        else:
            personal += surname_w
    else:
        personal += contact + surname_w
    if household > HOUSEHOLD_CAP and not (relaxed and replaced):
        # without households (measured), a shared address is not a family's
        household = HOUSEHOLD_CAP
    if no_contact:
        personal += PRIOR_NO_CONTACT - PRIOR
    total = personal + household
    if replaced and total > REPLACED_CAP:
        # a relative cannot be ruled out: never a near-certain score, so that
        # "accept all above" at a high score does not link possible twins
        total = REPLACED_CAP
    return total, ev, sensitive


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
