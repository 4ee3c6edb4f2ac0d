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
from tenant_privacy.services.duplicates import scans
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


def _kari(**values: str):
    from demo.models import Contact

    fields = {
        "tenant_key": "fjord",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari.nordmann@example.no",
        "phone": "91234567",
    }
    fields.update(values)
    return Contact(**fields)


@pytest.mark.postgres
def test_a_scan_and_incremental_matching_run_at_the_same_time(pg_app) -> None:
    """A record saved (and matched) while a scan reads the tenant: the scan keeps
    the index usable until it ends, neither side fails on a key stored twice, and
    the new record's suggestion and index rows are there afterwards."""
    from demo.models import Contact
    from demo.models import db
    from tenant_privacy.models import BlockingKey
    from tenant_privacy.models import MatchRecord
    from tenant_privacy.models import MatchSuggestion

    state = pg_app.extensions["tenant_privacy"]
    pg_app.config["TENANT_PRIVACY_AUTO_MATCH"] = False  # matched by hand below
    with pg_app.app_context():
        engine = db.engine
        others = [
            Contact(tenant_key="fjord", first_name=f"Person{i}", last_name="Berg")
            for i in range(30)
        ]
        db.session.add_all([_kari(), *others])
        db.session.commit()
        scope = TenantScope(db.session, "fjord", state.registry)
        scan_id = duplicates.start_scan(scope, "user:1").id
        db.session.commit()
    read_some, saved = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    new_id: list[str] = []

    def pause(done: int, total: int) -> None:
        if 0 < done < total and not read_some.is_set():
            read_some.set()
            assert saved.wait(timeout=30)

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
                    report=pause,
                )
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def save_record() -> None:
        assert read_some.wait(timeout=30)
        with pg_app.app_context(), orm.Session(engine) as session:
            scope = TenantScope(session, "fjord", state.registry)
            try:
                twin = _kari(phone="+47 912 34 567")
                session.add(twin)
                session.commit()
                new_id.append(str(twin.id))
                duplicates.match_record(scope, "contact", new_id[0])
                session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                saved.set()

    threads = [threading.Thread(target=scan), threading.Thread(target=save_record)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scans, "SCAN_BATCH", 10)
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    assert errors == []
    with orm.Session(engine) as s:
        assert s.get(ScanJob, scan_id).status == "done"
        ref = ("fjord", "contact", new_id[0])
        assert s.get(MatchRecord, ref) is not None
        keys = s.scalars(
            sa.select(BlockingKey).where(
                BlockingKey.tenant_key == "fjord",
                BlockingKey.source_key == "contact",
                BlockingKey.record_id == new_id[0],
            )
        ).all()
        assert keys
        pending = s.scalars(
            sa.select(MatchSuggestion).where(
                MatchSuggestion.tenant_key == "fjord",
                MatchSuggestion.status == "pending",
            )
        ).all()
        assert any(new_id[0] in (p.a_id, p.b_id) for p in pending)


@pytest.fixture
def matching_app(make_app):
    """The seeded demo (SQLite) with automatic incremental matching on."""
    from tests.conftest import seed

    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=True))


def test_a_failed_scan_leaves_the_previous_index_in_use(matching_app, monkeypatch):
    """The index is replaced only when a scan succeeds: after a scan that fails,
    the stored keys are those of the last good scan, and a record saved then is
    still matched against them."""
    from demo.models import db
    from tenant_privacy import matching
    from tenant_privacy.jobs.duplicates import scan_job
    from tenant_privacy.models import BlockingKey
    from tests import duplicates_helpers as h

    app = matching_app
    h.scan(app, "fjord")

    def index() -> list[tuple[str, str, str]]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(BlockingKey).where(BlockingKey.tenant_key == "fjord")
            )
            return sorted((k.source_key, k.record_id, k.key_hash) for k in rows)

    before = index()
    assert before

    def broken(*args, **kwargs):
        raise RuntimeError("matcher broke")

    monkeypatch.setattr(matching, "scan_duplicates", broken)
    with app.app_context():
        job = duplicates.start_scan(h.scope(app, "fjord"), "user:1")
        db.session.commit()
        with pytest.raises(RuntimeError):
            scan_job("fjord", job.id)
    assert index() == before
    monkeypatch.undo()
    contact = h.first_contact(app, "fjord")
    lead = h.copy_as_lead(app, contact)  # matched on commit, against the old index
    pending = {
        (s.a_source, s.a_id, s.b_source, s.b_id)
        for s in h.suggestions(app, "fjord", "pending")
    }
    assert ("contact", str(contact), "lead", str(lead)) in pending
