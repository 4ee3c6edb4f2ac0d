from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
from pathlib import Path

import pytest

from devdata.synthetic import generate_registrations
from tenant_privacy.matching import DEFAULT_THRESHOLD
from tenant_privacy.matching import MatchPair
from tenant_privacy.matching import blocking_keys
from tenant_privacy.matching import find_duplicates
from tenant_privacy.matching import match_one
from tenant_privacy.matching import normalize_record
from tenant_privacy.matching import transitive_closure
from tenant_privacy.matching.blocking import candidate_pairs

FEBRL = Path("/work/shared/datasets/febrl")

RECORDS = [
    {
        "id": "a",
        "first_name": "Ola",
        "last_name": "Nordmann",
        "email": "ola@x.no",
        "phone": "91234567",
        "birth_date": "1980-01-02",
        "favourite_colour": "blue",
    },
    {
        "id": "b",
        "full_name": "OLA NORDMANN",
        "email": " OLA@X.NO ",
        "phone": "+47 912 34 567",
        "birth_date": dt.date(1980, 1, 2),
    },
    {
        "id": "c",
        "first_name": "Ola",
        "last_name": "Nordman",
        "email": "ola@x.no",
        "phone": None,
        "birth_date": None,
    },
    {"id": "d", "first_name": "Kari", "last_name": "Traa", "email": "kari@y.no"},
]


def test_contract_shape() -> None:
    pairs = find_duplicates(RECORDS)
    assert pairs, "expected suggestions"
    for p in pairs:
        assert isinstance(p, MatchPair)
        assert p["a"] == p.a and p["b"] == p.b
        assert p["score"] == p.score and p["evidence"] == p.evidence
        assert {p.a, p.b} <= {"a", "b", "c"}
        assert p.a != p.b
        assert 0.0 <= p.score <= 1.0 and p.score >= DEFAULT_THRESHOLD
        assert isinstance(p.evidence, dict) and p.evidence
        assert set(p.keys()) == {"a", "b", "score", "evidence"}
    scores = [p.score for p in pairs]
    assert scores == sorted(scores, reverse=True)
    assert {frozenset((p.a, p.b)) for p in pairs} == {
        frozenset(x) for x in (("a", "b"), ("a", "c"), ("b", "c"))
    }


def test_pair_is_frozen() -> None:
    p = find_duplicates(RECORDS)[0]
    with pytest.raises(AttributeError):
        p.score = 0.0  # type: ignore[misc]
    with pytest.raises(KeyError):
        p["nope"]


def test_empty_and_single_input() -> None:
    assert find_duplicates([]) == []
    assert find_duplicates([{"id": 1}]) == []
    assert find_duplicates(iter([{"id": 1}, {"id": 2}])) == []


def test_threshold_keyword() -> None:
    assert len(find_duplicates(RECORDS, threshold=1.01)) == 0
    assert len(find_duplicates(RECORDS, threshold=0.0)) >= 3


def test_default_region_keyword() -> None:
    recs = [
        {
            "id": 1,
            "first_name": "Anna",
            "last_name": "Svensson",
            "phone": "070-123 45 67",
        },
        {
            "id": 2,
            "first_name": "Anna",
            "last_name": "Svensson",
            "phone": "+46 70 123 45 67",
        },
    ]
    assert find_duplicates(recs, default_region="SE")
    assert normalize_record(recs[0], region="SE").phone == "+46701234567"


def test_nothing_in_common_gives_no_candidates() -> None:
    recs = [
        normalize_record(
            {"id": 1, "first_name": "Ola", "last_name": "Hansen", "email": "ola@x.no"}
        ),
        normalize_record(
            {"id": 2, "first_name": "Kari", "last_name": "Berg", "phone": "98765432"}
        ),
    ]
    assert not blocking_keys(recs[0]) & blocking_keys(recs[1])
    assert list(candidate_pairs(recs)) == []


def test_blocking_is_not_all_pairs() -> None:
    recs, _ = generate_registrations(0, seed=3, n_registrations=1500)
    nrs = [normalize_record(r) for r in recs]
    n_cands = len(list(candidate_pairs(nrs)))
    assert n_cands < len(nrs) * (len(nrs) - 1) / 2 / 50


def test_blocking_keys_are_stable_strings() -> None:
    nr = normalize_record(RECORDS[0])
    keys = blocking_keys(nr)
    assert "e:ola@x.no" in keys and "p:+4791234567" in keys
    assert keys == blocking_keys(normalize_record(dict(RECORDS[0])))


