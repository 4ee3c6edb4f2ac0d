"""Per-field comparators of two normalised records (one comparison per field,
as Splink's comparisons are; :mod:`.households` then combines them).

Each comparator looks at one field of both records and returns a reading
(:mod:`.readings`): the field's similarity in [0, 1] for the evidence (None
when a side lacks the field) and its log-odds weight (0.0 when it adds
nothing), plus what the household rules need to know (a conflict, a shared
mobile, ...). The weights come from :mod:`.weights`; :func:`compare_fields`
runs every comparator.
"""

from __future__ import annotations

import typing as t

from rapidfuzz.distance import OSA
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.distance import Levenshtein

from .normalize import MAIL_PROVIDERS
from .readings import BirthReading
from .readings import EmailReading
from .readings import FieldReadings
from .readings import NameReading
from .readings import PhoneReading
from .readings import Reading
from .readings import new
from .similarity import birth_similarity
from .similarity import email_holds_other_surname
from .similarity import is_family_email
from .similarity import is_local_typo
from .similarity import is_personal_address
from .similarity import known_given
from .similarity import local_is_the_name
from .similarity import name_similarity
from .similarity import street_similarity
from .weights import CITY_CURVE
from .weights import DOUBLE_NAME_PARTIAL
from .weights import FIRST_CONFLICT
from .weights import FIRST_CURVE
from .weights import LAST_CURVE
from .weights import STREET_CURVE
from .weights import SURNAME_AGREES
from .weights import W_BIRTH_EXACT
from .weights import W_BIRTH_NEAR
from .weights import W_BIRTH_SWAP
from .weights import W_BIRTH_TYPO
from .weights import W_COMPANY
from .weights import W_COUNTRY_DIFF
from .weights import W_EMAIL
from .weights import W_EMAIL_DIFF
from .weights import W_EMAIL_LOCAL
from .weights import W_EMAIL_LOCAL_DIGITS
from .weights import W_EMAIL_SIMILAR
from .weights import W_EMAIL_TYPO
from .weights import W_MOBILE_DIFF
from .weights import W_NAMELESS_SHARED
from .weights import W_NID
from .weights import W_NID_DIFF
from .weights import W_NID_TYPO
from .weights import W_PHONE
from .weights import W_PHONE_DIFF
from .weights import W_PHONE_TRANSPOSED
from .weights import W_PHONE_TYPO
from .weights import W_POSTCODE
from .weights import W_POSTCODE_DIFF
from .weights import W_POSTCODE_TYPO
from .weights import W_SURNAME_IN_EMAIL
from .weights import curve

if t.TYPE_CHECKING:
    from .normalize import NormalizedRecord

__all__ = [
    "compare_birth_dates",
    "compare_cities",
    "compare_companies",
    "compare_countries",
    "compare_emails",
    "compare_fields",
    "compare_names",
    "compare_national_ids",
    "compare_phones",
    "compare_postcodes",
    "compare_streets",
    "nameless_shared_weight",
]


# readings that are always the same, made once (a comparator runs per pair)
_NONE = Reading()
_NO_NAMES = NameReading()
_NO_BIRTH = BirthReading()
_NO_EMAIL = EmailReading()
_NO_PHONE = PhoneReading()
_BIRTH_READINGS = {
    1.0: BirthReading(1.0, W_BIRTH_EXACT),
    0.8: BirthReading(0.8, W_BIRTH_SWAP),
    0.7: BirthReading(0.7, W_BIRTH_TYPO),
    0.4: BirthReading(0.4, W_BIRTH_NEAR),
}
_BIRTH_CONFLICT = BirthReading(0.0, 0.0, conflict=True)
_SAME_NID = Reading(1.0, W_NID)
_NID_TYPO = Reading(0.7, W_NID_TYPO)
_OTHER_NID = Reading(0.0, W_NID_DIFF)
_SAME_EMAIL = EmailReading(1.0, W_EMAIL)
_SHARED_LANDLINE = PhoneReading(1.0, 0.0, shared_landline=True)
_PHONE_TYPO = PhoneReading(0.7, W_PHONE_TYPO)
_PHONE_TRANSPOSED = PhoneReading(0.7, W_PHONE_TRANSPOSED)
_OTHER_MOBILE = PhoneReading(0.0, W_MOBILE_DIFF, mobiles_differ=True)
_OTHER_PHONE = PhoneReading(0.0, W_PHONE_DIFF)
#: One number of a kind other than a landline on both records, by kind.
_SHARED_NUMBERS = {
    kind: PhoneReading(1.0, weight, shared_mobile=True)
    for kind, weight in W_PHONE.items()
    if kind != "fixed"
}
_SAME_POSTCODE = Reading(1.0, W_POSTCODE)
_POSTCODE_TYPO = Reading(0.5, W_POSTCODE_TYPO)
_OTHER_POSTCODE = Reading(0.0, W_POSTCODE_DIFF)
_OTHER_COUNTRY = Reading(0.0, W_COUNTRY_DIFF)
_SAME_LOCAL_DIGITS = EmailReading(0.8, W_EMAIL_LOCAL_DIGITS)
_SAME_LOCAL_HANDLE = EmailReading(0.8, W_EMAIL_LOCAL)
_SAME_LOCAL_NAMES = EmailReading(0.8)
#: Given names and surnames both agree (similarity 1.0): most pairs.
_SAME_NAMES = NameReading(
    1.0, 1.0, 1.0, curve(FIRST_CURVE, 1.0), curve(LAST_CURVE, 1.0), False
)
_SAME_STREET = Reading(1.0, curve(STREET_CURVE, 1.0))
_SAME_CITY = Reading(1.0, curve(CITY_CURVE, 1.0))


