"""Per-tenant named locks held until the transaction ends.

On PostgreSQL a transaction-level advisory lock keyed by a hash of the lock's
name and the tenant; on SQLite, which has one writer at a time, any write takes
the database's writer lock for the rest of the transaction, so a write that
changes nothing is enough. Two transactions taking the same lock of the same
tenant run one after the other; other tenants and other locks never wait.
"""

from __future__ import annotations

import hashlib
import typing as t

import sqlalchemy as sa

from ..models import Subject

if t.TYPE_CHECKING:
    from .scope import TenantScope

__all__ = ["GROUPING", "SCAN_START", "SELF_REQUEST", "lock_key", "tenant_lock"]

#: Who owns which record: linking, unlinking, and every change of duplicate
#: suggestions (a scan saving its pairs, a record matched on save, an officer's
#: decision) take it, so none of them interleave (a lost decision, a pair inserted
#: twice, a link made from a suggestion while its records move).
GROUPING = "linking"
#: Starting a full scan: two officers pressing "scan" at once start one scan.
SCAN_START = "scan"
#: A user's own request (self-service): two clicks at once register one.
SELF_REQUEST = "self_request"
#: Every lock name; :func:`tenant_lock` refuses others, so names cannot drift.
NAMES = frozenset({GROUPING, SCAN_START, SELF_REQUEST})


def lock_key(name: str, tenant: str) -> int:
    """The signed 64-bit advisory-lock key of lock *name* of *tenant*."""
    digest = hashlib.sha256(f"tenant_privacy.{name}:{tenant}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def tenant_lock(scope: TenantScope, name: str) -> None:
    """Take the tenant's lock *name* (one of :data:`NAMES`); it is held until the
    transaction ends."""
    if name not in NAMES:
        raise ValueError(f"unknown lock {name!r}")
    session = scope.session
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": lock_key(name, scope.tenant)},
        )
    elif dialect == "sqlite":
        # a write that matches no row still takes SQLite's single writer lock
        session.execute(
            sa.update(Subject)
            .where(Subject.tenant_key == scope.tenant, Subject.id == -1)
            .values(state=Subject.state)
        )
