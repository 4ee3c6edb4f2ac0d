"""The request register and the jobs and rows of disclosure and erasure:
exports, erasures, bulk batches, purpose reviews, retention holds."""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

from .base import RECORD_LEN
from .base import SOURCE_LEN
from .base import TENANT_LEN
from .base import Base
from .base import JsonList
from .base import record_id_trimmed
from .base import utcnow
from .jobs import JobRow


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
    deleted or held under a legal reason, in one transaction (or nothing).

    One of a batch (``batch_id``) waits queued while the batch goes through the
    persons before it, so it is alive as long as its batch is."""

    __tablename__ = "tenant_privacy_erasure_job"
    stale_after = ("ERASURE_STALE_MINUTES", 60)

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
    stale_after = ("ERASURE_STALE_MINUTES", 60)

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
