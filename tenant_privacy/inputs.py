"""The module's one input layer: every value that comes in from outside (URL,
query string, form, command line) is read through these functions before it
reaches a service or the database.

Each function refuses what the database would choke on, so bad input answers
400 (or a CLI usage error) instead of a 500:

- :func:`int_id`: ids are whole numbers from 1 to ``2**63 - 1`` (neither SQLite's
  INTEGER nor PostgreSQL's BIGINT holds more), written in ASCII digits only;
- :func:`date_arg`: a ``YYYY-MM-DD`` date from :data:`MIN_DATE` to
  :data:`MAX_DATE`, so that ``date + 1 day`` never overflows;
- :func:`text_arg`: text without NUL or other control characters (PostgreSQL
  refuses NUL in text; tab and newline are kept), trimmed, at most *max_len*
  characters;
- :func:`column_length`: the length of a string column of a model, so that a
  limit follows the table instead of being written down twice.

They raise :class:`~tenant_privacy.errors.InvalidInput` with a translated
message: the blueprint answers it with 400, the CLI with a usage error. A leaf
module: any layer may import it, it imports no layer.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing as t

import sqlalchemy as sa

from .errors import InvalidInput
from .i18n import gettext

__all__ = [
    "MAX_DATE",
    "MAX_INT_ID",
    "MIN_DATE",
    "column_length",
    "date_arg",
    "int_id",
    "text_arg",
]

#: The largest id: neither SQLite's INTEGER nor PostgreSQL's BIGINT holds more.
MAX_INT_ID = 2**63 - 1
#: The earliest and latest date a date argument may name; one day after
#: :data:`MAX_DATE` still exists (an "until" filter reads up to the next midnight).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(9998, 12, 31)

_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
#: Characters refused in text: C0 controls but tab, line feed and carriage return;
#: DEL; lone surrogates (a command-line argument that was not UTF-8).
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def int_id(
    raw: object,
    field: str = "id",
    *,
    minimum: int = 1,
    maximum: int = MAX_INT_ID,
) -> int:
    """The whole number *raw* names, from *minimum* to *maximum*.

    Accepted: an ``int`` (not a ``bool``) or a string of ASCII digits (leading
    zeros allowed). Refused: a sign, spaces, underscores, other digits
    (``"５"``), decimals, anything empty, anything out of range.

    :param field: the argument's name, for the message.
    :raises InvalidInput: if *raw* names no such number.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw):
        digits = raw.lstrip("0") or "0"
        number = int(digits) if len(digits) <= len(str(maximum)) else maximum + 1
    else:
        number = minimum - 1
    if not minimum <= number <= maximum:
        raise InvalidInput(
            gettext(
                "%(field)s must be a whole number from %(min)s to %(max)s.",
                field=field,
                min=minimum,
                max=maximum,
            )
        )
    return number


def date_arg(
    raw: str | None,
    field: str = "date",
    *,
    earliest: dt.date = MIN_DATE,
    latest: dt.date = MAX_DATE,
) -> dt.date | None:
    """The date *raw* names (``YYYY-MM-DD``, ASCII digits), or None when empty.

    :param field: the argument's name, for the message.
    :raises InvalidInput: if *raw* is no such date or lies outside
        *earliest* .. *latest*.
    """
    text = (raw or "").strip()
    if not text:
        return None
    match = _ISO_DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        value = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise InvalidInput(
            gettext("%(field)s must be a date like 2024-12-31.", field=field)
        ) from None
    if not earliest <= value <= latest:
        raise InvalidInput(
            gettext(
                "%(field)s must be a date from %(earliest)s to %(latest)s.",
                field=field,
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            )
        )
    return value


def text_arg(
    raw: object, max_len: int | None, field: str = "text", *, trim: bool = True
) -> str:
    """*raw* as text: trimmed, no control characters but tab and newline, at most
    *max_len* characters (``""`` for None).

    A carriage return is read as a newline (browsers send ``\\r\\n`` from a
    text area). Invisible format characters (right-to-left marks, say) are text
    and kept.

    :param max_len: the most characters allowed after trimming (None: no limit;
        use :func:`column_length` for a column).
    :param field: the argument's name, for the message.
    :param trim: strip surrounding whitespace and read ``\r`` as a newline; keys
        and ids are checked untrimmed (``" fjord"`` is no tenant key).
    :raises InvalidInput: if *raw* holds a refused character or is too long.
    """
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    if _REFUSED.search(text):
        raise InvalidInput(
            gettext("%(field)s contains characters that are not allowed.", field=field)
        )
    if trim:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if max_len is not None and len(text) > max_len:
        raise InvalidInput(
            gettext(
                "%(field)s is too long: at most %(max)s characters.",
                field=field,
                max=max_len,
            )
        )
    return text


@functools.lru_cache(maxsize=256)
def column_length(model: type, name: str) -> int | None:
    """The length of the string column *name* of *model* (None: unbounded).

    :raises KeyError: if *model* has no column *name*.
    """
    column = sa.inspect(model).columns[name]
    return t.cast("int | None", getattr(column.type, "length", None))
