"""Erasures whose worker went away (killed by the OOM killer, a deploy): every
reader of the register (its page, a request's page, the erasure preview, the
CLI) marks a stale erasure failed, its request failed with a reason an officer
can read, audited ``erasure.failed`` by ids; the officer's retry finishes it,
even when the host's tables had kept half of it. A live erasure (a recent
heartbeat, or a transaction holding its row) is never taken for dead; a stale
bulk batch fails the persons it did not reach and keeps those it did.

A row is made stale by setting its heartbeat in the past: no test waits."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import threading

import pytest
import sqlalchemy as sa

from demo.models import Invoice
from demo.models import Lead
from demo.models import Note
from demo.models import db
from tenant_privacy.core.strategies import new_salt
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import ErasureBatch
from tenant_privacy.models import ErasureJob
from tenant_privacy.models import ExportJob
from tenant_privacy.models import PrivacyRequest
from tenant_privacy.models import Subject
from tenant_privacy.models import utcnow
from tenant_privacy.services import disclosure
from tenant_privacy.services import erasure
from tenant_privacy.services.erasure.execute import apply_values
from tenant_privacy.services.erasure.plan import identifiers_of
from tests import linking_helpers as lh
from tests.conftest import scope_of
from tests.conftest import seed
from tests.test_erasure import EMAIL
from tests.test_erasure import _leaks
from tests.test_erasure import _person
from tests.test_erasure import _text_values

#: a heartbeat this old is past every stale limit
LONG_AGO = dt.timedelta(hours=3)
#: invoice fields kept under the Bookkeeping Act (not personal values)
KEPT = {("invoice", "number"), ("invoice", "amount"), ("invoice", "due_date")}


@pytest.fixture
def app(make_app):
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


def _officer(app, login):
    client = app.test_client()
    login(client, "officer@fjord.test")
    return client


def _killed(app, subject_id: int, *, half: bool = False, ago=LONG_AGO) -> dict:
    """An erasure of the subject whose worker was killed: its job running with
    its last heartbeat *ago*, its request erasing. With *half*, the host's tables
    kept half of it (they commit apart from the module's): the lead anonymised
    and the old invoice deleted; the contact and the note as they were."""
    with app.app_context():
        scope = scope_of(app, "fjord")
        request, job = erasure.request_erasure(scope, "user:1", subject_id)
        if half:
            plan = erasure.plan_erasure(scope, subject_id, labels=False)
            for record in plan.records:
                if record.source.key == "lead":
                    apply_values(
                        scope,
                        record.source,
                        record.record_id,
                        record.row,
                        record.changes,
                        salt=new_salt(),
                        redaction="[erased]",
                        identifiers=identifiers_of(plan),
                    )
                elif record.delete_now:
                    scope.delete_rows(record.source, [record.record_id])
        job.status, job.heartbeat_at = "running", utcnow() - ago
        request.state = "erasing"
        db.session.commit()
        return {"request": request.id, "job": job.id, "subject": subject_id}


def _failures(app) -> list[AuditEvent]:
    with app.app_context():
        stmt = sa.select(AuditEvent).where(AuditEvent.action == "erasure.failed")
        return list(db.session.scalars(stmt.order_by(AuditEvent.seq)))


def _states(app, *request_ids: int) -> list[str]:
    with app.app_context():
        return [db.session.get(PrivacyRequest, i).state for i in request_ids]


def _job(app, job_id: int) -> tuple[str, str | None]:
    with app.app_context():
        job = db.session.get(ErasureJob, job_id)
        return job.status, job.error


def _cli_states(app) -> dict[int, str]:
    """``privacy requests list``: request id -> state."""
    result = app.test_cli_runner().invoke(
        args=["privacy", "requests", "list", "--tenant", "fjord"]
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()]
    return {int(row[0]): row[2] for row in rows}


def _page_states(officer) -> dict[int, str]:
    """The register page: request id -> state."""
    page = officer.get("/privacy/requests")
    assert page.status_code == 200
    found = re.findall(r'data-request="(\d+)" data-state="(\w+)"', page.text)
    return {int(i): state for i, state in found}


# -- every reader marks a stale erasure failed -------------------------------------
READERS = {
    "register page": lambda app, officer, k: officer.get("/privacy/requests"),
    "request page": lambda app, officer, k: officer.get(
        f"/privacy/requests/{k['request']}"
    ),
    "erasure page": lambda app, officer, k: officer.get(
        f"/privacy/subjects/{k['subject']}/erase"
    ),
    "requests list": lambda app, officer, k: app.test_cli_runner().invoke(
        args=["privacy", "requests", "list", "--tenant", "fjord"]
    ),
    "export status": lambda app, officer, k: app.test_cli_runner().invoke(
        args=["privacy", "export", "status", "--tenant", "fjord", str(k["request"])]
    ),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_each_reader_marks_a_stale_erasure_failed_audited_by_ids(app, login, reader):
    p = _person(app)
    killed = _killed(app, p["subject"])
    officer = _officer(app, login)
    answer = READERS[reader](app, officer, killed)
    if hasattr(answer, "status_code"):
        assert answer.status_code == 200
        text = answer.text
    else:
        assert answer.exit_code == 0, answer.output
        text = answer.output
    assert _states(app, killed["request"]) == ["failed"]
    assert _job(app, killed["job"]) == ("failed", "stale")
    if reader == "export status":
        assert "stopped without finishing" in text
    if reader == "erasure page":  # it sends the officer to the request
        assert "data-started-erasures" in text
        assert f"/privacy/requests/{killed['request']}" in text
    [event] = _failures(app)
    assert event.actor == "system" and event.subject_id == p["subject"]
    assert event.data == {"request": killed["request"], "erasure": killed["job"]}
    assert event.detail == "error=stale"
    # read again: nothing more happens
    READERS[reader](app, officer, killed)
    assert len(_failures(app)) == 1


def test_a_killed_half_done_erasure_is_failed_then_a_retry_finishes_it(
    any_db_app, login
):
    app = any_db_app
    p = _person(app)
    with app.app_context():
        lead_before = db.session.get(Lead, int(p["lead"][1])).first_name
    killed = _killed(app, p["subject"], half=True)
    with app.app_context():
        lead = db.session.get(Lead, int(p["lead"][1]))
        half_erased = (lead.first_name, lead.email, lead.message)
        assert lead.first_name != lead_before  # the half the host kept
        assert db.session.get(Invoice, int(p["old"][1])) is None
        assert db.session.get(Note, int(p["note"][1])).body.startswith("Zelmira")
    officer = _officer(app, login)
    page = officer.get(f"/privacy/requests/{killed['request']}")
    assert page.status_code == 200
    assert 'data-state="failed"' in page.text and 'data-job="failed"' in page.text
    assert "stopped without finishing" in page.text  # the reason, in words
    assert "erasure-retry" in page.text
    retried = officer.post(
        f"/privacy/requests/{killed['request']}/erasure-retry", follow_redirects=True
    )
    assert 'data-state="done"' in retried.text
    with app.app_context():
        assert db.session.get(Subject, p["subject"]).state == "erased"
        lead = db.session.get(Lead, int(p["lead"][1]))
        # what was erased stays as the first run left it; the rest is erased now
        assert (lead.first_name, lead.email, lead.message) == half_erased
        assert not db.session.get(Note, int(p["note"][1])).body.startswith("Zelmira")
        assert db.session.get(Invoice, int(p["recent"][1])) is not None  # held
        jobs = db.session.scalars(sa.select(ErasureJob).order_by(ErasureJob.id))
        assert [(j.status, j.error) for j in jobs] == [
            ("failed", "stale"),
            ("done", None),
        ]
    leaks = [x for x in _leaks(_text_values(app)) if (x[0], x[1]) not in KEPT]
    assert leaks == []


def test_a_live_erasure_with_a_recent_heartbeat_is_left_alone(app, login):
    p = _person(app)
    live = _killed(app, p["subject"], ago=dt.timedelta(minutes=1))
    with app.app_context():  # one of a batch, queued long ago, its batch alive
        scope = scope_of(app, "fjord")
        other = scope.subject_of(lh.add_contact("fjord", "Bror", "Quist")).id
        batch, made = erasure.request_erasures(scope, "user:1", [other])
        batch.status, batch.heartbeat_at = "running", utcnow()
        waiting = db.session.scalars(
            sa.select(ErasureJob).where(ErasureJob.batch_id == batch.id)
        ).one()
        waiting.created_at = utcnow() - LONG_AGO
        db.session.commit()
        queued = made[other].id
    officer = _officer(app, login)
    for reader in READERS.values():
        reader(app, officer, live)
    assert _states(app, live["request"], queued) == ["erasing", "received"]
    assert _job(app, live["job"]) == ("running", None)
    assert _cli_states(app)[live["request"]] == "erasing"
    assert _failures(app) == []


def test_a_stale_batch_fails_the_persons_it_did_not_reach(app, login):
    with app.app_context():
        scope = scope_of(app, "fjord")
        subjects = [
            scope.subject_of(
                lh.add_contact("fjord", f"Bulk{i}", "Person", email=f"b{i}@x.no")
            ).id
            for i in range(3)
        ]
        batch, made = erasure.request_erasures(scope, "user:1", subjects)
        db.session.commit()
        batch_id = batch.id
        requests = [made[s].id for s in subjects]
        jobs = list(erasure.batch_jobs(scope, batch_id))
    with app.app_context():  # the worker erased the first person, then was killed
        app.extensions["tenant_privacy"].jobs.enqueue(
            "erase", tenant="fjord", erasure_id=jobs[0]
        )
        row = db.session.get(ErasureBatch, batch_id)
        row.status, row.heartbeat_at = "running", utcnow() - LONG_AGO
        db.session.commit()
    assert _cli_states(app)[requests[1]] == "failed"
    assert _states(app, *requests) == ["done", "failed", "failed"]
    with app.app_context():
        row = db.session.get(ErasureBatch, batch_id)
        assert (row.status, row.error) == ("failed", "stale")
        states = [db.session.get(Subject, s).state for s in subjects]
        assert states == ["erased", "active", "active"]
    assert [_job(app, j) for j in jobs] == [
        ("done", None),
        ("failed", "stale"),
        ("failed", "stale"),
    ]
    assert [e.data["request"] for e in _failures(app)] == requests[1:]
    officer = _officer(app, login)
    assert _page_states(officer) == _cli_states(app)
    officer.post(f"/privacy/requests/{requests[1]}/erasure-retry")
    assert _states(app, *requests) == ["done", "done", "failed"]


def _stale_disclosure(app) -> int:
    """A disclosure whose build's worker was killed: running, an old heartbeat."""
    with app.app_context():
        scope = scope_of(app, "fjord")
        subject = scope.subject_of(lh.add_contact("fjord", "Ola", "Build")).id
        request, export = disclosure.request_disclosure(scope, "user:1", subject, EMAIL)
        export.status, export.heartbeat_at = "running", utcnow() - LONG_AGO
        request.state = "building"
        db.session.commit()
        return request.id


def _stale_erasure(app) -> int:
    with app.app_context():
        scope = scope_of(app, "fjord")
        subject = scope.subject_of(lh.add_contact("fjord", "Kari", "Erase")).id
        db.session.commit()
    return _killed(app, subject)["request"]


def test_the_cli_listing_and_the_register_page_agree(app, login):
    officer = _officer(app, login)
    first = (_stale_disclosure(app), _stale_erasure(app))
    listed = _cli_states(app)  # the command reads them first
    assert [listed[i] for i in first] == ["failed", "failed"]
    second = (_stale_disclosure(app), _stale_erasure(app))
    shown = _page_states(officer)  # the page reads them first
    assert [shown[i] for i in second] == ["failed", "failed"]
    assert _page_states(officer) == _cli_states(app)
    with app.app_context():
        exports = db.session.scalars(sa.select(ExportJob.error)).all()
        assert exports == ["stale", "stale"]


# -- a live erasure's transaction shows it alive (PostgreSQL) ------------------------
#: the module (the package exports its function ``execute`` under that name)
execute_module = importlib.import_module("tenant_privacy.services.erasure.execute")


def _held(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The first erasure, once it reported (its row held) and read the person,
    waits until released; the first event says it got there."""
    started, release = threading.Event(), threading.Event()
    original = execute_module.plan_erasure

    def held(*args, **kwargs):
        plan = original(*args, **kwargs)
        if not started.is_set():
            started.set()
            release.wait(timeout=60)
        return plan

    monkeypatch.setattr(execute_module, "plan_erasure", held)
    return started, release


@pytest.mark.postgres
@pytest.mark.parametrize("bulk", [False, True], ids=["single", "batch"])
def test_an_erasure_at_work_is_never_taken_for_dead(
    make_app, postgres_server, monkeypatch, bulk
):
    """Its one transaction commits no heartbeat, and every committed one is past
    the (tiny) limit; the lock its first report took on its row (and, in a batch,
    on the batch's row) is what keeps readers off."""
    from demo.models import Tenant
    from tenant_privacy.jobs.erasure import erase_batch_job
    from tenant_privacy.jobs.erasure import erase_job

    app = make_app(
        postgres_server.create_database(),
        TENANT_PRIVACY_AUTO_MATCH=False,
        TENANT_PRIVACY_ERASURE_STALE_MINUTES=1e-6,
    )
    with app.app_context():
        db.session.add(Tenant(key="fjord", name="Fjord"))
        db.session.commit()
        app.extensions["tenant_privacy"].extension.enable_tenant("fjord")
        scope = scope_of(app, "fjord")
        subjects = [
            scope.subject_of(lh.add_contact("fjord", name, "Live", email=mail)).id
            for name, mail in (("Kari", "kari@x.no"), ("Ola", "ola@x.no"))
        ]
        if bulk:
            batch, made = erasure.request_erasures(scope, "user:1", subjects)
            requests = [made[s].id for s in subjects]
        else:
            request, job = erasure.request_erasure(scope, "user:1", subjects[0])
            requests = [request.id]
        db.session.commit()
        work = (erase_batch_job, batch.id) if bulk else (erase_job, job.id)
    started, release = _held(monkeypatch)
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                work[0]("fjord", work[1])
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(timeout=60)
        listed = _cli_states(app)  # must neither wait for it nor fail it
        assert worker.is_alive()  # the listing did not wait for the erasure
    finally:
        release.set()
        worker.join(timeout=60)
    assert not worker.is_alive() and errors == []
    assert [listed[i] for i in requests] == ["received"] * len(requests)
    assert _states(app, *requests) == ["done"] * len(requests)
    assert _failures(app) == []
