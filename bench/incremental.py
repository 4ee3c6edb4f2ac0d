"""Incremental duplicate matching against a tenant of 100,000 registrations.

Builds the demo host on a SQLite file, loads one tenant with synthetic registrations
(:mod:`devdata.synthetic`), indexes it with a full scan, then inserts
new leads one at a time (half copies of a stored contact, half new synthetic people)
and times :func:`tenant_privacy.services.duplicates.match_record` plus its commit.

Prints one JSON line: ``{"records": ..., "scan_s": ..., "median_ms": ...,
"p95_ms": ..., ...}``. Usage: ``python bench/incremental.py [--records N]
[--runs N] [--db PATH]``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_tenant import TENANT  # noqa: E402
from bench_tenant import contact_row  # noqa: E402
from bench_tenant import demo_app  # noqa: E402
from bench_tenant import fill_tenant  # noqa: E402


def main() -> None:
    """Build the tenant, index it, time incremental matches; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--db", default=None, help="SQLite file (default: temp)")
    args = parser.parse_args()

    import sqlalchemy as sa

    from demo.models import Contact
    from demo.models import Lead
    from demo.models import db
    from devdata.synthetic import generate_registrations
    from tenant_privacy.jobs.duplicates import scan_job
    from tenant_privacy.models import BlockingKey
    from tenant_privacy.services import duplicates

    app = demo_app(args.db, TENANT_PRIVACY_JOBS_INLINE=True)
    extra = args.runs
    records, _truth = generate_registrations(
        0, seed=11, n_registrations=args.records + extra
    )
    stored, fresh = records[: args.records], records[args.records :]
    with app.app_context():
        fill_tenant([contact_row(r) for r in stored])
        state = app.extensions["tenant_privacy"]
        scope = state.scope(TENANT)

        def count_keys() -> int:
            return int(
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(BlockingKey)
                    .where(BlockingKey.tenant_key == TENANT)
                )
                or 0
            )

        scan_s: float | None = None
        suggestions: int | None = None
        if not (args.db and count_keys()):  # a reused file keeps its index
            started = time.perf_counter()
            scan = duplicates.start_scan(scope, "system")
            db.session.commit()
            suggestions = scan_job(TENANT, scan.id)
            scan_s = round(time.perf_counter() - started, 2)
        keys = count_keys()
        contact_ids = list(
            db.session.scalars(
                sa.select(Contact.id).where(Contact.tenant_key == TENANT)
            )
        )
        rng = random.Random(5)
        timings: list[float] = []
        found = 0
        for i in range(args.runs):
            if i % 2 == 0:
                src = db.session.get(Contact, rng.choice(contact_ids))
                lead = Lead(
                    tenant_key=TENANT,
                    first_name=src.first_name,
                    last_name=src.last_name,
                    email=src.email,
                    phone=src.phone,
                )
            else:
                row = contact_row(fresh[i])
                lead = Lead(
                    tenant_key=TENANT,
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    email=row["email"],
                    phone=row["phone"],
                )
            db.session.add(lead)
            db.session.commit()
            lead_id = str(lead.id)
            db.session.expire_all()
            t0 = time.perf_counter()
            result = duplicates.match_record(scope, "lead", lead_id)
            db.session.commit()
            timings.append((time.perf_counter() - t0) * 1000)
            found += bool(result)
        timings.sort()
        print(
            json.dumps(
                {
                    "bench": "incremental_match",
                    "database": "sqlite",
                    "records": args.records,
                    "blocking_keys": keys,
                    "scan_s": scan_s,
                    "scan_suggestions": suggestions,
                    "runs": args.runs,
                    "median_ms": round(statistics.median(timings), 2),
                    "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
                    "max_ms": round(timings[-1], 2),
                    "with_suggestion": found,
                }
            )
        )


if __name__ == "__main__":
    main()
