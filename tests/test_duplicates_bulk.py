"""Matching a batch of records at once gives what matching them one by one gives."""

from __future__ import annotations

import json
import typing as t

import pytest
import sqlalchemy as sa

from demo.models import Contact
from demo.models import Lead
from demo.models import db
from tenant_privacy.hooks.automatch import batches
from tenant_privacy.jobs.duplicates import match_records_job
from tenant_privacy.models import BlockingKey
from tenant_privacy.models import MatchRecord
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.services import duplicates
from tests import duplicates_helpers as h
from tests.conftest import seed

TENANT = "fjord"


@pytest.fixture
def quiet_app(make_app):
    """The seeded demo without automatic incremental matching."""
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


def _copy(contact: Contact, **changes: t.Any) -> Lead:
    values = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
    }
    return Lead(tenant_key=contact.tenant_key, **(values | changes))


def _prepare(app: t.Any) -> list[list[str]]:
    """Scan the tenant, decide some suggestions, then write what a host's import
    does: new leads (copies of contacts and of each other), edited contacts, a
    deleted lead. Returns the refs a job would get, plus two that name nothing."""
    with app.app_context():
        gone = _copy(_contacts()[0])
        db.session.add(gone)
        db.session.commit()
        gone_id = gone.id
    h.scan(app, TENANT)
    pending = h.suggestions(app, TENANT, "pending")
    assert len(pending) >= 3, "the seeded tenant has duplicates to work with"
    with app.app_context():
        scope = h.scope(app, TENANT)
        duplicates.reject(scope, "user:1", pending[0].id)
        duplicates.accept(scope, "user:1", pending[1].id)
        db.session.commit()
        contacts = _contacts()
        touched: set[tuple[str, str, str]] = set()
        for contact in contacts[:12]:
            twins = [_copy(contact), _copy(contact, phone=None)]
            if contact.id % 2:
                twins.append(_copy(contact, email=None, first_name="X"))
            db.session.add_all(twins)
        for contact in contacts[12:20]:
            contact.phone = f"+47 400 00 {contact.id:03d}"
        for row in (pending[0], pending[2]):  # one record of a rejected pair changes
            if row.a_source == "contact":
                changed = db.session.get(Contact, int(row.a_id))
                assert changed is not None
                changed.last_name = f"{changed.last_name}sen"
                touched.add((TENANT, "contact", row.a_id))
            touched.add((TENANT, row.b_source, row.b_id))
        db.session.delete(db.session.get(Lead, gone_id))
        db.session.flush()
        touched |= {(TENANT, "lead", str(o.id)) for o in db.session.new}
        touched |= {(TENANT, "lead", str(lead.id)) for lead in _leads()}
        touched |= {(TENANT, "contact", str(c.id)) for c in contacts[:20]}
        touched.add((TENANT, "lead", str(gone_id)))
        db.session.commit()
    [(_, refs)] = batches(touched)
    return refs + [["lead", "no-such-id"], ["nobody", "1"]]


def _contacts() -> list[Contact]:
    stmt = (
        sa.select(Contact)
        .where(Contact.tenant_key == TENANT, Contact.email.is_not(None))
        .order_by(Contact.id)
    )
    return list(db.session.scalars(stmt))


def _leads() -> list[Lead]:
    return list(db.session.scalars(sa.select(Lead).where(Lead.tenant_key == TENANT)))


def _state() -> dict[str, t.Any]:
    """The tenant's suggestions and matching index, without ids or times."""
    rows = db.session.scalars(
        sa.select(MatchSuggestion).where(MatchSuggestion.tenant_key == TENANT)
    )
    suggestions = sorted(
        (
            s.a_source,
            s.a_id,
            s.b_source,
            s.b_id,
            s.status,
            s.score,
            json.dumps(s.evidence, sort_keys=True),
            s.a_fingerprint,
            s.b_fingerprint,
        )
        for s in rows
    )
    keys = db.session.execute(
        sa.select(
            BlockingKey.key_hash, BlockingKey.source_key, BlockingKey.record_id
        ).where(BlockingKey.tenant_key == TENANT)
    )
    prints = db.session.execute(
        sa.select(
            MatchRecord.source_key, MatchRecord.record_id, MatchRecord.fingerprint
        ).where(MatchRecord.tenant_key == TENANT)
    )
    return {
        "suggestions": suggestions,
        "keys": sorted(tuple(k) for k in keys),
        "prints": sorted(tuple(p) for p in prints),
    }


@pytest.mark.parametrize("order", ["as_queued", "reversed"])
def test_bulk_matching_equals_matching_one_by_one(quiet_app, order):
    app = quiet_app
    refs = _prepare(app)
    if order == "reversed":
        refs = refs[::-1]
    with app.app_context():
        scope = h.scope(app, TENANT)
        one_by_one = sum(len(duplicates.match_record(scope, *ref)) for ref in refs)
        expected = _state()
        db.session.rollback()
        before = _state()
        at_once = duplicates.match_records(scope, refs)
        got = _state()
        db.session.rollback()
    assert got != before, "the batch changes suggestions and the index"
    assert len(expected["suggestions"]) > len(before["suggestions"])
    assert got == expected
    assert at_once == one_by_one


def test_the_job_matches_its_batch_at_once_and_commits(quiet_app, monkeypatch):
    app = quiet_app
    refs = _prepare(app)
    calls = []
    one = duplicates.match_record
    monkeypatch.setattr(
        duplicates, "match_record", lambda *a: calls.append(a) or one(*a)
    )
    with app.app_context():
        found = match_records_job(TENANT, refs)
        assert found > 0 and calls == []
        db.session.rollback()  # nothing left to roll back: the job committed
        leads = {str(lead.id) for lead in _leads()}
    suggested = {r.b_id for r in h.suggestions(app, TENANT) if r.b_source == "lead"}
    assert suggested & leads


def _indexed() -> set[tuple[str, str]]:
    stmt = sa.select(MatchRecord.source_key, MatchRecord.record_id).where(
        MatchRecord.tenant_key == TENANT
    )
    return {(source, record) for source, record in db.session.execute(stmt)}


def test_a_failing_batch_is_matched_again_record_by_record(quiet_app, monkeypatch):
    """One bad record does not cost the others their matching."""
    app = quiet_app
    refs = _prepare(app)
    with app.app_context():
        before = _indexed()
    new = [
        ref
        for ref in refs
        if ref[0] == "lead" and ref[1].isdigit() and tuple(ref) not in before
    ]
    bad = new[0]
    one = duplicates.match_record

    def batch(*args: t.Any) -> int:
        raise RuntimeError("the batch fails")

    def record(scope: t.Any, source_key: str, record_id: str) -> t.Any:
        if [source_key, record_id] == bad:
            raise RuntimeError("this record fails")
        return one(scope, source_key, record_id)

    monkeypatch.setattr(duplicates, "match_records", batch)
    monkeypatch.setattr(duplicates, "match_record", record)
    with app.app_context(), pytest.raises(RuntimeError, match="this record fails"):
        match_records_job(TENANT, refs)
    with app.app_context():
        after = _indexed()
    assert tuple(bad) not in after
    assert all(tuple(ref) in after for ref in new[1:])
