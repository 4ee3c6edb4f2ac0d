"""Normalisation of person registrations into comparable values.

Everything here is pure and deterministic: the same input mapping always gives the
same :class:`NormalizedRecord`.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from rapidfuzz.distance import OSA

from .given_names import build_ambiguous_names
from .given_names import build_given_names
from .nicknames import build_groups

__all__ = [
    "MAIL_PROVIDERS",
    "NormalizedRecord",
    "canon_text",
    "canon_token",
    "fold_text",
    "is_placeholder_email",
    "is_placeholder_phone",
    "mailbox",
    "normalize_birth_date",
    "normalize_email",
    "normalize_phone",
    "normalize_record",
    "phonetic",
    "split_full_name",
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
    return _canon_folded(fold_text(token))


def _canon_folded(word: str) -> str:
    """:func:`canon_token` of a word :func:`fold_text` already gave."""
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
    return tuple(_canon_folded(t) for t in fold_text(text).split())


# (trigger, pattern, replacement): the pattern only runs when the trigger occurs
_PHON_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (t, re.compile(p), r)
    for t, p, r in (
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
        and not any(t in GIVEN_NAMES or t in AMBIGUOUS_NAMES for t in head)
        and any(t in GIVEN_NAMES for t in rest)
    )


_EMPTY: frozenset[int] = frozenset()


#: Titles and generation marks that are no part of a name ("Dr. Ole Hansen jr.").
NAME_NOISE = frozenset(
    "dr doktor prof professor hr herr fru frk froken mr mrs ms miss mx sir dame "
    "jr jnr junior sr snr senior ii iii iv phd md".split()
)
_PARENTHESES = re.compile(r"\([^)]*\)")


def _name_tokens(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return _name_words(str(value))


#: Words typed where the name is not known ("Ukjent", "Ikke oppgitt", "xxx"); a
#: name made of nothing else is no name. "N.N." and "N/A" too (below).
NAME_PLACEHOLDERS = frozenset(
    "ukjent ukjend unknown nn xxx xx x test dummy ikke oppgitt mangler ingen none "
    "null navn name fornavn etternavn firstname lastname".split()
)
_PLACEHOLDER_INITIALS = frozenset({("n", "n"), ("n", "a")})


@lru_cache(maxsize=200_000)
def _name_words(text: str) -> tuple[str, ...]:
    if "(" in text:  # "Ole Hansen (privat)"
        text = _PARENTHESES.sub(" ", text)
    tokens = tuple(t for t in canon_text(text) if t)
    kept = tuple(t for t in tokens if t not in NAME_NOISE)
    if tokens in _PLACEHOLDER_INITIALS or all(t in NAME_PLACEHOLDERS for t in tokens):
        return ()
    return kept or tokens


def split_full_name(full_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a full name into (first-name tokens, last-name tokens).

    "Nordmann, Ola" gives last "nordmann", first "ola"; "NORDMANN OLA" (a first
    word that is not a known given name followed by one that is) gives the same;
    otherwise the last word is the surname and the rest the given names. Other
    swapped orders are handled later by the scorer, which tries both orientations.
    """
    text = _PARENTHESES.sub(" ", str(full_name)).strip()
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


_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.PAGER,
}
_AMBIGUOUS_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.UNKNOWN,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.VOIP,
}


_NOT_DIAL = re.compile(r"[^\d+]")
#: A remark in parentheses: "(privat)", "(jobb)", "(mob.)".
_PHONE_REMARK = re.compile(r"\([^)]*[^\W\d_][^)]*\)")
#: Text that may separate several numbers in one field (checked before the regex).
_PHONE_LIST_MARKS = ("/", ";", ",", "|", " eller ", " og ", " or ", " and ")
#: What separates several numbers in one field.
_PHONE_LIST = re.compile(r"\s*(?:[/;,|]|\b(?:eller|or|og|and)\b)\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s().\-/]")


def _norwegian_kind(nat: str) -> str:
    # 4/9 mobiles, 2/3/5/6/7 landlines; 8 (service numbers) and the unassigned
    # 0/1 say nothing about who holds them
    if nat[0] in "49":
        return "mobile"
    return "fixed" if nat[0] in "23567" else "unknown"


