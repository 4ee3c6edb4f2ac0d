"""A purpose review of a tenant whose contacts are all past their purpose.

Builds the demo host on a fresh SQLite file with ``--contacts`` contacts (100,000)
in one tenant, none with a data subject yet (as after a bulk load the module never
saw) and none with activity in the last 36 months (the demo's period for
contacts). Then times the service call behind ``privacy retention review``
(:func:`tenant_privacy.services.erasure.propose_review` and its commit) end to
end: reading the last activity, creating a subject for every record that has
none, proposing every person as one review.

Prints one JSON line: contacts, persons proposed, seconds, CPU seconds, SQL
statements executed, and peak memory of the call (tracemalloc, MB, measured in a
second child process since tracing slows Python down). Each run is a child
process of its own on a fresh database.

Run from the project root::

    .venv/bin/python bench/purpose.py [--contacts 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import sys
import time
import tracemalloc
import typing as t

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

#: Long before the demo's 36 months of a contact's purpose.
OLD = dt.datetime(2020, 1, 1)


def _contacts(count: int) -> list[dict[str, t.Any]]:
    from bench_tenant import TENANT
    from bench_tenant import numbered_contact

    return [numbered_contact(n, TENANT, OLD) for n in range(count)]


def child(contacts: int, trace: bool) -> dict[str, t.Any]:
    """Fill a tenant and propose its review (in this process): timed, or with
    tracemalloc on (*trace*: that run is not timed)."""
    import sqlalchemy as sa
    from bench_tenant import TENANT
    from bench_tenant import demo_app
    from bench_tenant import fill_tenant

    from demo.models import db
    from tenant_privacy.models import PurposeReviewItem
    from tenant_privacy.models import SubjectRecord
    from tenant_privacy.services import erasure

    app = demo_app(None)
    with app.app_context():
        fill_tenant(_contacts(contacts))
        scope = app.extensions["tenant_privacy"].scope(TENANT)
        statements = 0

        def count(*_: t.Any) -> None:
            nonlocal statements
            statements += 1

        sa.event.listen(db.engine, "before_cursor_execute", count)
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        review, _ = erasure.propose_review(scope, "operator")
        db.session.commit()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        sa.event.remove(db.engine, "before_cursor_execute", count)
        proposed = db.session.scalar(
            sa.select(sa.func.count(PurposeReviewItem.id)).where(
                PurposeReviewItem.review_id == (review.id if review else 0)
            )
        )
        links = db.session.scalar(sa.select(sa.func.count()).select_from(SubjectRecord))
    if trace:
        return {"peak_mb": round(peak / 2**20, 1)}
    return {
        "bench": "purpose-review",
        "contacts": contacts,
        "proposed": int(proposed or 0),
        "subject_links": int(links or 0),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "statements": statements,
    }


def main() -> None:
    """Run the timed and the traced child; print their figures as one JSON line."""
    from bench_tenant import child_figures

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        size, mode = args.child
        print(json.dumps(child(int(size), mode == "trace")))
        return
    line: dict[str, t.Any] = {}
    for mode in ("time", "trace"):
        line.update(child_figures(__file__, str(args.contacts), mode))
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
