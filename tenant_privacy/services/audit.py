"""The audit trail: append-only, hash-chained per tenant, ids and field names only.

:func:`record` appends one event in the caller's transaction (it flushes, never
commits), so an action that rolls back leaves no event and an event never describes
something that did not happen. Events hold opaque ids (actor ref, subject id, record
refs), field *names* and a short detail, never personal values, so erasure never has
to touch this table.

Appending locks the tenant's :class:`~tenant_privacy.models.AuditHead` row with one
upsert (``INSERT ... ON CONFLICT (tenant_key) DO UPDATE ... RETURNING``): on
PostgreSQL that takes the row lock until the transaction ends (concurrent writers
queue there and read the head they leave behind), on SQLite it is a write statement,
so it takes the database's single write lock before the head is read. The chain
therefore never forks, in any number of processes.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import json
import re
import typing as t
import uuid

import sqlalchemy as sa
from flask import g
from flask import has_request_context

from ..core import audit_chain
from ..errors import AuditChainBroken
from ..errors import InvalidInput
from ..models import AuditEvent
from ..models import AuditHead
from ..models import utcnow

if t.TYPE_CHECKING:
    from sqlalchemy import orm

    from ..extension import Actor

__all__ = [
    "Action",
    "actor_ref",
    "export",
    "query_events",
    "record",
    "subject_history",
    "verify",
]


class Action(enum.StrEnum):
    """Every kind of audit event the module writes."""

    SUBJECT_VIEWED = "subject.viewed"  #: a subject overview was compiled
    SEARCH = "search"
    RECORDS_LINKED = "records.linked"
    RECORDS_UNLINKED = "records.unlinked"
    MERGE_UNDONE = "merge.undone"
    SUGGESTION_REJECTED = "suggestion.rejected"
    SCAN_STARTED = "scan.started"
    SCAN_FINISHED = "scan.finished"
    DISCLOSURE_REQUESTED = "disclosure.requested"
    DISCLOSURE_BUILT = "disclosure.built"
    DISCLOSURE_SENT = "disclosure.sent"
    DISCLOSURE_DOWNLOADED = "disclosure.downloaded"
    DISCLOSURE_EXPIRED = "disclosure.expired"
    ERASURE_PREVIEWED = "erasure.previewed"
    ERASURE_EXECUTED = "erasure.executed"
    ERASURE_RETENTION_FINISHED = "erasure.retention_finished"
    VISIBILITY_CHANGED = "visibility.changed"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    MODULE_ENABLED = "module.enabled"
    MODULE_DISABLED = "module.disabled"
    SELF_VIEWED = "self.viewed"
    SELF_EXPORTED = "self.exported"
    SELF_VISIBILITY_CHANGED = "self.visibility_changed"
    SELF_DELETED = "self.deleted"
    AUDIT_EXPORTED = "audit.exported"


#: Actor refs that are not a user.
OPERATOR = "operator"
SYSTEM = "system"

DETAIL_MAX = 255
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_ACTOR_RE = re.compile(r"^(?:operator|system|user:[^\s@]{1,59})$")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.:*\-]{1,64}$")
_REQUEST_ID_RE = re.compile(r"[^A-Za-z0-9._\-]")
# An email address, or something shaped like a phone number: a leading "+" or "00"
# before digits, or eight or more digits with at most single separators between.
_PERSONAL_RE = re.compile(r"@|(?:\+|\b00)\d|\d(?:[ .\-/]?\d){7,}")


def actor_ref(actor: Actor | None) -> str:
    """The audit ref of *actor*: ``"user:<id>"``, ``"operator"`` or ``"system"``."""
    if actor is None:
        return SYSTEM
    if actor.is_operator:
        return OPERATOR
    return f"user:{actor.id}"


def current_request_id() -> str | None:
    """The id of the current HTTP request (one is made up if the client sent none)."""
    if not has_request_context():
        return None
    rid = getattr(g, "_tenant_privacy_request_id", None)
    if rid:
        rid = _REQUEST_ID_RE.sub("", str(rid))[:64]
    if not rid:
        rid = uuid.uuid4().hex
    g._tenant_privacy_request_id = rid
    return t.cast(str, rid)


def _check(
    actor: str,
    action: str,
    record_refs: t.Sequence[tuple[str, str]],
    fields: t.Sequence[str],
    detail: str,
) -> tuple[list[list[str]], list[str]]:
    if not _ACTOR_RE.match(actor):
        raise InvalidInput(
            f"audit actor must be 'user:<id>', 'operator' or 'system', not {actor!r}"
        )
    if not _ACTION_RE.match(action):
        raise InvalidInput(f"invalid audit action {action!r}")
    if len(detail) > DETAIL_MAX:
        raise InvalidInput(f"audit detail longer than {DETAIL_MAX} characters")
    if _PERSONAL_RE.search(detail):
        raise InvalidInput(
            "audit detail looks like it holds an email address or a phone number"
        )
    refs = []
    for ref in record_refs:
        source_key, record_id = ref
        source_key, record_id = str(source_key), str(record_id)
        if not _NAME_RE.match(source_key) or not 0 < len(record_id) <= 64:
            raise InvalidInput(f"invalid record ref {ref!r}")
        refs.append([source_key, record_id])
    names = [str(name) for name in fields]
    for name in names:
        if not _NAME_RE.match(name):
            raise InvalidInput(f"invalid field name {name!r}")
    return refs, names


def _lock_head(session: orm.Session, tenant: str) -> tuple[int, str]:
    """Lock the tenant's head row (creating it) and return its ``(seq, hash)``."""
    table = AuditHead.__table__
    dialect = session.get_bind(mapper=AuditHead).dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table).values(tenant_key=tenant, seq=0, hash=audit_chain.GENESIS)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.tenant_key], set_={"seq": table.c.seq}
        ).returning(table.c.seq, table.c.hash)
        seq, head = session.execute(stmt).one()
        return int(seq), str(head)
    # Other databases: row lock, creating the row first if needed.
    select = sa.select(table.c.seq, table.c.hash).where(table.c.tenant_key == tenant)
    row = session.execute(select.with_for_update()).first()
    if row is None:
        session.execute(
            sa.insert(table).values(tenant_key=tenant, seq=0, hash=audit_chain.GENESIS)
        )
        row = session.execute(select.with_for_update()).one()
    return int(row[0]), str(row[1])


