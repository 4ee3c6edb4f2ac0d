"""The audit trail: append, chain, triggers, transactions, concurrency, pages, CLI."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing

import flask
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy.errors import AuditChainBroken
from tenant_privacy.errors import InvalidInput
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import AuditHead
from tenant_privacy.models import metadata
from tenant_privacy.services import audit
from tests import audit_helpers


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine(postgres_server):
    engine = sa.create_engine(postgres_server.create_database())
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _append(session, n, tenant="fjord", **kwargs):
    return [
        audit.record(session, tenant, "user:7", audit.Action.SEARCH, **kwargs)
        for _ in range(n)
    ]


def test_record_chains_per_tenant(sqlite_engine) -> None:
    with orm.Session(sqlite_engine) as s:
        events = _append(s, 3, subject_id=5, record_refs=[("contact", "12")])
        _append(s, 2, tenant="nordlys")
        s.commit()
        assert [e.seq for e in events] == [1, 2, 3]
        assert events[0].prev_hash == "0" * 64
        assert events[1].prev_hash == events[0].hash
        assert audit.verify(s, "fjord") == 3
        assert audit.verify(s, "nordlys") == 2
        assert audit.verify(s, "empty") == 0
        head = s.get(AuditHead, "fjord")
        assert (head.seq, head.hash) == (3, events[-1].hash)
        stored = s.scalars(sa.select(AuditEvent).where(AuditEvent.seq == 1)).first()
        assert stored.record_refs == [["contact", "12"]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"detail": "mail kari@example.com"},
        {"detail": "tel +47 912 34 567"},
        {"detail": "tel 91234567"},
        {"detail": "x" * 256},
        {"fields": ["e mail"]},
        {"record_refs": [("contact", "")]},
    ],
)
def test_record_refuses_personal_or_malformed_values(sqlite_engine, kwargs) -> None:
    with orm.Session(sqlite_engine) as s, pytest.raises(InvalidInput):
        audit.record(s, "fjord", "user:1", audit.Action.SEARCH, **kwargs)


def test_record_refuses_bad_actor_and_action(sqlite_engine) -> None:
    with orm.Session(sqlite_engine) as s:
        with pytest.raises(ValueError):
            audit.record(s, "fjord", "kari@example.com", audit.Action.SEARCH)
        with pytest.raises(ValueError):
            audit.record(s, "fjord", "system", "Drop Table")
        audit.record(s, "fjord", "system", "host.custom", detail="count=3 id=42")


def test_actor_ref() -> None:
    from tenant_privacy import Actor

    assert audit.actor_ref(None) == "system"
    assert audit.actor_ref(Actor(id="4", tenant="fjord")) == "user:4"
    assert audit.actor_ref(Actor(id="1", tenant=None, is_operator=True)) == "operator"


def _assert_append_only(engine) -> None:
    with orm.Session(engine) as s:
        _append(s, 2)
        s.commit()
    for statement in (
        "UPDATE tenant_privacy_audit_event SET detail = 'x'",
        "DELETE FROM tenant_privacy_audit_event",
    ):
        with engine.connect() as conn, pytest.raises(sa.exc.DatabaseError) as info:
            conn.execute(sa.text(statement))
        assert "append-only" in str(info.value)
    with orm.Session(engine) as s:
        assert audit.verify(s, "fjord") == 2


def test_triggers_refuse_update_and_delete_sqlite(sqlite_engine) -> None:
    _assert_append_only(sqlite_engine)


@pytest.mark.postgres
def test_triggers_refuse_update_and_delete_postgresql(pg_engine) -> None:
    _assert_append_only(pg_engine)
    with pg_engine.connect() as conn, pytest.raises(sa.exc.DatabaseError):
        conn.execute(sa.text("TRUNCATE tenant_privacy_audit_event"))


def test_rolled_back_action_leaves_no_event(sqlite_engine) -> None:
    with orm.Session(sqlite_engine) as s:
        _append(s, 1)
        s.commit()
        _append(s, 2)
        s.rollback()
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
        assert s.get(AuditHead, "fjord").seq == 1
        assert _append(s, 1)[0].seq == 2
        s.commit()
        assert audit.verify(s, "fjord") == 2


def _tamper(engine, sql: str) -> None:
    """Change the table behind the triggers' back, as an attacker with DDL could."""
    from tenant_privacy import audit_ddl

    with engine.begin() as conn:
        for statement in audit_ddl.DROP[engine.dialect.name]:
            conn.execute(sa.text(statement))
        conn.execute(sa.text(sql))


