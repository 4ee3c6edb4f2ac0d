"""An erasure at the same moment as a link, an export build or an incremental
match of the same person (PostgreSQL, two real transactions): the state ends
consistent and the erasure wins; nothing personal is re-created."""

from __future__ import annotations

import importlib
import pathlib
import threading
import time
import typing as t

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy.errors import ExportRevoked
from tenant_privacy.errors import MergeConflict
from tenant_privacy.models import BlockingKey
from tenant_privacy.models import ExportJob
from tenant_privacy.models import MatchRecord
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.models import MergeRecord
from tenant_privacy.models import PrivacyRequest
from tenant_privacy.models import Subject
from tenant_privacy.models import SubjectRecord
from tenant_privacy.services import disclosure
from tenant_privacy.services import duplicates
from tenant_privacy.services import erasure
from tenant_privacy.services import linking
from tenant_privacy.store.scope import TenantScope
from tests import linking_helpers as lh

EMAIL = "zelmira.q@example.no"
#: the module (the package exports its function ``execute`` under that name)
erasure_execute = importlib.import_module("tenant_privacy.services.erasure.execute")

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(make_app, postgres_server):
    """The demo on PostgreSQL with tenant fjord, no automatic matching (each test
    matches on purpose), links mailed from a worker's point of view."""
    app = make_app(
        postgres_server.create_database(),
        TENANT_PRIVACY_AUTO_MATCH=False,
        TENANT_PRIVACY_PUBLIC_URL="https://crm.example.test",
    )
    from demo.models import Tenant
    from demo.models import db

    with app.app_context():
        db.session.add(Tenant(key="fjord", name="Fjord"))
        db.session.commit()
    return app


def _zelmira(app) -> dict[str, t.Any]:
    """Zelmira's contact, her twin registration (another subject), Bror (someone
    else) and her queued erasure."""
    from demo.models import db

    with app.app_context():
        scope = app.extensions["tenant_privacy"].scope("fjord")
        mine = lh.add_contact(
            "fjord", "Zelmira", "Quist", email=EMAIL, phone="93456781"
        )
        twin = lh.add_contact(
            "fjord", "Zelmira", "Quist", email=EMAIL, phone="93456781"
        )
        other = lh.add_contact("fjord", "Bror", "Berg", email="bror@example.no")
        subject = scope.subject_of(mine).id
        for ref in (twin, other):
            scope.subject_of(ref)
        db.session.commit()
        return {"mine": mine, "twin": twin, "other": other, "subject": subject}


def _queue_erasure(app, subject_id: int) -> int:
    from demo.models import db

    with app.app_context():
        scope = app.extensions["tenant_privacy"].scope("fjord")
        _, job = erasure.request_erasure(scope, "user:1", subject_id)
        db.session.commit()
        return job.id


def _slow_erasure(monkeypatch) -> threading.Event:
    """The erasure, once it holds the grouping lock and has read the person,
    waits a moment; the event says it got there."""
    started = threading.Event()
    original = erasure_execute.plan_erasure

    def slow(*args, **kwargs):
        plan = original(*args, **kwargs)
        started.set()
        time.sleep(0.5)
        return plan

    monkeypatch.setattr(erasure_execute, "plan_erasure", slow)
    return started


def _run(*targets: t.Callable[[], None]) -> None:
    threads = [threading.Thread(target=f) for f in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads)


def _erase_in_thread(
    app, job_id: int, errors: list, done: threading.Event | None = None
):
    from tenant_privacy.jobs.erasure import erase_job

    def run() -> None:
        with app.app_context():
            try:
                erase_job("fjord", job_id)
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                if done is not None:
                    done.set()

    return run


def _engine(app):
    from demo.models import db

    with app.app_context():
        return db.engine


def _traces(app, ref) -> dict[str, int]:
    """The module's matching traces of record *ref*."""
    with orm.Session(_engine(app)) as s:
        keys = s.scalar(
            sa.select(sa.func.count())
            .select_from(BlockingKey)
            .where(BlockingKey.source_key == ref[0], BlockingKey.record_id == ref[1])
        )
        prints = s.scalar(
            sa.select(sa.func.count())
            .select_from(MatchRecord)
            .where(MatchRecord.source_key == ref[0], MatchRecord.record_id == ref[1])
        )
        pairs = s.scalar(
            sa.select(sa.func.count())
            .select_from(MatchSuggestion)
            .where(
                sa.or_(
                    sa.and_(
                        MatchSuggestion.a_source == ref[0],
                        MatchSuggestion.a_id == ref[1],
                    ),
                    sa.and_(
                        MatchSuggestion.b_source == ref[0],
                        MatchSuggestion.b_id == ref[1],
                    ),
                )
            )
        )
    return {"keys": keys, "fingerprints": prints, "suggestions": pairs}


def _contact_email(app, ref) -> str | None:
    from demo.models import Contact

    with orm.Session(_engine(app)) as s:
        return s.get(Contact, int(ref[1])).email


