"""Display labels of fields: the identity fields' own, and the columns of a source."""

from __future__ import annotations

import typing as t

from .i18n import gettext

if t.TYPE_CHECKING:
    from .registry import Source


def display_text(value: t.Any) -> str:
    """``str(value)``; a lazy label falls back to its untranslated text when no
    locale can be selected (a CLI run in a host whose locale selector needs a
    request).
    """
    try:
        return str(value)
    except RuntimeError:
        args = getattr(value, "_args", None)
        return str(args[0]) if args else repr(value)


def identity_labels() -> dict[str, str]:
    """Translated labels of the matching contract's identity fields."""
    return {
        "first_name": gettext("First name"),
        "last_name": gettext("Last name"),
        "full_name": gettext("Full name"),
        "email": gettext("Email"),
        "phone": gettext("Phone"),
        "birth_date": gettext("Birth date"),
        "national_id": gettext("National id"),
        "street": gettext("Street"),
        "postcode": gettext("Postcode"),
        "city": gettext("City"),
        "country": gettext("Country"),
        "company": gettext("Company"),
    }


def _named_after(column: str, field: str) -> bool:
    """True when the words of *column* are among those of identity *field*."""
    return set(column.lower().split("_")) <= set(field.split("_"))


def column_labels(source: Source, columns: t.Iterable[str]) -> dict[str, str]:
    """A label for people of each of *columns* of *source*.

    The host's own label (``field_labels`` of the declaration) comes first; else,
    for a column holding an identity field and named after it (its words are among
    the field's: ``email`` for ``email``, ``name`` for ``full_name``), that field's
    label; the id column is "ID"; any other column, also an identity column named
    otherwise (``username`` holding ``full_name``), is its name written out
    ("due_date": "Due date").
    """
    identity = identity_labels()
    held = {attr: name for name, attr in getattr(source, "identity", {}).items()}
    labels: dict[str, str] = {}
    for column in columns:
        if column in source.field_labels:
            labels[column] = display_text(source.field_labels[column])
        elif column in held and _named_after(column, held[column]):
            labels[column] = identity[held[column]]
        elif column == source.id_column:
            labels[column] = gettext("ID")
        else:
            labels[column] = column.replace("_", " ").strip().capitalize() or column
    return labels


def singular_label(source: Source) -> str:
    """What one row of *source* is called ("Contact"): its ``singular_label``,
    else its label."""
    return display_text(source.singular_label or source.label)


def identity_name(identity: t.Mapping[str, t.Any]) -> str:
    """The name held by matching-contract *identity* values: ``full_name``, else
    first and last name; "" when there is none."""
    full = str(identity.get("full_name") or "").strip()
    if full:
        return " ".join(full.split())
    parts = [
        str(identity.get(name) or "").strip() for name in ("first_name", "last_name")
    ]
    return " ".join(" ".join(p for p in parts if p).split())


def display_name(source: Source, row: t.Any) -> str:
    """How pages name the person record *row* of *source*: the name its identity
    fields hold, else "<singular label> (no name)". Never an id.
    """
    held = getattr(source, "identity", {})
    name = identity_name(
        {field: getattr(row, attr, None) for field, attr in held.items()}
    )
    return name or no_name(source)


def no_name(source: Source) -> str:
    """The name of a record of *source* that holds none: "Lead (no name)"."""
    return gettext("%(source)s (no name)", source=singular_label(source))