def test_verify_names_first_broken_sequence(sqlite_engine) -> None:
    with orm.Session(sqlite_engine) as s:
        _append(s, 10)
        s.commit()
    _tamper(
        sqlite_engine,
        "UPDATE tenant_privacy_audit_event SET detail = 'n=1' WHERE seq IN (4, 8)",
    )
    with orm.Session(sqlite_engine) as s, pytest.raises(AuditChainBroken) as info:
        audit.verify(s, "fjord")
    assert info.value.sequence == 4


def test_verify_detects_deleted_tail(sqlite_engine) -> None:
    with orm.Session(sqlite_engine) as s:
        _append(s, 5)
        s.commit()
    _tamper(sqlite_engine, "DELETE FROM tenant_privacy_audit_event WHERE seq = 5")
    with orm.Session(sqlite_engine) as s, pytest.raises(AuditChainBroken) as info:
        audit.verify(s, "fjord")
    assert info.value.sequence == 5


@pytest.mark.postgres
def test_parallel_processes_never_fork_the_chain(postgres_server) -> None:
    url = postgres_server.create_database()
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    per_worker, workers = 60, 4
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        done = pool.starmap(
            audit_helpers.append_events,
            [(url, "fjord", per_worker, w) for w in range(workers)],
        )
    assert sum(done) == per_worker * workers
    with orm.Session(engine) as s:
        seqs = list(
            s.scalars(
                sa.select(AuditEvent.seq)
                .where(AuditEvent.tenant_key == "fjord")
                .order_by(AuditEvent.seq)
            )
        )
        assert seqs == list(range(1, per_worker * workers + 1))
        assert audit.verify(s, "fjord") == per_worker * workers
        details = s.scalars(sa.select(AuditEvent.detail))
        assert {d.split()[0] for d in details} == {f"worker={w}" for w in range(4)}
    engine.dispose()


def test_query_history_and_export(sqlite_engine) -> None:
    with orm.Session(sqlite_engine) as s:
        audit.record(s, "fjord", "user:1", audit.Action.SUBJECT_VIEWED, subject_id=9)
        audit.record(s, "fjord", "operator", audit.Action.ROLE_GRANTED)
        audit.record(s, "fjord", "user:2", audit.Action.DISCLOSURE_SENT, subject_id=9)
        audit.record(s, "nordlys", "user:3", audit.Action.SUBJECT_VIEWED, subject_id=9)
        s.commit()
        events, total = audit.query_events(s, "fjord", subject_id=9)
        assert total == 2 and [e.seq for e in events] == [3, 1]
        events, total = audit.query_events(s, "fjord", actor="operator")
        assert total == 1 and events[0].action == "role.granted"
        events, total = audit.query_events(s, "fjord", page=2, per_page=2)
        assert total == 3 and [e.seq for e in events] == [1]
        with pytest.raises(InvalidInput):
            audit.query_events(s, "fjord", page=0)
        history = audit.subject_history(s, "fjord", 9)
        assert [e.action for e in history] == ["disclosure.sent", "subject.viewed"]
        assert all(e.tenant_key == "fjord" for e in history)
        out = io.StringIO()
        assert audit.export(s, "fjord", "json", out) == 3
        data = json.loads(out.getvalue())
        assert [row["seq"] for row in data] == [1, 2, 3]
        assert data[1]["prev_hash"] == data[0]["hash"]
        out = io.StringIO()
        audit.export(s, "fjord", "csv", out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert len(rows) == 3 and rows[2]["action"] == "disclosure.sent"
        with pytest.raises(InvalidInput):
            audit.export(s, "fjord", "xml", io.StringIO())


# -- through the demo app ------------------------------------------------------------


def test_request_id_is_kept_per_request(app) -> None:
    from demo.models import db

    client_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    with app.test_request_context(headers={"X-Request-ID": client_id}):
        app.preprocess_request()
        event = audit.record(db.session, "fjord", "system", audit.Action.SEARCH)
        assert event.request_id == client_id
        db.session.rollback()
    with app.test_request_context():
        a = audit.record(db.session, "fjord", "system", audit.Action.SEARCH)
        b = audit.record(db.session, "fjord", "system", audit.Action.SEARCH)
        assert a.request_id and a.request_id == b.request_id
        db.session.rollback()
    with app.app_context():
        assert audit.record(db.session, "fjord", "system", "search").request_id is None
        db.session.rollback()


def _last_search_event(app):
    from demo.models import db

    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.tenant_key == "fjord", AuditEvent.action == "search")
            .order_by(AuditEvent.seq.desc())
        ).first()


