"""The audit trail: append-only, hash-chained per tenant, ids and field names only.

:func:`record` appends one event in the caller's transaction (it flushes, never
commits), so an action that rolls back leaves no event and an event never describes
something that did not happen. Events hold opaque ids (actor ref, subject id, record
refs), field *names*, typed ids and counts (``data``, see :data:`DATA_KEYS`) and a
short free-text detail, never personal values, so erasure never has to touch this
table.

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
from flask import has_app_context
from flask import has_request_context
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from ..config import config_value
from ..core import audit_chain
from ..errors import AuditChainBroken
from ..errors import InvalidInput
from ..i18n import lazy_gettext
from ..models import AuditEvent
from ..models import AuditHead
from ..models import utcnow

if t.TYPE_CHECKING:
    from sqlalchemy import orm

    from ..host import Actor

__all__ = [
    "WRITTEN",
    "Action",
    "actor_ref",
    "export",
    "query_events",
    "record",
    "subject_history",
    "verify",
    "verify_head",
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
    REQUEST_EXTENDED = "request.extended"
    ERASURE_REQUESTED = "erasure.requested"
    ERASURE_PREVIEWED = "erasure.previewed"
    ERASURE_EXECUTED = "erasure.executed"
    ERASURE_FAILED = "erasure.failed"
    ERASURE_RETENTION_FINISHED = "erasure.retention_finished"
    ERASURE_REPLAYED = "erasure.replayed"
    PURPOSE_REVIEW_PROPOSED = "purpose.review_proposed"
    PURPOSE_REVIEW_APPROVED = "purpose.review_approved"
    PURPOSE_SETTINGS_CHANGED = "purpose.settings_changed"
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


#: The actions the module writes today, in the order a filter lists them (the
#: others are declared for capabilities still to come). A test checks this
#: against every ``Action.X`` the package's code names: add an action here when
#: code starts writing it.
WRITTEN: tuple[Action, ...] = (
    Action.SEARCH,
    Action.SUBJECT_VIEWED,
    Action.RECORDS_LINKED,
    Action.RECORDS_UNLINKED,
    Action.MERGE_UNDONE,
    Action.SUGGESTION_REJECTED,
    Action.SCAN_STARTED,
    Action.SCAN_FINISHED,
    Action.ROLE_GRANTED,
    Action.ROLE_REVOKED,
    Action.MODULE_ENABLED,
    Action.MODULE_DISABLED,
    Action.AUDIT_EXPORTED,
    Action.DISCLOSURE_REQUESTED,
    Action.DISCLOSURE_BUILT,
    Action.DISCLOSURE_SENT,
    Action.DISCLOSURE_DOWNLOADED,
    Action.DISCLOSURE_EXPIRED,
    Action.REQUEST_EXTENDED,
    Action.ERASURE_REQUESTED,
    Action.ERASURE_PREVIEWED,
    Action.ERASURE_EXECUTED,
    Action.ERASURE_FAILED,
    Action.ERASURE_RETENTION_FINISHED,
    Action.ERASURE_REPLAYED,
    Action.PURPOSE_REVIEW_PROPOSED,
    Action.PURPOSE_REVIEW_APPROVED,
    Action.PURPOSE_SETTINGS_CHANGED,
    Action.VISIBILITY_CHANGED,
    Action.SELF_VIEWED,
    Action.SELF_EXPORTED,
    Action.SELF_DELETED,
)


#: Actor refs that are not a user.
OPERATOR = "operator"
SYSTEM = "system"

DETAIL_MAX = 255

#: The keys an event's ``data`` may hold and what each holds: ``int`` (an id or a
#: count, a whole number >= 0) or ``list`` (a list of such ids). Ids and counts go
#: here, never into the free-text ``detail``, whose personal-data check would take a
#: long id for a phone number. No text values, so no personal value can ride along.
DATA_KEYS: dict[str, type] = {
    "merge": int,  # a merge (link or unlink) record
    "new_subject": int,  # the subject an unlink created
    "subjects": list,  # subjects merged into, or given back by, a link
    "scan": int,  # a duplicate scan
    "suggestion": int,  # a match suggestion
    "records": int,  # how many records (scanned)
    "suggestions": int,  # how many suggestions (stored by a scan)
    "hits": int,  # how many search hits
    "registrations": int,  # how many registrations an overview showed
    "related": int,  # how many related records an overview showed
    "request": int,  # a disclosure or erasure request
    "export": int,  # one build of a disclosure
    "months": int,  # how many months a due date was extended by
    "excluded": int,  # how many records or fields an officer left out
    "bytes": int,  # the size of a built export
    "downloads": int,  # how many times an export was downloaded
    "erasure": int,  # one execution of an erasure request
    "anonymised": int,  # how many records an erasure anonymised
    "deleted": int,  # how many records an erasure (or a retention run) deleted
    "held": int,  # how many records an erasure kept under a legal reason
    "hold": int,  # a retention hold that ended
    "review": int,  # a purpose review
    "persons": int,  # how many persons a purpose review proposed or erased
    "batch": int,  # a bulk erasure (one job of many erasures)
    "auto": int,  # 1: a purpose review is approved automatically; 0: not
    "exempt_roles": int,  # how many roles a visibility rule exempts
    "exempt_users": int,  # how many users a visibility rule exempts
}
_DATA_INT_MAX = 2**63 - 1
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_ACTOR_RE = re.compile(r"^(?:operator|system|user:[^\s@]{1,59})$")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.:*\-]{1,64}$")
# A client's X-Request-ID is kept only when it is a UUID (hyphenated or 32 hex digits)
# with at least one hex letter: anything else (a phone number, an email, a national id,
# or digits shaped like a UUID) could be personal data, and is replaced.
_CLIENT_REQUEST_ID_RE = re.compile(
    r"\A(?=[0-9-]*[a-fA-F])(?:[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{32})\Z"
)
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
    """The id of the current HTTP request, stored with its audit events.

    The client's ``X-Request-ID`` is kept only when it is a UUID; any other value is
    dropped, never cleaned up and kept (a phone number with its symbols stripped is
    still a phone number), and the server makes one (``uuid4().hex``).
    """
    if not has_request_context():
        return None
    rid = getattr(g, "_tenant_privacy_request_id", None)
    if not isinstance(rid, str) or not _CLIENT_REQUEST_ID_RE.match(rid):
        rid = uuid.uuid4().hex
    g._tenant_privacy_request_id = rid
    return rid


def _data_int(key: str, value: t.Any) -> int:
    if type(value) is not int or not 0 <= value <= _DATA_INT_MAX:
        raise InvalidInput(f"audit data {key!r} must be a whole number >= 0")
    return value


def _check_data(data: t.Mapping[str, t.Any] | None) -> dict[str, t.Any] | None:
    """*data* checked against :data:`DATA_KEYS` (None if empty)."""
    if not data:
        return None
    checked: dict[str, t.Any] = {}
    for key, value in data.items():
        kind = DATA_KEYS.get(key)
        if kind is None:
            raise InvalidInput(f"unknown audit data key {key!r}")
        if kind is list:
            if isinstance(value, str | bytes) or not isinstance(value, t.Sequence):
                raise InvalidInput(f"audit data {key!r} must be a list of ids")
            checked[key] = [_data_int(key, item) for item in value]
        else:
            checked[key] = _data_int(key, value)
    return checked


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


_EVENT = AuditEvent.__table__
_HEAD = AuditHead.__table__
#: The event table as plain text columns: ``record_refs``, ``fields`` and ``data``
#: are written as their canonical JSON text (:func:`audit_chain.json_text`), not
#: re-encoded.
_EVENT_TEXT = sa.table(
    _EVENT.name,
    sa.column("tenant_key", sa.String),
    sa.column("seq", sa.BigInteger),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("record_refs", sa.Text),
    sa.column("fields", sa.Text),
    sa.column("request_id", sa.String),
    sa.column("detail", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
    sa.column("data", sa.Text),
)
_INSERT_EVENT = sa.insert(_EVENT_TEXT)
_SET_HEAD = (
    sa.update(_HEAD)
    .where(_HEAD.c.tenant_key == sa.bindparam("tenant"))
    .values(seq=sa.bindparam("seq"), hash=sa.bindparam("hash"))
)

# PostgreSQL, one round trip: lock the head row and insert the event chained to it
# (the server finishes the SHA-256 over ``prev_hash + head + prev_hash + middle + seq
# + tail``, see ``audit_chain.canonical_parts``; Python checks the result). The
# insert trigger (``audit_ddl.EXTEND_ONLY``) checks that the event extends the head
# and moves the head to it. ``SELECT ... FOR UPDATE`` waits for a concurrent
# appender and then returns the head it committed (READ COMMITTED).
_PG_PARAMS = (
    ("tenant", "VARCHAR"),
    ("created_at", "TIMESTAMP WITH TIME ZONE"),
    ("actor", "VARCHAR"),
    ("action", "VARCHAR"),
    ("subject_id", "INTEGER"),
    ("refs", "TEXT"),
    ("fields", "TEXT"),
    ("request_id", "VARCHAR"),
    ("detail", "VARCHAR"),
    ("head", "TEXT"),
    ("middle", "TEXT"),
    ("tail", "TEXT"),
    ("data", "TEXT"),
)
_PG_APPEND_SQL = f"""
WITH old AS (
    SELECT seq, hash FROM {_HEAD.name} WHERE tenant_key = $1 FOR UPDATE
)
INSERT INTO {_EVENT.name} (tenant_key, seq, created_at, actor, action, subject_id,
    record_refs, fields, request_id, detail, prev_hash, hash, data)
