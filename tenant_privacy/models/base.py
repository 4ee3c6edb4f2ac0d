"""The declarative base, the metadata, time helpers and the column shapes every
table of the module shares."""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.ext.mutable import MutableList

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The metadata of every table of the module; hosts add it to Alembic's targets.
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

TENANT_LEN = 64
SOURCE_LEN = 64
RECORD_LEN = 64


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def as_utc(when: dt.datetime) -> dt.datetime:
    """*when* as an aware UTC time (SQLite hands back naive ones: read as UTC)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


class Base(orm.DeclarativeBase):
    """Declarative base of the module's models."""

    metadata = metadata
    type_annotation_map = {dt.datetime: sa.DateTime(timezone=True)}


JsonDict = MutableDict.as_mutable(sa.JSON())
JsonList = MutableList.as_mutable(sa.JSON())


#: The whitespace a stored record id may not start or end with (ASCII: the
#: databases' ``trim`` knows no Unicode classes).
ID_PADDING = " \t\n\r\x0b\x0c"


class padding_chars(sa.sql.functions.FunctionElement[str]):
    """:data:`ID_PADDING` as a SQL string expression, built from character codes:
    control characters written into DDL would break SQLite's reflection of CHECK
    constraints (one per line), which batch migrations rely on."""

    type = sa.String()
    inherit_cache = True


@compiles(padding_chars)
def _padding_chr(element: padding_chars, compiler: t.Any, **kw: t.Any) -> str:
    return " || ".join(f"chr({ord(c)})" for c in ID_PADDING)


@compiles(padding_chars, "sqlite")
def _padding_char(element: padding_chars, compiler: t.Any, **kw: t.Any) -> str:
    return "char(" + ", ".join(str(ord(c)) for c in ID_PADDING) + ")"


def record_id_trimmed(name: str = "record_id") -> sa.ColumnElement[bool]:
    """The condition of the CHECK on a stored record id: not empty and not padded
    with whitespace. That is what the database can enforce for every key type;
    the rest of the canonical form (``"7"``, never ``"007"``, for an integer key)
    depends on the source and is :func:`tenant_privacy.store.refs.canonical_id`'s
    job."""
    column = sa.column(name, sa.String)
    return sa.and_(column != "", column == sa.func.trim(column, padding_chars()))
