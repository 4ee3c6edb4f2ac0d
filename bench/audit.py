"""Audit trail benchmark: appends per second and chain verification speed.

Prints one JSON line per figure::

    python bench/audit.py [--pg-url URL] [--appends 2000] [--verify-events 1000000]

Appends: each is one ``audit.record`` in its own session plus its own ``COMMIT`` (the
real cost of an audited action), on SQLite (a file, WAL) and PostgreSQL, in 1 process
and in 4 processes appending to the same tenant (the chain must stay unforked; it is
verified afterwards). ``"mode": "batch"`` lines are labelled separately: 100 events
per transaction (a bulk job auditing many records), not what a request does.
Verification: ``--verify-events`` precomputed, correctly chained events are
bulk-loaded in the form ``audit.record`` stores (COPY on PostgreSQL, executemany on
SQLite), then ``audit.verify`` is timed. Every figure is measured ``--repeat`` times
(fresh tenant each time) and reported as best and median. Without ``--pg-url`` a
throw-away cluster is started with ``tests.infra`` (fsync off, like the tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tenant_privacy import audit_ddl  # noqa: E402
from tenant_privacy.core import audit_chain  # noqa: E402
from tenant_privacy.models import metadata  # noqa: E402
from tenant_privacy.services import audit  # noqa: E402


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @sa.event.listens_for(engine, "connect")
        def _wal(conn: t.Any, _record: t.Any) -> None:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")

        return engine
    return sa.create_engine(url)


def _appender(url: str, tenant: str, count: int, worker: int, per_tx: int = 1) -> float:
    engine = _engine(url)
    with orm.Session(engine) as session:  # warm the connection
        session.execute(sa.text("SELECT 1"))
    started = time.perf_counter()
    for start in range(0, count, per_tx):
        with orm.Session(engine) as session:
            for i in range(start, min(start + per_tx, count)):
                audit.record(
                    session,
                    tenant,
                    "system",
                    audit.Action.SEARCH,
                    subject_id=i,
                    record_refs=[("contact", str(i))],
                    fields=["email"],
                    detail=f"worker={worker}",
                )
            session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _summary(rates: list[float]) -> dict[str, t.Any]:
    return {
        "appends_per_s": round(max(rates), 1),
        "median_per_s": round(statistics.median(rates), 1),
        "runs": len(rates),
    }


def bench_appends(
    url: str, db: str, appends: int, processes: int, repeat: int = 1, per_tx: int = 1
) -> dict[str, t.Any]:
    """Time *appends* audited commits in total over *processes* processes."""
    per = appends // processes
    rates = []
    verified = True
    ctx = multiprocessing.get_context("spawn")
    pool = ctx.Pool(processes) if processes > 1 else None
    try:
        for run in range(repeat):
            tenant = f"bench{processes}x{per_tx}r{run}"
            started = time.perf_counter()
            if pool is None:
                _appender(url, tenant, per, 0, per_tx)
            else:
                pool.starmap(
                    _appender,
                    [(url, tenant, per, w, per_tx) for w in range(processes)],
                )
            elapsed = time.perf_counter() - started
            rates.append(per * processes / elapsed)
            engine = _engine(url)
            with orm.Session(engine) as session:
                verified &= audit.verify(session, tenant) == per * processes
            engine.dispose()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return {
        "bench": "audit_append",
        "db": db,
        "processes": processes,
        "mode": "commit_each" if per_tx == 1 else f"batch_{per_tx}_per_commit",
        "events": per * processes,
        **_summary(rates),
        "chain_verified": verified,
    }


def _chain_rows(tenant: str, n: int) -> t.Iterator[tuple[t.Any, ...]]:
    prev = audit_chain.GENESIS
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for seq in range(1, n + 1):
        created = start + dt.timedelta(microseconds=seq * 1001)
        actor = f"user:{seq % 50}"
        action = "subject.viewed" if seq % 3 else "search"
        subject = seq % 5000 or None
        refs = [["contact", str(seq % 7000)]]
        fields = ["email", "phone"] if seq % 2 else []
        rid = f"{seq:032x}"
        detail = "n=1"
        digest = audit_chain.chain_hash(
            prev,
            audit_chain.canonical(
                tenant,
                seq,
                created,
                actor,
                action,
                subject,
                refs,
                fields,
                rid,
                detail,
                prev,
            ),
        )
        yield (tenant, seq, created, actor, action, subject, refs, fields, rid,
               detail, prev, digest)  # fmt: skip
        prev = digest


def _load_postgres(engine: sa.Engine, tenant: str, n: int) -> str:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        last = audit_chain.GENESIS
        batch = io.StringIO()

        def flush() -> None:
            batch.seek(0)
            cur.copy_expert(
                "COPY tenant_privacy_audit_event (tenant_key, seq, created_at, actor,"
                " action, subject_id, record_refs, fields, request_id, detail,"
                " prev_hash, hash) FROM STDIN WITH (FORMAT text)",
                batch,
            )
            batch.seek(0)
            batch.truncate()

        for i, row in enumerate(_chain_rows(tenant, n), 1):
            tenant_, seq, created, actor, action, subject, refs, fields = row[:8]
            rid, detail, prev, digest = row[8:]
            batch.write(
                f"{tenant_}\t{seq}\t{audit_chain.format_time(created)}\t{actor}\t"
                f"{action}\t{subject if subject is not None else chr(92) + 'N'}\t"
                f"{audit_chain.json_text(refs)}\t{audit_chain.json_text(fields)}\t"
                f"{rid}\t{detail}\t"
                f"{prev}\t{digest}\n"
            )
            last = digest
            if i % 100_000 == 0:
                flush()
        flush()
        cur.execute(
            "INSERT INTO tenant_privacy_audit_head (tenant_key, seq, hash) "
            "VALUES (%s, %s, %s)",
            (tenant, n, last),
        )
        raw.commit()
    finally:
        raw.close()
    return last


def _load_sqlite(engine: sa.Engine, tenant: str, n: int) -> str:
    events = metadata.tables["tenant_privacy_audit_event"]
    cols = [c.name for c in events.columns]
    # The JSON lists as text, in the canonical form ``audit.record`` writes.
    table = sa.table(
        events.name,
        *(
            sa.column(c.name, sa.Text if isinstance(c.type, sa.JSON) else c.type)
            for c in events.columns
        ),
    )
    last = audit_chain.GENESIS
    with engine.begin() as conn:
        batch: list[dict[str, t.Any]] = []
        for row in _chain_rows(tenant, n):
            values = dict(zip(cols, (*row, None), strict=True))  # no ``data``
            values["record_refs"] = audit_chain.json_text(values["record_refs"])
            values["fields"] = audit_chain.json_text(values["fields"])
            batch.append(values)
            last = row[-1]
            if len(batch) == 50_000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
        conn.execute(
            metadata.tables["tenant_privacy_audit_head"]
            .insert()
            .values(tenant_key=tenant, seq=n, hash=last)
        )
    return last


def _run(engine: sa.Engine, statements: list[str]) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement.strip())


def bench_verify(url: str, db: str, n: int, repeat: int = 1) -> dict[str, t.Any]:
    """Bulk-load *n* chained events, then time ``audit.verify`` *repeat* times."""
    engine = _engine(url)
    tenant = "verify"
    started = time.perf_counter()
    # The load writes the chain and its head directly: without the insert trigger,
    # which would check and move the head once per row.
    _run(engine, audit_ddl.DROP_EXTEND_ONLY[engine.dialect.name])
    if db == "postgresql":
        _load_postgres(engine, tenant, n)
    else:
        _load_sqlite(engine, tenant, n)
    _run(engine, audit_ddl.EXTEND_ONLY[engine.dialect.name])
    loaded = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        with orm.Session(engine) as session:
            started = time.perf_counter()
            count = audit.verify(session, tenant)
            times.append(time.perf_counter() - started)
    engine.dispose()
    return {
        "bench": "audit_verify",
        "db": db,
        "events": count,
        "load_seconds": round(loaded, 2),
        "verify_seconds": round(min(times), 2),
        "median_seconds": round(statistics.median(times), 2),
        "runs": len(times),
        "events_per_s": round(count / min(times)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="PostgreSQL URL (default: start a cluster)")
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite-verify", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure")
    parser.add_argument("--batch", type=int, default=100, help="events per commit")
    parser.add_argument("--only", choices=["append", "verify"], help="one part only")
    args = parser.parse_args()

    server = None
    pg_url = args.pg_url
    if not pg_url:
        from tests import infra

        server = infra.start_postgres()
    try:
        with tempfile.TemporaryDirectory() as folder:
            targets = [("sqlite", f"sqlite:///{folder}/audit.sqlite3")]
            pg_url = pg_url or server.create_database()  # type: ignore[union-attr]
            targets.append(("postgresql", pg_url))
            for db, url in targets:
                engine = _engine(url)
                metadata.create_all(engine)
                engine.dispose()
                if args.only == "verify":
                    continue
                for processes, per_tx in ((1, 1), (4, 1), (1, args.batch)):
                    line = bench_appends(
                        url, db, args.appends, processes, args.repeat, per_tx
                    )
                    print(json.dumps(line), flush=True)
            for db, url in targets:
                if args.only == "append" or (
                    db == "sqlite" and args.skip_sqlite_verify
                ):
                    continue
                line = bench_verify(url, db, args.verify_events, args.repeat)
                print(json.dumps(line), flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