def _name_similarities(
    a: NormalizedRecord, b: NormalizedRecord
) -> tuple[float | None, float | None]:
    """(given-name, surname) similarity, order-insensitive.

    The straight (first-first, last-last) and crossed (first-last, last-first)
    orientations are both scored, each side allowed its own typo; the better
    one is taken, so a swap plus a typo still agrees on both names.
    """
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
            if known_given(a.first, b.last) and xf >= xl:
                fs, ls = xf, xl
            elif known_given(a.last, b.first) and xl >= xf:
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
    return fs, ls


def compare_names(a: NormalizedRecord, b: NormalizedRecord) -> NameReading:
    """Given names and surnames of ``a`` and ``b`` compared.

    Given names below :data:`~.weights.FIRST_CONFLICT` conflict (no weight
    here; the household rules weigh the conflict). A surname that differs
    while one record's email holds the other's surname ("Linda Dalset" with
    lindatveit@... against "Linda Tveit") is a marriage, not a stranger.
    """
    if a.first == b.first and a.last == b.last and a.first and a.last:
        return _SAME_NAMES  # the same full name: most pairs, no similarity needed
    fs, ls = _name_similarities(a, b)
    if fs == 1.0 and ls == 1.0:
        return _SAME_NAMES
    if fs is None and ls is None:
        return _NO_NAMES
    weight = surname_weight = 0.0
    given_conflict = False
    if fs is not None:
        if fs < FIRST_CONFLICT:
            given_conflict = True
        else:
            weight = curve(FIRST_CURVE, fs)
    if ls is not None:
        surname_weight = curve(LAST_CURVE, ls)
        if ls < SURNAME_AGREES and email_holds_other_surname(a, b):
            # the email still carries the maiden name
            surname_weight = W_SURNAME_IN_EMAIL
    if fs is not None:
        name = fs if ls is None else (fs + ls) / 2
    else:
        name = ls
    return new(NameReading, (fs, ls, name, weight, surname_weight, given_conflict))


def compare_birth_dates(a: NormalizedRecord, b: NormalizedRecord) -> BirthReading:
    """Birth dates compared: equal, day and month swapped, a typo, near, or
    another date (a conflict for the household rules)."""
    if not (a.birth_date and b.birth_date):
        return _NO_BIRTH
    # birth_similarity gives 1.0 (exact), 0.8 (day and month swapped), 0.7
    # (a typo), 0.4 (near) or 0.0: another date, a conflict
    bs = birth_similarity(a.birth_date, b.birth_date)
    return _BIRTH_READINGS.get(bs, _BIRTH_CONFLICT)


def compare_national_ids(a: NormalizedRecord, b: NormalizedRecord) -> Reading:
    """National ids compared: equal (1.0), one typo or two digits swapped
    (0.7), else different (0.0)."""
    x, y = a.national_id, b.national_id
    if not (x and y):
        return _NONE
    if x == y:
        return _SAME_NID
    d = Levenshtein.distance(x, y)
    if d == 1 or (len(x) == len(y) and sorted(x) == sorted(y) and d == 2):
        return _NID_TYPO
    return _OTHER_NID


def compare_emails(a: NormalizedRecord, b: NormalizedRecord) -> EmailReading:
    """Emails compared: one mailbox; one local part at two providers; one
    mistyped letter; a similar local part at one domain; or different (and
    whether they are two private addresses that differ)."""
    if not (a.email and b.email):
        return _NO_EMAIL
    if a.email == b.email:
        return _SAME_EMAIL
    la, _, da = a.email.partition("@")
    lb, _, db = b.email.partition("@")
    if la == lb and len(la) >= 5:
        # "ola.hansen" exists at every provider; digits make it personal
        if any(ch.isdigit() for ch in la):
            return _SAME_LOCAL_DIGITS
        if not local_is_the_name(la, a, b):
            # a handle of one's own ("skiguru"), not "ola.hansen"
            return _SAME_LOCAL_HANDLE
        return _SAME_LOCAL_NAMES
    if da == db and is_local_typo(la, lb):
        s = JaroWinkler.normalized_similarity(la, lb)
        return new(EmailReading, (s, W_EMAIL_TYPO, False))
    s = JaroWinkler.normalized_similarity(la, lb)
    if s >= 0.93 and da == db:
        return new(EmailReading, (s, W_EMAIL_SIMILAR, False))
    # two private addresses (not work vs private, not a family's shared
    # address) that differ
    differ = not (is_family_email(la) or is_family_email(lb)) and (
        da == db or (da in MAIL_PROVIDERS and db in MAIL_PROVIDERS)
    )
    return new(EmailReading, (min(s, 0.5), W_EMAIL_DIFF, differ))


