"""Anonymisation strategies: named, pure ``value -> value`` functions.

A source names one strategy per field in its ``erasure`` mapping; the registry rejects
unknown names at start-up. Every strategy is irreversible and deterministic for the same
``(value, context)``, so re-running an erasure changes nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import typing as t
from dataclasses import dataclass


@dataclass(frozen=True)
class StrategyContext:
    """What a strategy may know besides the value: opaque ids, no personal data."""

    tenant: str
    source_key: str
    record_id: str
    field: str
    salt: bytes = b""

    def token(self, length: int = 10) -> str:
        """A short hex token that is stable for this record and field."""
        digest = hashlib.sha256(
            self.salt
            + "\x1f".join(
                (self.tenant, self.source_key, self.record_id, self.field)
            ).encode()
        )
        return digest.hexdigest()[:length]


Strategy = t.Callable[[t.Any, StrategyContext], t.Any]


def _null(value: t.Any, ctx: StrategyContext) -> None:
    return None


def _redact(value: t.Any, ctx: StrategyContext) -> t.Any:
    return None if value is None else "[erased]"


def _empty(value: t.Any, ctx: StrategyContext) -> t.Any:
    return None if value is None else ""


def _fake_email(value: t.Any, ctx: StrategyContext) -> t.Any:
    return None if value is None else f"erased-{ctx.token()}@erased.invalid"


def _fake_name(value: t.Any, ctx: StrategyContext) -> t.Any:
    return None if value is None else f"Erased {ctx.token(6)}"


def _hash(value: t.Any, ctx: StrategyContext) -> t.Any:
    if value is None:
        return None
    return hashlib.sha256(ctx.salt + str(value).encode()).hexdigest()


def _year_only(value: t.Any, ctx: StrategyContext) -> t.Any:
    if isinstance(value, dt.datetime):
        return value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return value.replace(month=1, day=1)
    return value


def _keep(value: t.Any, ctx: StrategyContext) -> t.Any:
    return value


#: Strategy name -> function. ``keep`` exists for fields kept for a legal reason.
STRATEGIES: dict[str, Strategy] = {
    "null": _null,
    "redact": _redact,
    "empty": _empty,
    "fake_email": _fake_email,
    "fake_name": _fake_name,
    "hash": _hash,
    "year_only": _year_only,
    "keep": _keep,
}


def get_strategy(name: str) -> Strategy:
    """Return the strategy called *name*.

    :raises KeyError: if no strategy has that name.
    """
    return STRATEGIES[name]