def record(
    session: orm.Session,
    tenant: str,
    actor: str,
    action: Action | str,
    *,
    subject_id: int | None = None,
    record_refs: t.Sequence[tuple[str, str]] = (),
    fields: t.Sequence[str] = (),
    detail: str = "",
) -> AuditEvent:
    """Append one audit event to *tenant*'s chain in the caller's transaction.

    The event is flushed, never committed: it commits or rolls back with the action it
    records. The request id comes from the current request (made up if missing).

    :param actor: ``"user:<id>"``, ``"operator"`` or ``"system"`` (see
        :func:`actor_ref`).
    :param subject_id: the data subject concerned, if any.
    :param record_refs: ``(source_key, record_id)`` pairs: opaque ids only.
    :param fields: field *names* concerned (``"email"``), never their values.
    :param detail: a short note of at most 255 characters with ids, counts and
        codes; **no personal values** (an ``@`` or a phone-shaped digit run is
        refused).
    :raises InvalidInput: (a ``ValueError``) if an argument is malformed.
    """
    if not tenant:
        raise InvalidInput("an audit event needs a tenant")
    action = str(action)
    refs, names = _check(actor, action, record_refs, fields, detail)
    if subject_id is not None:
        subject_id = int(subject_id)
    request_id = current_request_id()
    prev_seq, prev_hash = _lock_head(session, tenant)
    seq = prev_seq + 1
    created_at = utcnow()
    digest = audit_chain.chain_hash(
        prev_hash,
        audit_chain.canonical(
            tenant,
            seq,
            created_at,
            actor,
            action,
            subject_id,
            refs,
            names,
            request_id,
            detail,
            prev_hash,
        ),
    )
    event = AuditEvent(
        tenant_key=tenant,
        seq=seq,
        created_at=created_at,
        actor=actor,
        action=action,
        subject_id=subject_id,
        record_refs=refs,
        fields=names,
        request_id=request_id,
        detail=detail,
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(event)
    session.flush()
    head = AuditHead.__table__
    session.execute(
        sa.update(head).where(head.c.tenant_key == tenant).values(seq=seq, hash=digest)
    )
    return event


_VERIFY_COLUMNS = [getattr(AuditEvent, name) for name in audit_chain.ROW_COLUMNS]


def verify(session: orm.Session, tenant: str, *, batch: int = 20_000) -> int:
    """Recompute *tenant*'s chain and compare it with its head; return the count.

    Streams the events in ``seq`` order (server-side cursor on PostgreSQL), so a
    million events need neither much memory nor much time.

    :raises AuditChainBroken: naming the first broken sequence number.
    """
    head = session.execute(
        sa.select(AuditHead.seq, AuditHead.hash).where(AuditHead.tenant_key == tenant)
    ).first()
    stmt = (
        sa.select(*_VERIFY_COLUMNS)
        .where(AuditEvent.tenant_key == tenant)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch)
    )
    if head is not None:
        stmt = stmt.where(AuditEvent.seq <= head.seq)
    # Core rows (no ORM loading) and UTC timestamps: verification is the hot loop.
    conn = session.connection(bind_arguments={"mapper": AuditEvent})
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL timezone = 'UTC'"))
    result = conn.execute(stmt)
    try:
        count, last = audit_chain.verify_rows(tenant, result)
    finally:
        result.close()
    if head is None:
        if count:
            raise AuditChainBroken(tenant, 1, "the chain has events but no head")
        return 0
    if count != head.seq:
        raise AuditChainBroken(tenant, count + 1, "missing event (head is further)")
    if last != head.hash:
        raise AuditChainBroken(tenant, head.seq, "head hash does not match")
    return count


