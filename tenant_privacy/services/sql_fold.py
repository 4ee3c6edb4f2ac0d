"""Folded text in SQL: what person search compares its ``LIKE`` patterns with.

Nordic and common accented letters become ASCII, the text lower case, and "aa",
"ae", "oe", "ue" one vowel, so a canonical query token finds "Bjørn" for "bjoern"
and "Sæther" for "sather". On PostgreSQL this is a chain of ``replace()`` calls.
On SQLite the same chain costs about 3 µs a row (SQLite copies the string for
every call), so a search of a 100,000-row table spent most of its time folding;
there the connection gets the fold as one registered function instead, with the
same result.
"""

from __future__ import annotations

import string
import typing as t

import sqlalchemy as sa
from sqlalchemy.orm import Session

__all__ = ["digits_sql", "fold_sql", "prepare"]

# Letters folded in SQL, upper and lower case (SQLite's lower() is ASCII-only).
_LETTERS = (
    ("Ø", "o"),
    ("ø", "o"),
    ("Ö", "o"),
    ("ö", "o"),
    ("Æ", "a"),
    ("æ", "a"),
    ("Ä", "a"),
    ("ä", "a"),
    ("Å", "a"),
    ("å", "a"),
    ("Ü", "u"),
    ("ü", "u"),
    ("É", "e"),
    ("é", "e"),
    ("È", "e"),
    ("è", "e"),
)
_DIGRAPHS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
#: Characters a phone number is written with besides its digits.
PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "/", "+")

# the letters, then SQL's ASCII-only lower(), as one translation table
_FOLD_TABLE = str.maketrans(
    {
        **dict(zip(string.ascii_uppercase, string.ascii_lowercase, strict=True)),
        **dict(_LETTERS),
    }
)
_DIGITS_TABLE = str.maketrans("", "", "".join(PHONE_PUNCTUATION))


def _fold(text: str | None) -> str:
    """The Python twin of the ``replace()`` chain: the same string for every input."""
    if not text:
        return ""
    # ASCII (most names): lower() is SQL's; otherwise the letters first
    out = text.lower() if text.isascii() else text.translate(_FOLD_TABLE)
    for src, dst in _DIGRAPHS:
        out = out.replace(src, dst)
    return out


def _digits(text: str | None) -> str:
    return (text or "").translate(_DIGITS_TABLE)


def prepare(session: Session) -> None:
    """Make :func:`fold_sql` and :func:`digits_sql` usable on *session*'s connection.

    On SQLite this registers the two functions on the connection the session
    uses (cheap, and repeated safely); other databases need nothing.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw: t.Any = connection.connection.dbapi_connection
        raw.create_function("tp_fold", 1, _fold, deterministic=True)
        raw.create_function("tp_digits", 1, _digits, deterministic=True)


def fold_sql(expr: t.Any, dialect: str) -> t.Any:
    """*expr* folded as described above, for a database of *dialect*'s name.

    On SQLite the session must have been :func:`prepare`-d.
    """
    if dialect == "sqlite":
        return sa.func.tp_fold(expr)
    out = sa.func.coalesce(expr, "")
    for src, dst in _LETTERS:
        out = sa.func.replace(out, src, dst)
    out = sa.func.lower(out)
    for src, dst in _DIGRAPHS:
        out = sa.func.replace(out, src, dst)
    return out


def digits_sql(expr: t.Any, dialect: str) -> t.Any:
    """*expr* without phone punctuation (spaces, dashes, brackets, dots, "+")."""
    if dialect == "sqlite":
        return sa.func.tp_digits(expr)
    out = sa.func.coalesce(expr, "")
    for char in PHONE_PUNCTUATION:
        out = sa.func.replace(out, char, "")
    return out
