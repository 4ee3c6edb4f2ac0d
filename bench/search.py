"""Person search and ``--email`` lookups in a tenant of 100,000 registrations.

Builds the demo host on a SQLite file, loads one tenant with synthetic
registrations (``bench/bench_tenant.py``, as ``bench/incremental.py`` does) and times
:func:`tenant_privacy.services.search.search_people` for the kinds of query an
officer types (a full name, a misspelt name, a whole email address, the start of
one, a phone number) and :func:`~tenant_privacy.services.search.refs_by_email`,
which every ``--email`` command uses. Each query is run once untimed, so the
figures are those of a warm database, as on a server in use.

Prints one JSON line per query kind: ``{"query": ..., "median_ms": ...,
"p95_ms": ..., "hits": ...}``. Usage: ``python bench/search.py [--records N]
[--queries N] [--db PATH]``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import statistics
import sys
import time
import typing as t

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_tenant import TENANT  # noqa: E402
from bench_tenant import contact_row  # noqa: E402
from bench_tenant import demo_app  # noqa: E402
from bench_tenant import fill_tenant  # noqa: E402


def _misspelt(name: str, rng: random.Random) -> str:
    """*name* with two neighbouring letters swapped (a typing error)."""
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _queries(rows: list[dict[str, t.Any]], n: int) -> dict[str, list[str]]:
    rng = random.Random(3)
    named = [r for r in rows if r["first_name"] and r["last_name"]]
    mailed = [r for r in rows if r["email"]]
    phoned = [r for r in rows if r["phone"]]
    pick = rng.sample
    return {
        "name": [f"{r['first_name']} {r['last_name']}" for r in pick(named, n)],
        "name_misspelt": [
            f"{r['first_name']} {_misspelt(r['last_name'], rng)}"
            for r in pick(named, n)
        ],
        "email": [r["email"].strip() for r in pick(mailed, n)],
        "email_start": [r["email"].strip()[:6] for r in pick(mailed, n)],
        "phone": [r["phone"] for r in pick(phoned, n)],
    }


def _timed(run: t.Callable[[str], int], queries: list[str]) -> dict[str, t.Any]:
    times: list[float] = []
    hits = 0
    for query in queries:
        run(query)  # untimed: the first run of a query warms the page cache
        started = time.perf_counter()
        hits += run(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
        "mean_hits": round(hits / len(queries), 1),
    }


def main() -> None:
    """Build the tenant, time the queries; print one JSON line per kind."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--db", default=None, help="SQLite file (default: temp)")
    args = parser.parse_args()

    from demo.models import db
    from devdata.synthetic import generate_registrations
    from tenant_privacy.errors import InvalidInput
    from tenant_privacy.services import search

    app = demo_app(args.db)
    records, _truth = generate_registrations(0, seed=11, n_registrations=args.records)
    rows = [contact_row(r) for r in records]
    with app.app_context():
        fill_tenant(rows)
        state = app.extensions["tenant_privacy"]
        scope = state.scope(TENANT)

        def people(query: str) -> int:
            hits = len(search.search_people(scope, query).hits)
            db.session.rollback()  # subjects created for hits: not kept
            return hits

        def by_email(query: str) -> int:
            try:
                return len(search.refs_by_email(scope, query))
            except InvalidInput:
                return 0

        for kind, queries in _queries(rows, args.queries).items():
            figures = _timed(people, queries)
            print(
                json.dumps(
                    {
                        "bench": "search",
                        "records": args.records,
                        "query": kind,
                        "runs": len(queries),
                        **figures,
                    }
                ),
                flush=True,
            )
        figures = _timed(by_email, _queries(rows, args.queries)["email"])
        print(
            json.dumps(
                {
                    "bench": "search",
                    "records": args.records,
                    "query": "refs_by_email",
                    "runs": args.queries,
                    **figures,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
