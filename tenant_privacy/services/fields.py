"""Which fields of a host row leave the host's table: in an overview, an export.

One place decides, so the overview, ``subject show --json`` and the disclosure
bundle show the same fields: those the source declares in ``export_fields``. A
source that declares none shows its id column and, for a person source, its identity
fields; nothing else ever leaves the table undeclared (a password hash added to the
host's table later stays there). Names that say secret are refused when the source
is registered (:func:`tenant_privacy.registry.name_says_secret`).
"""

from __future__ import annotations

import typing as t

from ..core.values import json_safe

if t.TYPE_CHECKING:
    from ..registry import RelatedSource
    from ..registry import Source

__all__ = ["author_fields", "exported_columns", "exported_fields"]


def exported_columns(source: Source) -> list[str]:
    """The attributes of *source* that are shown and exported, in order: the
    declared ``export_fields``, else the id column and the identity fields."""
    if source.export_fields:
        return list(source.export_fields)
    names = [source.id_column]
    for attr in getattr(source, "identity", {}).values():
        if attr not in names:
            names.append(attr)
    return names


def exported_fields(source: Source, row: t.Any) -> dict[str, t.Any]:
    """The exported attributes of one host *row*, as JSON-safe values."""
    return {
        name: json_safe(getattr(row, name, None)) for name in exported_columns(source)
    }


def author_fields(source: RelatedSource, row: t.Any) -> dict[str, t.Any]:
    """The fields of *row* that are about the person who wrote it (the source's
    ``author_fields``), as JSON-safe values: never the rest of the row, which is
    about someone else."""
    return {
        name: json_safe(getattr(row, name, None))
        for name in source.fields_about_author()
    }
