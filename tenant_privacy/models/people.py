"""Data subjects, their links to host records, per-tenant settings and the
merge records that let a link be undone."""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

from .base import RECORD_LEN
from .base import SOURCE_LEN
from .base import TENANT_LEN
from .base import Base
from .base import JsonDict
from .base import JsonList
from .base import record_id_trimmed
from .base import utcnow


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


class SubjectRecord(Base):
    """Link of one host person record to its data subject (one row per record).

    The primary key ``(tenant_key, source_key, record_id)`` allows one subject per
    record id; ``record_id`` is canonical (:func:`~.store.refs.canonical_id`), so
    one record has one id, and a CHECK refuses an empty or padded one.
    """

    __tablename__ = "tenant_privacy_subject_record"
    __table_args__ = (
        # a subject's records read from the index alone (a visibility clause
        # turns the subjects of deny lines into record ids with it); subject_id
        # leads, so that no query by tenant alone takes this index for a scan
        sa.Index(
            "ix_tp_subject_record_subject",
            "subject_id",
            "tenant_key",
            "source_key",
            "record_id",
        ),
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
