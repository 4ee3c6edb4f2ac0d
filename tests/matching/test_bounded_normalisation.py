"""Hostile input costs milliseconds (issue 12 item 7, the matching half).

The public lead form let anyone store a first name of 10,000 words; comparing
every word with every word then took 110 s for one pair, and every later scan
of the tenant paid it again. Normalisation bounds every field (characters,
name words, house numbers), so every path that compares records (scan,
incremental, ``find_duplicates``, ``match_one``) is bounded too.
"""

from __future__ import annotations

import time
import typing as t

import pytest

from tenant_privacy.matching import clear_caches
from tenant_privacy.matching import find_duplicates
from tenant_privacy.matching import match_one
from tenant_privacy.matching import normalize_email
from tenant_privacy.matching import normalize_phone
from tenant_privacy.matching import normalize_record
from tenant_privacy.matching import similarity
from tenant_privacy.matching.normalize.addresses import MAX_HOUSE_NUMBERS
from tenant_privacy.matching.normalize.names import MAX_NAME_TOKEN_CHARS
from tenant_privacy.matching.normalize.names import MAX_NAME_TOKENS
from tenant_privacy.matching.normalize.text import MAX_CODE_CHARS
from tenant_privacy.matching.normalize.text import MAX_TEXT_CHARS
from tenant_privacy.matching.scoring import compare_readings

#: Comparing two records compares name words in at most four name pairs (given
#: and surnames, straight and crossed), each of at most N x N words.
MAX_TOKEN_COMPARISONS = 4 * MAX_NAME_TOKENS * MAX_NAME_TOKENS


def _words(n: int, stem: str) -> str:
    """``n`` different name-like words ("kari" plus letters)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join(
        stem + letters[i % 26] + letters[i // 26 % 26] + letters[i // 676 % 26]
        for i in range(n)
    )


def hostile(rid: str, stem: str, n: int = 10_000) -> dict[str, t.Any]:
    """A record as a script can post it through the public lead form."""
    return {
        "id": rid,
        "first_name": _words(n, stem),
        "last_name": _words(n, stem + "sen"),
        "full_name": _words(n, stem + "son"),
        "email": (stem * 5_000) + "@" + ("x" * 50_000) + ".no",
        "phone": "912 34 567 / " * 5_000,
        "street": "Storgata " + " ".join(str(i) for i in range(5_000)),
        "postcode": "0" * 50_000,
        "city": "Oslo " * 10_000,
        "company": "AS " * 10_000,
        "country": "Norge" * 10_000,
        "national_id": "1" * 50_000,
        "birth_date": "1985-03-07" + "0" * 50_000,
    }


def test_a_hostile_record_is_normalised_within_the_bounds() -> None:
    nr = normalize_record(hostile("h1", "kari"))
    for part in (nr.first, nr.last):
        assert 0 < len(part) <= MAX_NAME_TOKENS
        assert all(len(word) <= MAX_NAME_TOKEN_CHARS for word in part)
    assert nr.email is None or len(nr.email) <= MAX_TEXT_CHARS
    assert len(nr.house) <= MAX_HOUSE_NUMBERS
    for text in (nr.street, nr.city, nr.company, nr.country):
        assert text is None or len(text) <= MAX_TEXT_CHARS
    for code in (nr.postcode, nr.national_id):
        assert code is None or len(code) <= MAX_CODE_CHARS
    # the start of a field is still read
    assert nr.birth_date == "1985-03-07"


def test_one_name_word_that_is_very_long_is_cut() -> None:
    nr = normalize_record({"id": 1, "first_name": "k" * 100_000, "last_name": "Lie"})
    assert nr.first == ("k" * MAX_NAME_TOKEN_CHARS,)
    assert nr.last == ("lie",)


def test_real_names_keep_every_word() -> None:
    nr = normalize_record(
        {
            "id": 1,
            "first_name": "Karl Johan Ole Martin",
            "last_name": "Kristiansen-Wolfeschlegelsteinhausenbergerdorff Berg",
        }
    )
    assert nr.first == ("karl", "johan", "ole", "martin")
    assert nr.last == ("kristiansen", "wolfeschlegelsteinhausenbergerdorff", "berg")


def test_comparing_two_hostile_records_makes_few_word_comparisons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = normalize_record(hostile("h1", "kari"))
    b = normalize_record(hostile("h2", "ola"))
    clear_caches()
    calls = 0
    real = similarity.token_similarity

    def counting(x: str, y: str) -> float:
        nonlocal calls
        calls += 1
        # fail at once rather than after minutes of unbounded comparisons
        assert calls <= MAX_TOKEN_COMPARISONS
        return real(x, y)

    monkeypatch.setattr(similarity, "token_similarity", counting)
    compare_readings(a, b)
    compare_readings(a, b, households=False)
    assert 0 < calls <= 2 * MAX_TOKEN_COMPARISONS
    clear_caches()


def test_hostile_records_cost_milliseconds_on_every_path() -> None:
    # generous bound (it was 110 s for one such pair): it cannot flake
    normal = [
        {
            "id": "n1",
            "first_name": "Kari",
            "last_name": "Nordmann",
            "phone": "91234567",
        },
        {"id": "n2", "first_name": "Kari", "last_name": "Nordman", "phone": "91234567"},
    ]
    # other names (equal ones would skip the comparison), blocked together by
    # postcode and birth year; 2,000 words a name took 5 s a pair unbounded
    records = [hostile("h1", "kari", 2_000), hostile("h2", "ola", 2_000), *normal]
    start = time.perf_counter()
    pairs = find_duplicates(records)
    match_one(records[0], records[1:])
    normalize_email(records[0]["email"])
    normalize_phone(records[0]["phone"])
    assert time.perf_counter() - start < 1.0
    # real records still match
    assert ("n1", "n2") in {(p.a, p.b) for p in pairs}