@lru_cache(maxsize=200_000)
def normalize_phone(raw: str, region: str = "NO") -> tuple[str, str] | None:
    """Parse a phone number to ``(E.164, kind)`` with ``region`` as the default.

    ``kind`` is "mobile", "fixed" or "unknown" (kind decides how identifying a
    shared number is). "+47 912 34 567", "0047 91234567" and "91 23 45 67" all give
    ("+4791234567", "mobile"). Remarks in parentheses ("(privat)") and the
    trunk zero of "+47 (0) ..." are dropped; a field holding several numbers
    ("912 34 567 / 22 33 44 55") gives its first mobile, else its first number.
    Returns None when the text is not a phone number.
    """
    text = str(raw).strip()
    if not text:
        return None
    if "(" in text:
        text = _PHONE_REMARK.sub(" ", text).replace("(0)", " ").strip()
    listed = any(mark in text for mark in _PHONE_LIST_MARKS)
    parts = _PHONE_LIST.split(text) if listed else [text]
    if len(parts) > 1 and all(len(_NOT_DIAL.sub("", p)) >= 5 for p in parts):
        numbers = [n for n in (normalize_phone(p, region) for p in parts) if n]
        mobiles = [n for n in numbers if n[1] == "mobile"]
        return (mobiles or numbers or [None])[0]
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # a number that went through a spreadsheet as a float
    digits = _NOT_DIAL.sub("", text)
    if digits.startswith("00"):
        text = digits = "+" + digits[2:]
    # fast path for Norwegian numbers (most of a Norwegian tenant), the same
    # result phonenumbers gives: 8 digits, with +47 or in the region NO
    if not _SEPARATORS.sub("", text).lstrip("+").isdigit():
        pass  # letters or other marks: let phonenumbers decide
    elif digits.startswith("+47") and len(digits) == 11:
        return digits, _norwegian_kind(digits[3:])
    elif region == "NO" and len(digits) == 8 and digits.isdigit():
        return "+47" + digits, _norwegian_kind(digits)
    try:
        num = phonenumbers.parse(text, region or "NO")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if num.country_code == 47:
        nat = str(num.national_number)
        if len(nat) == 8:
            kind = _norwegian_kind(nat)
        else:
            kind = "unknown"
        return e164, kind
    ntype = phonenumbers.number_type(num)
    if ntype in _MOBILE_TYPES:
        kind = "mobile"
    elif ntype in _AMBIGUOUS_TYPES:
        kind = "unknown"
    else:
        kind = "fixed"
    return e164, kind


_ANGLE_ADDRESS = re.compile(r"<([^<>@]+@[^<>]+)>")
_EMAIL_LIST = re.compile(r"[\s;,]+")


def normalize_email(raw: Any) -> str | None:
    """Lower-case, strip and sanity-check an email; None if it has no "@" part.

    "Ola Nordmann <Ola@X.no>" gives "ola@x.no"; a field holding several
    addresses ("ola@x.no; ola@y.no") gives the first that is one.
    """
    if raw is None:
        return None
    text = str(raw).strip().lower()
    if "<" in text and (angle := _ANGLE_ADDRESS.search(text)):
        text = angle.group(1)
    text = text.strip("<> ")
    if text.count("@") < 2 and ";" not in text and "," not in text:
        return _one_email(text)  # one address (a stray space stays: no guessing)
    for part in _EMAIL_LIST.split(text):
        if (email := _one_email(part.strip("<>"))) is not None:
            return email
    return None


def _one_email(text: str) -> str | None:
    if text.startswith("mailto:"):
        text = text[7:]
    if text.count("@") != 1:
        return None
    local, domain = text.split("@")
    domain = domain.rstrip(".")
    if not local or "." not in domain:
        return None
    return f"{local}@{domain}"


#: Consumer mail providers (an address there is a private one, not a work one).
MAIL_PROVIDERS = frozenset(
    (
        "gmail.com googlemail.com hotmail.com hotmail.no outlook.com live.no "
        "live.com msn.com yahoo.com yahoo.no icloud.com me.com online.no "
        "frisurf.no broadpark.no getmail.no altibox.no telenor.no c2i.net "
        "proton.me protonmail.com gmx.com gmx.de web.de aol.com "
        # real domains one typo from a bigger provider: never "corrected"
        "mail.com email.com ymail.com rocketmail.com gmx.net mac.com "
        "hotmail.se hotmail.dk hotmail.de hotmail.co.uk live.se live.dk "
        "yahoo.se yahoo.dk outlook.dk"
    ).split()
)
#: Domains a provider also delivers for: one mailbox under two names.
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
#: Providers whose names are long enough that a domain one typo away is rarely
#: a real one ("gmial.com", "hotmial.com", "onlne.no"); the real ones we know
#: of are in MAIL_PROVIDERS and so never corrected.
_TYPO_TARGETS = tuple(d for d in MAIL_PROVIDERS if len(d) >= 8)


