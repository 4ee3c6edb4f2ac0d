"""A duplicate scan and the incremental hook through a real redis-server + rq worker."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import uuid

import pytest
from redis import Redis
from rq import Queue

from tests import duplicates_helpers as h
from tests.conftest import seed

pytestmark = pytest.mark.redis

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _work(redis_url: str, queue: str, db_url: str, instance: str) -> None:
    """Run ``rq worker --burst`` on *queue* with the demo factory and our database."""
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
        [str(rq), "worker", "--burst", "--url", redis_url, "--path", str(ROOT), queue],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]


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
    queue = Queue(info["queue"], connection=Redis.from_url(info["redis"]))
    assert queue.count == 1
    _work(info["redis"], info["queue"], info["db_url"], info["instance"])
    assert queue.failed_job_registry.count == 0
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
