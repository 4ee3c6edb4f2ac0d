"""A list page of 1,000 contacts, with and without visibility rules: one JSON line.

Builds the demo host on a new SQLite file (or the empty database ``--database``,
analysed after the load as autovacuum would on PostgreSQL) with ``--contacts``
contacts (100,000) in tenant ``fjord``, a third of them with an invoice, and
``--rules`` visibility rules
(5,000: a fifth hide the whole person, the others email or balance, half exempting
the role ``admin``) on random contacts. Then, as the ordinary user
``staff@fjord.test``, it renders ``GET /contacts`` with 1,000 contacts per page
(``DEMO_PAGE_SIZE``) through the demo, alternating between the app that applies the
rules (``hidden_clause`` on the list and its count, ``visibility_for`` and masking
for the page) and the same app with ``DEMO_VISIBILITY`` off, ``--runs`` times each.
Prints the medians and their ratio (target: at most 1.25) and, for the record, how
many values the page masked.

Only the 5,000 contacts with a rule have a data subject by default, as in a tenant
whose other records the module never touched. ``--linked`` gives every contact
one (a tenant whose records were all matched or reviewed): a page's look-up then
finds a subject for each of its 1,000 records.

Run from the project root::

    .venv/bin/python bench/visibility.py [--contacts 100000] [--rules 5000] [--runs 15]
        [--linked] [--database URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_tenant import demo_app  # noqa: E402
from bench.bench_tenant import numbered_contact  # noqa: E402

TENANT = "fjord"
PAGE = 1000


def _fill(contacts: int, rules: int, linked: bool = False) -> None:
    """Seed the demo small, then bulk-load *contacts* contacts and *rules* rules
    (and with *linked* a data subject for every contact of the tenant)."""
    import sqlalchemy as sa
    from flask import current_app

    from demo.models import Contact
    from demo.models import Invoice
    from demo.models import db
    from demo.seed import seed_demo
    from tenant_privacy.models import CasbinRule
    from tenant_privacy.models import Subject

    db.create_all()
    current_app.extensions["tenant_privacy"].extension.create_all()
    seed_demo(contacts_per_tenant=30)
    rng = random.Random(16)
    first = db.session.scalar(sa.select(sa.func.max(Contact.id))) or 0
    created = dt.datetime(2025, 1, 1)
    batch = 20_000
    for start in range(0, contacts, batch):
        rows = [
            {"id": first + n + 1, **numbered_contact(n, TENANT, created)}
            for n in range(start, min(start + batch, contacts))
        ]
        db.session.execute(sa.insert(Contact.__table__), rows)
        invoices = [
            {
                "tenant_key": TENANT,
                "contact_id": row["id"],
                "number": f"B-{row['id']}",
                "amount": f"{rng.randint(100, 99999)}.50",
                "due_date": dt.date(2025, 3, 1),
                "paid": False,
            }
            for row in rows[::3]
        ]
        db.session.execute(sa.insert(Invoice.__table__), invoices)
    ids = rng.sample(range(first + 1, first + contacts + 1), rules)
    first_subject = (db.session.scalar(sa.select(sa.func.max(Subject.id))) or 0) + 1
    _give_subjects(ids, first_subject)
    lines = []
    for i in range(rules):
        sid = first_subject + i
        group = "person" if i % 5 == 0 else ("email" if i % 2 else "balance")
        name = f"x:{sid}:{group}"
        lines.append(
            {
                "ptype": "vp",
                "v0": name,
                "v1": f"t:{TENANT}",
                "v2": f"s:{sid}",
                "v3": group,
                "v4": "deny",
            }
        )
        if i % 2:
            lines.append(
                {
                    "ptype": "vg",
                    "v0": "r:admin",
                    "v1": name,
                    "v2": f"t:{TENANT}",
                    "v3": None,
                    "v4": None,
                }
            )
    db.session.execute(sa.insert(CasbinRule.__table__), lines)
    if linked:
        chosen = set(ids)
        rest = [c for c in range(first + 1, first + contacts + 1) if c not in chosen]
        _give_subjects(rest, first_subject + rules)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:  # committed, or the statistics roll back
            conn.execute(sa.text("ANALYZE"))


def _give_subjects(contact_ids: list[int], first_subject: int) -> None:
    """A data subject of its own for each of *contact_ids*, numbered from
    *first_subject*."""
    import sqlalchemy as sa

    from demo.models import db
    from tenant_privacy.models import Subject
    from tenant_privacy.models import SubjectRecord

    db.session.execute(
        sa.insert(Subject.__table__),
        [
            {"id": first_subject + i, "tenant_key": TENANT, "state": "active"}
            for i in range(len(contact_ids))
        ],
    )
    db.session.execute(
        sa.insert(SubjectRecord.__table__),
        [
            {
                "tenant_key": TENANT,
                "source_key": "contact",
                "record_id": str(cid),
                "subject_id": first_subject + i,
            }
            for i, cid in enumerate(contact_ids)
        ],
    )


def _linked_contacts() -> int:
    """How many contacts of the bench tenant have a data subject."""
    import sqlalchemy as sa

    from demo.models import db
    from tenant_privacy.models import SubjectRecord

    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                SubjectRecord.tenant_key == TENANT,
                SubjectRecord.source_key == "contact",
            )
        )
        or 0
    )


def _client(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login = client.post(
        "/login", data={"email": "staff@fjord.test", "password": "demo"}
    )
    assert login.status_code in (302, 303)
    return client


def _time(client, url: str) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, response.get_data(as_text=True)


def main() -> None:
    from sqlalchemy.engine import make_url

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--linked", action="store_true", help="give every contact a data subject"
    )
    parser.add_argument(
        "--database",
        help="an empty database to fill (e.g. postgresql+psycopg://...); "
        "default: a new SQLite file",
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    where = {"SQLALCHEMY_DATABASE_URI": args.database} if args.database else {}
    with_rules = demo_app(None, WTF_CSRF_ENABLED=False, DEMO_PAGE_SIZE=PAGE, **where)
    with with_rules.app_context():
        _fill(args.contacts, args.rules, args.linked)
        linked = _linked_contacts()
        database = with_rules.config["SQLALCHEMY_DATABASE_URI"]
    without = demo_app(
        None,
        WTF_CSRF_ENABLED=False,
        DEMO_PAGE_SIZE=PAGE,
        DEMO_VISIBILITY=False,
        SQLALCHEMY_DATABASE_URI=database,
    )
    clients = {"rules": _client(with_rules), "plain": _client(without)}
    url = "/contacts"
    for client in clients.values():
        _time(client, url)  # warm-up
    times: dict[str, list[float]] = {"rules": [], "plain": []}
    bodies: dict[str, str] = {}
    for _ in range(args.runs):
        for name, client in clients.items():
            elapsed, bodies[name] = _time(client, url)
            times[name].append(elapsed)
    rules_ms = statistics.median(times["rules"])
    plain_ms = statistics.median(times["plain"])
    print(
        json.dumps(
            {
                "bench": "visibility",
                "database": make_url(database).get_backend_name(),
                "contacts": args.contacts,
                "rules": args.rules,
                "contacts_with_subject": linked,
                "page": PAGE,
                "runs": args.runs,
                "plain_ms": round(plain_ms, 1),
                "rules_ms": round(rules_ms, 1),
                "ratio": round(rules_ms / plain_ms, 3),
                "masked_on_page": bodies["rules"].count('class="tp-hidden"'),
                "rows_on_page": bodies["rules"].count("<tr>") - 1,
            }
        )
    )


if __name__ == "__main__":
    main()
