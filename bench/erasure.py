"""Erasure: one person with N related records, and M persons in one bulk job.

Each part runs in a child process of its own on a fresh SQLite file, through the
job entry points (``erase``, ``erase_batch``) as a page or the CLI starts them.
Prints one JSON line per part: what was erased, seconds, CPU seconds of the
process (on a busy machine the wall time grows, the CPU time much less), seconds
per subject, subjects per second, and peak memory of the erasure (tracemalloc,
MB, measured in a second run of its own since tracing slows Python down).
Targets on a 2-core machine: one person with 10,000 related records under 5 s;
the bulk job at least 50 subjects/s.

    python bench/erasure.py                       # 10,000 records; 1,000 subjects
    python bench/erasure.py --records 500 --subjects 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import pathlib
import sys
import time
import tracemalloc
import typing as t

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _contact(i: int) -> dict[str, t.Any]:
    from bench_tenant import TENANT

    return {
        "tenant_key": TENANT,
        "first_name": f"Kari{i}",
        "last_name": "Nordmann",
        "email": f"kari{i}@example.no",
        "phone": f"+47 9{i:07d}",
        "birth_date": dt.date(1980, 1, 1),
        "street": f"Gate {i}",
        "postcode": "0150",
        "city": "Oslo",
        "created_at": dt.datetime(2024, 1, 1),
        "origin": "manual",
    }


def _related(contact_ids: list[int], per_contact: int) -> None:
    """Half invoices (every other one past its retention, so deleted; the rest
    held), half notes naming the person, for every contact."""
    import sqlalchemy as sa
    from bench_tenant import TENANT

    from demo.models import Invoice
    from demo.models import Note
    from demo.models import db

    half = per_contact // 2
    invoices = [
        {
            "tenant_key": TENANT,
            "contact_id": cid,
            "number": f"F-{cid}-{i}",
            "amount": decimal.Decimal("1250.50"),
            "due_date": dt.date(2026 if i % 2 else 2012, 1, 1),
            "paid": True,
        }
        for cid in contact_ids
        for i in range(half)
    ]
    notes = [
        {
            "tenant_key": TENANT,
            "contact_id": cid,
            "body": f"Note {i}: Kari{cid} called about the invoice, will pay.",
            "created_at": dt.datetime(2025, 1, 1),
        }
        for cid in contact_ids
        for i in range(per_contact - half)
    ]
    if invoices:
        db.session.execute(sa.insert(Invoice.__table__), invoices)
    if notes:
        db.session.execute(sa.insert(Note.__table__), notes)


def child(part: str, size: int, trace: bool) -> dict[str, t.Any]:
    """Fill a tenant and run one erasure part (in this process): timed, or with
    tracemalloc on (*trace*: it slows Python down, so that run is not timed)."""
    import sqlalchemy as sa
    from bench_tenant import TENANT
    from bench_tenant import demo_app
    from bench_tenant import fill_tenant

    from demo.models import Contact
    from demo.models import db
    from tenant_privacy.jobs.erasure import erase_batch_job
    from tenant_privacy.jobs.erasure import erase_job
    from tenant_privacy.models import ErasureJob
    from tenant_privacy.services import erasure

    app = demo_app(None)
    with app.app_context():
        subjects = 1 if part == "large" else size
        fill_tenant([_contact(i) for i in range(subjects)])
        ids = list(db.session.scalars(sa.select(Contact.id).order_by(Contact.id)))
        _related(ids, size if part == "large" else 3)
        scope = app.extensions["tenant_privacy"].scope(TENANT)
        subject_ids = [scope.subject_of(("contact", str(i))).id for i in ids]
        db.session.commit()
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        if part == "large":
            _, job = erasure.request_erasure(scope, "operator", subject_ids[0])
            db.session.commit()
            erase_job(TENANT, job.id)
        else:
            batch, _ = erasure.request_erasures(scope, "operator", subject_ids)
            db.session.commit()
            erase_batch_job(TENANT, batch.id)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        done = db.session.scalar(
            sa.select(sa.func.count(ErasureJob.id)).where(ErasureJob.status == "done")
        )
    if trace:
        return {"peak_mb": round(peak / 2**20, 1)}
    return {
        "bench": f"erasure-{part}",
        "subjects": subjects,
        "related_per_subject": size if part == "large" else 3,
        "erased": int(done or 0),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "seconds_per_subject": round(seconds / subjects, 4),
        "subjects_per_s": round(subjects / max(seconds, 1e-9), 1),
    }


def main() -> None:
    """Run each part in a child process; print its figures, one JSON line each."""
    from bench_tenant import child_figures

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        part, size, trace = args.child
        print(json.dumps(child(part, int(size), trace == "trace")))
        return
    for part, size in (("large", args.records), ("bulk", args.subjects)):
        line: dict[str, t.Any] = {}
        for mode in ("time", "trace"):
            line.update(child_figures(__file__, part, str(size), mode))
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
