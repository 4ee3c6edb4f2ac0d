"""``privacy erase replay --since DATE``: after a restore from a backup taken
before an erasure, the erasures the register recorded since then are applied
again, by record id, and a second replay changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from demo.models import Contact
from demo.models import Invoice
from demo.models import Lead
from demo.models import Note
from demo.models import db
from tenant_privacy.models import AuditEvent
from tests.conftest import seed
from tests.test_erasure import FORMER
from tests.test_erasure import _erase
from tests.test_erasure import _leaks
from tests.test_erasure import _person

HOST_TABLES = (Contact, Lead, Invoice, Note)


@pytest.fixture
def app(make_app):
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


def _backup(app) -> dict:
    """A copy of the host's tables (the backup)."""
    with app.app_context():
        return {
            m.__table__.name: [
                dict(r) for r in db.session.execute(sa.select(m.__table__)).mappings()
            ]
            for m in HOST_TABLES
        }


def _restore(app, copy: dict) -> None:
    """Put the host's tables back as the backup had them."""
    with app.app_context():
        for model in reversed(HOST_TABLES):
            db.session.execute(sa.delete(model.__table__))
        for model in HOST_TABLES:
            rows = copy[model.__table__.name]
            if rows:
                db.session.execute(sa.insert(model.__table__), rows)
        db.session.commit()


def _host_texts(app) -> list[tuple[str, str, str]]:
    out = []
    with app.app_context():
        for model in HOST_TABLES:
            for row in db.session.execute(sa.select(model.__table__)).mappings():
                out += [
                    (model.__tablename__, k, v)
                    for k, v in row.items()
                    if isinstance(v, str)
                ]
    return out


def _snapshot(app) -> list:
    with app.app_context():
        return [
            sorted(
                map(tuple, db.session.execute(sa.select(m.__table__)).all()), key=str
            )
            for m in HOST_TABLES
        ]


def test_replay_after_a_restore_erases_again_and_twice_changes_nothing(app):
    p = _person(app)
    backup = _backup(app)
    assert _leaks(_host_texts(app))  # the backup holds the person
    _erase(app, p["subject"])
    erased = _snapshot(app)
    assert not _leaks(_host_texts(app))
    _restore(app, backup)
    assert _leaks(_host_texts(app))  # the restore brought the person back
    cli = app.test_cli_runner()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    args = ["privacy", "erase", "replay", "--tenant", "fjord", "--since", today]
    out = cli.invoke(args=[*args, "--yes"])
    assert out.exit_code == 0, out.output
    assert "erased again in all" in out.output
    # nothing of the person is back, but the invoice kept under a legal reason
    leaks = _leaks(_host_texts(app))
    assert not leaks, leaks
    with app.app_context():
        assert db.session.get(Invoice, int(p["old"][1])) is None  # deleted again
        assert db.session.get(Invoice, int(p["recent"][1])).number == "INV-2025-77"
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "erasure.replayed")
        ).one()
        assert event.data["records"] >= 3
        assert not any(v in str(event.record_refs) for v in FORMER)
    again = _snapshot(app)
    second = cli.invoke(args=[*args, "--yes"])
    assert (
        second.exit_code == 0 and "\n0 record(s) erased again in all" in second.output
    )
    assert _snapshot(app) == again
    # the rows the erasure kept or changed are the same shape as right after it
    assert [len(t) for t in again] == [len(t) for t in erased]
    with app.app_context():
        assert (
            len(
                db.session.scalars(
                    sa.select(AuditEvent).where(AuditEvent.action == "erasure.replayed")
                ).all()
            )
            == 1
        )


def test_replay_needs_a_date_and_a_known_tenant(app):
    cli = app.test_cli_runner()
    base = ["privacy", "erase", "replay"]
    assert (
        cli.invoke(args=[*base, "--tenant", "fjord", "--since", "2026-13-01"]).exit_code
        == 2
    )
    assert (
        cli.invoke(args=[*base, "--tenant", "nope", "--since", "2026-01-01"]).exit_code
        == 2
    )
    nothing = cli.invoke(
        args=[*base, "--tenant", "fjord", "--since", "2026-01-01", "--yes"]
    )
    assert nothing.exit_code == 0 and "no erasure recorded" in nothing.output
    bare = cli.invoke(args=["privacy", "erase", "--tenant", "fjord"])
    assert bare.exit_code == 2
