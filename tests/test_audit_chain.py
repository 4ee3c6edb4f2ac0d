"""The pure audit hash chain: canonical form, hashing, verification."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tenant_privacy.core import audit_chain
from tenant_privacy.errors import AuditChainBroken

T0 = dt.datetime(2024, 5, 1, 12, 0, 0, 1234, tzinfo=dt.UTC)


def make_chain(n: int, tenant: str = "fjord") -> list[tuple]:
    rows = []
    prev = audit_chain.GENESIS
    for seq in range(1, n + 1):
        content = (
            tenant,
            seq,
            T0 + dt.timedelta(seconds=seq),
            f"user:{seq % 3}",
            "search",
            seq if seq % 2 else None,
            [["contact", str(seq)]],
            ["email"],
            f"req{seq}",
            f"n={seq}",
            prev,
        )
        data = {"merge": seq, "subjects": [seq, 10_000_000 + seq]} if seq % 3 else None
        digest = audit_chain.chain_hash(prev, audit_chain.canonical(*content, data))
        rows.append((*content[1:], digest, data))
        prev = digest
    return rows


def test_canonical_is_sorted_compact_ascii() -> None:
    text = audit_chain.canonical(
        "fjord", 1, T0, "system", "search", None, [], [], None, "ø", "0" * 64
    )
    assert text.startswith('{"action":"search","actor":"system","created_at":')
    assert '"detail":"\\u00f8"' in text
    assert " " not in text
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_format_time_is_utc_with_microseconds() -> None:
    naive = dt.datetime(2024, 1, 2, 3, 4, 5)
    oslo = dt.datetime(2024, 1, 2, 4, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert audit_chain.format_time(naive) == "2024-01-02T03:04:05.000000+00:00"
    assert audit_chain.format_time(oslo) == "2024-01-02T03:04:05.000000+00:00"


def test_hash_covers_prev_hash_and_content() -> None:
    a = audit_chain.chain_hash("0" * 64, "{}")
    assert a != audit_chain.chain_hash("1" * 64, "{}")
    assert a != audit_chain.chain_hash("0" * 64, "{ }")
    assert len(a) == 64


def test_event_hash_matches_rows() -> None:
    for row in make_chain(3):  # with data (#1, #2) and without (#3)
        *content, digest, data = row
        event = audit_chain.ChainEvent("fjord", *content, data=data)
        assert audit_chain.event_hash(event) == digest


def test_verify_rows_intact() -> None:
    rows = make_chain(50)
    count, last = audit_chain.verify_rows("fjord", rows)
    assert (count, last) == (50, rows[-1][10])


@pytest.mark.parametrize(
    ("index", "column", "value"),
    [(9, 8, "changed"), (0, 2, "user:999"), (30, 6, ["phone"]), (49, 4, 7)],
)
def test_verify_rows_names_first_changed_event(index, column, value) -> None:
    rows = [list(r) for r in make_chain(50)]
    rows[index][column] = value
    with pytest.raises(AuditChainBroken) as info:
        audit_chain.verify_rows("fjord", rows)
    assert info.value.sequence == index + 1


def test_verify_rows_detects_gap_reorder_and_relink() -> None:
    rows = make_chain(10)
    with pytest.raises(AuditChainBroken) as info:
        audit_chain.verify_rows("fjord", rows[:4] + rows[5:])
    assert info.value.sequence == 5
    with pytest.raises(AuditChainBroken) as info:
        audit_chain.verify_rows("fjord", [rows[1], rows[0]])
    assert info.value.sequence == 1
    relinked = [list(r) for r in rows]
    relinked[3][9] = "f" * 64
    with pytest.raises(AuditChainBroken) as info:
        audit_chain.verify_rows("fjord", relinked)
    assert info.value.sequence == 4


def test_chain_is_bound_to_its_tenant() -> None:
    with pytest.raises(AuditChainBroken) as info:
        audit_chain.verify_rows("nordlys", make_chain(3, "fjord"))
    assert info.value.sequence == 1


@pytest.mark.parametrize(
    "content",
    [
        ("fjord", 1, T0, "system", "search", None, [], [], None, "", "0" * 64),
        (
            "fj\u00f8rd",
            12345678901,
            dt.datetime(2024, 1, 2, 3, 4, 5),
            'user:\u00e6"x',
            "subject.viewed",
            0,
            [["contact", 'a", "b'], ["row", "\\\\\u2603"]],
            ["email", "name.first"],
            "req-1",
            'n=1 "quoted" \u00f8\n',
            "f" * 64,
        ),
    ],
)
def test_canonical_parts_splice_to_canonical(content) -> None:
    tenant, seq, created, actor, action, sid, refs, fields, rid, detail, prev = content
    head, middle, tail = audit_chain.canonical_parts(
        tenant,
        created,
        actor,
        action,
        sid,
        audit_chain.json_text(refs),
        audit_chain.json_text(fields),
        rid,
        detail,
    )
    assert head + prev + middle + str(seq) + tail == audit_chain.canonical(*content)


def test_verify_rows_reads_json_text_canonical_or_not() -> None:
    rows = make_chain(20)
    as_text = [
        (*r[:5], audit_chain.json_text(r[5]), audit_chain.json_text(r[6]), *r[7:])
        for r in rows
    ]
    assert audit_chain.verify_rows("fjord", as_text)[0] == 20
    # Stored in another JSON form (e.g. by an older version): decoded, still valid.
    spaced = [(*r[:5], json.dumps(r[5]), json.dumps(r[6]), *r[7:]) for r in rows]
    assert audit_chain.verify_rows("fjord", spaced)[0] == 20
    for bad in ('[["contact", "99"]]', '[["contact","99"]]', "not json", None):
        changed = [list(r) for r in as_text]
        changed[6][5] = bad
        with pytest.raises(AuditChainBroken) as info:
            audit_chain.verify_rows("fjord", changed)
        assert info.value.sequence == 7


def test_data_is_hashed_and_absent_data_hashes_as_before() -> None:
    """``data`` is part of the hashed content; events without it (and every event
    written before it existed) hash exactly as before, with no ``data`` key."""
    old = ("fjord", 1, T0, "system", "search", None, [], [], None, "n=1", "0" * 64)
    text = audit_chain.canonical(*old)
    assert '"data"' not in text
    assert audit_chain.canonical(*old, {"hits": 3}) != text
    assert audit_chain.canonical(*old, {}) != text
    rows = make_chain(9)
    assert rows[0][-1] is not None and rows[2][-1] is None
    as_text = [
        (*r[:11], None if r[11] is None else audit_chain.json_text(r[11])) for r in rows
    ]
    assert audit_chain.verify_rows("fjord", as_text)[0] == 9
    spaced = [(*r[:11], None if r[11] is None else json.dumps(r[11])) for r in rows]
    assert audit_chain.verify_rows("fjord", spaced)[0] == 9
    for index, value in (
        (3, {"merge": 5, "subjects": [4, 10_000_004]}),
        (2, {}),
        (4, None),
        (6, '{"merge":8}'),
    ):
        changed = [list(r) for r in as_text]
        changed[index][11] = value
        with pytest.raises(AuditChainBroken) as info:
            audit_chain.verify_rows("fjord", changed)
        assert info.value.sequence == index + 1


def test_canonical_parts_splice_data() -> None:
    content = ("fjord", 7, T0, "system", "search", 3, [], [], None, "", "a" * 64)
    data = {"subjects": [10_000_001, 2], "merge": 12345678901}
    head, middle, tail = audit_chain.canonical_parts(
        "fjord",
        T0,
        "system",
        "search",
        3,
        "[]",
        "[]",
        None,
        "",
        audit_chain.json_text(data),
    )
    assert head + "a" * 64 + middle + "7" + tail == audit_chain.canonical(
        *content, data
    )
