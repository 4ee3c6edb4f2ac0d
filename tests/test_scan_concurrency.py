"""Scans under concurrency (PostgreSQL): two officers starting one at a moment get
one scan; a record matched while a scan saves its pairs waits for it."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy.errors import ScanInProgress
from tenant_privacy.jobs.lifecycle import run_tracked
from tenant_privacy.models import ScanJob
from tenant_privacy.services import duplicates
from tenant_privacy.services.duplicates import suggestions
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


@pytest.mark.postgres
def test_a_record_matched_while_a_scan_saves_its_pairs(pg_app, monkeypatch) -> None:
    """A host saves a record while a scan stores its suggestions: the record's
    match waits for the scan, so the scan neither fails on a pair stored twice
    nor loses the pair; one pending suggestion remains."""
    from demo.models import Contact
    from demo.models import db
    from tenant_privacy.models import MatchSuggestion

    state = pg_app.extensions["tenant_privacy"]
    with pg_app.app_context():
        engine = db.engine
        twins = [
            Contact(
                tenant_key="fjord",
                first_name="Kari",
                last_name="Nordmann",
                email="kari.nordmann@example.no",
                phone="91234567",
            )
            for _ in range(2)
        ]
        db.session.add_all(twins)
        db.session.commit()
        twin_ids = {str(t.id) for t in twins}
        first = str(twins[0].id)
        scope = TenantScope(db.session, "fjord", state.registry)
        scan_id = duplicates.start_scan(scope, "user:1").id
        db.session.commit()

    saving = threading.Event()
    original = suggestions._insert_new

    def slow_insert(session, rows):  # the scan has read the stored suggestions
        saving.set()
        time.sleep(0.5)
        original(session, rows)

    monkeypatch.setattr(suggestions, "_insert_new", slow_insert)
    errors: list[BaseException] = []

    def scan() -> None:
        with pg_app.app_context(), orm.Session(engine) as session:
            scope = TenantScope(session, "fjord", state.registry)
            try:
                run_tracked(
                    scope,
                    ScanJob,
                    scan_id,
                    lambda scan, progress: duplicates.run_scan(scope, scan, progress),
                    commit_progress=True,
                )
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def save_record() -> None:
        assert saving.wait(timeout=30)
        with pg_app.app_context(), orm.Session(engine) as session:
            scope = TenantScope(session, "fjord", state.registry)
            try:
                duplicates.match_record(scope, "contact", first)
                session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=scan), threading.Thread(target=save_record)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []
    with orm.Session(engine) as s:
        scan_row = s.get(ScanJob, scan_id)
        assert scan_row is not None and scan_row.status == "done"
        rows = s.scalars(
            sa.select(MatchSuggestion).where(MatchSuggestion.tenant_key == "fjord")
        ).all()
        assert [(r.status, {r.a_id, r.b_id}) for r in rows] == [("pending", twin_ids)]