def mailbox(email: str, *, guess: bool = True) -> str:
    """The mailbox a normalised address delivers to, for matching.

    A "+tag" sub-address is dropped ("ola+crm@x.no" is "ola@x.no": Gmail,
    Outlook, iCloud and most others deliver both to one inbox), googlemail.com
    is gmail.com, and (only with ``guess``) an unknown domain one typo from
    exactly one big consumer provider is read as that provider ("gmial.com" ->
    "gmail.com"). Without ``guess`` only those certain equivalences apply: what
    a lookup that discloses or erases data may use. Dots in a Gmail local part
    are kept: an address written with and without them is rarely the same
    person's habit, and treating them as equal would join generated or
    mistyped addresses of different people.
    """
    local, _, domain = email.partition("@")
    if "+" in local and local[0] != "+":
        local = local.split("+", 1)[0]
    if guess and domain not in MAIL_PROVIDERS:
        domain = _provider_domain(domain)
    else:
        domain = _DOMAIN_ALIASES.get(domain, domain)
    return f"{local}@{domain}"


@lru_cache(maxsize=20_000)
def _provider_domain(domain: str) -> str:
    """``domain``, or the one consumer provider it is a single typo of."""
    near = [
        d
        for d in _TYPO_TARGETS
        if abs(len(d) - len(domain)) <= 1
        and OSA.distance(d, domain, score_cutoff=1) <= 1
    ]
    return _DOMAIN_ALIASES.get(near[0], near[0]) if len(near) == 1 else domain


#: Local parts and domains typed where no address is known ("ingen@ingen.no",
#: "x@firma.no", "noreply@firma.no"): such an address identifies nobody.
_PLACEHOLDER_LOCALS = frozenset(
    "ingen none noemail no-email nomail no-mail ikke ikkeoppgitt ikke.oppgitt "
    "mangler ukjent unknown dummy fake test x xx xxx na n.a noreply no-reply "
    "donotreply do-not-reply".split()
)
_PLACEHOLDER_DOMAINS = frozenset(
    "ingen.no none.no none.com noemail.com noemail.no nomail.com nomail.no "
    "ukjent.no unknown.com test.com test.no fake.com dummy.com mangler.no ikke.no "
    "invalid.invalid".split()
)


def is_placeholder_email(email: str) -> bool:
    """True for an address typed where none is known ("ingen@ingen.no")."""
    local, _, domain = email.partition("@")
    return local in _PLACEHOLDER_LOCALS or domain in _PLACEHOLDER_DOMAINS


def is_placeholder_phone(e164: str) -> bool:
    """True for a number typed where none is known: one digit repeated
    ("99999999", "00000000") or a run up or down ("12345678", "98765432")."""
    digits = e164[3:] if e164.startswith("+47") else e164.lstrip("+")
    if len(digits) < 6 or not digits.isdigit():
        return False
    step = int(digits[1]) - int(digits[0])
    if step not in (-1, 0, 1):
        return False  # most real numbers: decided by their first two digits
    return all(
        int(y) - int(x) == step for x, y in zip(digits[1:], digits[2:], strict=False)
    )


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$"),
)
_DMY = re.compile(r"^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})$")
_DMY_SHORT = re.compile(r"^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{2})$")
#: Earliest year read from eight digits as YYYYMMDD (else DDMMYYYY is tried).
_EARLIEST_YEAR = 1880
_D_MONTH_Y = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january januar",
            "feb february februar",
            "mar mars march",
            "apr april",
            "mai may",
            "jun juni june",
            "jul juli july",
            "aug august",
            "sep sept september",
            "okt oct oktober october",
            "nov november",
            "des dec desember december",
        ),
        start=1,
    )
    for name in names.split()
}


