"""Weights and thresholds of the pair scorer, in log-odds (hand-set, roughly
``ln(m/u)``; see docs/matching.md for the reasoning).

Only data and :func:`curve`: the comparators (:mod:`.comparators`), the
household rules (:mod:`.households`) and :mod:`.scoring` read them from here.
"""

from __future__ import annotations

import typing as t

#: A piecewise-linear weight curve: (similarity, weight) points, ascending.
Curve: t.TypeAlias = tuple[tuple[float, float], ...]

#: Score (probability-like, in [0, 1]) at or above which a pair is suggested.
DEFAULT_THRESHOLD = 0.5
#: Log-odds of "same person" before looking at any field, for a blocked pair.
PRIOR = -10.0
#: The prior instead of :data:`PRIOR` when neither record carries contact data.
PRIOR_NO_CONTACT = -7.5
#: Most that address, postcode, city and a landline may add together.
HOUSEHOLD_CAP = 4.5
#: Household evidence from which two addresses agree (street, or postcode + city).
HOUSEHOLD_AGREES = 2.0

#: Weight of a first-name similarity (piecewise linear, see :func:`curve`).
FIRST_CURVE: Curve = (
    (0.0, -7.0),
    (0.7, -7.0),
    (0.8, -2.0),
    (0.85, 1.5),
    (0.9, 3.5),
    (0.95, 4.5),
    (1.0, 4.5),
)
#: Weight of a surname similarity.
LAST_CURVE: Curve = ((0.0, -1.5), (0.7, -1.5), (0.85, 1.5), (0.95, 3.5), (1.0, 3.5))
#: Weight of a street similarity (household evidence).
STREET_CURVE: Curve = ((0.0, -1.0), (0.6, -1.0), (0.8, 1.0), (0.92, 3.0), (1.0, 3.0))
#: Weight of a city similarity (household evidence).
CITY_CURVE: Curve = ((0.0, -0.3), (0.6, -0.3), (0.9, 0.7), (1.0, 0.7))

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


def curve(points: Curve, x: float) -> float:
    """The weight ``points`` give similarity ``x``: linear between two points,
    flat below the first and above the last."""
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
