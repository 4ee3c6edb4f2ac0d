"""Erasure through a real redis-server and rq worker process: the officer's
confirmation only queues it; the worker erases the person in one transaction and
the request ends done. A bulk batch runs on the worker the same way.

A user who deletes themselves is logged out at once and erased by the worker;
when the host's database refuses the erasure on the worker, the request ends
failed with a reason an officer can read, audited by ids only, and the officer's
retry erases the user."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from demo.models import Contact
from demo.models import User
from demo.models import db
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import ErasureBatch
from tenant_privacy.models import ErasureJob
from tenant_privacy.models import PrivacyRequest
from tenant_privacy.models import Subject
from tenant_privacy.services import erasure
from tests import linking_helpers as lh
from tests.test_disclosure_rq import _officer
from tests.test_disclosure_rq import _subject
from tests.test_disclosure_rq import _worker
from tests.test_disclosure_rq import rq_app  # noqa: F401 - the fixture
from tests.test_erasure import _leaks
from tests.test_erasure import _text_values
from tests.test_selfservice import FORMER
from tests.test_selfservice import NAME
from tests.test_selfservice import STAFF
from tests.test_selfservice import _delete
from tests.test_selfservice import _setup

pytestmark = pytest.mark.redis


def _run_worker(info) -> None:
    worker = _worker(info)
    _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err[-2000:]


def test_an_erasure_runs_on_a_worker(rq_app, login):  # noqa: F811
    app, info = rq_app
    subject_id = _subject(app, notes=3)
    officer = _officer(app, login)
    resp = officer.post(
        f"/privacy/subjects/{subject_id}/erase", data={"confirm": "yes"}
    )
    assert resp.status_code == 302
    with app.app_context():  # queued, not run in the request
        job = db.session.scalars(sa.select(ErasureJob)).one()
        assert job.status == "queued"
        assert db.session.get(Subject, subject_id).state == "active"
    _run_worker(info)
    with app.app_context():
        job = db.session.scalars(sa.select(ErasureJob)).one()
        assert (job.status, job.anonymised) == ("done", 4)
        request = db.session.get(PrivacyRequest, job.request_id)
        assert request.state == "done"
        assert db.session.get(Subject, subject_id).state == "erased"
        emails = db.session.scalars(sa.select(Contact.email)).all()
        assert "kari.w@example.no" not in emails
    page = officer.get(f"/privacy/requests/{job.request_id}").get_data(as_text=True)
    assert 'data-state="done"' in page


def test_a_bulk_batch_runs_on_a_worker(rq_app):  # noqa: F811
    app, info = rq_app
    with app.app_context():
        scope = lh.scope_of(app, "fjord")
        refs = [
            lh.add_contact("fjord", f"Bulk{i}", "Worker", email=f"bulk{i}@example.no")
            for i in range(5)
        ]
        subjects = [scope.subject_of(r).id for r in refs]
        batch, made = erasure.request_erasures(scope, "user:1", subjects)
        db.session.commit()
        batch_id = batch.id
        app.extensions["tenant_privacy"].jobs.enqueue(
            "erase_batch", tenant="fjord", batch_id=batch_id
        )
    _run_worker(info)
    with app.app_context():
        row = db.session.get(ErasureBatch, batch_id)
        assert (row.status, row.erased, row.failed) == ("done", 5, 0)
        states = {db.session.get(Subject, s).state for s in subjects}
        assert states == {"erased"}
        assert len(made) == 5


# -- a user deletes themselves; the worker erases them -------------------------
#: A rule of the host's own database: user names and addresses are read-only
#: (say, while a directory sync runs). Any write of them fails, the erasure's too.
FREEZE_USERS = (
    "CREATE TRIGGER users_frozen BEFORE UPDATE OF name, email ON user "
    "BEGIN SELECT RAISE(ABORT, 'user directory sync running'); END"
)


def _delete_myself(app, login, *, freeze: bool = False) -> tuple[dict, int]:
    """The staff user deletes themselves (with the host's users frozen first, if
    *freeze*); returns the setup and the request id."""
    p = _setup(app)
    if freeze:
        with app.app_context():
            db.session.execute(sa.text(FREEZE_USERS))
            db.session.commit()
    me = app.test_client()
    login(me, STAFF)
    resp = _delete(me, p["subject"])
    assert resp.status_code == 200, resp.get_data(as_text=True)
    page = resp.get_data(as_text=True)
    assert 'data-erasure="pending"' in page and "being erased now" in page
    # logged out at once, and the login fails, before any worker ran
    assert me.get("/privacy/me").status_code == 302
    again = app.test_client()
    assert login(again, STAFF).status_code == 401
    with app.app_context():
        job = db.session.scalars(sa.select(ErasureJob)).one()
        assert job.status == "queued"
        assert db.session.get(User, p["user"]).name == NAME
        return p, job.request_id


def _self_events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def test_a_self_deletion_is_erased_by_the_worker(rq_app, login):  # noqa: F811
    app, info = rq_app
    p, request_id = _delete_myself(app, login)
    _run_worker(info)
    with app.app_context():
        request = db.session.get(PrivacyRequest, request_id)
        assert (request.channel, request.state) == ("self_service", "done")
        job = db.session.scalars(sa.select(ErasureJob)).one()
        assert job.status == "done" and job.actor == f"user:{p['user']}"
        assert db.session.get(Subject, p["subject"]).state == "erased"
    assert _leaks(_text_values(app), FORMER) == []
    (deleted,) = _self_events(app, "self.deleted")
    assert deleted.actor == f"user:{p['user']}"
    assert deleted.subject_id == p["subject"]
    assert deleted.data == {"request": request_id, "erasure": job.id}
    (executed,) = _self_events(app, "erasure.executed")
    assert executed.subject_id == p["subject"]
    assert _self_events(app, "erasure.failed") == []


def test_a_failed_self_erasure_on_the_worker_is_retried_by_an_officer(
    rq_app,  # noqa: F811
    login,
):
    app, info = rq_app
    p, request_id = _delete_myself(app, login, freeze=True)
    _run_worker(info)  # the job fails on the worker; the worker goes on
    with app.app_context():
        request = db.session.get(PrivacyRequest, request_id)
        assert request.state == "failed"
        job = db.session.scalars(sa.select(ErasureJob)).one()
        assert (job.status, job.error) == ("failed", "IntegrityError")
        # nothing of the erasure happened: one transaction, rolled back
        assert db.session.get(User, p["user"]).name == NAME
        assert db.session.get(Subject, p["subject"]).state == "active"
        failed_job = job.id
    # the audit trail: who asked, then that it failed; ids only
    (deleted,) = _self_events(app, "self.deleted")
    (failed,) = _self_events(app, "erasure.failed")
    assert failed.seq > deleted.seq
    assert (failed.actor, failed.subject_id) == ("system", p["subject"])
    assert failed.data == {"request": request_id, "erasure": failed_job}
    assert failed.detail == "error=IntegrityError"
    assert failed.record_refs == [] and failed.fields == []
    audit_texts = [v for v in _text_values(app) if v[0] == AuditEvent.__tablename__]
    assert audit_texts and _leaks(audit_texts, FORMER) == []
    assert _self_events(app, "erasure.executed") == []
    # the officer finds it failed in the register, with a reason in words
    officer = _officer(app, login)
    listed = officer.get("/privacy/requests?state=failed").get_data(as_text=True)
    assert f"/privacy/requests/{request_id}" in listed
    page = officer.get(f"/privacy/requests/{request_id}").get_data(as_text=True)
    assert 'data-state="failed"' in page and 'data-job="failed"' in page
    assert "The database refused one of its changes" in page
    assert "data-self-deleted" in page and "erasure-retry" in page
    log = officer.get("/privacy/audit").get_data(as_text=True)
    assert f"could not finish the erasure of request {request_id}" in log
    # the host's rule is lifted; the officer starts it again and the worker erases
    with app.app_context():
        db.session.execute(sa.text("DROP TRIGGER users_frozen"))
        db.session.commit()
    resp = officer.post(f"/privacy/requests/{request_id}/erasure-retry")
    assert resp.status_code == 302
    _run_worker(info)
    with app.app_context():
        request = db.session.get(PrivacyRequest, request_id)
        assert request.state == "done"
        jobs = db.session.scalars(sa.select(ErasureJob).order_by(ErasureJob.id)).all()
        assert [j.status for j in jobs] == ["failed", "done"]
        assert db.session.get(Subject, p["subject"]).state == "erased"
    assert _leaks(_text_values(app), FORMER) == []
    (executed,) = _self_events(app, "erasure.executed")
    assert executed.actor.startswith("user:") and executed.actor != deleted.actor
    page = officer.get(f"/privacy/requests/{request_id}").get_data(as_text=True)
    assert 'data-state="done"' in page
