"""What a comparison of two records reads, field by field: the values the
comparators (:mod:`.comparators`) return and the household rules
(:mod:`.households`) combine. Data only.
"""

from __future__ import annotations

import typing as t

__all__ = [
    "BirthReading",
    "EmailReading",
    "FieldReadings",
    "NameReading",
    "PhoneReading",
    "Reading",
    "new",
]


#: Builds a reading from a tuple of *all* its fields in order, ``new(Reading,
#: (similarity, weight))``: what the generated ``__new__`` does without its
#: argument handling, less than half the cost. For the comparators' hot paths,
#: which run for every pair; elsewhere call the class.
new = tuple.__new__


class Reading(t.NamedTuple):
    """One field compared: its similarity (None: missing on a side) and weight."""

    similarity: float | None = None
    weight: float = 0.0


class NameReading(t.NamedTuple):
    """First and last names compared (in the orientation that agrees best)."""

    #: Given-name similarity, None when not comparable.
    first: float | None = None
    #: Surname similarity, None when not comparable.
    last: float | None = None
    #: The evidence's "name": the mean of the two, or the one there is.
    name: float | None = None
    #: Weight of the given names (0.0 when they conflict: see the rules).
    weight: float = 0.0
    #: Weight of the surnames, kept apart: a household may explain it.
    surname_weight: float = 0.0
    #: The given names clearly differ (another person, or a replaced value).
    given_conflict: bool = False


class BirthReading(t.NamedTuple):
    """Birth dates compared."""

    similarity: float | None = None
    weight: float = 0.0
    #: Two different dates (weighed by the household rules, not here).
    conflict: bool = False


class EmailReading(t.NamedTuple):
    """Emails compared."""

    similarity: float | None = None
    weight: float = 0.0
    #: Two private addresses that differ (speaks against one person).
    differ: bool = False


class PhoneReading(t.NamedTuple):
    """Phones compared."""

    similarity: float | None = None
    weight: float = 0.0
    #: One landline on both (weighed by the household rules, not here).
    shared_landline: bool = False
    #: One number on both that is not a landline (a mobile, or of unknown kind).
    shared_mobile: bool = False
    #: Two different mobiles.
    mobiles_differ: bool = False


class FieldReadings(t.NamedTuple):
    """Every field of a pair compared: what :func:`.comparators.compare_fields`
    returns."""

    names: NameReading
    birth_date: BirthReading
    national_id: Reading
    email: EmailReading
    phone: PhoneReading
    street: Reading
    postcode: Reading
    city: Reading
    country: Reading
    company: Reading
    #: See :func:`.comparators.nameless_shared_weight`.
    nameless: float

    def evidence(self) -> dict[str, float]:
        """Similarity per field present on both records, "name" summarising."""
        names, birth, nid, email, phone, street, postcode, city, country, company, _ = (
            self
        )
        ev: dict[str, float] = {}
        if names.first is not None:
            ev["first_name"] = names.first
        if names.last is not None:
            ev["last_name"] = names.last
        if names.name is not None:
            ev["name"] = names.name
        # one line a field (this runs for every pair: no loop over getattr)
        if birth.similarity is not None:
            ev["birth_date"] = birth.similarity
        if nid.similarity is not None:
            ev["national_id"] = nid.similarity
        if email.similarity is not None:
            ev["email"] = email.similarity
        if phone.similarity is not None:
            ev["phone"] = phone.similarity
        if street.similarity is not None:
            ev["street"] = street.similarity
        if postcode.similarity is not None:
            ev["postcode"] = postcode.similarity
        if city.similarity is not None:
            ev["city"] = city.similarity
        if country.similarity is not None:
            ev["country"] = country.similarity
        if company.similarity is not None:
            ev["company"] = company.similarity
        return ev