def normalize_birth_date(raw: Any) -> str | None:
    """Return an ISO date string (YYYY-MM-DD) or None if missing or impossible.

    Accepts ``date``/``datetime`` objects, ISO strings (a time part is ignored),
    "YYYYMMDD", day-first "DD.MM.YYYY" / "DD/MM/YYYY" as written in Norway, a
    two-digit year ("07.03.85": the latest such year not in the future) and a
    month name ("7. mars 1985", "7 March 1985"). A date in the future is no
    birth date (None).
    """
    if raw is None:
        return None
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    written = _written_date(str(raw).strip())
    if isinstance(written, tuple):
        written = _two_digit_year_date(*written)
    if written is None:
        return None
    if written > _IMPORT_DAY and written > _dt.date.today().isoformat():
        return None  # in the future
    return written


#: The day this module was imported: no date up to it is in the future.
_IMPORT_DAY = _dt.date.today().isoformat()


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=200_000)
def _written_date(text: str) -> str | tuple[int, int, int] | None:
    """The ISO date ``text`` spells, (day, month, two-digit year) when it
    abbreviates the year (the century depends on today), or None."""
    if not text:
        return None
    for pat in _DATE_PATTERNS:
        hit = pat.match(text)
        if hit:
            y, m, d = (int(g) for g in hit.groups())
            return _iso(y, m, d)
    if text.isdigit() and len(text) == 8:
        # YYYYMMDD, or DDMMYYYY as Norwegian systems export it ("07031985")
        y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
        if y >= _EARLIEST_YEAR and (iso := _iso(y, m, d)):
            return iso
        return _iso(int(text[4:]), int(text[2:4]), int(text[:2]))
    if text.isdigit() and len(text) == 6:
        # DDMMYY, the first half of a Norwegian national id ("070385")
        return int(text[:2]), int(text[2:4]), int(text[4:])
    if hit := _DMY.match(text):
        d, m, y = (int(g) for g in hit.groups())
        return _iso(y, m, d)
    if hit := _DMY_SHORT.match(text):
        d, m, yy = (int(g) for g in hit.groups())
        return d, m, yy
    if hit := _D_MONTH_Y.match(text.lower()):
        month = _MONTHS.get(hit.group(2))
        if month is None:
            return None
        return _iso(int(hit.group(3)), month, int(hit.group(1)))
    return None


def _two_digit_year_date(d: int, m: int, yy: int) -> str | None:
    this_year = _dt.date.today().year
    return _iso(2000 + yy if 2000 + yy <= this_year else 1900 + yy, m, d)


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
    if token in _STREET_WORDS:
        return _STREET_WORDS[token]
    if not token.endswith(_STREET_SUFFIX_ENDS):
        return token  # most words: no Norwegian street suffix
    for suffix, short in _STREET_SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix) + 2:
            return token[: -len(suffix)] + short
    return token


_HOUSE_LETTERS = frozenset("abcdefgh")


def normalize_street(raw: Any) -> tuple[str, tuple[str, ...]] | None:
    """Street as (words without house numbers, house numbers), abbreviations unified.

    "Storgata 5 B" and "Storgt. 5b" both give ("storgt", ("5b",)).
    """
    if raw is None:
        return None
    return _street_parts(str(raw))


@lru_cache(maxsize=200_000)
def _street_parts(raw: str) -> tuple[str, tuple[str, ...]] | None:
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
            words.append(_street_token(_canon_folded(tok)))
        after_number = False
    if not words and not numbers:
        return None
    return " ".join(words), tuple(numbers)


_NOT_CODE = re.compile(r"[^0-9a-z]")


def _clean_code(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw)
    if text.isascii() and text.isalnum() and (text.isdigit() or text.islower()):
        return text  # already clean: the common case of a postcode or an id
    return _NOT_CODE.sub("", fold_text(text)) or None


#: A numeric postcode with a country prefix or the town after it: "N-0150",
#: "NO 0150", "0150 Oslo".
_POSTCODE_DECORATED = re.compile(r"^(?:[a-z]{1,2}[- ]?)?(\d{3,5})(?:[\s,]+\D.*)?$")


#: The end of a street field that also holds postcode and town: ", 0150 Oslo".
_TOWN_TAIL = re.compile(r"[,\s]+(\d{4})\s+([^\W\d_][^\d]*)$")


