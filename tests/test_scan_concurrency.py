"""Two officers starting a duplicate scan at one moment get one scan (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy.errors import ScanInProgress
from tenant_privacy.models import ScanJob
from tenant_privacy.services import duplicates
from tenant_privacy.store.scope import TenantScope


@pytest.mark.postgres
def test_concurrent_scan_starts_make_one_scan(pg_app) -> None:
    from demo.models import db

    state = pg_app.extensions["tenant_privacy"]
    with pg_app.app_context():
        engine = db.engine
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start(actor: str) -> None:
        with pg_app.app_context(), orm.Session(engine) as session:
            scope = TenantScope(session, "fjord", state.registry)
            barrier.wait(timeout=10)
            try:
                duplicates.start_scan(scope, actor)
                time.sleep(0.3)  # the other start must wait for this commit
                session.commit()
                outcomes.append("started")
            except ScanInProgress:
                session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=start, args=(f"user:{i}",)) for i in (1, 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert sorted(outcomes) == ["refused", "started"]
    with orm.Session(engine) as s:
        scans = s.scalars(sa.select(ScanJob).where(ScanJob.tenant_key == "fjord")).all()
        assert [scan.status for scan in scans] == ["queued"]
