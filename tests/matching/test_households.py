"""The measured household rate and how a household-free tenant is read."""

from __future__ import annotations

from typing import Any

from tenant_privacy.matching import HOUSEHOLD_FREE_RATE
from tenant_privacy.matching import HouseholdRate
from tenant_privacy.matching import scan_duplicates

SURNAMES = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen "
    "Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen "
    "Jacobsen Dahl Halvorsen Henriksen Lund Sorensen Moen Gundersen Iversen "
    "Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Mathisen Lie "
    "Amundsen Rasmussen Lunde Solheim Berge Moe Nygard Bakke Fredriksen Holm "
    "Lien Hauge Christensen Andresen Evensen Saether Aas Myhre Haugland "
    "Thomassen Sivertsen Simonsen Danielsen Berntsen Sandvik Ronning Arnesen"
).split()
STREETS = (
    "Kirkeveien Skolegata Parkveien Strandgata Slottsbakken Fjordveien "
    "Skogveien Elvegata Torggata Bjerkeveien"
).split()


def _address(k: int) -> dict[str, Any]:
    street = f"{STREETS[k % len(STREETS)]} {k * 7 % 90 + 2}"
    return {"street": street, "postcode": f"{1000 + 37 * k}", "city": "Oslo"}


def _duplicates(n: int) -> list[dict[str, Any]]:
    """n people registered twice at their address, no contact data, no relatives."""
    out = []
    for k in range(n):
        base = {"first_name": "Kari", "last_name": SURNAMES[k], **_address(k)}
        out.append({"id": f"p{k}-a", **base})
        out.append({"id": f"p{k}-b", **base})
    return out


def _families(n: int, start: int) -> list[dict[str, Any]]:
    """n couples at their address: same surname, other given name."""
    out = []
    for k in range(start, start + n):
        base = {"last_name": SURNAMES[k], **_address(k)}
        out.append({"id": f"f{k}-kari", "first_name": "Kari", **base})
        out.append({"id": f"f{k}-ola", "first_name": "Ola", **base})
    return out


# a duplicate whose given name was replaced: same surname and address, nothing
# else; in a tenant of families this is a spouse, in one without it is a typo
REPLACED = [
    {"id": "x-1", "first_name": "Ingrid", "last_name": "Lindqvist", **_address(99)},
    {"id": "x-2", "first_name": "Sigrid", "last_name": "Lindqvist", **_address(99)},
]


def test_rate_counts_other_given_names_among_same_address_pairs() -> None:
    rate = HouseholdRate()
    same = {"first_name": 1.0, "last_name": 1.0, "street": 1.0, "postcode": 1.0}
    other = {**same, "first_name": 0.3}
    for _ in range(40):
        rate.add(same)
    assert rate.rate is None and rate.has_households()  # too few to judge
    for _ in range(10):
        rate.add(other)
    rate.add({"first_name": 0.3, "last_name": 1.0})  # no address: not counted
    assert rate.same_address == 50 and rate.rate == 10 / 50
    assert rate.rate < HOUSEHOLD_FREE_RATE and not rate.has_households()
    for _ in range(20):
        rate.add(other)
    assert rate.has_households()


def test_household_free_data_reads_a_replaced_given_name_as_a_duplicate() -> None:
    result = scan_duplicates(_duplicates(60) + REPLACED)
    assert result.households is False
    assert result.household_rate is not None and result.household_rate < 0.05
    found = {frozenset((p.a, p.b)) for p in result.pairs}
    assert frozenset(("x-1", "x-2")) in found
    replaced = next(p for p in result.pairs if {p.a, p.b} == {"x-1", "x-2"})
    assert replaced.score < 0.9  # a moderate suggestion, never near-certain


def test_data_with_families_keeps_the_same_pair_apart() -> None:
    result = scan_duplicates(_duplicates(30) + _families(30, start=30) + REPLACED)
    assert result.households is True and result.household_rate is not None
    assert result.household_rate >= HOUSEHOLD_FREE_RATE
    found = {frozenset((p.a, p.b)) for p in result.pairs}
    assert frozenset(("x-1", "x-2")) not in found
    assert not any(p.a.startswith("f") and p.b.startswith("f") for p in result.pairs)
    # the plain duplicates are found either way
    assert frozenset(("p0-a", "p0-b")) in found