def _postcode(raw: Any, country: str | None) -> str | None:
    """Clean postcode; a Norwegian one that lost its leading zero (a spreadsheet
    import turned "0150" into 150) gets it back; "N-0150" and "0150 Oslo" give
    "0150"."""
    if (
        isinstance(raw, str)
        and not raw.isdigit()
        and (hit := _POSTCODE_DECORATED.match(raw.strip().lower()))
    ):
        raw = hit.group(1)
    code = _clean_code(raw)
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


def _country(raw: Any) -> str | None:
    if raw is None:
        return None
    text = fold_text(str(raw))
    if not text:
        return None
    if len(text) == 2:
        return text.upper()
    return _COUNTRY_CODES.get(text, text)


@dataclass(frozen=True, slots=True)
class NormalizedRecord:
    """Comparable form of one registration; produced by :func:`normalize_record`."""

    id: Any
    first: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    first_groups: frozenset[int] = _EMPTY
    email: str | None = None
    phone: str | None = None
    phone_kind: str | None = None
    birth_date: str | None = None
    street: str | None = None
    house: tuple[str, ...] = ()
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    national_id: str | None = None
    company: str | None = None

    @property
    def has_name(self) -> bool:
        """True when the record has at least one name token."""
        return bool(self.first or self.last)


def normalize_record(
    record: Mapping[str, Any], *, region: str = "NO"
) -> NormalizedRecord:
    """Normalise one registration mapping; unknown keys are ignored, None allowed.

    Names are folded (case, Nordic letters, diacritics) and tokenised; a missing
    first/last name is taken from ``full_name``. Phones become E.164 using the
    record's two-letter ``country`` or else ``region``; emails are lower-cased;
    birth dates become ISO strings. Never raises on odd values: unusable values
    are dropped.
    """
    first = _name_tokens(record.get("first_name"))
    last = _name_tokens(record.get("last_name"))
    full = record.get("full_name")
    if full and (not first or not last):
        f2, l2 = split_full_name(str(full))
        if not first and not last:
            first, last = f2, l2
        elif not first:
            # remove the known surname from the full name, rest is the first name
            rest = tuple(t for t in f2 + l2 if t not in last)
            first = rest or f2
        else:
            rest = tuple(t for t in f2 + l2 if t not in first)
            last = rest or l2
    first, last = orient_names(first, last)
    groups: set[int] = set()
    for tok in first:
        groups.update(NICK_GROUPS.get(tok, _EMPTY))
    country = _country(record.get("country"))
    phone_region = country if country and len(country) == 2 else region
    phone = kind = None
    raw_phone = record.get("phone")
    if raw_phone is not None and str(raw_phone).strip():
        parsed = normalize_phone(str(raw_phone), phone_region)
        if parsed is not None:
            phone, kind = parsed
    raw_street, raw_postcode, raw_city = (
        record.get("street"),
        record.get("postcode"),
        record.get("city"),
    )
    if (
        isinstance(raw_street, str)
        and raw_street[-1:].isalpha()  # a town name ends it, not a house number
        and (tail := _TOWN_TAIL.search(raw_street))
    ):
        # the whole address in one field: "Storgata 5, 0150 Oslo"
        head = raw_street[: tail.start()]
        if any(ch.isalpha() for ch in head) and (
            not raw_postcode or _postcode(raw_postcode, "NO") == tail.group(1)
        ):
            raw_street, raw_postcode = head, tail.group(1)
            raw_city = raw_city or tail.group(2)
    street = normalize_street(raw_street)
    city_tokens = canon_text(raw_city)
    company_tokens = canon_text(record.get("company"))
    nid = record.get("national_id")
    email = normalize_email(record.get("email"))
    if email and is_placeholder_email(email):
        email = None
    if phone and is_placeholder_phone(phone):
        phone = kind = None
    return NormalizedRecord(
        id=record.get("id"),
        first=first,
        last=last,
        first_groups=frozenset(groups),
        email=mailbox(email) if email else None,
        phone=phone,
        phone_kind=kind,
        birth_date=normalize_birth_date(record.get("birth_date")),
        street=(street[0] or None) if street else None,
        house=street[1] if street else (),
        postcode=_postcode(raw_postcode, country or region),
        city=" ".join(city_tokens) or None,
        country=country,
        national_id=_clean_code(nid),
        company=" ".join(company_tokens) or None,
    )
