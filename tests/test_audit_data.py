"""Ids and counts go into the audit event's typed ``data``, not its free text.

Probe of issue 12, item 2: once subject ids reached 10,000,000 the "no phone numbers
in the detail" check took them for phone numbers and accept / unlink answered 400.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy.errors import InvalidInput
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import MergeRecord
from tenant_privacy.models import Subject
from tenant_privacy.models import metadata
from tenant_privacy.services import audit
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_suggestion
from tests.linking_helpers import scope_of

BIG = 10_000_000


def _big_ids(session: orm.Session) -> None:
    """Make the next subject and merge ids >= 10,000,000 (sequence or max id)."""
    if session.get_bind().dialect.name == "postgresql":
        for table in ("tenant_privacy_subject", "tenant_privacy_merge"):
            session.execute(
                sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"),
                {"n": BIG + 41},
            )
        return
    # SQLite hands out max(id) + 1: park one row of another tenant at the top.
    session.add(Subject(id=BIG + 41, tenant_key="nordlys", state="merged"))
    session.add(
        MergeRecord(id=BIG + 41, tenant_key="nordlys", subject_id=BIG + 41, actor="x")
    )
    session.flush()


def _events(session, action):
    return session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.tenant_key == "fjord", AuditEvent.action == action)
        .order_by(AuditEvent.seq)
    ).all()


def test_accept_and_unlink_with_ids_above_ten_million(any_db_app, login) -> None:
    from demo.models import db

    app = any_db_app
    with app.app_context():
        _big_ids(db.session)
        a = add_contact("fjord", "Oda", "Lie")
        b = add_contact("fjord", "Oda", "Lie")
        scope = scope_of(app, "fjord")
        subjects = sorted(scope.subject_of(ref).id for ref in (a, b))
        assert subjects[0] > BIG
        suggestion = add_suggestion("fjord", a, b, 0.99)
        db.session.commit()
        suggestion_id = suggestion.id
    client = app.test_client()
    assert login(client, "officer@fjord.test").status_code == 302
    accepted = client.post(f"/privacy/duplicates/{suggestion_id}/accept")
    assert accepted.status_code == 302
    with app.app_context():
        (linked,) = _events(db.session, "records.linked")
        assert linked.data["merge"] > BIG
        assert sorted([linked.subject_id, *linked.data["subjects"]]) == subjects
        assert linked.detail == ""
        target = linked.subject_id
    unlinked = client.post(
        f"/privacy/subjects/{target}/unlink",
        data={"source_key": b[0], "record_id": b[1]},
    )
    assert unlinked.status_code == 302
    with app.app_context():
        (event,) = _events(db.session, "records.unlinked")
        assert event.subject_id == target
        assert event.data["new_subject"] > BIG and event.data["merge"] > BIG
        assert audit.verify(db.session, "fjord") > 0


@pytest.fixture
def engine(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_data_holds_typed_ids_and_counts(engine) -> None:
    data = {"merge": 12345678901, "subjects": [BIG + 1, BIG + 2], "records": 0}
    with orm.Session(engine) as s:
        event = audit.record(s, "fjord", "system", audit.Action.SEARCH, data=data)
        s.commit()
        assert event.data == data
        stored = s.scalars(sa.select(AuditEvent)).one()
        assert stored.data == data
        assert audit.verify(s, "fjord") == 1


@pytest.mark.parametrize(
    "data",
    [
        {"phone": 91234567},  # not an allowed key
        {"merge": "91234567"},  # text, not an int
        {"merge": True},
        {"merge": -1},
        {"subjects": [1, "2"]},
        {"subjects": 3},  # a list key needs a list
        {"merge": [1]},
        {"hits": 1.5},
    ],
)
def test_data_outside_the_schema_is_refused(engine, data) -> None:
    with orm.Session(engine) as s, pytest.raises(InvalidInput):
        audit.record(s, "fjord", "system", audit.Action.SEARCH, data=data)


def test_free_text_still_refuses_a_phone_number(engine) -> None:
    with orm.Session(engine) as s:
        for detail in ("tel 91234567", "ring +47 912 34 567", "kari@example.com"):
            with pytest.raises(InvalidInput):
                audit.record(s, "fjord", "system", audit.Action.SEARCH, detail=detail)
        with pytest.raises(InvalidInput):
            audit.record(
                s, "fjord", "system", audit.Action.SEARCH, detail=f"merge {BIG}"
            )
