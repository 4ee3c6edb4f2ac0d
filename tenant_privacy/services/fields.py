"""Which fields of a host row leave the host's table: in an overview, an export.

One place decides, so the overview, ``subject show --json`` and the disclosure
bundle show the same fields.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from ..core.values import json_safe

if t.TYPE_CHECKING:
    from ..registry import Source

__all__ = ["exported_columns", "exported_fields"]


def exported_columns(source: Source) -> list[str]:
    """The attributes of *source* that are shown and exported, in order."""
    if source.export_fields:
        return list(source.export_fields)
    mapper = sa.inspect(source.model)
    return [
        attr.key for attr in mapper.column_attrs if attr.key != source.tenant_column
    ]


def exported_fields(source: Source, row: t.Any) -> dict[str, t.Any]:
    """The exported attributes of one host *row*, as JSON-safe values."""
    return {
        name: json_safe(getattr(row, name, None)) for name in exported_columns(source)
    }
