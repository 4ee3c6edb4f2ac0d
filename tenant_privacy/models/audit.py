"""The audit chain: its head per tenant and its append-only events."""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

from .. import audit_ddl
from .base import TENANT_LEN
from .base import Base
from .base import utcnow


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


audit_ddl.attach(AuditEvent.__table__)
