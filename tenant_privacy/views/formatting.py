"""Values as the reader's language writes them: dates, times, decimals, money,
scores (Flask-Babel, in the locale :mod:`tenant_privacy.locale` selects).

The overview holds JSON-safe values (dates as ISO 8601 text, decimals as
strings, so that the export can use it as it is); :func:`field_kinds` tells from
the host's column types what each field is, and :func:`field_value` turns the
text back into a value and formats it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import typing as t

import flask_babel
import sqlalchemy as sa

from ..i18n import gettext

if t.TYPE_CHECKING:
    from ..registry import Source

__all__ = [
    "TEMPLATE_FILTERS",
    "field_kinds",
    "field_value",
    "format_count",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "format_score",
]

#: Babel format of a score in [0, 1]: two decimals ("0.95", "0,95").
SCORE_FORMAT = "0.00"


def _as_datetime(value: t.Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_date(value: t.Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _as_decimal(value: t.Any) -> decimal.Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return None
    return number if number.is_finite() else None


def format_datetime(value: t.Any, format: str = "medium") -> str:
    """A date and time (a datetime or ISO 8601 text; naive means UTC) in the
    reader's language and time zone; other values as they are."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    return str(flask_babel.format_datetime(moment, format))


def format_date(value: t.Any, format: str = "medium") -> str:
    """A date (a date or ISO 8601 text) in the reader's language."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return str(flask_babel.format_date(day, format))


def _places_format(number: decimal.Decimal) -> str:
    """A Babel pattern keeping *number*'s decimal places ("25150.90": two)."""
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0." + "0" * places if places else "#,##0"


def format_number(value: t.Any) -> str:
    """A decimal number with the reader's separators, its decimal places kept
    ("25150.90" reads "25 150,90" in Bokmål)."""
    number = _as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return str(flask_babel.format_decimal(number, format=_places_format(number)))


def format_count(value: t.Any) -> str:
    """A whole number with the reader's group separators ("12 000")."""
    if value is None:
        return ""
    return str(flask_babel.format_decimal(int(value), format="#,##0"))


def format_money(value: t.Any, currency: str | None) -> str:
    """An amount in *currency* ("25 150,90 kr"); without a currency, a number
    with two decimals."""
    number = _as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if currency:
        return str(flask_babel.format_currency(number, currency))
    return str(flask_babel.format_decimal(number, format="#,##0.00"))


def format_score(value: t.Any) -> str:
    """A score in [0, 1] with two decimals in the reader's language ("0,95")."""
    number = _as_decimal(value)
    if number is None:
        return ""
    return str(flask_babel.format_decimal(number, format=SCORE_FORMAT))


def _python_type(column: t.Any) -> type | None:
    try:
        return t.cast(type, column.type.python_type)
    except (AttributeError, NotImplementedError):
        return None


def field_kinds(source: Source, columns: t.Iterable[str]) -> dict[str, str]:
    """What each of *columns* of *source* holds, for :func:`field_value`:
    ``"money"`` (declared in ``money_fields``), ``"decimal"``, ``"datetime"``,
    ``"date"``, ``"bool"`` or ``"text"`` (anything else, ids included)."""
    mapper = sa.inspect(source.model)
    kinds: dict[str, str] = {}
    for name in columns:
        if name in source.money_fields:
            kinds[name] = "money"
            continue
        attr = mapper.column_attrs.get(name)
        kind = _python_type(attr.columns[0]) if attr is not None else None
        if kind is not None and issubclass(kind, bool):
            kinds[name] = "bool"
        elif kind is not None and issubclass(kind, decimal.Decimal | float):
            kinds[name] = "decimal"
        elif kind is not None and issubclass(kind, dt.datetime):
            kinds[name] = "datetime"
        elif kind is not None and issubclass(kind, dt.date):
            kinds[name] = "date"
        else:
            kinds[name] = "text"
    return kinds


def field_value(value: t.Any, kind: str = "text", currency: str | None = None) -> str:
    """One field of a host row as people read it, by its *kind*."""
    if value is True or value is False:
        return gettext("Yes") if value else gettext("No")
    if kind == "money":
        return format_money(value, currency)
    if kind == "decimal":
        return format_number(value)
    if kind == "datetime":
        return format_datetime(value)
    if kind == "date":
        return format_date(value)
    return "" if value is None else str(value)


#: Installed app-wide by :func:`tenant_privacy.views.create_blueprint`.
TEMPLATE_FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "tp_datetime": format_datetime,
    "tp_date": format_date,
    "tp_number": format_number,
    "tp_count": format_count,
    "tp_money": format_money,
    "tp_score": format_score,
    "tp_field": field_value,
}
