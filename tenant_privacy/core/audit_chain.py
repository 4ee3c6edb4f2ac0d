"""The audit hash chain, as pure functions: no Flask, no database.

Each audit event of a tenant carries the hash of the event before it (``prev_hash``,
64 zeros for the first one) and its own ``hash``::

    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=True)
    hash = sha256((prev_hash + canonical).encode("ascii")).hexdigest()

where ``content`` holds ``tenant``, ``seq``, ``created_at`` (ISO 8601 in UTC with
microseconds), ``actor``, ``action``, ``subject_id``, ``record_refs``, ``fields``,
``request_id``, ``detail`` and ``prev_hash``. Changing, removing or reordering any
event breaks the chain at that event or at the one after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import typing as t
from dataclasses import dataclass

from ..errors import AuditChainBroken

#: ``prev_hash`` of the first event of every tenant.
GENESIS = "0" * 64

_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True
).encode
_sha256 = hashlib.sha256


def format_time(value: dt.datetime) -> str:
    """ISO 8601 text of *value* in UTC with microseconds (naive means UTC)."""
    offset = value.utcoffset()
    if offset is None:
        return value.isoformat(timespec="microseconds") + "+00:00"
    if offset:
        value = value.astimezone(dt.UTC)
    text = value.isoformat(timespec="microseconds")
    return text if text.endswith("+00:00") else text[:26] + "+00:00"


@dataclass(frozen=True)
class ChainEvent:
    """The hashed content of one audit event (plus its stored ``hash``)."""

    tenant: str
    seq: int
    created_at: dt.datetime
    actor: str
    action: str
    subject_id: int | None
    record_refs: t.Sequence[t.Sequence[str]]
    fields: t.Sequence[str]
    request_id: str | None
    detail: str
    prev_hash: str
    hash: str = ""


def canonical(
    tenant: str,
    seq: int,
    created_at: dt.datetime,
    actor: str,
    action: str,
    subject_id: int | None,
    record_refs: t.Sequence[t.Sequence[str]],
    fields: t.Sequence[str],
    request_id: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    """The canonical JSON text of one event's content."""
    return _dumps(
        {
            "action": action,
            "actor": actor,
            "created_at": format_time(created_at),
            "detail": detail,
            "fields": list(fields),
            "prev_hash": prev_hash,
            "record_refs": [list(ref) for ref in record_refs],
            "request_id": request_id,
            "seq": seq,
            "subject_id": subject_id,
            "tenant": tenant,
        }
    )


def chain_hash(prev_hash: str, canonical_text: str) -> str:
    """``sha256(prev_hash + canonical_text)`` as 64 hex digits."""
    return _sha256((prev_hash + canonical_text).encode("ascii")).hexdigest()


def event_hash(event: ChainEvent) -> str:
    """The hash *event* must carry, computed from its content."""
    return chain_hash(
        event.prev_hash,
        canonical(
            event.tenant,
            event.seq,
            event.created_at,
            event.actor,
            event.action,
            event.subject_id,
            event.record_refs,
            event.fields,
            event.request_id,
            event.detail,
            event.prev_hash,
        ),
    )


#: A row as :func:`verify_rows` reads it, in this column order.
ROW_COLUMNS = (
    "seq",
    "created_at",
    "actor",
    "action",
    "subject_id",
    "record_refs",
    "fields",
    "request_id",
    "detail",
    "prev_hash",
    "hash",
)


def verify_rows(
    tenant: str,
    rows: t.Iterable[t.Sequence[t.Any]],
    *,
    start_seq: int = 1,
    start_hash: str = GENESIS,
) -> tuple[int, str]:
    """Check a tenant's events, given in ``seq`` order as tuples of :data:`ROW_COLUMNS`.

    :param start_seq: the sequence number the first row must have.
    :param start_hash: the ``prev_hash`` the first row must carry.
    :returns: ``(number of rows checked, hash of the last row)``.
    :raises AuditChainBroken: at the first gap, wrong link or wrong hash.
    """
    expected_seq = start_seq
    prev = start_hash
    count = 0
    # Bind locals: this loop runs a million times in ``privacy audit verify``.
    dumps = _dumps
    sha = _sha256
    fmt = format_time
    for (
        seq,
        created_at,
        actor,
        action,
        subject_id,
        refs,
        fields,
        rid,
        detail,
        p,
        h,
    ) in rows:
        if seq != expected_seq:
            raise AuditChainBroken(
                tenant, expected_seq, f"missing event (next stored is #{seq})"
            )
        if p != prev:
            raise AuditChainBroken(tenant, seq, "prev_hash does not match")
        text = dumps(
            {
                "action": action,
                "actor": actor,
                "created_at": fmt(created_at),
                "detail": detail,
                "fields": fields,
                "prev_hash": p,
                "record_refs": refs,
                "request_id": rid,
                "seq": seq,
                "subject_id": subject_id,
                "tenant": tenant,
            }
        )
        if sha((p + text).encode("ascii")).hexdigest() != h:
            raise AuditChainBroken(tenant, seq, "content does not match its hash")
        prev = h
        expected_seq += 1
        count += 1
    return count, prev