def test_match_one_against_candidates() -> None:
    new = {
        "id": "n",
        "first_name": "Ola",
        "last_name": "Nordmann",
        "email": "OLA@x.no",
        "phone": "0047 91234567",
    }
    found = match_one(new, RECORDS)
    assert [p.a for p in found] == ["n"] * len(found)
    assert {p.b for p in found} >= {"a", "b"}
    assert "d" not in {p.b for p in found}


def test_match_one_agrees_with_find_duplicates() -> None:
    pairs = {frozenset((p.a, p.b)): p.score for p in find_duplicates(RECORDS)}
    for p in match_one(RECORDS[0], RECORDS[1:]):
        assert pairs[frozenset((p.a, p.b))] == pytest.approx(p.score)


def test_transitive_closure() -> None:
    clusters = transitive_closure([("a", "b"), ("b", "c"), ("x", "y")])
    assert clusters == [{"a", "b", "c"}, {"x", "y"}]
    assert transitive_closure(find_duplicates(RECORDS)) == [{"a", "b", "c"}]


def test_generator_is_deterministic_with_truth() -> None:
    r1, t1 = generate_registrations(50, seed=5)
    r2, t2 = generate_registrations(50, seed=5)
    assert r1 == r2 and t1 == t2
    ids = {r["id"] for r in r1}
    assert all(p <= ids for p in t1)


def _f1(pred: set[frozenset[str]], truth: set[frozenset[str]]) -> float:
    tp = len(pred & truth)
    return 2 * tp / (len(pred) + len(truth)) if pred or truth else 1.0


def test_synthetic_norwegian_quality() -> None:
    recs, truth = generate_registrations(0, seed=11, n_registrations=2000)
    pairs = find_duplicates(recs)
    pred = {
        frozenset(c)
        for cl in transitive_closure(pairs)
        for c in itertools.combinations(cl, 2)
    }
    assert _f1(pred, truth) > 0.95


@pytest.mark.skipif(
    not (FEBRL / "febrl1.records.jsonl").exists(), reason="FEBRL data set not available"
)
def test_febrl1_quality_after_closure() -> None:
    recs = [json.loads(line) for line in open(FEBRL / "febrl1.records.jsonl")]
    with open(FEBRL / "febrl1.pairs.csv") as fh:
        rows = csv.reader(fh)
        next(rows)
        truth = {frozenset(r) for r in rows}
    pairs = find_duplicates(recs)
    pred = {
        frozenset(c)
        for cl in transitive_closure(pairs)
        for c in itertools.combinations(sorted(cl), 2)
    }
    assert _f1(pred, truth) > 0.95


def test_any_subset_of_fields_scores_without_error() -> None:
    # every field may be missing, empty or odd in a real tenant: take generated
    # registrations, drop random fields, and score every pair of a small sample
    import random

    from tenant_privacy.matching import normalize_record
    from tenant_privacy.matching import score_pair

    recs, _ = generate_registrations(0, seed=21, n_registrations=300)
    rng = random.Random(4)
    odd = ["", " ", "-", "0", "x", "+47", "ÆØÅ", "1900-13-45", "a@", "@b"]
    mangled = []
    for rec in recs:
        out = {"id": rec["id"]}
        for key, value in rec.items():
            if key == "id":
                continue
            roll = rng.random()
            if roll < 0.3:
                continue
            out[key] = rng.choice(odd) if roll < 0.4 else value
        mangled.append(out)
    nrs = [normalize_record(r) for r in mangled]
    for households in (True, False):
        for i in range(0, 300, 3):
            for j in range(i + 1, min(i + 40, 300)):
                s, ev = score_pair(nrs[i], nrs[j], households=households)
                assert 0.0 <= s <= 1.0
                assert all(0.0 <= v <= 1.0 for v in ev.values())
    scores = [p.score for p in find_duplicates(mangled)]
    assert scores == sorted(scores, reverse=True)


def test_a_surname_split_by_a_stray_space_still_blocks() -> None:
    # "h o" for "ho", another birth date and house number: only the surname as
    # one word puts the two registrations in one block
    a = {"id": "a", "first_name": "riley", "last_name": "ho", "postcode": "2011"}
    b = {"id": "b", "first_name": "riley", "last_name": "h o", "postcode": "2011"}
    from tenant_privacy.matching import blocking_keys
    from tenant_privacy.matching import normalize_record

    assert blocking_keys(normalize_record(a)) & blocking_keys(normalize_record(b))


