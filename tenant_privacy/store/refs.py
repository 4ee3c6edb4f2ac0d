"""How the module points at a host row: a record ref ``(source_key, record_id)``.

Refs are never foreign keys, so a host may delete or anonymise its rows without
asking us. The record id is kept as a string, whatever the host's key type.
"""

from __future__ import annotations

__all__ = ["RecordRef", "ordered", "parse_ref"]

#: ``(source_key, record_id)`` of one person or related record.
RecordRef = tuple[str, str]


def ordered(x: RecordRef, y: RecordRef) -> tuple[RecordRef, RecordRef, bool]:
    """``(a, b, swapped)`` with ``a < b``: the one order a pair is stored in."""
    return (x, y, False) if x <= y else (y, x, True)


def parse_ref(text: str) -> RecordRef:
    """The ref of ``"source:id"`` (the matching contract's record id)."""
    source_key, _, record_id = text.partition(":")
    return source_key, record_id
