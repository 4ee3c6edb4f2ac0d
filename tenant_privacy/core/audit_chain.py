"""The audit hash chain, as pure functions: no Flask, no database.

Each audit event of a tenant carries the hash of the event before it (``prev_hash``,
64 zeros for the first one) and its own ``hash``::

    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=True)
    hash = sha256((prev_hash + canonical).encode("ascii")).hexdigest()

where ``content`` holds ``tenant``, ``seq``, ``created_at`` (ISO 8601 in UTC with
microseconds), ``actor``, ``action``, ``subject_id``, ``record_refs``, ``fields``,
``request_id``, ``detail``, ``prev_hash`` and, when the event has any, ``data`` (the
typed ids and counts, an object of ints and lists of ints; events without data, and
every event written before ``data`` existed, have no such key, so they hash as they
always did). Changing, removing or reordering any event breaks the chain at that
event or at the one after it.

Because the keys are sorted, the canonical text is three pieces that do not depend on
the chain position around ``prev_hash`` and ``seq`` (:func:`canonical_parts`)::

    canonical = head + prev_hash + middle + str(seq) + tail

so the database can finish the hash while it locks the head (one round trip), and
``record_refs`` / ``fields`` / ``data`` are stored as their canonical JSON text
(:func:`json_text`), which :func:`verify_rows` splices in without decoding. Rows
whose stored text is in another form (older rows) are decoded and re-encoded, so the
hashed content is always the canonical JSON of the stored values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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
_enc = json.encoder.encode_basestring_ascii


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
    data: t.Mapping[str, t.Any] | None = None


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
    data: t.Mapping[str, t.Any] | None = None,
) -> str:
    """The canonical JSON text of one event's content (``data`` only if not None)."""
    content: dict[str, t.Any] = {
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
    if data is not None:
        content["data"] = dict(data)
    return _dumps(content)


def json_text(value: t.Sequence[t.Any] | t.Mapping[str, t.Any]) -> str:
    """The canonical JSON text of ``record_refs``, ``fields`` or ``data``, as stored."""
    return _dumps(value)


def canonical_parts(
    tenant: str,
    created_at: dt.datetime,
    actor: str,
    action: str,
    subject_id: int | None,
    record_refs_json: str,
    fields_json: str,
    request_id: str | None,
    detail: str,
    data_json: str | None = None,
) -> tuple[str, str, str]:
    """``(head, middle, tail)`` with ``canonical(...) == head + prev_hash + middle +
    str(seq) + tail``; the lists and ``data`` are given as their :func:`json_text`
    (``data_json`` None: the event has no data)."""
    data = "" if data_json is None else f'"data":{data_json},'
    head = (
        f'{{"action":{_enc(action)},"actor":{_enc(actor)},'
        f'"created_at":"{format_time(created_at)}",{data}"detail":{_enc(detail)},'
        f'"fields":{fields_json},"prev_hash":"'
    )
    rid = "null" if request_id is None else _enc(request_id)
    middle = f'","record_refs":{record_refs_json},"request_id":{rid},"seq":'
    sid = "null" if subject_id is None else _dumps(subject_id)
    tail = f',"subject_id":{sid},"tenant":{_enc(tenant)}}}'
    return head, middle, tail


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
            event.data,
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
    "data",
)


def _reference_text(tenant: str, row: t.Sequence[t.Any]) -> str:
    """The canonical text of a stored row, the slow and obvious way (JSON text of
    ``record_refs`` / ``fields`` is decoded first)."""
    seq, created_at, actor, action, subject_id, refs, fields, rid, detail, p = row[:10]
    data = row[11]
    if isinstance(refs, str):
        refs = json.loads(refs)
    if isinstance(fields, str):
        fields = json.loads(fields)
    if isinstance(data, str):
        data = json.loads(data)
    content: dict[str, t.Any] = {
        "action": action,
        "actor": actor,
        "created_at": (
            created_at if isinstance(created_at, str) else format_time(created_at)
        ),
        "detail": detail,
        "fields": fields,
        "prev_hash": p,
        "record_refs": refs,
        "request_id": rid,
        "seq": seq,
        "subject_id": subject_id,
        "tenant": tenant,
    }
    if data is not None:
        content["data"] = data
    return _dumps(content)