SELECT $1, old.seq + 1, $2, $3, $4, $5, CAST($6 AS JSON), CAST($7 AS JSON), $8, $9,
    old.hash,
    encode(sha256(convert_to(old.hash || $10 || old.hash || $11
        || CAST(old.seq + 1 AS TEXT) || $12, 'UTF8')), 'hex'),
    CAST($13 AS JSON)
FROM old
RETURNING seq, prev_hash, hash
"""
#: Planning that statement costs more than running it, so each connection prepares
#: it once (``PREPARE``, kept in ``Connection.info``; it survives rollbacks), unless
#: ``TENANT_PRIVACY_AUDIT_PG_PREPARE`` is off (behind a transaction-pooling
#: PgBouncer, which cannot keep SQL-level prepared statements): the statement is
#: then sent (and planned) every time. The name carries the statement's version.
_PG_STATEMENT = "tenant_privacy_audit_append_2"
_PG_PREPARE = sa.text(
    f"PREPARE {_PG_STATEMENT} ({', '.join(kind for _, kind in _PG_PARAMS)}) AS"
    + _PG_APPEND_SQL.replace(":", "\\:")
)
_PG_EXECUTE = sa.text(
    f"EXECUTE {_PG_STATEMENT} ({', '.join(f':{name}' for name, _ in _PG_PARAMS)})"
)


def _pg_unprepared() -> sa.TextClause:
    sql = _PG_APPEND_SQL
    for number in range(len(_PG_PARAMS), 0, -1):
        name, kind = _PG_PARAMS[number - 1]
        sql = sql.replace(f"${number}", f"CAST(:{name} AS {kind})")
    return sa.text(sql)


_PG_APPEND = _pg_unprepared()


#: ``EXECUTE`` for drivers with ``%(name)s`` parameters (psycopg2, psycopg): sent as
#: it is, without SQLAlchemy compiling anything.
_PG_EXECUTE_PYFORMAT = (
    f"EXECUTE {_PG_STATEMENT} ({', '.join(f'%({name})s' for name, _ in _PG_PARAMS)})"
)


def _pg_prepare() -> bool:
    """``TENANT_PRIVACY_AUDIT_PG_PREPARE`` of the current app (on outside one).

    A driver setting read where the statement is sent, like the request id: the
    audit writer is called by every service, which should not each carry it.
    """
    return bool(config_value("AUDIT_PG_PREPARE")) if has_app_context() else True


def _pg_append(conn: sa.Connection, params: dict[str, t.Any]) -> sa.Row[t.Any] | None:
    # psycopg 3 binds parameters on the server, where EXECUTE cannot type them
    # ("could not determine data type of parameter $1"); it prepares a statement
    # it sees again on one connection itself (``prepare_threshold``), so the plain
    # statement gets the same plan reuse there.
    if not _pg_prepare() or conn.dialect.driver == "psycopg":
        return conn.execute(_PG_APPEND, params).first()
    if not conn.info.get(_PG_STATEMENT):
        conn.execute(_PG_PREPARE)
        conn.info[_PG_STATEMENT] = True
    if conn.dialect.paramstyle == "pyformat":
        return conn.exec_driver_sql(_PG_EXECUTE_PYFORMAT, params).first()
    return conn.execute(_PG_EXECUTE, params).first()


def _create_head(conn: sa.Connection, tenant: str) -> None:
    """Insert the tenant's head row unless it exists (or is being created)."""
    values = {"tenant_key": tenant, "seq": 0, "hash": audit_chain.GENESIS}
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(postgresql.insert(_HEAD).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        conn.execute(sqlite.insert(_HEAD).values(values).on_conflict_do_nothing())
    else:
        conn.execute(sa.insert(_HEAD).values(values))


def _lock_head(conn: sa.Connection, tenant: str) -> tuple[int, str]:
    """Lock the tenant's head row (creating it) and return it.

    SQLite: ``UPDATE ... SET seq = seq ... RETURNING`` is a write, so it takes the
    database's write lock before it reads. Other databases: ``SELECT ... FOR UPDATE``.
    """
    if conn.dialect.name == "sqlite":
        stmt: t.Any = (
            sa.update(_HEAD)
            .where(_HEAD.c.tenant_key == tenant)
            .values(seq=_HEAD.c.seq)
            .returning(_HEAD.c.seq, _HEAD.c.hash)
        )
    else:
        stmt = (
            sa.select(_HEAD.c.seq, _HEAD.c.hash)
            .where(_HEAD.c.tenant_key == tenant)
            .with_for_update()
        )
    row = conn.execute(stmt).first()
    if row is None:
        _create_head(conn, tenant)
        row = conn.execute(stmt).one()
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
    data: t.Mapping[str, int | t.Sequence[int]] | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event to *tenant*'s chain in the caller's transaction.

    The event is written, never committed: it commits or rolls back with the action
    it records. The request id comes from the current request (made up if missing).
    Pending ORM changes of *session* are flushed first.

    :param actor: ``"user:<id>"``, ``"operator"`` or ``"system"`` (see
        :func:`actor_ref`).
    :param subject_id: the data subject concerned, if any.
    :param record_refs: ``(source_key, record_id)`` pairs: opaque ids only.
    :param fields: field *names* concerned (``"email"``), never their values.
    :param data: ids and counts, typed: keys of :data:`DATA_KEYS`, each a whole
        number >= 0 or a list of them. Hashed with the event.
    :param detail: a short free-text note of at most 255 characters (codes such as
        ``format=csv``); **no personal values** (an ``@`` or a phone-shaped digit
        run is refused, so put ids and counts into *data*).
    :returns: the appended event as a transient :class:`AuditEvent` (it is written
        with a Core statement and not added to *session*; load it again to change
        nothing: the table is append-only anyway).
    :raises InvalidInput: (a ``ValueError``) if an argument is malformed.
    """
    if not tenant:
        raise InvalidInput("an audit event needs a tenant")
    action = str(action)
    refs, names = _check(actor, action, record_refs, fields, detail)
    checked_data = _check_data(data)
    if subject_id is not None:
        subject_id = int(subject_id)
    request_id = current_request_id()
    created_at = utcnow()
    refs_json = audit_chain.json_text(refs)
    names_json = audit_chain.json_text(names)
    data_json = None if checked_data is None else audit_chain.json_text(checked_data)
    head, middle, tail = audit_chain.canonical_parts(
        tenant,
        created_at,
        actor,
        action,
        subject_id,
        refs_json,
        names_json,
        request_id,
        detail,
        data_json,
    )
    session.flush()
    conn = session.connection(bind_arguments={"mapper": AuditEvent})
    if conn.dialect.name == "postgresql":
        params = {
            "tenant": tenant,
            "created_at": created_at,
            "actor": actor,
            "action": action,
            "subject_id": subject_id,
            "refs": refs_json,
            "fields": names_json,
            "request_id": request_id,
            "detail": detail,
            "head": head,
            "middle": middle,
            "tail": tail,
            "data": data_json,
        }
        row = _pg_append(conn, params)
        if row is None:
            _create_head(conn, tenant)
            row = _pg_append(conn, params)
            assert row is not None
        seq, prev_hash, digest = int(row[0]), str(row[1]), str(row[2])
        # The server hashed what Python would have: check it, never trust it blindly.
        if digest != audit_chain.chain_hash(
            prev_hash, f"{head}{prev_hash}{middle}{seq}{tail}"
        ):
            raise RuntimeError("PostgreSQL computed a different audit hash")
    else:
        prev_seq, prev_hash = _lock_head(conn, tenant)
        seq = prev_seq + 1
        digest = audit_chain.chain_hash(
            prev_hash, f"{head}{prev_hash}{middle}{seq}{tail}"
        )
        conn.execute(
            _INSERT_EVENT,
            {
                "tenant_key": tenant,
                "seq": seq,
                "created_at": created_at,
                "actor": actor,
                "action": action,
                "subject_id": subject_id,
                "record_refs": refs_json,
                "fields": names_json,
                "request_id": request_id,
                "detail": detail,
                "prev_hash": prev_hash,
                "hash": digest,
                "data": data_json,
            },
        )
        # The SQLite insert trigger has moved the head already (then this writes the
        # same values); databases without the triggers rely on this statement.
        conn.execute(_SET_HEAD, {"tenant": tenant, "seq": seq, "hash": digest})
    return AuditEvent(
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
        data=checked_data,
    )


_VERIFY_COLUMNS = [getattr(AuditEvent, name) for name in audit_chain.ROW_COLUMNS]
#: The same columns for :func:`verify`, with the JSON lists as their stored text.
_VERIFY_TEXT_COLUMNS = [
    sa.cast(column, sa.Text) if name in ("record_refs", "fields", "data") else column
    for name, column in zip(audit_chain.ROW_COLUMNS, _VERIFY_COLUMNS, strict=True)
]
#: On PostgreSQL also ``created_at`` as text, formatted like ``format_time`` (in UTC).
_PG_VERIFY_COLUMNS = [
    sa.func.to_char(
        sa.func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
    )
    if name == "created_at"
    else column
    for name, column in zip(audit_chain.ROW_COLUMNS, _VERIFY_TEXT_COLUMNS, strict=True)
]


def verify(session: orm.Session, tenant: str, *, batch: int = 20_000) -> int:
    """Recompute *tenant*'s chain and compare it with its head; return the count.

    Streams the events in ``seq`` order (server-side cursor on PostgreSQL), so a
    million events need neither much memory nor much time. This proves the events
    agree with each other and with the head row; that nothing was cut off the end
    (with the head wound back) only a checkpoint can show
    (:mod:`tenant_privacy.services.audit_checkpoint`).

    :raises AuditChainBroken: naming the first broken sequence number (a gap, a
        changed event, a head that does not match, an event past the head).
    """
    return verify_head(session, tenant, batch=batch)[0]


def verify_head(
    session: orm.Session, tenant: str, *, batch: int = 20_000
) -> tuple[int, str]:
    """:func:`verify`, returning ``(seq, hash)`` of the verified head (``(0,
    GENESIS)`` for a tenant without events)."""
    head = session.execute(
        sa.select(AuditHead.seq, AuditHead.hash).where(AuditHead.tenant_key == tenant)
    ).first()
    # Core rows (no ORM loading), lists as JSON text and, on PostgreSQL, timestamps
    # formatted by the server: verification is the hot loop.
    conn = session.connection(bind_arguments={"mapper": AuditEvent})
    postgres = conn.dialect.name == "postgresql"
    stmt = (
        sa.select(*(_PG_VERIFY_COLUMNS if postgres else _VERIFY_TEXT_COLUMNS))
        .where(AuditEvent.tenant_key == tenant)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch)
    )
    if head is not None:
        stmt = stmt.where(AuditEvent.seq <= head.seq)
    result = conn.execute(stmt)
    try:
        count, last = audit_chain.verify_rows(tenant, result)
    finally:
        result.close()
    if head is None:
        if count:
            raise AuditChainBroken(tenant, 1, "the chain has events but no head")
        return 0, audit_chain.GENESIS
    if count != head.seq:
        raise AuditChainBroken(tenant, count + 1, "missing event (head is further)")
    if last != head.hash:
        raise AuditChainBroken(tenant, head.seq, "head hash does not match")
    _check_nothing_past(session, tenant, head.seq)
    return count, last


def _check_nothing_past(session: orm.Session, tenant: str, seq: int) -> None:
    """Raise if an event lies past the head *seq* that was verified.

    Events appended since then moved the head in their own transaction (the insert
    trigger), so the highest event is read first and the head after it: only an
    event the head never reached is reported.
    """
    past = session.scalar(
        sa.select(sa.func.max(AuditEvent.seq)).where(
            AuditEvent.tenant_key == tenant, AuditEvent.seq > seq
        )
    )
    if past is None:
        return
    head_now = session.scalar(
        sa.select(AuditHead.seq).where(AuditHead.tenant_key == tenant)
    )
    if head_now is None or past > head_now:
        raise AuditChainBroken(
            tenant, seq + 1, f"event #{past} lies past the head (#{seq})"
        )


def event_hash(session: orm.Session, tenant: str, seq: int) -> str | None:
    """The stored hash of *tenant*'s event *seq* (None if there is none)."""
    return session.scalar(
        sa.select(AuditEvent.hash).where(
            AuditEvent.tenant_key == tenant, AuditEvent.seq == seq
        )
    )


def chain_tenants(session: orm.Session) -> list[str]:
    """Every tenant that has an audit chain (a head row), sorted."""
    return list(session.scalars(sa.select(AuditHead.tenant_key).order_by("tenant_key")))


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


#: Columns of an export: the tenant, then every stored column in chain order.
EXPORT_COLUMNS = ("tenant", *audit_chain.ROW_COLUMNS)


def _export_row(tenant: str, row: t.Sequence[t.Any]) -> dict[str, t.Any]:
    seq, created_at, actor, action, subject_id, refs, fields, rid, detail, p, h = row[
        :11
    ]
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
        "data": row[11],
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
                if data["data"] is not None:
                    data["data"] = json.dumps(data["data"], sort_keys=True)
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
    return {
        Action.SUBJECT_VIEWED: lazy_gettext("Overview compiled"),
        Action.SEARCH: lazy_gettext("Search"),
        Action.RECORDS_LINKED: lazy_gettext("Records linked"),
        Action.RECORDS_UNLINKED: lazy_gettext("Records unlinked"),
        Action.MERGE_UNDONE: lazy_gettext("Link undone"),
        Action.SUGGESTION_REJECTED: lazy_gettext("Suggestion rejected"),
        Action.SCAN_STARTED: lazy_gettext("Duplicate scan started"),
        Action.SCAN_FINISHED: lazy_gettext("Duplicate scan finished"),
        Action.REQUEST_EXTENDED: lazy_gettext("Due date extended"),
        Action.DISCLOSURE_REQUESTED: lazy_gettext("Disclosure requested"),
        Action.DISCLOSURE_BUILT: lazy_gettext("Disclosure built"),
        Action.DISCLOSURE_SENT: lazy_gettext("Disclosure sent"),
        Action.DISCLOSURE_DOWNLOADED: lazy_gettext("Disclosure downloaded"),
        Action.DISCLOSURE_EXPIRED: lazy_gettext("Disclosure expired"),
        Action.ERASURE_REQUESTED: lazy_gettext("Erasure requested"),
        Action.ERASURE_PREVIEWED: lazy_gettext("Erasure previewed"),
        Action.ERASURE_EXECUTED: lazy_gettext("Erasure executed"),
        Action.ERASURE_FAILED: lazy_gettext("Erasure failed"),
        Action.ERASURE_RETENTION_FINISHED: lazy_gettext("Retention finished"),
        Action.ERASURE_REPLAYED: lazy_gettext("Erasure replayed"),
        Action.PURPOSE_REVIEW_PROPOSED: lazy_gettext("Purpose review proposed"),
        Action.PURPOSE_REVIEW_APPROVED: lazy_gettext("Purpose review approved"),
        Action.PURPOSE_SETTINGS_CHANGED: lazy_gettext("Purpose periods changed"),
        Action.VISIBILITY_CHANGED: lazy_gettext("Visibility rule changed"),
        Action.ROLE_GRANTED: lazy_gettext("Privacy role granted"),
        Action.ROLE_REVOKED: lazy_gettext("Privacy role revoked"),
        Action.MODULE_ENABLED: lazy_gettext("Module enabled"),
        Action.MODULE_DISABLED: lazy_gettext("Module disabled"),
        Action.SELF_VIEWED: lazy_gettext("Own data viewed"),
        Action.SELF_EXPORTED: lazy_gettext("Own data exported"),
        Action.SELF_VISIBILITY_CHANGED: lazy_gettext("Own visibility changed"),
        Action.SELF_DELETED: lazy_gettext("Own data deleted"),
        Action.AUDIT_EXPORTED: lazy_gettext("Audit log exported"),
    }


def action_label(action: str) -> str:
    """The translated label of an action (the raw action string if unknown)."""
    return str(_labels().get(action, action))
