"""``data.json`` of a disclosure, written record by record so memory stays flat."""

from __future__ import annotations

import json
import typing as t

from ..values import json_safe

__all__ = ["JsonWriter"]


def _dump(value: t.Any) -> str:
    return json.dumps(json_safe(value), ensure_ascii=False, sort_keys=True)


class JsonWriter:
    """Writes one export document to the text stream *out*, piece by piece.

    Call :meth:`begin`, then per source :meth:`begin_source`, :meth:`record` for
    each record, :meth:`end_source`, and finally :meth:`end`.
    """

    def __init__(self, out: t.TextIO) -> None:
        self.out = out
        self._first_source = True
        self._first_record = True

    def begin(self, header: t.Mapping[str, t.Any]) -> None:
        """Open the document with its header keys (schema, tenant, subject, ...)."""
        self.out.write("{")
        for key, value in header.items():
            self.out.write(f"{_dump(key)}: {_dump(value)}, ")
        self.out.write('"sources": [')

    def begin_source(self, key: str, label: str, kind: str) -> None:
        """Open the section of one source."""
        if not self._first_source:
            self.out.write(", ")
        self._first_source = False
        self._first_record = True
        self.out.write(
            f'{{"key": {_dump(key)}, "label": {_dump(label)}, '
            f'"kind": {_dump(kind)}, "records": ['
        )

    def record(self, record: t.Mapping[str, t.Any]) -> None:
        """Write one record (``id``, ``fields``, and ``about`` for related ones)."""
        if not self._first_record:
            self.out.write(", ")
        self._first_record = False
        self.out.write(_dump(record))

    def end_source(self) -> None:
        """Close the section of the current source."""
        self.out.write("]}")

    def end(self, trailer: t.Mapping[str, t.Any]) -> None:
        """Close the document with the keys known only at the end (truncated, ...)."""
        self.out.write("]")
        for key, value in trailer.items():
            self.out.write(f", {_dump(key)}: {_dump(value)}")
        self.out.write("}\n")
