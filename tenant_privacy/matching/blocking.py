"""Blocking: the keys a registration is filed under, and candidate pairs from them.

Two records are only ever compared when they share at least one key, so the work
grows with the block sizes, never with all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from itertools import combinations

from .nicknames import group_roots
from .normalize import NICK_GROUPS
from .normalize import NormalizedRecord
from .normalize import canon_token
from .normalize import phonetic

__all__ = ["MAX_BLOCK", "blocking_keys", "candidate_pairs", "build_index"]

#: A key shared by more records than this is sub-blocked by first-name initial;
#: sub-blocks still above it are skipped (other keys cover real duplicates).
MAX_BLOCK = 60

_ROOTS = group_roots(canon_token)


def _given_keys(tokens: Sequence[str]) -> set[str]:
    """Phonetic keys of a given name: its first word and its nickname roots."""
    keys: set[str] = set()
    if not tokens:
        return keys
    head = tokens[0]
    keys.add(phonetic(head, False))
    for gid in NICK_GROUPS.get(head, ()):
        keys.add(phonetic(_ROOTS[gid], False))
    return keys


def blocking_keys(nr: NormalizedRecord) -> set[str]:
    """The string keys ``nr`` is filed under; records sharing a key are compared.

    Prefixes: ``e:`` email, ``p:`` phone (E.164), ``i:`` national id (``d:`` the id
    with one digit left out, so a typo still blocks), ``h:`` house
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
        # deletion neighbourhood: one wrong, missing, extra or transposed digit
        # leaves the two ids sharing one of these keys
        for pos in range(len(nid)):
            keys.add(f"d:{nid[:pos]}{nid[pos + 1 :]}")
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
    given = _given_keys(nr.first)
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


def build_index(records: Sequence[NormalizedRecord]) -> dict[str, list[int]]:
    """Map every blocking key to the positions of the records filed under it."""
    index: dict[str, list[int]] = defaultdict(list)
    for pos, nr in enumerate(records):
        for key in blocking_keys(nr):
            index[key].append(pos)
    return index


def _sub_blocks(
    members: list[int], records: Sequence[NormalizedRecord]
) -> Iterator[list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for pos in members:
        nr = records[pos]
        tokens = nr.first[:1] + nr.last[-1:]
        for tok in {t[:2] for t in tokens}:
            groups[tok].append(pos)
    for sub in groups.values():
        if 1 < len(sub) <= MAX_BLOCK:
            yield sub


def candidate_pairs(
    records: Sequence[NormalizedRecord], *, max_block: int = MAX_BLOCK
) -> Iterable[tuple[int, int]]:
    """Distinct position pairs ``(i, j)``, ``i < j``, that share a blocking key.

    Blocks larger than ``max_block`` are split by name prefix; pieces still too
    large are skipped so one very common key cannot explode the work.
    """
    index = build_index(records)
    n = len(records) + 1
    seen: set[int] = set()
    for key, members in index.items():
        if len(members) < 2:
            continue
        if key.startswith("d:") and len({records[m].national_id for m in members}) < 2:
            continue  # one id only: the "i:" block already pairs them
        blocks: Iterable[list[int]]
        if len(members) > max_block:
            blocks = _sub_blocks(members, records)
        else:
            blocks = (members,)
        # positions in a block ascend (the index is built in record order)
        for block in blocks:
            if len(block) == 2:
                seen.add(block[0] * n + block[1])
            else:
                seen.update(i * n + j for i, j in combinations(block, 2))
    return [divmod(code, n) for code in seen]
