"""Truncation and insertion (issue 12, item 3): the insert trigger and checkpoints.

Before: deleting the last events and winding the head back, or deleting a tenant's
whole chain with its head, verified as "intact"; an event inserted past the head was
skipped by verify and made every later append fail.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy import audit_ddl
from tenant_privacy.core import audit_chain
from tenant_privacy.errors import AuditChainBroken
from tenant_privacy.errors import AuditCheckpointInvalid
from tenant_privacy.errors import ConfigError
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import AuditHead
from tenant_privacy.models import metadata
from tenant_privacy.services import audit
from tenant_privacy.services import audit_checkpoint

KEY = b"checkpoint-key-kept-elsewhere"
EVENT = "tenant_privacy_audit_event"
HEAD = "tenant_privacy_audit_head"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
    else:
        url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _append(engine, n, tenant="fjord"):
    with orm.Session(engine) as s:
        for i in range(n):
            audit.record(s, tenant, "system", audit.Action.SEARCH, data={"hits": i})
        s.commit()


def _behind_the_triggers(engine, *statements):
    """Change the tables as an attacker with DDL rights would, then put the
    triggers back."""
    dialect = engine.dialect.name
    with engine.begin() as conn:
        for statement in audit_ddl.DROP[dialect]:
            conn.execute(sa.text(statement))
        for statement in statements:
            conn.execute(sa.text(statement))
        for statement in audit_ddl.CREATE[dialect]:
            conn.execute(sa.text(statement.strip()))


def _verify(engine, folder, tenant="fjord"):
    with orm.Session(engine) as s:
        return audit_checkpoint.verify(s, tenant, key=KEY, directory=folder)


def _checkpoint(engine, folder, tenant="fjord"):
    with orm.Session(engine) as s:
        return audit_checkpoint.checkpoint(s, tenant, key=KEY, directory=folder)


def test_intact_chain_verifies_against_its_checkpoint(engine, tmp_path) -> None:
    folder = tmp_path / "checkpoints"
    _append(engine, 5)
    assert _verify(engine, folder).checkpoint is None
    made, path = _checkpoint(engine, folder)
    assert (made.tenant, made.seq) == ("fjord", 5)
    assert path.parent.parent == folder and not list(path.parent.glob(".*"))
    _append(engine, 3)  # events after the checkpoint are fine
    verified = _verify(engine, folder)
    assert (verified.seq, verified.checkpoint) == (8, made)
    # an empty tenant can be checkpointed and verifies
    made, _ = _checkpoint(engine, folder, "nordlys")
    assert (made.seq, made.hash) == (0, audit_chain.GENESIS)
    assert _verify(engine, folder, "nordlys").seq == 0


def test_truncation_after_a_checkpoint_is_reported(engine, tmp_path) -> None:
    folder = tmp_path / "checkpoints"
    _append(engine, 10)
    _checkpoint(engine, folder)
    # cut the last 3 events off and wind the head back: the rest still chains
    _behind_the_triggers(
        engine,
        f"DELETE FROM {EVENT} WHERE tenant_key = 'fjord' AND seq > 7",
        f"UPDATE {HEAD} SET seq = 7, hash = (SELECT hash FROM {EVENT} "
        f"WHERE tenant_key = 'fjord' AND seq = 7) WHERE tenant_key = 'fjord'",
    )
    with orm.Session(engine) as s:
        assert audit.verify(s, "fjord") == 7  # the chain alone cannot tell
    with pytest.raises(AuditChainBroken) as info:
        _verify(engine, folder)
    assert info.value.sequence == 8 and "truncated" in info.value.reason
    # appending again up to the checkpoint's length does not hide it
    _append(engine, 3)
    with pytest.raises(AuditChainBroken) as info:
        _verify(engine, folder)
    assert info.value.sequence == 10 and "differs" in info.value.reason
    # and a broken chain is never signed
    with pytest.raises(AuditChainBroken):
        _checkpoint(engine, folder)
    assert len(list((folder / "fjord").glob("*.json"))) == 1


def test_deleting_a_whole_chain_with_its_head_is_reported(engine, tmp_path) -> None:
    folder = tmp_path / "checkpoints"
    _append(engine, 4)
    _append(engine, 2, tenant="nordlys")
    _checkpoint(engine, folder)
    _behind_the_triggers(
        engine,
        f"DELETE FROM {EVENT} WHERE tenant_key = 'fjord'",
        f"DELETE FROM {HEAD} WHERE tenant_key = 'fjord'",
    )
    with orm.Session(engine) as s:
        assert audit.verify(s, "fjord") == 0
    with pytest.raises(AuditChainBroken) as info:
        _verify(engine, folder)
    assert info.value.sequence == 1 and "missing" in info.value.reason
    assert _verify(engine, folder, "nordlys").seq == 2  # other tenants unaffected


def _row(tenant, seq, prev_hash):
    return {
        "tenant_key": tenant,
        "seq": seq,
        "created_at": audit_chain.format_time(audit.utcnow()),
        "actor": "system",
        "action": "search",
        "subject_id": None,
        "record_refs": "[]",
        "fields": "[]",
        "request_id": None,
        "detail": "",
        "prev_hash": prev_hash,
        "hash": "f" * 64,
    }


_INSERT = sa.text(
    f"INSERT INTO {EVENT} (tenant_key, seq, created_at, actor, action, subject_id, "
    "record_refs, fields, request_id, detail, prev_hash, hash) VALUES (:tenant_key, "
    ":seq, :created_at, :actor, :action, :subject_id, :record_refs, :fields, "
    ":request_id, :detail, :prev_hash, :hash)"
)


def test_insert_that_does_not_extend_the_chain_is_refused(engine, tmp_path) -> None:
    _append(engine, 3)
    with orm.Session(engine) as s:
        head = s.get(AuditHead, "fjord")
        seq, digest = head.seq, head.hash
    refused = [
        _row("fjord", seq + 1, "0" * 64),  # right place, wrong predecessor
        _row("fjord", seq + 2, digest),  # past the head
        _row("fjord", seq + 5, "0" * 64),
        _row("fjord", seq, digest),  # beside an existing event
        _row("ghost", 1, audit_chain.GENESIS),  # a tenant without a head row
    ]
    for row in refused:
        with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError) as info:
            conn.execute(_INSERT, row)
        assert "extend the chain" in str(info.value)
    with orm.Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 3
        assert (s.get(AuditHead, "fjord").seq, s.get(AuditHead, "fjord").hash) == (
            seq,
            digest,
        )
        assert s.get(AuditHead, "ghost") is None
    _append(engine, 1)  # later appends still work
    assert _verify(engine, tmp_path).seq == 4


def test_event_past_the_head_is_reported(engine, tmp_path) -> None:
    """With the triggers dropped, an event past the head is no longer skipped."""
    _append(engine, 3)
    row = _row("fjord", 6, "0" * 64)
    _behind_the_triggers(
        engine,
        f"INSERT INTO {EVENT} (tenant_key, seq, created_at, actor, action, "
        "record_refs, fields, detail, prev_hash, hash) VALUES ('fjord', 6, "
        f"'{row['created_at']}', 'system', 'search', '[]', '[]', '', "
        f"'{'0' * 64}', '{'f' * 64}')",
    )
    with orm.Session(engine) as s, pytest.raises(AuditChainBroken) as info:
        audit.verify(s, "fjord")
    assert info.value.sequence == 4 and "past the head" in info.value.reason


def test_tampered_checkpoint_is_reported(engine, tmp_path) -> None:
    folder = tmp_path / "checkpoints"
    _append(engine, 6)
    _, path = _checkpoint(engine, folder)
    original = path.read_text()
    document = json.loads(original)
    # winding the checkpoint back to match a truncated chain needs the key
    document["seq"] = 3
    path.write_text(json.dumps(document))
    with pytest.raises(AuditCheckpointInvalid) as info:
        _verify(engine, folder)
    assert "signature" in info.value.reason and info.value.name == path.name
    path.write_text("{not json")
    with pytest.raises(AuditCheckpointInvalid):
        _verify(engine, folder)
    # a checkpoint of another tenant put in this tenant's folder
    path.write_text(original)
    other, other_path = _checkpoint(engine, folder, "nordlys")
    other_path.rename(path.parent / other_path.name)
    with pytest.raises(AuditCheckpointInvalid) as info:
        _verify(engine, folder)
    assert "nordlys" in info.value.reason
    # signed with another key
    (path.parent / other_path.name).unlink()
    with orm.Session(engine) as s, pytest.raises(AuditCheckpointInvalid):
        audit_checkpoint.verify(s, "fjord", key=b"other", directory=folder)
    assert _verify(engine, folder).seq == 6


def test_checkpoints_need_a_key(engine, tmp_path) -> None:
    _append(engine, 1)
    with orm.Session(engine) as s:
        with pytest.raises(ConfigError):
            audit_checkpoint.checkpoint(s, "fjord", key=None, directory=tmp_path)
        # without checkpoints there is nothing to check a key against
        assert audit_checkpoint.verify(s, "fjord", key=None, directory=tmp_path).seq
    _checkpoint(engine, tmp_path)
    with orm.Session(engine) as s, pytest.raises(ConfigError):
        audit_checkpoint.verify(s, "fjord", key=None, directory=tmp_path)


def test_sign_and_open_checkpoint() -> None:
    made = audit_chain.Checkpoint(
        "fj\u00f8rd", 12, "a" * 64, "2026-12-01T10:00:00+00:00"
    )
    document = audit_chain.sign_checkpoint(KEY, made)
    assert audit_chain.open_checkpoint(KEY, json.loads(json.dumps(document))) == made
    for field, value in (("hash", "b" * 64), ("seq", 13), ("tenant", "x")):
        with pytest.raises(ValueError):
            audit_chain.open_checkpoint(KEY, {**document, field: value})
    for bad in (None, [], {**document, "extra": 1}, {**document, "seq": "12"}):
        with pytest.raises(ValueError):
            audit_chain.open_checkpoint(KEY, bad)


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_app(request):
    """The demo with tenant fjord and some audit events, on both databases."""
    name = "app" if request.param == "sqlite" else "pg_app"
    return request.getfixturevalue(name)


def test_cli_checkpoint_then_verify_reports_truncation(cli_app, tmp_path) -> None:
    from demo.models import db

    app = cli_app
    folder = tmp_path / "anchors"
    app.config["TENANT_PRIVACY_AUDIT_CHECKPOINT_DIR"] = str(folder)
    app.config["TENANT_PRIVACY_AUDIT_CHECKPOINT_KEY"] = "kept-outside"
    runner = app.test_cli_runner()
    with app.app_context():
        _append(db.engine, 5)
    ok = runner.invoke(args=["privacy", "audit", "verify", "--tenant", "fjord"])
    assert ok.exit_code == 0 and "no checkpoint yet" in ok.output
    made = runner.invoke(args=["privacy", "audit", "checkpoint"])
    assert made.exit_code == 0, made.output
    assert "fjord: checkpoint of sequence number" in made.output
    (path,) = (folder / "fjord").glob("*.json")
    assert json.loads(path.read_text())["tenant"] == "fjord"
    ok = runner.invoke(args=["privacy", "audit", "verify", "--tenant", "fjord"])
    assert ok.exit_code == 0 and "matches the checkpoint" in ok.output
    with app.app_context():
        head = db.session.get(AuditHead, "fjord").seq
        db.session.rollback()
        _behind_the_triggers(
            db.engine,
            f"DELETE FROM {EVENT} WHERE tenant_key = 'fjord' AND seq > {head - 2}",
            f"UPDATE {HEAD} SET seq = {head - 2}, hash = (SELECT hash FROM {EVENT} "
            f"WHERE tenant_key = 'fjord' AND seq = {head - 2}) "
            "WHERE tenant_key = 'fjord'",
        )
    broken = runner.invoke(args=["privacy", "audit", "verify", "--tenant", "fjord"])
    assert broken.exit_code == 1
    assert f"broken at sequence number {head - 1}: truncated" in broken.output
    refused = runner.invoke(
        args=["privacy", "audit", "checkpoint", "--tenant", "fjord"]
    )
    assert refused.exit_code == 1 and "truncated" in refused.output
    path.write_text(path.read_text().replace('"seq": ', '"seq": 1'))
    tampered = runner.invoke(args=["privacy", "audit", "verify", "--tenant", "fjord"])
    assert tampered.exit_code == 1 and "is invalid" in tampered.output


def test_cli_checkpoint_without_any_key_says_what_to_set(make_app) -> None:
    app = make_app()
    app.config["SECRET_KEY"] = None  # a host with neither key (the demo always has one)
    result = app.test_cli_runner().invoke(args=["privacy", "audit", "checkpoint"])
    assert result.exit_code == 1
    assert "TENANT_PRIVACY_AUDIT_CHECKPOINT_KEY" in result.output