def test_erasure_and_a_link_of_the_same_person(pg, monkeypatch):
    p = _zelmira(pg)
    job_id = _queue_erasure(pg, p["subject"])
    started = _slow_erasure(monkeypatch)
    state = pg.extensions["tenant_privacy"]
    errors: list[BaseException] = []
    outcome: list[str] = []

    def link() -> None:
        assert started.wait(timeout=30)
        with pg.app_context(), orm.Session(_engine(pg)) as session:
            scope = TenantScope(session, "fjord", state.registry)
            try:
                linking.link_records(scope, "user:2", [p["mine"], p["other"]])
                session.commit()
                outcome.append("linked")
            except MergeConflict:
                session.rollback()
                outcome.append("refused")

    _run(_erase_in_thread(pg, job_id, errors), link)
    assert errors == [] and outcome == ["refused"]
    with orm.Session(_engine(pg)) as s:
        assert s.get(Subject, p["subject"]).state == "erased"
        owners = dict(
            s.execute(
                sa.select(SubjectRecord.record_id, SubjectRecord.subject_id).where(
                    SubjectRecord.tenant_key == "fjord"
                )
            ).all()
        )
        assert owners[p["mine"][1]] == p["subject"]
        assert owners[p["other"][1]] != p["subject"]
        assert not s.scalars(sa.select(MergeRecord)).first()
    assert _contact_email(pg, p["mine"]) != EMAIL
    assert _contact_email(pg, p["other"]) == "bror@example.no"


def test_erasure_while_an_export_of_the_person_is_built(pg, monkeypatch):
    from demo.models import db
    from tenant_privacy.jobs.disclosure import build_export_job

    p = _zelmira(pg)
    with pg.app_context():
        scope = pg.extensions["tenant_privacy"].scope("fjord")
        request, export = disclosure.request_disclosure(
            scope, "user:1", p["subject"], EMAIL
        )
        db.session.commit()
        request_id, export_id = request.id, export.id
        folder = pathlib.Path(pg.extensions["tenant_privacy"].export_dir)
    job_id = _queue_erasure(pg, p["subject"])
    built, erased = threading.Event(), threading.Event()
    original = disclosure.build_bundle

    def slow_build(*args, **kwargs):  # the zip is written; the erasure comes now
        writer = original(*args, **kwargs)
        built.set()
        assert erased.wait(timeout=30)
        return writer

    monkeypatch.setattr(disclosure, "build_bundle", slow_build)
    errors: list[BaseException] = []
    revoked: list[BaseException] = []

    def build() -> None:
        with pg.app_context():
            try:
                build_export_job("fjord", export_id)
            except ExportRevoked as exc:
                revoked.append(exc)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def erase() -> None:
        assert built.wait(timeout=30)
        _erase_in_thread(pg, job_id, errors, erased)()

    _run(build, erase)
    assert errors == [] and len(revoked) == 1
    with orm.Session(_engine(pg)) as s:
        assert s.get(Subject, p["subject"]).state == "erased"
        assert s.get(PrivacyRequest, request_id).state == "revoked"
        export_row = s.get(ExportJob, export_id)
        assert export_row.status == "failed" and export_row.token_hash is None
    # no zip of the person is left, and no mail with a link went out
    assert (
        not [f for f in folder.rglob("*") if f.is_file()] if folder.exists() else True
    )
    instance = pathlib.Path(pg.instance_path)
    mails = [m for m in instance.rglob("*.eml")]
    assert not any(EMAIL in m.read_text(errors="replace") for m in mails)


def test_a_match_of_the_person_first_then_the_erasure_wins(pg, monkeypatch):
    from tenant_privacy.services.duplicates import incremental

    p = _zelmira(pg)
    job_id = _queue_erasure(pg, p["subject"])
    state = pg.extensions["tenant_privacy"]
    matching = threading.Event()
    original = incremental.mi.write_index

    def slow_index(*args, **kwargs):  # the match holds the lock and writes keys
        out = original(*args, **kwargs)
        matching.set()
        time.sleep(0.5)
        return out

    monkeypatch.setattr(incremental.mi, "write_index", slow_index)
    errors: list[BaseException] = []

    def match() -> None:
        with pg.app_context(), orm.Session(_engine(pg)) as session:
            scope = TenantScope(session, "fjord", state.registry)
            try:
                duplicates.match_record(scope, "contact", p["mine"][1])
                session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def erase() -> None:
        assert matching.wait(timeout=30)
        _erase_in_thread(pg, job_id, errors)()

    _run(match, erase)
    assert errors == []
    assert _traces(pg, p["mine"]) == {"keys": 0, "fingerprints": 0, "suggestions": 0}
    assert _contact_email(pg, p["mine"]) != EMAIL


def _one_by_one(scope, refs) -> None:
    for source_key, record_id in refs:
        duplicates.match_record(scope, source_key, record_id)


@pytest.mark.parametrize(
    "match_batch",
    [_one_by_one, duplicates.match_records],
    ids=["record_by_record", "bulk_as_the_job_does"],
)
def test_an_erasure_first_then_a_match_of_the_person_stores_nothing(
    pg, monkeypatch, match_batch
):
    p = _zelmira(pg)
    job_id = _queue_erasure(pg, p["subject"])
    started = _slow_erasure(monkeypatch)
    state = pg.extensions["tenant_privacy"]
    errors: list[BaseException] = []

    def match() -> None:
        assert started.wait(timeout=30)
        with pg.app_context(), orm.Session(_engine(pg)) as session:
            scope = TenantScope(session, "fjord", state.registry)
            try:
                match_batch(scope, [p["mine"], p["twin"]])
                session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    _run(_erase_in_thread(pg, job_id, errors), match)
    assert errors == []
    assert _traces(pg, p["mine"]) == {"keys": 0, "fingerprints": 0, "suggestions": 0}
    with orm.Session(_engine(pg)) as s:
        assert s.get(Subject, p["subject"]).state == "erased"