def verify_rows(
    tenant: str,
    rows: t.Iterable[t.Sequence[t.Any]],
    *,
    start_seq: int = 1,
    start_hash: str = GENESIS,
) -> tuple[int, str]:
    """Check a tenant's events, given in ``seq`` order as tuples of :data:`ROW_COLUMNS`.

    ``created_at`` may be a datetime or its text as :func:`format_time` writes it (the
    database can format it faster). ``record_refs``, ``fields`` and ``data`` may be
    values or their stored JSON text (``data`` None: the event has none). Text in
    canonical form (what :func:`json_text` writes) is spliced into the canonical
    content as it is: if the hash matches, that text is byte for byte what was hashed
    when the event was appended. Other text is decoded and re-encoded.

    :param start_seq: the sequence number the first row must have.
    :param start_hash: the ``prev_hash`` the first row must carry.
    :returns: ``(number of rows checked, hash of the last row)``.
    :raises AuditChainBroken: at the first gap, wrong link or wrong hash.
    """
    expected_seq = start_seq
    prev = start_hash
    # Bind locals: this loop runs a million times in ``privacy audit verify``.
    enc = _enc
    dumps = _dumps
    sha = _sha256
    fmt = format_time
    reference = _reference_text
    str_ = str
    int_ = int
    tenant_tail = f',"tenant":{enc(tenant)}}}'
    for row in rows:
        (
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
            data,
        ) = row
        if seq != expected_seq:
            raise AuditChainBroken(
                tenant, expected_seq, f"missing event (next stored is #{seq})"
            )
        if p != prev:
            raise AuditChainBroken(tenant, seq, "prev_hash does not match")
        try:
            if type(created_at) is str_:
                ts = created_at
            else:
                ts = created_at.isoformat(timespec="microseconds")
                if ts[26:] != "+00:00":
                    ts = fmt(created_at)
            if type(refs) is not str_:
                refs = dumps(refs)
            if type(fields) is not str_:
                fields = dumps(fields)
            if data is None:
                data_part = ""
            elif type(data) is str_:
                data_part = f'"data":{data},'
            else:
                data_part = f'"data":{dumps(data)},'
            if subject_id is None:
                sid = "null"
            elif type(subject_id) is int_:
                sid = subject_id
            else:
                sid = dumps(subject_id)
            digest = sha(
                f'{p}{{"action":{enc(action)},"actor":{enc(actor)},'
                f'"created_at":"{ts}",{data_part}"detail":{enc(detail)},'
                f'"fields":{fields},'
                f'"prev_hash":"{p}","record_refs":{refs},'
                f'"request_id":{"null" if rid is None else enc(rid)},'
                f'"seq":{seq},"subject_id":{sid}{tenant_tail}'.encode("ascii")
            ).hexdigest()
        except (TypeError, ValueError, AttributeError):
            digest = None
        if digest != h:
            # Not canonical text (or tampered): the reference encoding decides.
            try:
                digest = sha((p + reference(tenant, row)).encode("ascii")).hexdigest()
            except (TypeError, ValueError, AttributeError):
                digest = None
            if digest != h:
                raise AuditChainBroken(tenant, seq, "content does not match its hash")
        prev = h
        expected_seq += 1
    return expected_seq - start_seq, prev


# -- checkpoints: the head, signed, kept outside the database -----------------------

#: ``format`` of a checkpoint document (part of what is signed).
CHECKPOINT_FORMAT = "tenant_privacy.audit_checkpoint/1"
_CHECKPOINT_KEYS = ("created_at", "format", "hash", "seq", "signature", "tenant")
_HEX64 = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Checkpoint:
    """A tenant's audit head at one moment: ``seq`` and ``hash`` of its last event
    (0 and :data:`GENESIS` for an empty chain), ``created_at`` as
    :func:`format_time` text."""

    tenant: str
    seq: int
    hash: str
    created_at: str


def _checkpoint_text(checkpoint: Checkpoint) -> bytes:
    return _dumps(
        {
            "created_at": checkpoint.created_at,
            "format": CHECKPOINT_FORMAT,
            "hash": checkpoint.hash,
            "seq": checkpoint.seq,
            "tenant": checkpoint.tenant,
        }
    ).encode("ascii")


def sign_checkpoint(key: bytes, checkpoint: Checkpoint) -> dict[str, t.Any]:
    """The checkpoint document: its fields, ``format`` and ``signature``, the
    HMAC-SHA256 (hex) under *key* of their canonical JSON text."""
    if not key:
        raise ValueError("a checkpoint needs a signing key")
    signature = hmac.new(key, _checkpoint_text(checkpoint), hashlib.sha256)
    return {
        "created_at": checkpoint.created_at,
        "format": CHECKPOINT_FORMAT,
        "hash": checkpoint.hash,
        "seq": checkpoint.seq,
        "signature": signature.hexdigest(),
        "tenant": checkpoint.tenant,
    }


def open_checkpoint(key: bytes, document: t.Any) -> Checkpoint:
    """The checkpoint a document (as :func:`sign_checkpoint` made it) holds.

    :raises ValueError: naming what is wrong: not a checkpoint, a malformed field
        or a signature that does not match (changed, or signed with another key).
    """
    if not isinstance(document, dict) or set(document) != set(_CHECKPOINT_KEYS):
        raise ValueError("not a checkpoint document")
    if document["format"] != CHECKPOINT_FORMAT:
        raise ValueError(f"unknown format {document['format']!r}")
    tenant, seq, digest = document["tenant"], document["seq"], document["hash"]
    created_at, signature = document["created_at"], document["signature"]
    if (
        not isinstance(tenant, str)
        or type(seq) is not int
        or seq < 0
        or not isinstance(digest, str)
        or len(digest) != 64
        or not set(digest) <= _HEX64
        or not isinstance(created_at, str)
        or not isinstance(signature, str)
    ):
        raise ValueError("malformed checkpoint fields")
    checkpoint = Checkpoint(tenant, seq, digest, created_at)
    expected = hmac.new(key, _checkpoint_text(checkpoint), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), signature):
        raise ValueError("signature does not match (changed, or another key)")
    return checkpoint