def test_contact_data_is_never_read_household_free() -> None:
    # twins with their own mobiles stay apart even in a household-free tenant
    twins = [
        {**REPLACED[0], "id": "t-1", "phone": "91234567"},
        {**REPLACED[1], "id": "t-2", "phone": "98765432"},
    ]
    result = scan_duplicates(_duplicates(60) + twins)
    assert result.households is False
    assert not any({p.a, p.b} == {"t-1", "t-2"} for p in result.pairs)


def test_incremental_reading_scores_as_the_full_scan() -> None:
    # a household-free tenant: match_one(households=False) against the records
    # sharing a key gives the very pairs and scores the full scan gave
    from tenant_privacy.matching import blocking_keys
    from tenant_privacy.matching import match_one
    from tenant_privacy.matching import normalize_record

    extra = [
        {"id": "y-1", "first_name": "Ola", "last_name": "Lindqvist", **_address(99)},
        {
            "id": "y-2",
            "first_name": "Per",
            "last_name": "Lindqvist",
            "birth_date": "1950-01-01",
        },
        {
            "id": "y-3",
            "first_name": "Sigrid",
            "last_name": "Lindqvist",
            "birth_date": "1950-01-01",
            **_address(99),
        },
    ]
    # one national id, two given names and birth dates: suggested in both
    # readings, and the full scan must report the household-free score, as
    # incremental matching would
    twin = {"first_name": "Ola", "last_name": "Berg", "national_id": "12345678901"}
    extra += [
        {"id": "w-1", **twin, "birth_date": "1950-01-01", **_address(97)},
        {
            "id": "w-2",
            **twin,
            "first_name": "Per",
            "birth_date": "1980-01-01",
            **_address(97),
        },
    ]
    # only a surname and a full address: no conflict, so both readings agree
    extra += [
        {"id": "z-1", "last_name": "Fjellheim", **_address(98)},
        {"id": "z-2", "last_name": "Fjellheim", **_address(98)},
    ]
    records = _duplicates(60) + REPLACED + extra
    result = scan_duplicates(records)
    assert result.households is False
    batch = {frozenset((p.a, p.b)): p.score for p in result.pairs}
    nrs = [normalize_record(r) for r in records]
    keys = {nr.id: blocking_keys(nr) for nr in nrs}
    for nr in nrs:
        others = [o for o in nrs if o.id != nr.id and keys[o.id] & keys[nr.id]]
        for pair in match_one(nr, others, households=False):
            assert batch[frozenset((pair.a, pair.b))] == pair.score
        found = {frozenset((p.a, p.b)) for p in match_one(nr, others, households=False)}
        assert found == {k for k in batch if nr.id in k}


def test_only_pairs_flagged_sensitive_change_with_the_household_reading() -> None:
    """A full scan scores each pair once and re-scores only the flagged ones when
    the tenant turns out household-free: every unflagged pair must score the
    same under both readings, or the scan would miss duplicates."""
    from devdata.synthetic import generate_registrations
    from tenant_privacy.matching import normalize_record
    from tenant_privacy.matching.blocking import candidate_pairs
    from tenant_privacy.matching.scoring import compare_readings

    records, _ = generate_registrations(0, seed=11, n_registrations=3000)
    records += _duplicates(30) + _families(30, 30) + REPLACED
    nrs = [normalize_record(r) for r in records]
    flagged = changed = 0
    for i, j in candidate_pairs(nrs):
        strict = compare_readings(nrs[i], nrs[j])
        free = compare_readings(nrs[i], nrs[j], households=False)
        if strict[:2] != free[:2]:
            changed += 1
            assert strict[2], (records[i], records[j])
        flagged += strict[2]
    assert changed > 20  # the readings do differ, so the check has teeth
    assert flagged < 3 * changed  # and the flag is not raised on everything
