"""Transitive closure of suggested pairs (union-find)."""

from __future__ import annotations

from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any


def _ends(pair: Any) -> tuple[Hashable, Hashable]:
    if isinstance(pair, Mapping):
        return pair["a"], pair["b"]
    if hasattr(pair, "a") and hasattr(pair, "b"):
        return pair.a, pair.b
    a, b = pair
    return a, b


def transitive_closure(pairs: Iterable[Any]) -> list[set[Hashable]]:
    """Group ids connected by ``pairs`` into clusters (connected components).

    ``pairs`` may hold :class:`MatchPair` objects, mappings with "a"/"b" or plain
    2-tuples. Returns one set per cluster of two or more ids, largest first
    (ties in first-seen order); an id appears in at most one set.
    """
    parent: dict[Hashable, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for pair in pairs:
        a, b = _ends(pair)
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    clusters: dict[Hashable, set[Hashable]] = {}
    for x in parent:
        clusters.setdefault(find(x), set()).add(x)
    return sorted(clusters.values(), key=len, reverse=True)
