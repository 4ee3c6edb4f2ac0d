"""Erasure through a real redis-server and rq worker process: the officer's
confirmation only queues it; the worker erases the person in one transaction and
the request ends done. A bulk batch runs on the worker the same way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from demo.models import Contact
from demo.models import db
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
