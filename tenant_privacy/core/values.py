"""Values as JSON and people read them: the one conversion every export uses."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import typing as t
import uuid

__all__ = ["json_safe"]


def json_safe(value: t.Any) -> t.Any:
    """*value* as a JSON-safe value: dates ISO 8601, decimals and UUIDs as strings,
    bytes as base64, containers converted recursively, anything else ``str()``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, t.Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)
