"""Helpers of the audit tests that run in child processes (importable by spawn)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm


def append_events(url: str, tenant: str, count: int, worker: int) -> int:
    """Append *count* events to *tenant*, one transaction each; return the count."""
    from tenant_privacy.services import audit

    engine = sa.create_engine(url)
    try:
        for i in range(count):
            with orm.Session(engine) as session:
                audit.record(
                    session,
                    tenant,
                    "system",
                    audit.Action.SEARCH,
                    detail=f"worker={worker} i={i}",
                )
                session.commit()
    finally:
        engine.dispose()
    return count
