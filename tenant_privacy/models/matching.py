"""Duplicate matching: suggestions, fingerprints of matched records and the
hashed blocking keys."""

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
from .base import utcnow


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
