"""Disclosure build: one person with N related records, built into a zip.

Each size runs in a child process of its own, so its peak RSS is its own. Prints one
JSON line per size: records, build seconds, zip bytes, peak RSS (MB), and the
growth of time and memory against the previous size. Target on a 2-core machine:
10,000 records under 10 s and 150 MB, growing linearly.

    python bench/export.py            # 1,000, 10,000 and 100,000
    python bench/export.py --sizes 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import pathlib
import resource
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def child(size: int) -> dict[str, float]:
    """Build one export of a person with *size* invoices and notes (in this process)."""
    import sqlalchemy as sa
    from bench_tenant import TENANT
    from bench_tenant import demo_app
    from bench_tenant import fill_tenant

    from demo.models import Contact
    from demo.models import Invoice
    from demo.models import Note
    from demo.models import db
    from tenant_privacy.jobs.disclosure import build_export_job
    from tenant_privacy.services import disclosure

    app = demo_app(None)
    with app.app_context():
        fill_tenant(
            [
                {
                    "tenant_key": TENANT,
                    "first_name": "Kari",
                    "last_name": "Nordmann",
                    "email": "kari@example.no",
                    "created_at": dt.datetime(2024, 1, 1),
                    "origin": "manual",
                }
            ]
        )
        person = db.session.scalars(sa.select(Contact)).one()
        half = size // 2
        db.session.execute(
            sa.insert(Invoice.__table__),
            [
                {
                    "tenant_key": TENANT,
                    "contact_id": person.id,
                    "number": f"F-{i}",
                    "amount": decimal.Decimal("1250.50"),
                    "due_date": dt.date(2026, 1, 1),
                    "paid": i % 2 == 0,
                }
                for i in range(half)
            ],
        )
        db.session.execute(
            sa.insert(Note.__table__),
            [
                {
                    "tenant_key": TENANT,
                    "contact_id": person.id,
                    "body": f"Note {i}: called about the invoice, will pay next week.",
                    "created_at": dt.datetime(2025, 1, 1),
                }
                for i in range(size - half)
            ],
        )
        scope = app.extensions["tenant_privacy"].scope(TENANT)
        subject = scope.subject_of(("contact", str(person.id)))
        _, export = disclosure.request_disclosure(
            scope, "operator", subject.id, "kari@example.no"
        )
        db.session.commit()
        started = time.perf_counter()
        size_bytes = build_export_job(TENANT, export.id)
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "records": size + 1,
        "build_seconds": round(seconds, 2),
        "zip_bytes": size_bytes or 0,
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def main() -> None:
    """Run each size in a child process and print its figures, one JSON line each."""
    from bench_tenant import child_figures

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child)))
        return
    previous: dict[str, float] | None = None
    for size in args.sizes:
        figures = child_figures(__file__, str(size))
        line = {"bench": "export", **figures}
        if previous:
            line["time_growth"] = round(
                figures["build_seconds"] / max(previous["build_seconds"], 1e-6), 1
            )
            line["records_growth"] = round(figures["records"] / previous["records"], 1)
        print(json.dumps(line), flush=True)
        previous = figures


if __name__ == "__main__":
    main()
