"""The per-field comparators and their combination, each on its own.

Records are built with ``normalize_record``, so each case is one a Norwegian
CRM holds (ø/o/oe spellings, +47 phone formats, day-first dates).
"""

from __future__ import annotations

import typing as t

import pytest

from tenant_privacy.matching import normalize_record
from tenant_privacy.matching.comparators import compare_birth_dates
from tenant_privacy.matching.comparators import compare_emails
from tenant_privacy.matching.comparators import compare_fields
from tenant_privacy.matching.comparators import compare_names
from tenant_privacy.matching.comparators import compare_national_ids
from tenant_privacy.matching.comparators import compare_phones
from tenant_privacy.matching.comparators import compare_postcodes
from tenant_privacy.matching.comparators import compare_streets
from tenant_privacy.matching.households import combine
from tenant_privacy.matching.scoring import compare_readings
from tenant_privacy.matching.weights import FIRST_CURVE
from tenant_privacy.matching.weights import LAST_CURVE
from tenant_privacy.matching.weights import REPLACED_CAP
from tenant_privacy.matching.weights import W_BIRTH_EXACT
from tenant_privacy.matching.weights import W_BIRTH_SWAP
from tenant_privacy.matching.weights import W_EMAIL
from tenant_privacy.matching.weights import W_EMAIL_TYPO
from tenant_privacy.matching.weights import W_MOBILE_DIFF
from tenant_privacy.matching.weights import W_NID_TYPO
from tenant_privacy.matching.weights import W_PHONE
from tenant_privacy.matching.weights import W_PHONE_TRANSPOSED
from tenant_privacy.matching.weights import W_POSTCODE
from tenant_privacy.matching.weights import W_POSTCODE_TYPO

if t.TYPE_CHECKING:
    from tenant_privacy.matching import NormalizedRecord


def pair(a: dict[str, t.Any], b: dict[str, t.Any]) -> tuple[NormalizedRecord, ...]:
    return normalize_record({"id": 1, **a}), normalize_record({"id": 2, **b})


# ------------------------------------------------------------------ names
@pytest.mark.parametrize(
    "other",
    [
        {"first_name": "Bjoern", "last_name": "Saether"},
        {"first_name": "Bjorn", "last_name": "Sather"},
        {"first_name": "BJØRN", "last_name": "SÆTHER"},
        {"full_name": "Sæther, Bjørn"},
    ],
)
def test_names_spelled_with_oe_o_or_oe_agree_fully(other: dict[str, str]) -> None:
    reading = compare_names(
        *pair({"first_name": "Bjørn", "last_name": "Sæther"}, other)
    )
    assert (reading.first, reading.last, reading.name) == (1.0, 1.0, 1.0)
    assert reading.weight == FIRST_CURVE[-1][1]
    assert reading.surname_weight == LAST_CURVE[-1][1]
    assert not reading.given_conflict


def test_another_given_name_is_a_conflict_left_to_the_household_rules() -> None:
    reading = compare_names(
        *pair(
            {"first_name": "Kari", "last_name": "Nordmann"},
            {"first_name": "Ola", "last_name": "Nordmann"},
        )
    )
    assert reading.given_conflict and reading.first is not None
    assert reading.first < 0.7 and reading.last == 1.0
    assert reading.weight == 0.0  # weighed by the rules, not the comparator


def test_names_missing_on_one_side_are_no_reading() -> None:
    reading = compare_names(*pair({"first_name": "Ola"}, {"email": "ola@x.no"}))
    assert reading.first is reading.last is reading.name is None
    assert reading.weight == reading.surname_weight == 0.0


# ----------------------------------------------------------------- phones
@pytest.mark.parametrize(
    "other", ["+47 912 34 567", "0047 91234567", "91 23 45 67", "912 34 567 (privat)"]
)
def test_one_mobile_in_any_format_is_shared(other: str) -> None:
    reading = compare_phones(*pair({"phone": "91234567"}, {"phone": other}))
    assert reading.similarity == 1.0 and reading.weight == W_PHONE["mobile"]
    assert reading.shared_mobile and not reading.shared_landline


def test_a_shared_landline_weighs_nothing_by_itself() -> None:
    reading = compare_phones(*pair({"phone": "22 33 44 55"}, {"phone": "+4722334455"}))
    assert reading.similarity == 1.0 and reading.shared_landline
    assert reading.weight == 0.0 and not reading.shared_mobile


def test_two_swapped_digits_of_a_mobile_are_a_typo() -> None:
    reading = compare_phones(*pair({"phone": "+47 912 34 567"}, {"phone": "91234657"}))
    assert (reading.similarity, reading.weight) == (0.7, W_PHONE_TRANSPOSED)


def test_two_different_mobiles_differ() -> None:
    reading = compare_phones(
        *pair({"phone": "+47 912 34 567"}, {"phone": "48 00 11 22"})
    )
    assert (reading.similarity, reading.weight) == (0.0, W_MOBILE_DIFF)
    assert reading.mobiles_differ


