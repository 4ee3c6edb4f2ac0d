"""How the module points at a host row: a record ref ``(source_key, record_id)``.

Refs are never foreign keys, so a host may delete or anonymise its rows without
asking us. The record id is kept as a string, whatever the host's key type, in one
canonical form (:func:`canonical_id`): every ref is stored and compared in that
form, so one host row is never known under two spellings.
"""

from __future__ import annotations

import functools
import typing as t

import sqlalchemy as sa

from .. import inputs
from ..errors import NotFound
from ..models import RECORD_LEN

if t.TYPE_CHECKING:
    from ..registry import Source

__all__ = [
    "MAX_INT_ID",
    "RecordRef",
    "canonical_id",
    "coerce_id",
    "int_id",
    "ordered",
    "parse_ref",
]

#: ``(source_key, record_id)`` of one person or related record.
RecordRef = tuple[str, str]

#: The largest integer id looked up: neither SQLite's INTEGER nor PostgreSQL's
#: BIGINT holds more (a narrower column simply has no row with a larger id).
MAX_INT_ID = inputs.MAX_INT_ID


def ordered(x: RecordRef, y: RecordRef) -> tuple[RecordRef, RecordRef, bool]:
    """``(a, b, swapped)`` with ``a < b``: the one order a pair is stored in."""
    return (x, y, False) if x <= y else (y, x, True)


def parse_ref(text: str) -> RecordRef:
    """The ref of ``"source:id"`` (the matching contract's record id)."""
    source_key, _, record_id = text.partition(":")
    return source_key, record_id


def int_id(raw: object) -> int:
    """The integer an id given from outside names, strictly: what
    :func:`tenant_privacy.inputs.int_id` accepts from 0, and as a string no longer
    than a record id column.

    Refused: a sign, whitespace, underscores, non-ASCII digits (``"５"``),
    anything empty, anything larger than a database integer, which would fail in
    the database instead of finding nothing.

    :raises ValueError: if *raw* names no such integer.
    """
    if isinstance(raw, str) and len(raw) > RECORD_LEN:
        raise ValueError(f"{raw[:RECORD_LEN]!r}... is not an id")
    return inputs.int_id(raw, minimum=0)


@functools.lru_cache(maxsize=256)
def _id_type(model: type, id_column: str) -> type:
    column = sa.inspect(model).columns.get(id_column)
    if column is None:
        return str
    try:
        return t.cast(type, column.type.python_type)
    except NotImplementedError:
        return str


def canonical_id(source: Source, raw: object) -> str:
    """The one string form of the id *raw* of a row of *source*.

    Every ref the module stores or compares holds this form; every place an id
    comes in from outside (pages, forms, the CLI, the matching hook, the API)
    goes through this function, usually by way of
    :class:`~tenant_privacy.store.scope.TenantScope`.

    - integer keys: the decimal digits of the number, ``str(int)``. Plain ASCII
      digits are read with their leading zeros dropped (``"007"`` is ``"7"``);
      everything else that ``int()`` would accept (``"+7"``, ``" 7"``, ``"0_7"``,
      ``"７"``) is refused, as are negative numbers and numbers beyond
      :data:`MAX_INT_ID` (see :func:`int_id`);
    - string keys: the id as given, refused when empty, longer than a record id
      column or with leading or trailing whitespace;
    - other keys (a UUID column, say): ``str()`` of the column's python value, the
      form the host row itself shows.

    :raises NotFound: if *raw* cannot name a row of *source*.
    """
    python_type = _id_type(source.model, source.id_column)
    try:
        if python_type is int:
            return str(int_id(raw))
        text = raw if isinstance(raw, str) else str(raw)
        if not text or len(text) > RECORD_LEN or text != text.strip():
            raise ValueError(f"{raw!r} is not an id")
        if python_type is str:
            return text
        value = str(python_type(text))
    except (TypeError, ValueError, OverflowError) as exc:
        raise NotFound(f"no record {source.key}/{raw!r}") from exc
    if len(value) > RECORD_LEN:
        raise NotFound(f"no record {source.key}/{raw!r}")
    return value


def coerce_id(source: Source, raw: object) -> t.Any:
    """The value of the id *raw* of *source* in the python type of its id column,
    for a query on the host table (``"007"`` -> ``7``).

    :raises NotFound: if :func:`canonical_id` refuses *raw*.
    """
    return _id_type(source.model, source.id_column)(canonical_id(source, raw))
