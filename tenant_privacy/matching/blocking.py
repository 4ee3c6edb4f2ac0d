"""Blocking: the keys a registration is filed under, and candidate pairs from them.

Two records are only ever compared when they share at least one key, so the work
grows with the block sizes, never with all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations

from rapidfuzz.distance import OSA

from .nicknames import group_roots
from .normalize import NICK_GROUPS
from .normalize import NormalizedRecord
from .normalize import canon_token
from .normalize import phonetic

__all__ = [
    "KEYS_VERSION",
    "MAX_BLOCK",
    "MAX_NAME_BLOCK",
    "block_limit",
    "blocking_keys",
    "build_index",
    "candidate_pairs",
]

#: The version of the keys :func:`blocking_keys` files a record under. Raise it
#: with every change to the keys or to the normalisation they are built from: a
#: tenant's stored keys were written by its last full scan (and by saves since),
#: and the product asks for a new scan while they are of an older version.
#: ``tests/matching/test_keys_version.py`` holds a digest of the keys of a fixed
#: sample and fails until both are raised together.
KEYS_VERSION = 2

#: A key shared by more records than this is sub-blocked by first-name initial;
#: sub-blocks still above it are skipped (other keys cover real duplicates).
MAX_BLOCK = 60
#: The same for a name key (``n:``): a name shared by more registrations than
#: this is common, and saying "same name" of two of them is no evidence; such
#: pairs must meet through another key. Measured on 90,000 registrations, the
#: pairs found only through larger name blocks were 10 to 1 false.
MAX_NAME_BLOCK = 10

_ROOTS = group_roots(canon_token)


@lru_cache(maxsize=200_000)
def _given_keys(head: str) -> frozenset[str]:
    """Phonetic keys of a given name's first word: its own and its nickname roots'."""
    keys = {phonetic(head, False)}
    for gid in NICK_GROUPS.get(head, ()):
        keys.add(phonetic(_ROOTS[gid], False))
    return frozenset(keys)


def blocking_keys(nr: NormalizedRecord) -> set[str]:
    """The string keys ``nr`` is filed under; records sharing a key are compared.

    Prefixes: ``e:`` email, ``p:`` phone (E.164), ``i:`` national id (``d:`` and
    ``t:`` its first and last halves, so a typo still blocks), ``h:`` house
    number + street prefix + a name initial (a mistyped postcode),
    ``b:`` birth date + a name initial, ``n:`` sorted phonetic given+surname,
    ``z:`` postcode + a name prefix + the other name's initial,
    ``s:`` house number + street prefix +
    postcode, ``y:`` birth year-month + phonetic surname, ``l:`` email local part
    + surname initial. Deterministic, so a store can keep ``(tenant, key, id)``
    rows and find the candidates of one new record without a rescan.
    """
    keys: set[str] = set()
    if nr.email:
        keys.add("e:" + nr.email)
        local = nr.email.split("@", 1)[0]
        if len(local) >= 5:
            keys.add("l:" + local)
    if nr.phone:
        keys.add("p:" + nr.phone)
    nid = nr.national_id
    if nid and len(nid) >= 5:
        keys.add("i:" + nid)
        keys.update(id_half_keys(nid))
    firsts = nr.first[:1]
    lasts = nr.last
    if len(lasts) > 1:
        # a surname split by a stray space ("h o", "mac kinder") also as one word
        lasts = (*lasts, "".join(lasts))
    initials = {t[0] for t in firsts + lasts[-1:] if t}
    if nr.birth_date:
        for ini in initials:
            keys.add(f"b:{nr.birth_date}|{ini}")
        for tok in lasts[-1:]:
            keys.add(f"y:{nr.birth_date[:7]}|{phonetic(tok)[:3]}")
    given = _given_keys(nr.first[0]) if nr.first else ()
    sur = {phonetic(t, False) for t in lasts if len(t) > 1}
    for g in given:
        for s in sur:
            a, b = sorted((g, s))
            keys.add(f"n:{a}|{b}")
    if nr.postcode and nr.birth_date:
        keys.add(f"c:{nr.postcode}|{nr.birth_date[:4]}")
    if nr.postcode:
        f_ini = firsts[0][0] if firsts else "-"
        l_ini = lasts[-1][0] if lasts else "-"
        for tok in lasts:
            if len(tok) > 1:
                keys.add(f"z:{nr.postcode}|{tok[:3]}|{f_ini}")
        for tok in firsts:
            keys.add(f"z:{nr.postcode}|{tok[:3]}|{l_ini}")
        if nr.street:
            for num in nr.house[:1]:
                keys.add(f"s:{nr.postcode}|{num}|{nr.street[:3]}")
    if nr.street and nr.house and len(nr.street) >= 4:
        # a mistyped postcode: house number + street prefix + a name initial
        for ini in initials:
            keys.add(f"h:{nr.house[0]}|{nr.street[:4]}|{ini}")
    return keys


def id_half_keys(nid: str) -> set[str]:
    """Keys under which two ids one edit apart always meet.

    The first and the last ``k`` characters, ``k`` below half the length:
    one wrong, missing, extra or transposed character leaves one of them
    whole (pigeonhole). Ids of lengths n and n + 1 meet at ``k = n // 2``,
    so each id is filed under its own ``k`` and its longer neighbour's.
    Two keys for an odd length, four for an even one; blocks sharing such a
    key are then filtered to ids really one edit apart (OSA distance 1).
    """
    n = len(nid)
    keys = set()
    for k in {(n - 1) // 2, n // 2}:
        if k >= 2:
            keys.add(f"d:{nid[:k]}")
            keys.add(f"t:{nid[-k:]}")
    return keys


def build_index(records: Sequence[NormalizedRecord]) -> dict[str, list[int]]:
    """Map every blocking key to the positions of the records filed under it."""
    index: dict[str, list[int]] = defaultdict(list)
    for pos, nr in enumerate(records):
        for key in blocking_keys(nr):
            index[key].append(pos)
    return index


def block_limit(key: str, max_block: int = MAX_BLOCK) -> int:
    """Most records a block under ``key`` may hold before it is split."""
    return min(max_block, MAX_NAME_BLOCK) if key.startswith("n:") else max_block


def _sub_blocks(
    members: list[int], records: Sequence[NormalizedRecord], limit: int
) -> Iterator[list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for pos in members:
        nr = records[pos]
        tokens = nr.first[:1] + nr.last[-1:]
        for tok in {t[:2] for t in tokens}:
            groups[tok].append(pos)
    for sub in groups.values():
        if 1 < len(sub) <= limit:
            yield sub


def _near_id_pairs(
    key: str, members: list[int], records: Sequence[NormalizedRecord]
) -> Iterator[tuple[int, int]]:
    """Pairs of ``members`` (filed under the id half ``key``) whose ids are one
    edit apart, ``(i, j)`` with ``i < j``. Each distinct id is checked once; a
    crowded half (ids that begin with a birth date) is first split by the
    deletion neighbourhood of the ids' other part, so the work stays linear."""
    holders: dict[str, list[int]] = defaultdict(list)
    for m in members:
        holders[records[m].national_id or ""].append(m)
    if len(holders) < 2:
        return  # one id only: the "i:" block already pairs them
    groups: Iterable[list[str]] = (list(holders),)
    if len(holders) > MAX_BLOCK:
        k = len(key) - 2
        split: dict[str, list[str]] = defaultdict(list)
        for nid in holders:
            rest = nid[k:] if key[0] == "d" else nid[:-k]
            split[rest].append(nid)
            for pos in range(len(rest)):
                split[rest[:pos] + rest[pos + 1 :]].append(nid)
        groups = split.values()
    for group in groups:
        for x, y in combinations(group, 2):
            if OSA.distance(x, y, score_cutoff=1) <= 1:
                for i in holders[x]:
                    for j in holders[y]:
                        yield (i, j) if i < j else (j, i)


def candidate_pairs(
    records: Sequence[NormalizedRecord], *, max_block: int = MAX_BLOCK
) -> Iterable[tuple[int, int]]:
    """Distinct position pairs ``(i, j)``, ``i < j``, that share a blocking key.

    Blocks larger than ``max_block`` (name blocks: :data:`MAX_NAME_BLOCK`) are
    split by name prefix; pieces still too large are skipped so one very common
    key cannot explode the work.
    """
    index = build_index(records)
    n = len(records) + 1
    seen: set[int] = set()
    for key, members in index.items():
        if len(members) < 2:
            continue
        if key[0] in "dt" and key[1] == ":":
            # ids sharing a half: only those one edit apart are candidates
            seen.update(i * n + j for i, j in _near_id_pairs(key, members, records))
            continue
        blocks: Iterable[list[int]]
        limit = block_limit(key, max_block)
        if len(members) > limit:
            blocks = _sub_blocks(members, records, limit)
        else:
            blocks = (members,)
        # positions in a block ascend (the index is built in record order)
        for block in blocks:
            if len(block) == 2:
                seen.add(block[0] * n + block[1])
            else:
                seen.update(i * n + j for i, j in combinations(block, 2))
    return [divmod(code, n) for code in seen]
