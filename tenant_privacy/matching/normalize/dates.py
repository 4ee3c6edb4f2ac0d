"""Birth dates as CRMs hold them, read to ISO strings (YYYY-MM-DD).

Not pure: the result depends on the day it is computed. A written date after
today is no birth date, and a two-digit year ("07.03.85") is the latest such
year not in the future; both read the system clock, ``datetime.date.today()``.
The clock is read once at import (:data:`_IMPORT_DAY`: a date up to that day is
never in the future, so most dates need no further read), again for every
written date after that day, and for every two-digit year. One text therefore
gives one result within a day but may give another later: a date that was in the
future becomes a birth date once the day comes, and "07.03.30" is 1930 until
2030 and 2030 from then on. The cached :func:`_written_date` holds only the
clock-free part (the year of a two-digit date is worked out after the cache).
"""

from __future__ import annotations

import datetime as _dt
import re
import typing as t
from functools import lru_cache

__all__ = ["normalize_birth_date"]

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$"),
)
_DMY = re.compile(r"^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})$")
_DMY_SHORT = re.compile(r"^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{2})$")
#: Earliest year read from eight digits as YYYYMMDD (else DDMMYYYY is tried).
_EARLIEST_YEAR = 1880
_D_MONTH_Y = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january januar",
            "feb february februar",
            "mar mars march",
            "apr april",
            "mai may",
            "jun juni june",
            "jul juli july",
            "aug august",
            "sep sept september",
            "okt oct oktober october",
            "nov november",
            "des dec desember december",
        ),
        start=1,
    )
    for name in names.split()
}


#: The day this module was imported (the clock read at import): no date up to
#: it is in the future, so only later dates read the clock again.
_IMPORT_DAY = _dt.date.today().isoformat()


def normalize_birth_date(raw: t.Any) -> str | None:
    """Return an ISO date string (YYYY-MM-DD) or None if missing or impossible.

    Accepts ``date``/``datetime`` objects, ISO strings (a time part is ignored),
    "YYYYMMDD", day-first "DD.MM.YYYY" / "DD/MM/YYYY" as written in Norway, a
    two-digit year ("07.03.85": the latest such year not in the future) and a
    month name ("7. mars 1985", "7 March 1985"). A written date in the future
    is no birth date (None); ``date`` and ``datetime`` objects are taken as
    they are. Reads today's date (see the module's docstring).
    """
    if raw is None:
        return None
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    written = _written_date(str(raw).strip())
    if isinstance(written, tuple):
        written = _two_digit_year_date(*written)
    if written is None:
        return None
    if written > _IMPORT_DAY and written > _dt.date.today().isoformat():
        return None  # in the future
    return written


def _iso(y: int, m: int, d: int) -> str | None:
    """The ISO string of a calendar date, or None when there is no such day."""
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=200_000)
def _written_date(text: str) -> str | tuple[int, int, int] | None:
    """The ISO date ``text`` spells, (day, month, two-digit year) when it
    abbreviates the year (the century depends on today), or None."""
    if not text:
        return None
    for pat in _DATE_PATTERNS:
        hit = pat.match(text)
        if hit:
            y, m, d = (int(g) for g in hit.groups())
            return _iso(y, m, d)
    if text.isdigit() and len(text) == 8:
        # YYYYMMDD, or DDMMYYYY as Norwegian systems export it ("07031985")
        y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
        if y >= _EARLIEST_YEAR and (iso := _iso(y, m, d)):
            return iso
        return _iso(int(text[4:]), int(text[2:4]), int(text[:2]))
    if text.isdigit() and len(text) == 6:
        # DDMMYY, the first half of a Norwegian national id ("070385")
        return int(text[:2]), int(text[2:4]), int(text[4:])
    if hit := _DMY.match(text):
        d, m, y = (int(g) for g in hit.groups())
        return _iso(y, m, d)
    if hit := _DMY_SHORT.match(text):
        d, m, yy = (int(g) for g in hit.groups())
        return d, m, yy
    if hit := _D_MONTH_Y.match(text.lower()):
        month = _MONTHS.get(hit.group(2))
        if month is None:
            return None
        return _iso(int(hit.group(3)), month, int(hit.group(1)))
    return None


def _two_digit_year_date(d: int, m: int, yy: int) -> str | None:
    """The ISO date of day ``d``, month ``m`` in the latest year ending in ``yy``
    that is not after this year (reads today's date)."""
    this_year = _dt.date.today().year
    return _iso(2000 + yy if 2000 + yy <= this_year else 1900 + yy, m, d)
