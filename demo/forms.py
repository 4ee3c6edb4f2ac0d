"""Input checks of the demo's pages: ids in URLs, and text that fits its column.

A value the database would choke on is refused here, with a message, instead of
failing there with a 500: PostgreSQL refuses a NUL byte in text and a value longer
than a ``VARCHAR(n)``; SQLite refuses an integer of 2**63 or more.
"""

from __future__ import annotations

import functools
import re
import typing as t

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError

#: The largest id a database integer holds.
MAX_ID = 2**63 - 1
#: The most characters of a text column without a length (a note, a message).
MAX_TEXT = 5000
#: The most characters of a search.
MAX_SEARCH = 200
#: Highest page number of a list.
MAX_PAGE = 100_000

#: C0 controls but tab, line feed and carriage return; DEL.
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IdConverter(BaseConverter):
    """``<id:name>``: ASCII digits naming 1 .. 2**63 - 1; anything else matches no
    route (404). Flask's ``<int:...>`` takes any size and other digits ("５")."""

    regex = r"[0-9]{1,19}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        return str(int(value))


class FormError(ValueError):
    """A value of a form or file is refused; the message says which and why."""


@functools.cache
def column_length(model: type, name: str) -> int:
    """The most characters the column *name* of *model* holds (:data:`MAX_TEXT`
    for a text column without a length)."""
    length = getattr(sa.inspect(model).columns[name].type, "length", None)
    return int(length or MAX_TEXT)


def is_clean(value: str, max_len: int) -> bool:
    """True when *value* has no refused character and at most *max_len* of them."""
    return len(value) <= max_len and not _REFUSED.search(value)


def clean_text(raw: str | None, max_len: int, label: str) -> str:
    """*raw* trimmed; refused with a message naming *label* when it holds a control
    character (tab and newline aside) or is longer than *max_len*.

    :raises FormError: saying what is wrong.
    """
    text = (raw or "").strip()
    if _REFUSED.search(text):
        raise FormError(
            _("%(field)s contains characters that are not allowed.", field=label)
        )
    if len(text) > max_len:
        raise FormError(
            _(
                "%(field)s is too long: at most %(max)d characters.",
                field=label,
                max=max_len,
            )
        )
    return text


def column_text(raw: str | None, model: type, name: str, label: str) -> str:
    """:func:`clean_text` with the length of the column *name* of *model*."""
    return clean_text(raw, column_length(model, name), label)


def page_number(raw: str | None) -> int:
    """The page number *raw* names, 1 .. :data:`MAX_PAGE` (1 when it names none)."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_PAGE)):
        return 1
    return min(max(int(text), 1), MAX_PAGE)