def _filtered(
    tenant: str,
    subject_id: int | None,
    actor: str | None,
    action: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> sa.Select[tuple[AuditEvent]]:
    stmt = sa.select(AuditEvent).where(AuditEvent.tenant_key == tenant)
    if subject_id is not None:
        stmt = stmt.where(AuditEvent.subject_id == subject_id)
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor)
    if action:
        stmt = stmt.where(AuditEvent.action == str(action))
    if since is not None:
        stmt = stmt.where(AuditEvent.created_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.created_at < until)
    return stmt


def query_events(
    session: orm.Session,
    tenant: str,
    *,
    subject_id: int | None = None,
    actor: str | None = None,
    action: Action | str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEvent], int]:
    """One page of *tenant*'s events, newest first, and the number matching in all.

    :param since: inclusive lower bound of ``created_at``.
    :param until: exclusive upper bound of ``created_at``.
    :raises InvalidInput: if *page* or *per_page* is not positive.
    """
    if page < 1 or not 0 < per_page <= 1000:
        raise InvalidInput("page must be >= 1 and per_page between 1 and 1000")
    stmt = _filtered(tenant, subject_id, actor, action and str(action), since, until)
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    events = list(
        session.scalars(
            stmt.order_by(AuditEvent.seq.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return events, int(total or 0)


def subject_history(
    session: orm.Session, tenant: str, subject_id: int, limit: int = 100
) -> list[AuditEvent]:
    """The latest *limit* events about one data subject of *tenant*, newest first.

    Render them with the partial ``tenant_privacy/_audit_history.html``
    (``{% include ... %}`` with ``events`` in the context).
    """
    stmt = (
        _filtered(tenant, int(subject_id), None, None, None, None)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


EXPORT_COLUMNS = (
    "tenant",
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


def _export_row(tenant: str, row: t.Sequence[t.Any]) -> dict[str, t.Any]:
    seq, created_at, actor, action, subject_id, refs, fields, rid, detail, p, h = row
    return {
        "tenant": tenant,
        "seq": seq,
        "created_at": audit_chain.format_time(created_at),
        "actor": actor,
        "action": action,
        "subject_id": subject_id,
        "record_refs": refs,
        "fields": fields,
        "request_id": rid,
        "detail": detail,
        "prev_hash": p,
        "hash": h,
    }


def export(
    session: orm.Session, tenant: str, fmt: str, out: t.IO[str], *, batch: int = 5000
) -> int:
    """Write every event of *tenant* to *out* as ``csv`` or ``json``; return the count.

    JSON is one array of objects; CSV has a header row and JSON-encoded lists. Both
    keep ``prev_hash`` and ``hash``, so the export can be verified on its own.

    :raises InvalidInput: for an unknown format.
    """
    if fmt not in ("csv", "json"):
        raise InvalidInput(f"unknown export format {fmt!r} (csv or json)")
    stmt = (
        sa.select(*_VERIFY_COLUMNS)
        .where(AuditEvent.tenant_key == tenant)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch)
    )
    count = 0
    result = session.execute(stmt)
    try:
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for row in result:
                data = _export_row(tenant, row)
                data["record_refs"] = json.dumps(data["record_refs"])
                data["fields"] = json.dumps(data["fields"])
                writer.writerow(data)
                count += 1
        else:
            out.write("[")
            for row in result:
                out.write(",\n" if count else "\n")
                out.write(json.dumps(_export_row(tenant, row), sort_keys=True))
                count += 1
            out.write("\n]\n")
    finally:
        result.close()
    return count


def _labels() -> dict[str, t.Any]:
    from ..i18n import lazy_gettext as _l

    return {
        Action.SUBJECT_VIEWED: _l("Overview compiled"),
        Action.SEARCH: _l("Search"),
        Action.RECORDS_LINKED: _l("Records linked"),
        Action.RECORDS_UNLINKED: _l("Records unlinked"),
        Action.MERGE_UNDONE: _l("Link undone"),
        Action.SUGGESTION_REJECTED: _l("Suggestion rejected"),
        Action.SCAN_STARTED: _l("Duplicate scan started"),
        Action.SCAN_FINISHED: _l("Duplicate scan finished"),
        Action.DISCLOSURE_REQUESTED: _l("Disclosure requested"),
        Action.DISCLOSURE_BUILT: _l("Disclosure built"),
        Action.DISCLOSURE_SENT: _l("Disclosure sent"),
        Action.DISCLOSURE_DOWNLOADED: _l("Disclosure downloaded"),
        Action.DISCLOSURE_EXPIRED: _l("Disclosure expired"),
        Action.ERASURE_PREVIEWED: _l("Erasure previewed"),
        Action.ERASURE_EXECUTED: _l("Erasure executed"),
        Action.ERASURE_RETENTION_FINISHED: _l("Retention finished"),
        Action.VISIBILITY_CHANGED: _l("Visibility rule changed"),
        Action.ROLE_GRANTED: _l("Privacy role granted"),
        Action.ROLE_REVOKED: _l("Privacy role revoked"),
        Action.MODULE_ENABLED: _l("Module enabled"),
        Action.MODULE_DISABLED: _l("Module disabled"),
        Action.SELF_VIEWED: _l("Own data viewed"),
        Action.SELF_EXPORTED: _l("Own data exported"),
        Action.SELF_VISIBILITY_CHANGED: _l("Own visibility changed"),
        Action.SELF_DELETED: _l("Own data deleted"),
        Action.AUDIT_EXPORTED: _l("Audit log exported"),
    }


def action_label(action: str) -> str:
    """The translated label of an action (the raw action string if unknown)."""
    return str(_labels().get(action, action))