def compare_phones(a: NormalizedRecord, b: NormalizedRecord) -> PhoneReading:
    """Phones compared: one number (a landline is left to the household
    rules); one digit off; two adjacent digits of a mobile swapped; or
    different (two different mobiles speak against one person)."""
    if not (a.phone and b.phone):
        return _NO_PHONE
    if a.phone == b.phone:
        kind = a.phone_kind or "unknown"
        if kind == "fixed":
            return _SHARED_LANDLINE
        return _SHARED_NUMBERS.get(kind, _SHARED_NUMBERS["unknown"])
    d = Levenshtein.distance(a.phone, b.phone)
    if d == 1:
        return _PHONE_TYPO
    if (
        d == 2
        and a.phone_kind != "fixed"
        and b.phone_kind != "fixed"
        and OSA.distance(a.phone, b.phone, score_cutoff=1) == 1
    ):
        return _PHONE_TRANSPOSED
    if a.phone_kind == "mobile" and b.phone_kind == "mobile":
        return _OTHER_MOBILE
    return _OTHER_PHONE


def compare_streets(a: NormalizedRecord, b: NormalizedRecord) -> Reading:
    """Streets and house numbers compared (household evidence)."""
    if (a.street or a.house) and (b.street or b.house):
        if a.street == b.street and a.house == b.house:
            return _SAME_STREET  # street_similarity would give 1.0
        ss = street_similarity(a, b)
        if ss == 1.0:
            return _SAME_STREET
        return new(Reading, (ss, curve(STREET_CURVE, ss)))
    return _NONE


def compare_postcodes(a: NormalizedRecord, b: NormalizedRecord) -> Reading:
    """Postcodes compared: equal, one wrong or two transposed digits, or
    different (household evidence)."""
    if not (a.postcode and b.postcode):
        return _NONE
    if a.postcode == b.postcode:
        return _SAME_POSTCODE
    if OSA.distance(a.postcode, b.postcode) == 1:
        return _POSTCODE_TYPO
    return _OTHER_POSTCODE


def compare_cities(a: NormalizedRecord, b: NormalizedRecord) -> Reading:
    """Cities compared by Jaro-Winkler (household evidence)."""
    if not (a.city and b.city):
        return _NONE
    if a.city == b.city:
        return _SAME_CITY
    cs = JaroWinkler.normalized_similarity(a.city, b.city)
    return new(Reading, (cs, curve(CITY_CURVE, cs)))


def compare_countries(a: NormalizedRecord, b: NormalizedRecord) -> Reading:
    """Countries compared: only two different countries are evidence (0.0)."""
    if a.country and b.country and a.country != b.country:
        return _OTHER_COUNTRY
    return _NONE


def compare_companies(a: NormalizedRecord, b: NormalizedRecord) -> Reading:
    """Employers compared by Jaro-Winkler; from 0.9 one employer adds a little."""
    if not (a.company and b.company):
        return _NONE
    cs = JaroWinkler.normalized_similarity(a.company, b.company)
    return new(Reading, (cs, W_COMPANY if cs >= 0.9 else 0.0))


def nameless_shared_weight(
    a: NormalizedRecord,
    b: NormalizedRecord,
    email: EmailReading,
    phone: PhoneReading,
) -> float:
    """Weight of a registration without any name (a newsletter sign-up, a
    web-form lead) that shares a personal email or a mobile with another: the
    address or number is all that identifies the person there, and nothing
    contradicts. 0.0 for every other pair."""
    # what is shared first: most pairs share neither
    if (
        phone.shared_mobile
        or (email.similarity == 1.0 and a.email and is_personal_address(a.email))
    ) and (not a.has_name or not b.has_name):
        return W_NAMELESS_SHARED
    return 0.0


def compare_fields(a: NormalizedRecord, b: NormalizedRecord) -> FieldReadings:
    """Run every comparator on ``a`` and ``b``."""
    email = compare_emails(a, b)
    phone = compare_phones(a, b)
    # every field in the order of FieldReadings, built without the argument
    # handling of its __new__ (this function runs for every pair)
    return new(
        FieldReadings,
        (
            compare_names(a, b),
            compare_birth_dates(a, b),
            compare_national_ids(a, b),
            email,
            phone,
            compare_streets(a, b),
            compare_postcodes(a, b),
            compare_cities(a, b),
            compare_countries(a, b),
            compare_companies(a, b),
            nameless_shared_weight(a, b, email, phone),
        ),
    )
