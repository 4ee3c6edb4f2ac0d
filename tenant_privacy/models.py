"""The module's own tables (prefix ``tenant_privacy_``), on their own metadata.

Host rows are referenced by ``(tenant_key, source_key, record_id)``, never by foreign
key, so erasure and deletion in the host are never blocked by us. Every table carries
``tenant_key``; queries go through :mod:`tenant_privacy.store.scope`.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.ext.mutable import MutableList

from . import audit_ddl

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The metadata of every table of the module; hosts add it to Alembic's targets.
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

TENANT_LEN = 64
SOURCE_LEN = 64
RECORD_LEN = 64


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def as_utc(when: dt.datetime) -> dt.datetime:
    """*when* as an aware UTC time (SQLite hands back naive ones: read as UTC)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


class Base(orm.DeclarativeBase):
    """Declarative base of the module's models."""

    metadata = metadata
    type_annotation_map = {dt.datetime: sa.DateTime(timezone=True)}


JsonDict = MutableDict.as_mutable(sa.JSON())
JsonList = MutableList.as_mutable(sa.JSON())


class TenantSettings(Base):
    """Per-tenant settings of the module; a missing row means the defaults."""

    __tablename__ = "tenant_privacy_tenant_settings"

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    enabled: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=False)
    phone_region: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="NO")
    export_ttl_hours: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=168)
    language: orm.Mapped[str] = orm.mapped_column(sa.String(8), default="en")
    #: person source key -> months of its purpose rule, where the tenant chose
    #: another period than the host's (within the host's bounds)
    purpose_months: orm.Mapped[dict[str, t.Any]] = orm.mapped_column(
        JsonDict, default=dict
    )
    #: a purpose review's batch is approved without an officer
    auto_approve_review: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=False)
    updated_at: orm.Mapped[dt.datetime] = orm.mapped_column(
        default=utcnow, onupdate=utcnow
    )


#: :attr:`Subject.state` of a person whose erasure ran.
SUBJECT_ERASED = "erased"


class Subject(Base):
    """A data subject: one human in one tenant, owning one or more person records."""

    __tablename__ = "tenant_privacy_subject"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN), index=True)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    #: "active", or "erased" once an erasure ran (its records are anonymised)
    state: orm.Mapped[str] = orm.mapped_column(sa.String(16), default="active")

    records: orm.Mapped[list[SubjectRecord]] = orm.relationship(
        back_populates="subject", order_by="SubjectRecord.source_key"
    )


#: The whitespace a stored record id may not start or end with (ASCII: the
#: databases' ``trim`` knows no Unicode classes).
ID_PADDING = " \t\n\r\x0b\x0c"


class padding_chars(sa.sql.functions.FunctionElement[str]):
    """:data:`ID_PADDING` as a SQL string expression, built from character codes:
    control characters written into DDL would break SQLite's reflection of CHECK
    constraints (one per line), which batch migrations rely on."""

    type = sa.String()
    inherit_cache = True


@compiles(padding_chars)
def _padding_chr(element: padding_chars, compiler: t.Any, **kw: t.Any) -> str:
    return " || ".join(f"chr({ord(c)})" for c in ID_PADDING)


@compiles(padding_chars, "sqlite")
def _padding_char(element: padding_chars, compiler: t.Any, **kw: t.Any) -> str:
    return "char(" + ", ".join(str(ord(c)) for c in ID_PADDING) + ")"


def record_id_trimmed(name: str = "record_id") -> sa.ColumnElement[bool]:
    """The condition of the CHECK on a stored record id: not empty and not padded
    with whitespace. That is what the database can enforce for every key type;
    the rest of the canonical form (``"7"``, never ``"007"``, for an integer key)
    depends on the source and is :func:`tenant_privacy.store.refs.canonical_id`'s
    job."""
    column = sa.column(name, sa.String)
    return sa.and_(column != "", column == sa.func.trim(column, padding_chars()))