@pytest.mark.parametrize(
    "client_id",
    [
        "91234567",
        "+4791234567",
        "+47 912 34 567",
        "0047-912-34-567",
        "12345678901",  # shaped like a national id
        "ola.nordmann@example.no",
        "abc-123",
        "91234567-abcd",
        "12345678901234567890123456789012",  # 32 digits: hex-shaped, all digits
        "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}",
        "urn:uuid:3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "x" * 200,
    ],
)
def test_client_request_id_that_is_not_a_uuid_is_replaced(
    app, login, client_id
) -> None:
    """A client's X-Request-ID may carry personal data (a phone number, an email):
    it is never stored, not even with its symbols stripped; the server makes one."""
    client = app.test_client()
    login(client, "officer@fjord.test")
    response = client.get(
        "/privacy/search",
        query_string={"q": "Nordmann"},
        headers={"X-Request-ID": client_id},
    )
    assert response.status_code == 200
    event = _last_search_event(app)
    assert event is not None
    rid = event.request_id
    assert rid and len(rid) == 32 and int(rid, 16) >= 0  # a server-made uuid4 hex
    digits = "".join(c for c in client_id if c.isdigit())
    assert rid != client_id
    assert len(digits) < 8 or digits not in rid


@pytest.mark.parametrize(
    "client_id",
    [
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
        "3f2504e04f8941d39a0c0305e82c3301",
    ],
)
def test_client_request_id_that_is_a_uuid_is_kept(app, login, client_id) -> None:
    client = app.test_client()
    login(client, "officer@fjord.test")
    response = client.get(
        "/privacy/search",
        query_string={"q": "Nordmann"},
        headers={"X-Request-ID": client_id},
    )
    assert response.status_code == 200
    assert _last_search_event(app).request_id == client_id


def test_audit_log_page_filters_and_bad_input(app, login) -> None:
    client = app.test_client()
    login(client, "officer@fjord.test")
    page = client.get("/privacy/audit")
    assert page.status_code == 200
    assert b"role.granted" in page.data and b"module.enabled" in page.data
    only = client.get("/privacy/audit?action=module.enabled&since=2000-01-01")
    assert only.status_code == 200
    assert b'data-action="role.granted"' not in only.data
    assert b'data-action="module.enabled"' in only.data
    for query in (
        "action=nope",
        "since=2024-13-01",
        "until=yesterday",
        "since=2024-02-02&until=2024-02-01",
        "page=0",
        "page=abc",
        "subject=-3",
        "actor=kari@example.com",
    ):
        response = client.get(f"/privacy/audit?{query}")
        assert response.status_code == 400, query
    assert client.get("/privacy/audit?page=99").status_code == 200


def test_audit_page_shows_only_own_tenant(app, login) -> None:
    from demo.models import db

    with app.app_context():
        audit.record(db.session, "nordlys", "system", "search", detail="secret=1")
        db.session.commit()
    client = app.test_client()
    login(client, "officer@fjord.test")
    assert b"secret=1" not in client.get("/privacy/audit").data


