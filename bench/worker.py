"""Incremental matching through a real redis-server and a real rq worker process.

Builds the demo host on a SQLite file with jobs on rq, loads one tenant with
``--stored`` synthetic registrations and indexes it with a full scan (in this
process), starts ``rq worker --worker-class ...`` on the main and records queues,
then inserts ``--records`` new leads (half copies of stored contacts) with automatic
matching on, ``--per-commit`` to a transaction, and times from the first commit
until the worker has drained every job. Then it times ``--noop-jobs`` jobs that do
nothing (matching in a tenant where the module is off): the worker's own cost per
job.

Prints one JSON line: ``{"bench": "worker", "records_per_s": ..., "jobs": ...,
"per_job_overhead_ms": ..., ...}``. Usage: ``python bench/worker.py [--records N]
[--stored N] [--per-commit N] [--worker-class DOTTED] [--noop-jobs N]``; compare
with ``--worker-class rq.worker.Worker`` (the app built again for every job). The
worker gets ``TENANT_PRIVACY_APP_FACTORY`` in its environment, so it builds the app
when it starts (not on its first job).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_tenant import TENANT  # noqa: E402
from bench_tenant import contact_row  # noqa: E402
from bench_tenant import demo_app  # noqa: E402
from bench_tenant import fill_tenant  # noqa: E402


def _drained(queues: list, done_before: int, jobs: int, timeout: float) -> float:
    """Wait until *jobs* more jobs finished or failed on *queues*; the time."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        finished = sum(
            q.finished_job_registry.count + q.failed_job_registry.count for q in queues
        )
        if finished - done_before >= jobs and all(q.count == 0 for q in queues):
            return time.perf_counter()
        time.sleep(0.02)
    raise RuntimeError(f"the worker did not drain {jobs} jobs in {timeout} s")


def main() -> None:
    """Fill, index, start a worker, insert records, time the drain; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--per-commit", type=int, default=100)
    parser.add_argument("--noop-jobs", type=int, default=50)
    parser.add_argument(
        "--worker-class", default="tenant_privacy.jobs.worker.PrivacyWorker"
    )
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    import sqlalchemy as sa
    from redis import Redis
    from rq import Queue

    from demo.models import Contact
    from demo.models import Lead
    from demo.models import db
    from devdata.synthetic import generate_registrations
    from tenant_privacy.jobs.duplicates import MATCH_BATCH
    from tenant_privacy.jobs.duplicates import scan_job
    from tenant_privacy.models import MatchSuggestion
    from tenant_privacy.services import duplicates
    from tests.infra import start_redis

    redis_server = start_redis()
    folder = tempfile.mkdtemp(prefix="tp-bench-worker-")
    db_path = os.path.join(folder, "bench.sqlite3")
    queue_name = f"tp-bench-{uuid.uuid4().hex[:8]}"
    app = demo_app(
        db_path,
        TENANT_PRIVACY_JOBS_INLINE=False,
        TENANT_PRIVACY_REDIS_URL=redis_server.url,
        TENANT_PRIVACY_APP_FACTORY="wsgi:create_app",
        TENANT_PRIVACY_QUEUE_NAME=queue_name,
    )
    redis = Redis.from_url(redis_server.url)
    queues = [
        Queue(queue_name, connection=redis),
        Queue(f"{queue_name}-records", connection=redis),
    ]
    worker = None
    try:
        records, _truth = generate_registrations(
            0, seed=17, n_registrations=args.stored + args.records
        )
        stored, fresh = records[: args.stored], records[args.stored :]
        with app.app_context():
            fill_tenant([contact_row(r) for r in stored])
            scope = app.extensions["tenant_privacy"].scope(TENANT)
            scan = duplicates.start_scan(scope, "system")
            db.session.commit()
            scan_job(TENANT, scan.id)
            contacts = list(
                db.session.scalars(
                    sa.select(Contact.id).where(Contact.tenant_key == TENANT)
                )
            )
            before = db.session.scalar(
                sa.select(sa.func.count()).select_from(MatchSuggestion)
            )

        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{db_path}",
                "REDIS_URL": redis_server.url,
                "DEMO_INSTANCE_PATH": folder,
                "SECRET_KEY": "bench-worker",
                "PYTHONPATH": str(ROOT),
                # built when the worker starts, not on its first job
                "TENANT_PRIVACY_APP_FACTORY": "wsgi:create_app",
            }
        )
        rq = pathlib.Path(sys.executable).with_name("rq")
        worker = subprocess.Popen(
            [
                str(rq),
                "worker",
                "--worker-class",
                args.worker_class,
                "--url",
                redis_server.url,
                "--path",
                str(ROOT),
                "--quiet",
                queue_name,
                f"{queue_name}-records",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(1.0)

        rng = random.Random(5)
        app.config["TENANT_PRIVACY_AUTO_MATCH"] = True
        with app.app_context():
            source = {c.id: c for c in db.session.scalars(sa.select(Contact))}
            started = time.perf_counter()
            for i in range(args.records):
                if i % 2 == 0:
                    src = source[rng.choice(contacts)]
                    values = {
                        "first_name": src.first_name,
                        "last_name": src.last_name,
                        "email": src.email,
                        "phone": src.phone,
                    }
                else:
                    row = contact_row(fresh[i])
                    values = {k: row[k] for k in ("first_name", "last_name")}
                    values |= {"email": row["email"], "phone": row["phone"]}
                db.session.add(Lead(tenant_key=TENANT, **values))
                if (i + 1) % args.per_commit == 0 or i + 1 == args.records:
                    db.session.commit()
            queued_s = time.perf_counter() - started
        jobs = sum(
            -(-min(args.per_commit, args.records - s) // MATCH_BATCH)
            for s in range(0, args.records, args.per_commit)
        )
        ended = _drained(queues, 0, jobs, args.timeout)
        seconds = ended - started
        failed = sum(q.failed_job_registry.count for q in queues)
        with app.app_context():
            after = db.session.scalar(
                sa.select(sa.func.count()).select_from(MatchSuggestion)
            )

        # the worker's own cost per job: jobs that find the module off and stop
        state = app.extensions["tenant_privacy"]
        done = sum(
            q.finished_job_registry.count + q.failed_job_registry.count for q in queues
        )
        t0 = time.perf_counter()
        with app.app_context():
            for _ in range(args.noop_jobs):
                state.jobs.enqueue(
                    "match_records", tenant="no-such-tenant", refs=[["lead", "1"]]
                )
        noop_end = _drained(queues, done, args.noop_jobs, args.timeout)
        per_job_ms = (noop_end - t0) * 1000 / max(args.noop_jobs, 1)

        print(
            json.dumps(
                {
                    "bench": "worker",
                    "database": "sqlite",
                    "worker_class": args.worker_class,
                    "stored": args.stored,
                    "records": args.records,
                    "per_commit": args.per_commit,
                    "jobs": jobs,
                    "failed_jobs": failed,
                    "queued_s": round(queued_s, 2),
                    "drained_s": round(seconds, 2),
                    "records_per_s": round(args.records / seconds, 1),
                    "new_suggestions": int(after or 0) - int(before or 0),
                    "noop_jobs": args.noop_jobs,
                    "per_job_overhead_ms": round(per_job_ms, 1),
                }
            )
        )
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        redis_server.stop()


if __name__ == "__main__":
    main()
