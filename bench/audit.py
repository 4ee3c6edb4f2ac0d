"""Audit trail benchmark: appends per second and chain verification speed.

Prints one JSON line per figure::

    python bench/audit.py [--pg-url URL] [--appends 2000] [--verify-events 1000000]

Appends: each is one ``audit.record`` plus its own ``COMMIT`` (the real cost of an
audited action), on SQLite (a file, WAL) and PostgreSQL, in 1 process and in 4
processes appending to the same tenant (the chain must stay unforked; it is verified
afterwards). Verification: ``--verify-events`` precomputed, correctly chained events
are bulk-loaded (COPY on PostgreSQL, executemany on SQLite), then ``audit.verify``
is timed. Without ``--pg-url`` a throw-away cluster is started with ``tests.infra``
(fsync off, like the tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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


def _appender(url: str, tenant: str, count: int, worker: int) -> float:
    engine = _engine(url)
    with orm.Session(engine) as session:  # warm the connection
        session.execute(sa.text("SELECT 1"))
    started = time.perf_counter()
    for i in range(count):
        with orm.Session(engine) as session:
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


def bench_appends(url: str, db: str, appends: int, processes: int) -> dict[str, t.Any]:
    """Time *appends* audited commits in total over *processes* processes."""
    tenant = f"bench{processes}"
    per = appends // processes
    started = time.perf_counter()
    if processes == 1:
        _appender(url, tenant, per, 0)
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(processes) as pool:
            pool.starmap(_appender, [(url, tenant, per, w) for w in range(processes)])
    elapsed = time.perf_counter() - started
    engine = _engine(url)
    with orm.Session(engine) as session:
        verified = audit.verify(session, tenant)
    engine.dispose()
    return {
        "bench": "audit_append",
        "db": db,
        "processes": processes,
        "events": per * processes,
        "seconds": round(elapsed, 3),
        "appends_per_s": round(per * processes / elapsed, 1),
        "chain_verified": verified == per * processes,
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
                f"{json.dumps(refs)}\t{json.dumps(fields)}\t{rid}\t{detail}\t"
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
    table = metadata.tables["tenant_privacy_audit_event"]
    cols = [c.name for c in table.columns]
    last = audit_chain.GENESIS
    with engine.begin() as conn:
        batch: list[dict[str, t.Any]] = []
        for row in _chain_rows(tenant, n):
            batch.append(dict(zip(cols, row, strict=True)))
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


def bench_verify(url: str, db: str, n: int) -> dict[str, t.Any]:
    """Bulk-load *n* chained events, then time ``audit.verify``."""
    engine = _engine(url)
    tenant = "verify"
    started = time.perf_counter()
    if db == "postgresql":
        _load_postgres(engine, tenant, n)
    else:
        _load_sqlite(engine, tenant, n)
    loaded = time.perf_counter() - started
    with orm.Session(engine) as session:
        started = time.perf_counter()
        count = audit.verify(session, tenant)
        elapsed = time.perf_counter() - started
    engine.dispose()
    return {
        "bench": "audit_verify",
        "db": db,
        "events": count,
        "load_seconds": round(loaded, 2),
        "verify_seconds": round(elapsed, 2),
        "events_per_s": round(count / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="PostgreSQL URL (default: start a cluster)")
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    parser.add_argument("--skip-sqlite-verify", action="store_true")
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
                for processes in (1, 4):
                    line = bench_appends(url, db, args.appends, processes)
                    print(json.dumps(line), flush=True)
            for db, url in targets:
                if db == "sqlite" and args.skip_sqlite_verify:
                    continue
                print(json.dumps(bench_verify(url, db, args.verify_events)), flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