class SubjectRecord(Base):
    """Link of one host person record to its data subject (one row per record).

    The primary key ``(tenant_key, source_key, record_id)`` allows one subject per
    record id; ``record_id`` is canonical (:func:`~.store.refs.canonical_id`), so
    one record has one id, and a CHECK refuses an empty or padded one.
    """

    __tablename__ = "tenant_privacy_subject_record"
    __table_args__ = (
        sa.Index("ix_tp_subject_record_subject", "tenant_key", "subject_id"),
        sa.CheckConstraint(record_id_trimmed(), name="record_id_trimmed"),
    )

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    source_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(SOURCE_LEN), primary_key=True
    )
    record_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(RECORD_LEN), primary_key=True
    )
    subject_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenant_privacy_subject.id")
    )
    linked_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    subject: orm.Mapped[Subject] = orm.relationship(back_populates="records")

    @property
    def ref(self) -> tuple[str, str]:
        """The record ref ``(source_key, record_id)``."""
        return (self.source_key, self.record_id)


class CasbinRule(Base):
    """A Casbin policy line (``p`` or ``g``), with opaque ids only."""

    __tablename__ = "tenant_privacy_casbin_rule"
    __table_args__ = (
        # lines by type and domain; with the act/group, object and subject behind
        # them a visibility look-up (deny lines of one group, the exemption probe)
        # reads the index alone
        sa.Index("ix_tp_casbin_rule_line", "ptype", "v1", "v3", "v2", "v0"),
        sa.Index("ix_tp_casbin_rule_g", "ptype", "v2"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    ptype: orm.Mapped[str] = orm.mapped_column(sa.String(8))
    v0: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    v1: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    v2: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    v3: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    v4: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    v5: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))


class PolicyVersion(Base):
    """Per-tenant policy version, bumped on every rule change (database fallback)."""

    __tablename__ = "tenant_privacy_policy_version"

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    version: orm.Mapped[int] = orm.mapped_column(sa.BigInteger, default=0)


class AuditHead(Base):
    """The head of a tenant's audit chain; locked while appending so it never forks."""

    __tablename__ = "tenant_privacy_audit_head"

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    seq: orm.Mapped[int] = orm.mapped_column(sa.BigInteger, default=0)
    hash: orm.Mapped[str] = orm.mapped_column(sa.String(64))


class AuditEvent(Base):
    """One append-only, hash-chained audit event: ids and field names only."""

    __tablename__ = "tenant_privacy_audit_event"
    __table_args__ = (
        sa.Index("ix_tp_audit_subject", "tenant_key", "subject_id"),
        sa.Index("ix_tp_audit_action", "tenant_key", "action"),
        sa.Index("ix_tp_audit_created", "tenant_key", "created_at"),
    )

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    seq: orm.Mapped[int] = orm.mapped_column(sa.BigInteger, primary_key=True)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    actor: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    action: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    subject_id: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)
    record_refs: orm.Mapped[list[t.Any]] = orm.mapped_column(sa.JSON, default=list)
    fields: orm.Mapped[list[t.Any]] = orm.mapped_column(sa.JSON, default=list)
    request_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    detail: orm.Mapped[str] = orm.mapped_column(sa.String(255), default="")
    prev_hash: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    hash: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    #: typed ids and counts (``services.audit.DATA_KEYS``); None: none (and every
    #: event written before migration ``tp_0006``)
    data: orm.Mapped[dict[str, t.Any] | None] = orm.mapped_column(
        sa.JSON(none_as_null=True)
    )


class MergeRecord(Base):
    """One link (merge) of records under a subject, with what it replaced, for undo."""

    __tablename__ = "tenant_privacy_merge"
    __table_args__ = (sa.Index("ix_tp_merge_subject", "tenant_key", "subject_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN), index=True)
    subject_id: orm.Mapped[int] = orm.mapped_column(sa.Integer)
    actor: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    #: "link" (records put under ``subject_id``) or "unlink" (one record split
    #: off into the new subject ``subject_id``)
    kind: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), default="link", server_default="link"
    )
    score: orm.Mapped[float | None] = orm.mapped_column(sa.Float)
    evidence: orm.Mapped[dict[str, t.Any]] = orm.mapped_column(JsonDict, default=dict)
    #: ``[[source_key, record_id, previous_subject_id], ...]`` for every moved record.
    previous: orm.Mapped[list[t.Any]] = orm.mapped_column(JsonList, default=list)
    suggestion_id: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)
    undone_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    undone_by: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))


