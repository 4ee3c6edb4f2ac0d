"""Casbin policy lines (module rights and visibility rules) and the per-tenant
policy version."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from .base import TENANT_LEN
from .base import Base


class CasbinRule(Base):
    """A Casbin policy line (``p`` or ``g``), with opaque ids only."""

    __tablename__ = "tenant_privacy_casbin_rule"
    __table_args__ = (
        # lines by type and domain; with the act/group, object and subject behind
        # them a visibility look-up (the deny lines of one group) reads the index
        # alone
        sa.Index("ix_tp_casbin_rule_line", "ptype", "v1", "v3", "v2", "v0"),
        # grouping lines by domain and member: the rights loader, the officer
        # check and the exemption lines of one viewer
        sa.Index("ix_tp_casbin_rule_g", "ptype", "v2", "v0", "v1"),
        # lines by type and object: the deny lines of one data subject, probed
        # once per record of a page
        sa.Index("ix_tp_casbin_rule_object", "ptype", "v2", "v1", "v3", "v0"),
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
