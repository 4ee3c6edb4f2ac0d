"""Jobs through a real redis-server and rq worker process
(``tenant_privacy.jobs.worker.PrivacyWorker``, listening to the main queue, then
the records queue): a scan, accepting, and incremental matching in batches."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import typing as t
import uuid

import pytest
import sqlalchemy as sa
from redis import Redis
from rq import Queue

from tests import duplicates_helpers as h
from tests.conftest import seed

pytestmark = pytest.mark.redis

ROOT = pathlib.Path(__file__).resolve().parent.parent


WORKER_CLASS = "tenant_privacy.jobs.worker.PrivacyWorker"


def _work(
    redis_url: str, queue: str, db_url: str, instance: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """Run ``rq worker --burst`` with our worker class on *queue* and its records
    queue (in that order), the demo factory and our database."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "DEMO_INSTANCE_PATH": instance,
            # a worker builds the app like the web process, which needs a key
            "SECRET_KEY": "test-worker",
            "TENANT_PRIVACY_APP_FACTORY": "wsgi:create_app",
            "PYTHONPATH": str(ROOT),
        }
    )
    rq = pathlib.Path(sys.executable).with_name("rq")
    result = subprocess.run(
        [
            str(rq),
            "worker",
            "--burst",
            "--worker-class",
            WORKER_CLASS,
            "--url",
            redis_url,
            "--path",
            str(ROOT),
            *extra,
            queue,
            f"{queue}-records",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _queues(info: dict[str, str]) -> tuple[Queue, Queue]:
    """The main and the records queue of the test app."""
    redis = Redis.from_url(info["redis"])
    return (
        Queue(info["queue"], connection=redis),
        Queue(f"{info['queue']}-records", connection=redis),
    )


@pytest.fixture
def rq_app(make_app, redis_server, tmp_path):
    """The seeded demo on a SQLite file, with jobs on a fresh rq queue."""
    queue = f"tp-test-{uuid.uuid4().hex[:8]}"
    db_url = f"sqlite:///{tmp_path / 'rq.sqlite3'}"
    app = make_app(
        db_url,
        TENANT_PRIVACY_JOBS_INLINE=False,
        TENANT_PRIVACY_REDIS_URL=redis_server.url,
        TENANT_PRIVACY_APP_FACTORY="wsgi:create_app",
        TENANT_PRIVACY_QUEUE_NAME=queue,
        TENANT_PRIVACY_AUTO_MATCH=False,
    )
    seed(app)
    app.config["tp_test"] = {
        "queue": queue,
        "db_url": db_url,
        "instance": str(tmp_path / "worker-instance"),
        "redis": redis_server.url,
    }
    return app


def test_scan_runs_on_an_rq_worker(rq_app, login):
    app = rq_app
    info = app.config["tp_test"]
    client = app.test_client()
    login(client, "officer@fjord.test")
    assert client.post("/privacy/duplicates/scan").status_code == 302
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    assert 'data-status="queued"' in page
    assert "/privacy/duplicates/scans/" in page  # the page polls the scan
    queue = Queue(info["queue"], connection=Redis.from_url(info["redis"]))
    assert queue.count == 1
    _work(info["redis"], info["queue"], info["db_url"], info["instance"])
    scan_id = int(page.split('data-scan-id="')[1].split('"')[0])
    status = client.get(f"/privacy/duplicates/scans/{scan_id}").get_json()
    assert status["status"] == "done", status
    assert status["progress"] == status["total"] > 0
    assert status["suggestions"] == len(h.suggestions(app, "fjord", "pending")) > 0
    assert queue.failed_job_registry.count == 0


def test_host_commit_enqueues_incremental_match(rq_app):
    app = rq_app
    info = app.config["tp_test"]
    h.scan(app, "fjord")  # build the index in-process (the job function itself)
    app.config["TENANT_PRIVACY_AUTO_MATCH"] = True
    contact = h.first_contact(app, "fjord")
    lead = h.copy_as_lead(app, contact)
    main, records = _queues(info)
    assert (main.count, records.count) == (0, 1)
    _work(info["redis"], info["queue"], info["db_url"], info["instance"])
    assert records.count == 0
    assert records.failed_job_registry.count == 0
    pairs = {
        ((r.a_source, r.a_id), (r.b_source, r.b_id))
        for r in h.suggestions(app, "fjord", "pending")
    }
    assert (("contact", str(contact)), ("lead", str(lead))) in pairs


def test_accept_all_above_runs_on_an_rq_worker(rq_app, login):
    app = rq_app
    info = app.config["tp_test"]
    h.scan(app, "fjord")  # the scan itself in-process
    expected = len(
        [r for r in h.suggestions(app, "fjord", "pending") if r.score >= 0.9]
    )
    assert expected > 0
    client = app.test_client()
    login(client, "officer@fjord.test")
    data = {"min_score": "0.9", "confirm": "1"}
    page = client.post(
        "/privacy/duplicates/accept-above", data=data, follow_redirects=True
    ).get_data(as_text=True)
    # the request returns at once: the links are made by the worker
    assert "Linking them in the background." in page
    assert re.search(r'id="tp-accept-job" data-job-id="\d+" data-status="queued"', page)
    assert "/privacy/duplicates/accepts/" in page  # the page polls the job
    assert not h.suggestions(app, "fjord", "accepted")
    queue = Queue(info["queue"], connection=Redis.from_url(info["redis"]))
    assert queue.count == 1
    _work(info["redis"], info["queue"], info["db_url"], info["instance"])
    assert queue.failed_job_registry.count == 0
    job_id = int(page.split('id="tp-accept-job" data-job-id="')[1].split('"')[0])
    status = client.get(f"/privacy/duplicates/accepts/{job_id}").get_json()
    assert status["status"] == "done", status
    assert status["accepted"] + status["held"] == expected
    assert len(h.suggestions(app, "fjord", "accepted")) == status["accepted"]


def _insert_leads(app, count: int, *, per_commit: int) -> list[str]:
    """Insert *count* leads copying fjord's contacts in turn, committing every
    *per_commit*; their ids as strings."""
    from demo.models import Contact
    from demo.models import Lead
    from demo.models import db

    ids: list[str] = []
    with app.app_context():
        contacts = db.session.scalars(
            sa.select(Contact).where(Contact.tenant_key == "fjord").order_by(Contact.id)
        ).all()
        leads = []
        for i in range(count):
            src = contacts[i % len(contacts)]
            lead = Lead(
                tenant_key="fjord",
                first_name=src.first_name,
                last_name=src.last_name,
                email=src.email,
                phone=src.phone,
            )
            db.session.add(lead)
            leads.append(lead)
            if (i + 1) % per_commit == 0:
                db.session.commit()
                ids.extend(str(lead.id) for lead in leads)
                leads = []
        db.session.commit()
        ids.extend(str(lead.id) for lead in leads)
    return ids


def _pairs(app) -> set[tuple[t.Any, ...]]:
    return {
        (r.a_source, r.a_id, r.b_source, r.b_id, round(r.score, 6), r.status)
        for r in h.suggestions(app, "fjord")
    }


def test_one_transaction_of_50_records_queues_one_job_of_ids(rq_app, make_app):
    app = rq_app
    info = app.config["tp_test"]
    h.scan(app, "fjord")
    app.config["TENANT_PRIVACY_AUTO_MATCH"] = True
    ids = _insert_leads(app, 50, per_commit=50)
    main, records = _queues(info)
    assert (main.count, records.count) == (0, 1)
    (job,) = records.jobs
    name, factory, kwargs = job.args
    assert (name, factory) == ("match_records", "wsgi:create_app")
    assert kwargs["tenant"] == "fjord"
    assert sorted(kwargs["refs"]) == sorted(["lead", i] for i in ids)
    assert all(isinstance(v, str) for ref in kwargs["refs"] for v in ref)
    _work(info["redis"], info["queue"], info["db_url"], info["instance"])
    assert records.count == 0 and records.failed_job_registry.count == 0

    # the same records matched inline give the same suggestions
    inline = seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))
    h.scan(inline, "fjord")
    inline.config["TENANT_PRIVACY_AUTO_MATCH"] = True
    assert _insert_leads(inline, 50, per_commit=50) == ids
    found = _pairs(app)
    assert any(("lead", i) in ((p[0], p[1]), (p[2], p[3])) for p in found for i in ids)
    assert found == _pairs(inline)


def test_a_scan_queued_after_record_jobs_is_taken_first(rq_app, login):
    app = rq_app
    info = app.config["tp_test"]
    app.config["TENANT_PRIVACY_AUTO_MATCH"] = True
    _insert_leads(app, 6, per_commit=1)  # six transactions: six record jobs
    main, records = _queues(info)
    assert (main.count, records.count) == (0, 6)
    client = app.test_client()
    login(client, "officer@fjord.test")
    assert client.post("/privacy/duplicates/scan").status_code == 302
    assert main.count == 1
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    scan_id = int(page.split('data-scan-id="')[1].split('"')[0])
    _work(
        info["redis"],
        info["queue"],
        info["db_url"],
        info["instance"],
        "--max-jobs",
        "1",
    )
    status = client.get(f"/privacy/duplicates/scans/{scan_id}").get_json()
    assert status["status"] == "done", status
    assert (main.count, records.count) == (0, 6)
