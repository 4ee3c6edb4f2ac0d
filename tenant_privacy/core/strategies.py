"""Anonymisation strategies: named, pure ``value -> value`` functions.

A source names one strategy per field in its ``erasure`` mapping (and
``{"*": "delete_row"}`` for rows that go as a whole); the registry rejects unknown
names at start-up. Every strategy is irreversible:

- ``fake_name`` and ``fake_email`` are drawn from a random salt made for each
  erasure (:func:`new_salt`, never stored and never derived from the value), so a
  fake value says nothing about the original, and the same fake name runs through
  every linked row of one erasure;
- ``redact`` writes a fixed text the service passes in (translated: the core knows
  no language); ``redact_text`` removes the subject's names, addresses and phone
  numbers from free text, and every other email address or phone-shaped number;
- there is no ``hash``: an unsalted digest of an email or a phone number is a
  pseudonym anyone can reverse with a dictionary of likely values.

A host adds its own strategy with ``TenantPrivacy.add_strategy(name, func)`` or
``TenantPrivacy(strategies={name: func})``; *func* takes ``(value, ctx)`` like
these.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import typing as t
from dataclasses import dataclass

__all__ = [
    "DELETE_ROW",
    "KEEP",
    "ROW",
    "STRATEGIES",
    "Strategy",
    "StrategyContext",
    "get_strategy",
    "is_fake",
    "new_salt",
    "redact_text",
]

#: The ``erasure`` key that names what happens to a whole row.
ROW = "*"
#: The row strategy: the row is deleted.
DELETE_ROW = "delete_row"
#: The field is kept (only under a legal reason in ``retain``).
KEEP = "keep"

#: Default text of ``redact`` when the caller passes none.
DEFAULT_REDACTION = "[erased]"
SALT_BYTES = 16


def new_salt() -> bytes:
    """A fresh random salt for one erasure (128 bits); never stored."""
    return secrets.token_bytes(SALT_BYTES)


@dataclass(frozen=True)
class StrategyContext:
    """What a strategy may know besides the value.

    :param salt: random per erasure (:func:`new_salt`); fake values are drawn from it.
    :param redaction: the fixed text of ``redact`` (translated by the caller).
    :param identifiers: the subject's names, email addresses and phone numbers
        as stored, for ``redact_text``.
    """

    tenant: str
    source_key: str
    record_id: str
    field: str
    salt: bytes
    redaction: str = DEFAULT_REDACTION
    identifiers: tuple[str, ...] = ()

    def token(self, purpose: str, length: int = 10) -> str:
        """A hex token drawn from the salt for *purpose*: the same for every row
        of one erasure, unrelated to any value."""
        if not self.salt:
            raise ValueError("a strategy context needs a random salt")
        digest = hmac.new(self.salt, purpose.encode(), hashlib.sha256)
        return digest.hexdigest()[:length]


Strategy = t.Callable[[t.Any, StrategyContext], t.Any]


def _null(value: t.Any, ctx: StrategyContext) -> None:
    return None


def _empty(value: t.Any, ctx: StrategyContext) -> t.Any:
    return None if value is None else ""


def _redact(value: t.Any, ctx: StrategyContext) -> t.Any:
    return None if value is None else ctx.redaction


#: What ``fake_name`` and ``fake_email`` write: a value of this shape is fake
#: already and stays as it is, so erasing (or replaying the erasure of) an
#: erased row changes nothing.
FAKE_NAME_RE = re.compile(r"\AErased [0-9a-f]{8}\Z")
FAKE_EMAIL_RE = re.compile(r"\Aerased-[0-9a-f]{10}-[0-9a-f]{6}@erased\.invalid\Z")


def is_fake(value: str) -> bool:
    """True when *value* is one ``fake_name`` or ``fake_email`` wrote."""
    return bool(FAKE_NAME_RE.match(value) or FAKE_EMAIL_RE.match(value))


def _fake_name(value: t.Any, ctx: StrategyContext) -> t.Any:
    if value is None or (isinstance(value, str) and FAKE_NAME_RE.match(value)):
        return value
    return f"Erased {ctx.token('name', 8)}"


def _fake_email(value: t.Any, ctx: StrategyContext) -> t.Any:
    # one person per erasure, one address per row: hosts may keep addresses unique
    if value is None or (isinstance(value, str) and FAKE_EMAIL_RE.match(value)):
        return value
    row = ctx.token(f"row\x1f{ctx.source_key}\x1f{ctx.record_id}", 6)
    return f"erased-{ctx.token('email', 10)}-{row}@erased.invalid"


def _year_only(value: t.Any, ctx: StrategyContext) -> t.Any:
    if isinstance(value, dt.datetime):
        return value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return value.replace(month=1, day=1)
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:4] + "-01-01"
    return None


def _keep(value: t.Any, ctx: StrategyContext) -> t.Any:
    return value


def _delete_row(value: t.Any, ctx: StrategyContext) -> t.Any:
    raise TypeError("delete_row applies to a whole row, not to a value")


_EMAIL_RE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?:\+|\b00)?\d(?:[ .\-/]?\d){7,}")


def _loose(identifier: str) -> re.Pattern[str] | None:
    """A pattern finding *identifier* in text: any case, any spacing or separators
    between digits (``912 34 567`` for ``91234567``)."""
    text = identifier.strip()
    if len(text) < 2:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 6 and len(digits) >= len(re.sub(r"[\s+\-./()]", "", text)):
        core = digits[-8:]
        return re.compile(r"[ .\-/]?".join(re.escape(c) for c in core))
    words = [re.escape(w) for w in re.split(r"\s+", text) if w]
    return re.compile(r"\b" + r"\s+".join(words) + r"\b", re.IGNORECASE)


def redact_text(text: str, identifiers: t.Iterable[str], redaction: str) -> str:
    """*text* with every one of *identifiers* (names, emails, phones; longest
    first), every email address and every phone-shaped number replaced by
    *redaction*. Parts of a name are removed too (a first name on its own)."""
    out = _EMAIL_RE.sub(redaction, text)
    out = _PHONE_RE.sub(redaction, out)
    words: set[str] = set()
    for identifier in identifiers:
        if identifier:
            words.add(identifier)
            words.update(w for w in re.split(r"[\s,]+", identifier) if len(w) > 1)
    for identifier in sorted(words, key=len, reverse=True):
        pattern = _loose(identifier)
        if pattern is not None:
            out = pattern.sub(redaction, out)
    return out


def _redact_text(value: t.Any, ctx: StrategyContext) -> t.Any:
    if value is None:
        return None
    return redact_text(str(value), ctx.identifiers, ctx.redaction)


#: Built-in strategy name -> function. ``keep`` only under a legal reason
#: (``retain``); ``delete_row`` only as the row strategy (``{"*": "delete_row"}``).
STRATEGIES: dict[str, Strategy] = {
    "null": _null,
    "empty": _empty,
    "redact": _redact,
    "redact_text": _redact_text,
    "fake_name": _fake_name,
    "fake_email": _fake_email,
    "year_only": _year_only,
    KEEP: _keep,
    DELETE_ROW: _delete_row,
}


def get_strategy(name: str, extra: t.Mapping[str, Strategy] | None = None) -> Strategy:
    """Return the strategy called *name* (a host's in *extra* first).

    :raises KeyError: if no strategy has that name.
    """
    if extra and name in extra:
        return extra[name]
    return STRATEGIES[name]