# ----------------------------------------------------------------- emails
def test_one_mailbox_under_a_sub_address_or_googlemail_is_one_email() -> None:
    a, b = pair(
        {"email": "kari.nordmann+crm@gmail.com"},
        {"email": "Kari.Nordmann@googlemail.com"},
    )
    assert compare_emails(a, b)[:2] == (1.0, W_EMAIL)


def test_one_mistyped_letter_at_one_domain_is_a_typo() -> None:
    reading = compare_emails(
        *pair({"email": "kari.nordmann@online.no"}, {"email": "kari.nordman@online.no"})
    )
    assert reading.weight == W_EMAIL_TYPO
    assert reading.similarity is not None and 0.9 < reading.similarity < 1.0


def test_two_private_addresses_that_differ_say_so() -> None:
    reading = compare_emails(
        *pair({"email": "kari.nordmann@gmail.com"}, {"email": "ola.hansen@hotmail.com"})
    )
    assert (
        reading.differ and reading.similarity is not None and reading.similarity <= 0.5
    )


# ------------------------------------------ birth dates, ids, addresses
def test_birth_dates_as_written_in_norway_agree() -> None:
    reading = compare_birth_dates(
        *pair({"birth_date": "07.03.1985"}, {"birth_date": "1985-03-07"})
    )
    assert (reading.similarity, reading.weight, reading.conflict) == (
        1.0,
        W_BIRTH_EXACT,
        False,
    )


def test_day_and_month_swapped_is_a_weak_agreement_and_another_date_a_conflict() -> (
    None
):
    swapped = compare_birth_dates(
        *pair({"birth_date": "1985-03-07"}, {"birth_date": "1985-07-03"})
    )
    assert (swapped.similarity, swapped.weight, swapped.conflict) == (
        0.8,
        W_BIRTH_SWAP,
        False,
    )
    other = compare_birth_dates(
        *pair({"birth_date": "1985-03-07"}, {"birth_date": "2012-11-20"})
    )
    assert (other.similarity, other.weight, other.conflict) == (0.0, 0.0, True)


def test_a_national_id_with_two_digits_swapped_is_a_typo() -> None:
    reading = compare_national_ids(
        *pair({"national_id": "07038512345"}, {"national_id": "07038521345"})
    )
    assert reading == (0.7, W_NID_TYPO)


def test_postcodes_a_spreadsheet_shortened_and_one_digit_off() -> None:
    same = compare_postcodes(*pair({"postcode": 150}, {"postcode": "N-0150"}))
    assert same == (1.0, W_POSTCODE)
    typo = compare_postcodes(*pair({"postcode": "0150"}, {"postcode": "0151"}))
    assert typo == (0.5, W_POSTCODE_TYPO)


def test_street_abbreviations_and_house_letters_agree() -> None:
    reading = compare_streets(
        *pair({"street": "Storgata 5 B"}, {"street": "Storgt. 5b"})
    )
    assert reading.similarity == 1.0 and reading.weight > 0


# ------------------------------------------------------------ combination
HOME = {"street": "Storgata 5", "postcode": "0150", "city": "Oslo"}


def test_evidence_lists_the_fields_in_one_order() -> None:
    a, b = pair(
        {
            "first_name": "Kari",
            "last_name": "Nordmann",
            "birth_date": "1985-03-07",
            "email": "kari@x.no",
            "phone": "91234567",
            "company": "Fjord AS",
            **HOME,
        },
        {
            "first_name": "Kari",
            "last_name": "Nordmann",
            "birth_date": "1985-03-07",
            "email": "kari@x.no",
            "phone": "91234567",
            "company": "Fjord AS",
            **HOME,
        },
    )
    assert list(compare_fields(a, b).evidence()) == [
        "first_name",
        "last_name",
        "name",
        "birth_date",
        "email",
        "phone",
        "street",
        "postcode",
        "city",
        "company",
    ]


def test_another_given_name_and_birth_date_at_one_address_depend_on_households() -> (
    None
):
    kari = {"first_name": "Kari", "last_name": "Nordmann", "birth_date": "1985-03-07"}
    ola = {"first_name": "Ola", "last_name": "Nordmann", "birth_date": "2012-11-20"}
    a, b = pair({**kari, **HOME}, {**ola, **HOME})
    readings = compare_fields(a, b)
    relatives, sensitive = combine(a, b, readings)
    replaced, _ = combine(a, b, readings, households=False)
    assert sensitive  # the household reading can change this pair
    assert relatives <= -10 < replaced <= REPLACED_CAP
    assert compare_readings(a, b) == (relatives, readings.evidence(), True)
    # with a mobile on one side the household reading changes nothing
    c, d = pair({**kari, **HOME, "phone": "91234567"}, {**ola, **HOME})
    assert combine(c, d, compare_fields(c, d))[1] is False