class MergeSubject(Base):
    """Which subjects a merge record touched (its target and every previous owner).

    An index for "the merges of this subject" (the overview's history), so that
    the JSON ``previous`` column never has to be scanned.
    """

    __tablename__ = "tenant_privacy_merge_subject"
    __table_args__ = (
        sa.Index("ix_tp_merge_subject_subject", "tenant_key", "subject_id"),
    )

    merge_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenant_privacy_merge.id", ondelete="CASCADE"), primary_key=True
    )
    subject_id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN))


class MatchSuggestion(Base):
    """A suggested duplicate pair: pending, accepted or rejected, with evidence."""

    __tablename__ = "tenant_privacy_match_suggestion"
    __table_args__ = (
        sa.UniqueConstraint(
            "tenant_key",
            "a_source",
            "a_id",
            "b_source",
            "b_id",
            name="uq_tp_suggestion_pair",
        ),
        sa.Index("ix_tp_suggestion_status", "tenant_key", "status", "score"),
        # the unique constraint serves look-ups by the a side; this one the b side
        sa.Index("ix_tp_suggestion_b", "tenant_key", "b_source", "b_id"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN))
    a_source: orm.Mapped[str] = orm.mapped_column(sa.String(SOURCE_LEN))
    a_id: orm.Mapped[str] = orm.mapped_column(sa.String(RECORD_LEN))
    b_source: orm.Mapped[str] = orm.mapped_column(sa.String(SOURCE_LEN))
    b_id: orm.Mapped[str] = orm.mapped_column(sa.String(RECORD_LEN))
    score: orm.Mapped[float] = orm.mapped_column(sa.Float)
    evidence: orm.Mapped[dict[str, t.Any]] = orm.mapped_column(JsonDict, default=dict)
    status: orm.Mapped[str] = orm.mapped_column(sa.String(16), default="pending")
    #: Hashes of both records' identity fields when scored; a change re-opens it.
    a_fingerprint: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    b_fingerprint: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    decided_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    decided_by: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))


class MatchRecord(Base):
    """Matching state of one person record: its identity fingerprint."""

    __tablename__ = "tenant_privacy_match_record"

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    source_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(SOURCE_LEN), primary_key=True
    )
    record_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(RECORD_LEN), primary_key=True
    )
    fingerprint: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    updated_at: orm.Mapped[dt.datetime] = orm.mapped_column(
        default=utcnow, onupdate=utcnow
    )


class BlockingKey(Base):
    """A hashed blocking key of one person record, for incremental matching.

    Keys are stored as keyed hashes, so this table holds no personal values.
    """

    __tablename__ = "tenant_privacy_blocking_key"
    __table_args__ = (
        sa.Index("ix_tp_blocking_record", "tenant_key", "source_key", "record_id"),
    )

    tenant_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(TENANT_LEN), primary_key=True
    )
    key_hash: orm.Mapped[str] = orm.mapped_column(sa.String(32), primary_key=True)
    source_key: orm.Mapped[str] = orm.mapped_column(
        sa.String(SOURCE_LEN), primary_key=True
    )
    record_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(RECORD_LEN), primary_key=True
    )


