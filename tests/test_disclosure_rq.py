"""Disclosure through a real redis-server and rq worker process: the build runs on
the worker and its mail lands in the worker's outbox; a worker killed (SIGKILL)
mid-build never leaves a zip that could be served, and the request ends failed
(then built again), never stuck in "building"."""

from __future__ import annotations

import datetime as dt
import email
import io
import os
import pathlib
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile

import pytest
import sqlalchemy as sa

from demo.models import db
from tenant_privacy.models import ExportJob
from tenant_privacy.models import PrivacyRequest
from tests import linking_helpers as lh
from tests.conftest import seed

pytestmark = pytest.mark.redis

ROOT = pathlib.Path(__file__).resolve().parent.parent
LINK = re.compile(r"https?://[^/\s]+(/privacy/download/\S+)")


def _worker(info: dict[str, str], *, burst: bool = True) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": info["db_url"],
            "REDIS_URL": info["redis"],
            "DEMO_INSTANCE_PATH": info["instance"],
            "SECRET_KEY": "test-worker",
            "PYTHONPATH": str(ROOT),
        }
    )
    rq = pathlib.Path(sys.executable).with_name("rq")
    args = [
        str(rq),
        "worker",
        "--worker-class",
        "tenant_privacy.jobs.worker.PrivacyWorker",
        "--url",
        info["redis"],
        "--path",
        str(ROOT),
        info["queue"],
        f"{info['queue']}-records",
    ]
    if burst:
        args.insert(2, "--burst")
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _kill_with_children(pid: int) -> None:
    """SIGKILL *pid* and its children: rq's work horse runs in a session of its
    own, so killing the worker's process group would spare it."""
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            os.kill(int(stat.parent.name), signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)


@pytest.fixture
def rq_app(make_app, redis_server, tmp_path):
    queue = f"tp-disc-{uuid.uuid4().hex[:8]}"
    db_url = f"sqlite:///{tmp_path / 'rq.sqlite3'}"
    instance = tmp_path / "worker-instance"
    app = make_app(
        db_url,
        TENANT_PRIVACY_JOBS_INLINE=False,
        TENANT_PRIVACY_REDIS_URL=redis_server.url,
        TENANT_PRIVACY_APP_FACTORY="wsgi:create_app",
        TENANT_PRIVACY_QUEUE_NAME=queue,
        TENANT_PRIVACY_AUTO_MATCH=False,
        # the web process serves the files the worker builds
        TENANT_PRIVACY_EXPORT_STORAGE_DIR=str(instance / "exports"),
        TENANT_PRIVACY_JOB_STALE_MINUTES=0.05,  # 3 s without a heartbeat
    )
    seed(app)
    info = {
        "queue": queue,
        "db_url": db_url,
        "instance": str(instance),
        "redis": redis_server.url,
    }
    return app, info


def _subject(app, notes: int = 1) -> int:
    with app.app_context():
        kari = lh.add_contact("fjord", "Kari", "Worker", email="kari.w@example.no")
        contact_id = int(kari[1])
        db.session.execute(
            sa.text(
                "INSERT INTO note (tenant_key, contact_id, body, created_at) "
                "VALUES ('fjord', :c, :b, :t)"
            ),
            [
                {"c": contact_id, "b": f"Worker note {i}", "t": dt.datetime(2025, 1, 1)}
                for i in range(notes)
            ],
        )
        subject_id = lh.scope_of(app, "fjord").subject_of(kari).id
        db.session.commit()
        return subject_id


def _officer(app, login):
    client = app.test_client()
    login(client, "officer@fjord.test")
    return client


def _request(app) -> PrivacyRequest:
    with app.app_context():
        row = db.session.scalars(sa.select(PrivacyRequest)).one()
        db.session.expunge(row)
        return row


def test_a_disclosure_is_built_and_mailed_by_a_worker(rq_app, login):
    app, info = rq_app
    subject_id = _subject(app)
    officer = _officer(app, login)
    resp = officer.post(
        f"/privacy/subjects/{subject_id}/disclose",
        data={"recipient": "kari.w@example.no"},
    )
    assert resp.status_code == 302
    assert _request(app).state == "received"  # queued, not built in the request
    worker = _worker(info)
    _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err[-2000:]
    assert _request(app).state == "sent"
    outbox = pathlib.Path(info["instance"]) / "outbox"
    (path,) = outbox.glob("*.eml")
    body = email.message_from_bytes(path.read_bytes()).get_payload(decode=True)
    link = LINK.search(body.decode()).group(1)
    download = app.test_client().get(link)
    assert download.status_code == 200
    assert b"Worker note 0" in zipfile.ZipFile(io.BytesIO(download.data)).read(
        "data.json"
    )


def test_a_killed_build_serves_nothing_and_ends_failed(rq_app, login):
    app, info = rq_app
    subject_id = _subject(app, notes=100000)
    officer = _officer(app, login)
    officer.post(
        f"/privacy/subjects/{subject_id}/disclose",
        data={"recipient": "kari.w@example.no"},
    )
    worker = _worker(info, burst=False)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until the build is under way
            with app.app_context():
                export = db.session.scalars(sa.select(ExportJob)).one()
                running = (
                    export.status == "running" and 0 < export.progress < export.total
                )
                db.session.remove()
            if running:
                break
            time.sleep(0.05)
        assert running, "the build never started"
    finally:
        _kill_with_children(worker.pid)
        worker.communicate(timeout=30)
    folder = pathlib.Path(info["instance"]) / "exports"
    with app.app_context():  # no row names a file or a link: nothing servable
        export = db.session.scalars(sa.select(ExportJob)).one()
        assert export.file_name is None and export.token_hash is None
    time.sleep(3.5)  # past JOB_STALE_MINUTES without a heartbeat: the build is stale
    page = officer.get(f"/privacy/requests/{_request(app).id}")
    assert page.status_code == 200
    assert _request(app).state == "failed"
    swept = app.test_cli_runner().invoke(args=["privacy", "exports", "expire"])
    assert swept.exit_code == 0, swept.output
    assert list(folder.iterdir()) == []  # what the killed build left is gone
    text = page.get_data(as_text=True)
    assert "stopped without finishing" in text, text[text.find("<dl") :][:1500]
    assert (
        officer.post(f"/privacy/requests/{_request(app).id}/retry").status_code == 302
    )
    worker = _worker(info)
    _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err[-2000:]
    assert _request(app).state == "sent"
    assert len(list(folder.glob("*.zip"))) == 1
