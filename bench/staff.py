"""Pages that name staff, with a big user table: one JSON line.

The demo host (seeded small) gets ``--users`` more staff users in tenant ``fjord``
(100,000 by default); then the median time of ``GET /privacy/subjects/<id>`` (a
subject made by a link, so the page names who linked), ``GET /privacy/audit`` and the
roles page ``GET /privacy/officers`` (first page, and a search) is measured over
``--runs`` requests each, in-process with the test client. Before issue 18 every
one of these pages read the whole user table through ``staff_loader`` to label a few
actor ids (18 ms -> 1,654 ms at 100,000 users); the target is under 100 ms each.

Run from the project root::

    .venv/bin/python bench/staff.py [--users 100000] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_tenant import demo_app  # noqa: E402

TENANT = "fjord"


def _fill(users: int) -> int:
    """Seed the demo, add *users* staff users to :data:`TENANT`, link two contacts;
    the linked subject's id."""
    import sqlalchemy as sa
    from flask import current_app

    from demo.models import Contact
    from demo.models import User
    from demo.models import db
    from demo.seed import seed_demo

    db.create_all()
    current_app.extensions["tenant_privacy"].extension.create_all()
    seed_demo(contacts_per_tenant=30)
    batch = 10_000
    for start in range(0, users, batch):
        rows = [
            {
                "tenant_key": TENANT,
                "email": f"user{n}@bench.test",
                "name": f"Bench User {n:06d}",
                "password_hash": "x",
                "role": "staff",
                "session_token": f"bench-{n}",
            }
            for n in range(start, min(start + batch, users))
        ]
        db.session.execute(sa.insert(User.__table__), rows)
    db.session.commit()
    contacts = db.session.scalars(
        sa.select(Contact.id).where(Contact.tenant_key == TENANT).limit(2)
    ).all()
    runner = current_app.test_cli_runner()
    refs = [f"contact:{c}" for c in contacts]
    done = runner.invoke(
        args=["privacy", "subject", "link", "--tenant", TENANT, *refs, "--yes"]
    )
    assert done.exit_code == 0, done.output
    from tenant_privacy.models import SubjectRecord

    return int(
        db.session.scalar(
            sa.select(SubjectRecord.subject_id).where(
                SubjectRecord.tenant_key == TENANT,
                SubjectRecord.record_id == str(contacts[0]),
            )
        )
    )


def _median_ms(client: object, url: str, runs: int) -> float:
    get = client.get  # type: ignore[attr-defined]
    response = get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    app = demo_app(None, WTF_CSRF_ENABLED=False)
    with app.app_context():
        subject_id = _fill(args.users)
    officer, admin = app.test_client(), app.test_client()
    for client, email in ((officer, "officer@fjord.test"), (admin, "admin@fjord.test")):
        login = client.post("/login", data={"email": email, "password": "demo"})
        assert login.status_code in (302, 303), email
    figures = {
        "bench": "staff",
        "users": args.users,
        "runs": args.runs,
        "subject_ms": _median_ms(officer, f"/privacy/subjects/{subject_id}", args.runs),
        "audit_ms": _median_ms(officer, "/privacy/audit", args.runs),
        "roles_ms": _median_ms(admin, "/privacy/officers", args.runs),
        "roles_search_ms": _median_ms(admin, "/privacy/officers?q=user0999", args.runs),
        "roles_last_page_ms": _median_ms(
            admin, f"/privacy/officers?page={max(1, -(-args.users // 50))}", args.runs
        ),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