class JobStatus(enum.StrEnum):
    """Where a job is in its lifecycle: queued -> running -> done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: The statuses of a job that has not finished.
ACTIVE_JOB_STATUSES = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class JobRow:
    """Columns every job row shares (scans, accept runs, exports, erasures, ...).

    A job row is created ``queued`` by whoever asks for the work, then run by
    :func:`tenant_privacy.jobs.lifecycle.run_tracked`, which owns the rest of its
    lifecycle: ``running`` with a heartbeat and progress (``done`` of ``total``),
    then ``done`` or ``failed`` with the class name of the error (never its message,
    which may quote personal data). A job with no sign of life for longer than
    :attr:`stale_after` is stale: its worker is gone.
    """

    #: The config key (without prefix) and its unit in seconds that bound how long
    #: a job of this kind may go without a sign of life.
    stale_after: t.ClassVar[tuple[str, int]] = ("JOB_TIMEOUT", 1)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN), index=True)
    #: a :class:`JobStatus` value
    status: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), default=JobStatus.QUEUED.value
    )
    progress: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    total: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    actor: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    #: last sign of life of the job (its start, each committed checkpoint)
    heartbeat_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    finished_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    #: class name of the error that failed the job, or "stale"
    error: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))

    @property
    def active(self) -> bool:
        """True while the job is queued or running."""
        return self.status in ACTIVE_JOB_STATUSES


class ScanJob(JobRow, Base):
    """A full duplicate scan of a tenant, with progress for the page."""

    __tablename__ = "tenant_privacy_scan_job"
    stale_after = ("JOB_STALE_MINUTES", 60)

    suggestions: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    #: measured share of same-surname, same-address pairs with another given
    #: name (see tenant_privacy.matching.households); None: too few to judge
    household_rate: orm.Mapped[float | None] = orm.mapped_column(sa.Float)
    #: tenant_privacy.matching.KEYS_VERSION of the blocking keys the scan stored
    keys_version: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)


class AcceptJob(JobRow, Base):
    """One "accept all above a score" run of a tenant, as a job (inline or rq)."""

    __tablename__ = "tenant_privacy_accept_job"

    min_score: orm.Mapped[float] = orm.mapped_column(sa.Float)
    #: suggestions accepted, and left pending because they would join records
    #: that clearly differ (see services.duplicates.preview.plan_accept_above)
    accepted: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    held: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)


class PrivacyRequest(Base):
    """A data subject's request in the tenant's register: a disclosure (GDPR art. 15
    and 20) or an erasure (art. 17), with its deadline (art. 12(3)).

    ``recipient`` is the one personal value here: the address a disclosure goes to.
    Erasing the subject clears it.
    """

    __tablename__ = "tenant_privacy_request"
    __table_args__ = (sa.Index("ix_tp_request_due", "tenant_key", "state", "due_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN), index=True)
    #: "disclosure" or "erasure"
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    #: the data subject, or None when a person's own request found no registration
    subject_id: orm.Mapped[int | None] = orm.mapped_column(sa.Integer, index=True)
    #: see :mod:`tenant_privacy.services.disclosure.register` for the states
    state: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    #: how it was received: "officer", "self_service" or "person"
    channel: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    #: audit ref of who handles it
    handler: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    received_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    due_at: orm.Mapped[dt.datetime] = orm.mapped_column()
    #: a written reason for a due date extended past one month
    extension_reason: orm.Mapped[str | None] = orm.mapped_column(sa.String(500))
    recipient: orm.Mapped[str | None] = orm.mapped_column(sa.String(254))
    #: records or fields left out, each ``{"source", "record_id", "field", "reason"}``
    #: (``field`` None: the whole record); never values
    exclusions: orm.Mapped[list[t.Any]] = orm.mapped_column(JsonList, default=list)
    closed_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()


class ExportJob(JobRow, Base):
    """One build of a disclosure's zip, and the download link that delivers it.

    Only the sha256 of the link's token is stored. The file lives in the export
    folder under ``file_name`` (random) until it expires or is used up.
    """

    __tablename__ = "tenant_privacy_export_job"
    stale_after = ("JOB_STALE_MINUTES", 60)

    request_id: orm.Mapped[int] = orm.mapped_column(sa.Integer, index=True)
    file_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    size: orm.Mapped[int] = orm.mapped_column(sa.BigInteger, default=0)
    sha256: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    #: the export hit ``EXPORT_MAX_BYTES`` and says so inside
    truncated: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=False)
    token_hash: orm.Mapped[str | None] = orm.mapped_column(sa.String(64), unique=True)
    expires_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    downloads: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    max_downloads: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=5)
    sent_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    #: when the file was deleted (expired, used up, revoked)
    deleted_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()


class ErasureJob(JobRow, Base):
    """One execution of an erasure request: every record of the subject anonymised,
    deleted or held under a legal reason, in one transaction (or nothing)."""

    __tablename__ = "tenant_privacy_erasure_job"

    request_id: orm.Mapped[int] = orm.mapped_column(sa.Integer, index=True)
    subject_id: orm.Mapped[int] = orm.mapped_column(sa.Integer)
    #: the bulk erasure (:class:`ErasureBatch`) it is part of, if any
    batch_id: orm.Mapped[int | None] = orm.mapped_column(sa.Integer, index=True)
    #: records anonymised, deleted, and held (kept for a legal reason)
    anonymised: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    deleted: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    held: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)


class ErasureBatch(JobRow, Base):
    """Many erasures run as one job: one erasure request (and
    :class:`ErasureJob`) per person, each its own transaction."""

    __tablename__ = "tenant_privacy_erasure_batch"
    stale_after = ("JOB_STALE_MINUTES", 60)

    #: persons erased, and those whose erasure failed (nothing changed for them)
    erased: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)
    failed: orm.Mapped[int] = orm.mapped_column(sa.Integer, default=0)


class PurposeReview(Base):
    """One review of a tenant's persons whose every registration is past its
    purpose rule: proposed, then approved (by an officer, or by the tenant's
    automatic approval) or dismissed. Approval erases the persons not excluded
    through an :class:`ErasureBatch`."""

    __tablename__ = "tenant_privacy_purpose_review"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN), index=True)
    #: "proposed", "approved" or "dismissed"
    state: orm.Mapped[str] = orm.mapped_column(sa.String(16), default="proposed")
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    #: audit ref of who decided ("system" for the automatic approval)
    decided_by: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    decided_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()
    batch_id: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)


class PurposeReviewItem(Base):
    """One person of a :class:`PurposeReview`, with why: ``reasons`` is
    ``[[source_key, record_id, months, last_activity_iso_or_None], ...]``, one per
    registration (ids and dates only)."""

    __tablename__ = "tenant_privacy_purpose_review_item"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN))
    review_id: orm.Mapped[int] = orm.mapped_column(sa.Integer, index=True)
    subject_id: orm.Mapped[int] = orm.mapped_column(sa.Integer)
    reasons: orm.Mapped[list[t.Any]] = orm.mapped_column(JsonList, default=list)
    excluded: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=False)
    #: the officer's written reason for keeping the person
    exclusion_reason: orm.Mapped[str | None] = orm.mapped_column(sa.String(500))
    request_id: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)


class RetentionHold(Base):
    """Fields of one host record kept after an erasure for one legal reason,
    until ``due_at``; then ``privacy retention run`` applies each field's final
    strategy (``fields``: ``[[field, strategy], ...]``) and, when the source
    deletes its rows and this was the record's last hold, deletes the row."""

    __tablename__ = "tenant_privacy_retention_hold"
    __table_args__ = (
        sa.Index("ix_tp_hold_due", "finished_at", "due_at"),
        sa.Index("ix_tp_hold_record", "tenant_key", "source_key", "record_id"),
        sa.CheckConstraint(record_id_trimmed(), name="record_id_trimmed"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = orm.mapped_column(sa.String(TENANT_LEN))
    source_key: orm.Mapped[str] = orm.mapped_column(sa.String(SOURCE_LEN))
    record_id: orm.Mapped[str] = orm.mapped_column(sa.String(RECORD_LEN))
    subject_id: orm.Mapped[int] = orm.mapped_column(sa.Integer)
    erasure_id: orm.Mapped[int] = orm.mapped_column(sa.Integer)
    fields: orm.Mapped[list[t.Any]] = orm.mapped_column(JsonList, default=list)
    #: the host's words for the legal reason (no personal data)
    reason: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    due_at: orm.Mapped[dt.datetime] = orm.mapped_column()
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    finished_at: orm.Mapped[dt.datetime | None] = orm.mapped_column()


audit_ddl.attach(AuditEvent.__table__)