def test_clearing_the_caches_changes_speed_only() -> None:
    from tenant_privacy.matching import clear_caches
    from tenant_privacy.matching.scoring import token_similarity

    recs, _ = generate_registrations(0, seed=8, n_registrations=400)
    before = find_duplicates(recs)
    assert token_similarity.cache_info().currsize > 0
    clear_caches()
    assert token_similarity.cache_info().currsize == 0
    assert find_duplicates(recs) == before


def test_clear_caches_empties_every_memo_cache_of_the_matcher() -> None:
    """A cache missing from clear_caches would make the bench's "cold" runs warm."""
    import importlib
    import pkgutil

    import tenant_privacy.matching as matching
    from tenant_privacy.matching import clear_caches

    recs, _ = generate_registrations(0, seed=8, n_registrations=200)
    find_duplicates(recs)
    clear_caches()
    cached = []
    # every module of the package, those of its sub-packages (normalize) too
    for info in pkgutil.walk_packages(matching.__path__, f"{matching.__name__}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if hasattr(value, "cache_info") and value.__module__ == module.__name__:
                cached.append(name)
                assert value.cache_info().currsize == 0, name
    assert "token_similarity" in cached and "_written_date" in cached


def _edited(nid: str, rng: random.Random) -> str:
    digits = list(nid)
    pos = rng.randrange(len(digits))
    match rng.choice("sidt"):
        case "s":
            digits[pos] = rng.choice("0123456789")
        case "i":
            digits.insert(pos, rng.choice("0123456789"))
        case "d":
            digits.pop(pos)
        case _:
            pos = min(pos, len(digits) - 2)
            digits[pos], digits[pos + 1] = digits[pos + 1], digits[pos]
    return "".join(digits)


@pytest.mark.parametrize("prefix", ["", "19850"])
def test_ids_one_edit_apart_are_always_candidates(prefix: str) -> None:
    """A mistyped national id still meets its original: every pair of ids one
    substitution, insertion, deletion or transposition apart shares a block,
    also when hundreds of ids begin alike (ids that start with a birth date)."""
    from rapidfuzz.distance import OSA

    from tenant_privacy.matching.normalize import NormalizedRecord

    rng = random.Random(5)
    ids: list[str] = []
    for _ in range(300):
        length = rng.choice([6, 7, 9, 11]) - len(prefix)
        nid = prefix + "".join(rng.choice("0123456789") for _ in range(max(length, 3)))
        ids += [nid, _edited(nid, rng)]
    records = [NormalizedRecord(id=k, national_id=nid) for k, nid in enumerate(ids)]
    found = set(candidate_pairs(records))
    near = {
        (i, j)
        for i, j in itertools.combinations(range(len(ids)), 2)
        if ids[i] != ids[j] and OSA.distance(ids[i], ids[j]) == 1
    }
    assert len(near) >= 250
    assert near <= found
    # and the id blocks add no pairs of unrelated ids
    assert all(ids[i] == ids[j] or (i, j) in near for i, j in found)


def _namesakes(count: int) -> list[dict[str, object]]:
    """``count`` registrations of one full name that share nothing else: half
    with only a landline, half with only an address (no contact data)."""
    out: list[dict[str, object]] = []
    for k in range(count):
        rec: dict[str, object] = {
            "id": f"c{k}",
            "first_name": "Cecilie",
            "last_name": "Svendsen",
        }
        streets = ("Storgata", "Kirkeveien", "Fjordgata", "Parkveien", "Elvegata")
        if k % 2:
            rec["phone"] = f"2{(k * 7919) % 10_000_000:07d}"
        else:
            street = streets[k // 2 % len(streets)]
            rec.update(street=f"{street} {3 * k + 7}", postcode=f"{1000 + 731 * k}")
        out.append(rec)
    return out


def test_a_common_name_alone_never_links() -> None:
    """Two registrations of a rare name with nothing to compare are a moderate
    match; the same name shared by more than MAX_NAME_BLOCK registrations says
    nothing, so none of them is paired on the name alone."""
    from tenant_privacy.matching.blocking import MAX_NAME_BLOCK

    rare = {frozenset((p.a, p.b)) for p in find_duplicates(_namesakes(4))}
    assert rare >= {frozenset((f"c{i}", f"c{j}")) for i in (0, 2) for j in (1, 3)}
    assert find_duplicates(_namesakes(MAX_NAME_BLOCK + 2)) == []
