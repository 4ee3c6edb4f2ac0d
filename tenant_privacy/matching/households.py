"""Households: the rules that keep relatives apart, and how much a tenant's
data looks like households (measured, not assumed).

:func:`combine` sums a pair's field readings (:mod:`.comparators`) into
log-odds under the household rules:

* *household evidence* (same street, postcode, city, a shared landline) is
  summed but capped at :data:`~.weights.HOUSEHOLD_CAP`: relatives share all of
  it at once, so it counts once;
* when the records *conflict* on who they are (clearly different given names,
  or two different birth dates) a shared email, phone or surname is explained
  by the household and is moved into the capped household group as well;
* without contact data, another given name or birth date may be a replaced
  value rather than a relative: such pairs are capped at
  :data:`~.weights.REPLACED_CAP` (score 0.88).

The scorer's household rules (another given name or birth date at one address
is a relative) are right for CRMs with families, but data without relatives
(FEBRL, a B2C shop with one registration per home) then loses every duplicate
whose given name or birth date was replaced. Which world a tenant lives in can
be read from its own candidate pairs: among pairs that share a surname and a
full address, the share whose given names clearly differ is the *household
rate*. Families give about 0.6 (spouses, children, twins); data without
relatives about 0.1 (only replaced or mistyped names). Below
:data:`HOUSEHOLD_FREE_RATE`, and with enough such pairs to judge, the tenant is
read as household-free and pairs without contact data are scored with
``households=False``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Mapping
from dataclasses import dataclass

from .similarity import has_contact
from .weights import FIRST_AGREES
from .weights import FIRST_CONFLICT
from .weights import HOUSEHOLD_AGREES
from .weights import HOUSEHOLD_CAP
from .weights import PRIOR
from .weights import PRIOR_NO_CONTACT
from .weights import REPLACED_CAP
from .weights import SURNAME_AGREES
from .weights import W_BIRTH_CONFLICT
from .weights import W_BIRTH_REPLACED
from .weights import W_GIVEN_CONFLICT
from .weights import W_GIVEN_REPLACED
from .weights import W_GIVEN_REPLACED_NO_HOUSEHOLDS
from .weights import W_LANDLINE_SAME_NAME
from .weights import W_PHONE

if t.TYPE_CHECKING:
    from .normalize import NormalizedRecord
    from .readings import FieldReadings

__all__ = [
    "HOUSEHOLD_FREE_RATE",
    "MIN_SAMPLE",
    "HouseholdRate",
    "combine",
]

#: Below this share of "other given name at one address" the data has no households.
HOUSEHOLD_FREE_RATE = 0.25
#: Fewest same-surname, same-address pairs needed before the rate is trusted.
MIN_SAMPLE = 50
#: Street similarity from which two addresses are one.
_SAME_STREET = 0.9


@dataclass
class HouseholdRate:
    """Counts same-surname, same-address pairs and their given-name conflicts."""

    same_address: int = 0
    other_given: int = 0

    def add(self, evidence: Mapping[str, float]) -> None:
        """Count one scored pair by its evidence (pairs lacking the fields: ignored)."""
        if (
            evidence.get("last_name", 0.0) >= SURNAME_AGREES
            and evidence.get("street", 0.0) >= _SAME_STREET
            and evidence.get("postcode", 0.0) == 1.0
            and "first_name" in evidence
        ):
            self.same_address += 1
            if evidence["first_name"] < FIRST_CONFLICT:
                self.other_given += 1

    @property
    def rate(self) -> float | None:
        """The household rate in [0, 1], or None while the sample is too small."""
        if self.same_address < MIN_SAMPLE:
            return None
        return self.other_given / self.same_address

    def has_households(self) -> bool:
        """False only when enough pairs show a rate below HOUSEHOLD_FREE_RATE."""
        rate = self.rate
        return rate is None or rate >= HOUSEHOLD_FREE_RATE


def combine(
    a: NormalizedRecord,
    b: NormalizedRecord,
    f: FieldReadings,
    *,
    households: bool = True,
) -> tuple[float, bool]:
    """Log-odds that ``a`` and ``b`` are one person from their field readings
    ``f``, and whether the other household reading could change them.

    With ``households=False`` (a tenant measured household-free) and no contact
    data on either record, another given name or birth date at an agreeing
    address is read as a replaced value rather than a relative, and the address
    is not capped as household evidence. The second value is True only when
    that reading matters for this pair (no contact data, agreeing addresses,
    and a given-name or birth-date conflict).
    """
    personal, contact, household = _field_sums(f)
    no_contact = not has_contact(a) and not has_contact(b)
    # a household-free tenant (measured) reads another given name or birth
    # date at an agreeing address as a replaced value; nothing else changes
    could_relax = no_contact and household >= HOUSEHOLD_AGREES
    relaxed = could_relax and not households
    # the reading decides nothing unless a conflict meets an agreeing address
    sensitive = could_relax and (f.birth_date.conflict or f.names.given_conflict)
    replaced = conflict = False
    if f.birth_date.conflict or f.names.given_conflict:
        personal, replaced, conflict = _read_conflicts(
            a, b, f, personal, no_contact, relaxed
        )
    if f.phone.shared_landline:
        if _landline_is_personal(f, conflict):
            contact += W_LANDLINE_SAME_NAME
        else:
            household += W_PHONE["fixed"]
    # no birth dates to compare and contact data that differ: a same-name
    # parent and child share name and address, so the surname is household data
    same_name_no_birth = (
        f.birth_date.similarity is None
        and not conflict
        and (f.phone.mobiles_differ or f.email.differ)
    )
    # an identical national id, or one typo away (relatives' ids differ in
    # many digits; check digits make one-edit neighbours invalid), establishes
    # who it is: a name or birth date conflict is then a typo or a replaced
    # value, not a relative
    if (f.national_id.similarity or 0.0) >= 0.7:
        conflict = same_name_no_birth = replaced = False
    personal, household = _group(
        personal,
        household,
        contact,
        f.names.surname_weight,
        same_name_no_birth,
        conflict,
    )
    return _total(personal, household, no_contact, replaced, relaxed), sensitive


def _field_sums(f: FieldReadings) -> tuple[float, float, float]:
    """(personal, contact, household) log-odds of the fields' own weights.

    Added one by one in the order the fields were always read in: float sums
    depend on it, and scores are kept bit for bit.
    """
    personal = PRIOR + f.names.weight
    personal += f.birth_date.weight
    personal += f.national_id.weight
    personal += f.country.weight
    personal += f.company.weight
    personal += f.nameless
    contact = 0.0 + f.email.weight + f.phone.weight
    household = 0.0 + f.street.weight + f.postcode.weight + f.city.weight
    return personal, contact, household


def _read_conflicts(
    a: NormalizedRecord,
    b: NormalizedRecord,
    f: FieldReadings,
    personal: float,
    no_contact: bool,
    relaxed: bool,
) -> tuple[float, bool, bool]:
    """(personal, replaced, conflict) once another birth date and another
    given name are weighed (:func:`_birth_rule`, then :func:`_given_rule`)."""
    replaced = conflict = False
    if f.birth_date.conflict:
        weight, replaced, conflict = _birth_rule(f, no_contact, relaxed)
        personal += weight
    if f.names.given_conflict:
        weight, given_replaced, given_conflict = _given_rule(
            a, b, f, no_contact, relaxed
        )
        personal += weight
        replaced = replaced or given_replaced
        conflict = conflict or given_conflict
    return personal, replaced, conflict


def _total(
    personal: float,
    household: float,
    no_contact: bool,
    replaced: bool,
    relaxed: bool,
) -> float:
    """The pair's log-odds: household evidence capped (unless a household-free
    tenant reads a replaced value), the prior of pairs without contact data,
    and a pair read as replaced capped at :data:`~.weights.REPLACED_CAP`."""
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
    return total


def _birth_rule(
    f: FieldReadings, no_contact: bool, relaxed: bool
) -> tuple[float, bool, bool]:
    """(weight, replaced, conflict) of two different birth dates.

    A parent and child, unless the tenant is household-free (``relaxed``) or
    the full names agree and no contact data could tell relatives apart: then
    a replaced or mistyped birth date is as likely as a same-name relative.
    """
    if relaxed:
        # another birth date at the same address is a replaced value
        return W_BIRTH_REPLACED, True, False
    names = f.names
    if (
        no_contact
        and not names.given_conflict
        and names.first is not None
        and names.first >= FIRST_AGREES
        and names.last is not None
        and names.last >= SURNAME_AGREES
    ):
        # the same full name (and, to reach the threshold, the same address)
        return W_BIRTH_REPLACED, True, False
    return W_BIRTH_CONFLICT, False, True


def _given_rule(
    a: NormalizedRecord,
    b: NormalizedRecord,
    f: FieldReadings,
    no_contact: bool,
    relaxed: bool,
) -> tuple[float, bool, bool]:
    """(weight, replaced, conflict) of given names that clearly differ.

    Another person, unless: surname and birth date agree and no contact data
    could tell twins apart; the tenant is household-free (``relaxed``); or the
    same personal email *and* mobile go with given names of one initial
    (Imma/Ingeborg, Cille/Cecilie: a short form we do not know). Those are
    moderate matches, for a human to judge.
    """
    last = f.names.last
    if (
        last is not None
        and last >= SURNAME_AGREES
        and f.birth_date.similarity == 1.0
        and no_contact
    ):
        return W_GIVEN_REPLACED, True, False
    if relaxed:
        return W_GIVEN_REPLACED_NO_HOUSEHOLDS, True, False
    if (
        f.email.similarity == 1.0
        and f.phone.shared_mobile
        and not f.birth_date.conflict
        and a.first
        and b.first
        and a.first[0][0] == b.first[0][0]
    ):
        return W_GIVEN_REPLACED, True, False
    return W_GIVEN_CONFLICT, False, True


def _landline_is_personal(f: FieldReadings, conflict: bool) -> bool:
    """True when a shared landline is the person's number (a work direct line,
    or the one phone an older customer gives), not the household's: the given
    names agree and no other contact data contradicts. Two private emails
    speak against one person, unless both records name the same employer."""
    first = f.names.first
    return (
        not conflict
        and first is not None
        and first >= FIRST_AGREES
        and not f.phone.mobiles_differ
        and (not f.email.differ or (f.company.similarity or 0.0) >= 0.9)
    )


def _group(
    personal: float,
    household: float,
    contact: float,
    surname_weight: float,
    same_name_no_birth: bool,
    conflict: bool,
) -> tuple[float, float]:
    """(personal, household) with the contact and surname weights added.

    Both are personal evidence, unless a household explains them: on a
    conflict a shared contact point and surname move to the (capped)
    household group; for same-name records without birth dates whose contact
    data differ, the surname does.
    """
    if same_name_no_birth:
        personal += contact
    elif conflict:
        if contact > 0:
            household += contact
        else:
            personal += contact
    else:
        return personal + (contact + surname_weight), household
    if surname_weight > 0:
        household += surname_weight
    else:
        personal += surname_weight
    return personal, household