def test_export_endpoint_is_audited(app, login) -> None:
    client = app.test_client()
    login(client, "officer@fjord.test")
    response = client.get("/privacy/audit/export?format=json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data[-1]["action"] == "audit.exported"
    assert {row["tenant"] for row in data} == {"fjord"}
    csv_response = client.get("/privacy/audit/export?format=csv")
    assert csv_response.data.startswith(b"tenant,seq,")
    assert client.get("/privacy/audit/export?format=xml").status_code == 400


def test_history_partial_renders(app) -> None:
    from flask import render_template_string

    from demo.models import db

    with app.test_request_context("/privacy/"):
        audit.record(db.session, "fjord", "user:2", "subject.viewed", subject_id=4)
        events = audit.subject_history(db.session, "fjord", 4)
        html = render_template_string(
            '{% include "tenant_privacy/_audit_history.html" %}',
            events=events,
            _=lambda s, **kw: s,
        )
        assert 'data-action="subject.viewed"' in html
        db.session.rollback()


def test_cli_verify_and_export(app, runner, tmp_path) -> None:
    ok = runner.invoke(args=["privacy", "audit", "verify", "--tenant", "fjord"])
    assert ok.exit_code == 0 and "events verified" in ok.output
    assert (
        runner.invoke(args=["privacy", "audit", "verify", "--tenant", "x"]).exit_code
        == 2
    )
    target = tmp_path / "audit.json"
    result = runner.invoke(
        args=[
            "privacy",
            "audit",
            "export",
            "--tenant",
            "fjord",
            "--format",
            "json",
            "--output",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())[-1]["action"] == "audit.exported"
    from demo.models import db

    with app.app_context():
        _tamper(
            db.engine,
            "UPDATE tenant_privacy_audit_event SET actor = 'system' "
            "WHERE tenant_key = 'fjord' AND seq = 2",
        )
    broken = runner.invoke(args=["privacy", "audit", "verify", "--tenant", "fjord"])
    assert broken.exit_code == 1
    assert "sequence number 2" in broken.output


@pytest.mark.postgres
@pytest.mark.parametrize("prepare", [True, False])
def test_postgresql_append_prepared_or_not(pg_engine, prepare) -> None:
    app = flask.Flask(__name__)
    app.config["TENANT_PRIVACY_AUDIT_PG_PREPARE"] = prepare
    refs = [("contact", 'x", "y'), ("row", "\u00f8")]
    with app.app_context(), orm.Session(pg_engine) as s:
        events = _append(s, 3, subject_id=4, record_refs=refs, fields=["email"])
        _append(s, 1, tenant="nordlys")
        s.rollback()
        events = _append(s, 3, subject_id=4, record_refs=refs, fields=["email"])
        prepared = s.scalar(
            sa.text(
                "SELECT count(*) FROM pg_prepared_statements "
                "WHERE name = 'tenant_privacy_audit_append_2'"
            )
        )
        assert prepared == (1 if prepare else 0)
        s.commit()
        assert [e.seq for e in events] == [1, 2, 3]
        assert events[1].prev_hash == events[0].hash
        assert audit.verify(s, "fjord") == 3
        assert audit.verify(s, "nordlys") == 0
        stored = s.scalars(sa.select(AuditEvent).where(AuditEvent.seq == 2)).one()
        assert stored.record_refs == [list(ref) for ref in refs]
        assert stored.hash == events[1].hash
        assert s.get(AuditHead, "fjord").hash == events[-1].hash


def test_verify_accepts_rows_stored_as_orm_json(sqlite_engine) -> None:
    """Rows written through the ORM's JSON type (spaced JSON text) still verify."""
    with orm.Session(sqlite_engine) as s:
        events = _append(s, 3, record_refs=[("contact", "1")], fields=["email"])
        s.commit()
    _tamper(sqlite_engine, "DELETE FROM tenant_privacy_audit_head")
    with orm.Session(sqlite_engine) as s:
        s.execute(sa.delete(AuditEvent.__table__))
        for event in events:
            s.add(orm.make_transient(event) or event)
        s.add(AuditHead(tenant_key="fjord", seq=3, hash=events[-1].hash))
        s.commit()
        text = s.scalar(sa.text("SELECT record_refs FROM tenant_privacy_audit_event"))
        assert text == '[["contact", "1"]]'
        assert audit.verify(s, "fjord") == 3


@pytest.mark.postgres
@pytest.mark.parametrize(
    "change",
    [
        "detail = 'n=1'",
        "created_at = created_at + interval '1 microsecond'",
        "fields = '[\"phone\"]'",
        'record_refs = \'[["contact", "13"]]\'',
    ],
)
def test_verify_names_first_broken_sequence_postgresql(pg_engine, change) -> None:
    with orm.Session(pg_engine) as s:
        _append(s, 10, record_refs=[("contact", "12")], fields=["email"])
        s.commit()
        s.execute(sa.text("SET timezone = 'Pacific/Chatham'"))
        assert audit.verify(s, "fjord") == 10
    _tamper(
        pg_engine,
        f"UPDATE tenant_privacy_audit_event SET {change} WHERE seq IN (4, 8)",
    )
    with orm.Session(pg_engine) as s, pytest.raises(AuditChainBroken) as info:
        audit.verify(s, "fjord")
    assert info.value.sequence == 4
