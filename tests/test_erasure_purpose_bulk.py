"""A purpose review creates the subjects its past records lack in bulk
(``TenantScope.links_or_new``): the same proposal as creating them one record at a
time, a constant number of statements per thousand records, no duplicate or
orphan rows, and race-safe on PostgreSQL (the loser of a race keeps the winner's
subject and deletes its own)."""

from __future__ import annotations

import datetime as dt
import threading
import time
import typing as t

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from demo.models import Contact
from demo.models import Lead
from demo.models import db
from tenant_privacy.models import Subject
from tenant_privacy.models import SubjectRecord
from tenant_privacy.services import erasure
from tenant_privacy.services import linking
from tenant_privacy.store import scope as scope_module
from tenant_privacy.store.scope import TenantScope
from tests import linking_helpers as lh
from tests.conftest import scope_of

OLD = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=4 * 365)


def _old(model: t.Any, ref: tuple[str, str]) -> tuple[str, str]:
    db.session.get(model, int(ref[1])).created_at = OLD
    return ref


def _mixed_tenant(app) -> set[int]:
    """Tenant fjord with old records with and without subjects: 30 contacts
    without, 6 leads with one each, an old lead and an old contact linked as one
    person, an old lead linked to a new contact (kept whole). Returns the ids of
    the subjects that exist before the review."""
    with app.app_context():
        scope = scope_of(app, "fjord")
        for i in range(30):
            _old(Contact, lh.add_contact("fjord", f"Uten{i}", "Subjekt"))
        for i in range(6):
            scope.subject_of(_old(Lead, lh.add_lead("fjord", f"Med{i}", "Subjekt")))
        pair = [
            _old(Lead, lh.add_lead("fjord", "Par", "Gammel")),
            _old(Contact, lh.add_contact("fjord", "Par", "Gammel")),
        ]
        linking.link_records(scope, "user:1", pair)
        kept = [
            _old(Lead, lh.add_lead("fjord", "Ny", "Kontakt")),
            lh.add_contact("fjord", "Ny", "Kontakt"),
        ]
        linking.link_records(scope, "user:1", kept)
        db.session.commit()
        return set(db.session.scalars(sa.select(Subject.id)))


def _one_by_one(self: TenantScope, refs: t.Iterable[tuple[str, str]]) -> dict:
    """The review's subjects as it made them before: ``subject_of`` per record."""
    links = self.links_of(refs)
    for ref in refs:
        if ref not in links:
            self.subject_of(ref)
            links[ref] = self.link_of(ref)
    return links


def _proposal(scope: TenantScope, existing: set[int]) -> list[tuple]:
    """The proposal without the ids of subjects it made: per person its
    reasons, and its id if it existed before."""
    found = erasure.past_subjects(scope)
    return sorted(
        (tuple(tuple(p.as_reason()) for p in items), sid if sid in existing else None)
        for sid, items in found.items()
    )


def _duplicates_and_orphans(session: orm.Session) -> tuple[int, int]:
    twice = session.execute(
        sa.select(SubjectRecord.tenant_key, SubjectRecord.source_key)
        .group_by(
            SubjectRecord.tenant_key, SubjectRecord.source_key, SubjectRecord.record_id
        )
        .having(sa.func.count() > 1)
    ).all()
    orphans = session.scalar(
        sa.select(sa.func.count(Subject.id)).where(
            Subject.state == "active",
            ~sa.exists().where(SubjectRecord.subject_id == Subject.id),
        )
    )
    return len(twice), int(orphans or 0)


def test_bulk_subjects_give_the_proposal_made_one_record_at_a_time(
    any_db_app, monkeypatch
) -> None:
    app = any_db_app
    existing = _mixed_tenant(app)
    monkeypatch.setattr(scope_module, "MAX_IN", 7)  # several chunks of records
    with app.app_context():
        scope = scope_of(app, "fjord")
        with monkeypatch.context() as patch:
            patch.setattr(TenantScope, "links_or_new", _one_by_one)
            before = _proposal(scope, existing)
            made_before = db.session.scalar(sa.select(sa.func.count(Subject.id)))
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Subject.id))) == len(existing)
        after = _proposal(scope, existing)
        db.session.commit()
        assert after == before
        # the mix is in it: persons made now, persons that had a subject, the
        # linked pair with both reasons; the lead linked to a new contact is not
        assert sum(1 for _, sid in after if sid is None) >= 30
        assert sum(1 for _, sid in after if sid is not None) >= 6
        assert any(len(reasons) == 2 for reasons, _ in after)
        assert db.session.scalar(sa.select(sa.func.count(Subject.id))) == made_before
        # one link per record, no subject without one; a second review makes none
        assert _duplicates_and_orphans(db.session) == (0, 0)
        links = db.session.scalar(sa.select(sa.func.count()).select_from(SubjectRecord))
        assert _proposal(scope, existing) == after
        review, _ = erasure.propose_review(scope, "user:1")
        db.session.commit()
        items = erasure.review_items(scope, review.id)
        assert (
            sorted(
                (
                    tuple(map(tuple, i.reasons)),
                    i.subject_id if i.subject_id in existing else None,
                )
                for i in items
            )
            == after
        )
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(SubjectRecord))
            == links
        )


def test_subjects_of_many_records_take_a_few_statements_per_chunk(
    app, monkeypatch
) -> None:
    monkeypatch.setattr(scope_module, "MAX_IN", 10)
    with app.app_context():
        scope = scope_of(app, "fjord")
        refs = [lh.add_contact("fjord", f"Mange{i}", "Poster") for i in range(40)]
        db.session.commit()
        executed: list[str] = []

        def count(_conn, _cursor, statement, *_: t.Any) -> None:
            executed.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            links = scope.links_or_new(refs)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        db.session.commit()
        assert set(links) == set(refs)
        assert len({link.subject_id for link in links.values()}) == 40
        # per 10 records: a read of their links, an insert of subjects, one of
        # links and a read of those (one by one it was four per record)
        assert len(executed) <= 4 * 4, executed


def test_a_record_linked_meanwhile_keeps_the_winners_subject(any_db_app) -> None:
    app = any_db_app
    with app.app_context():
        scope = scope_of(app, "fjord")
        refs = [lh.add_contact("fjord", f"Kappløp{i}", "Vinner") for i in range(6)]
        first = {r: link.subject_id for r, link in scope.links_or_new(refs[:3]).items()}
        db.session.commit()
        subjects = db.session.scalar(sa.select(sa.func.count(Subject.id)))
        # as if another transaction linked the first three after this one looked
        links = scope._create_subjects_for(refs)
        db.session.commit()
        assert {r: links[r].subject_id for r in refs[:3]} == first
        assert len({links[r].subject_id for r in refs[3:]} - set(first.values())) == 3
        count = db.session.scalar(sa.select(sa.func.count(Subject.id)))
        assert count == subjects + 3
        assert _duplicates_and_orphans(db.session) == (0, 0)
        assert scope.subject_of(refs[0]).id == first[refs[0]]


def _waiting_for_a_lock(engine: sa.Engine, done: threading.Event) -> bool:
    """True once a session of *engine* waits for a lock; False if *done* first."""
    for _ in range(1200):
        if done.is_set():
            return False
        with engine.connect() as conn:
            waiting = conn.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
        if waiting:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.postgres
def test_two_reviews_creating_the_same_subjects_at_once_on_postgresql(
    pg_app,
) -> None:
    state = pg_app.extensions["tenant_privacy"]
    with pg_app.app_context():
        refs = [lh.add_contact("fjord", f"Samtidig{i}", "Hansen") for i in range(12)]
        db.session.commit()
        engine = db.engine
    done = threading.Event()
    results: dict[str, dict] = {}
    errors: list[str] = []

    def second() -> None:
        try:
            with orm.Session(engine) as session:
                scope = TenantScope(session, "fjord", state.registry)
                links = scope._create_subjects_for(refs[4:])  # waits at refs[4]
                results["b"] = {r: link.subject_id for r, link in links.items()}
                session.commit()
        except Exception as exc:  # pragma: no cover - reported by the assertion
            errors.append(repr(exc))
        finally:
            done.set()

    with orm.Session(engine) as session:
        scope = TenantScope(session, "fjord", state.registry)
        links = scope._create_subjects_for(refs[:8])
        results["a"] = {r: link.subject_id for r, link in links.items()}
        thread = threading.Thread(target=second)
        thread.start()
        waited = _waiting_for_a_lock(engine, done)
        session.commit()
    thread.join(timeout=60)
    assert not errors
    assert waited  # the second waited for the first's uncommitted links
    a, b = results["a"], results["b"]
    assert all(b[r] == a[r] for r in refs[4:8])  # the first transaction won
    with orm.Session(engine) as session:
        owner = dict(
            ((s, r), sid)
            for s, r, sid in session.execute(
                sa.select(
                    SubjectRecord.source_key,
                    SubjectRecord.record_id,
                    SubjectRecord.subject_id,
                ).where(SubjectRecord.tenant_key == "fjord")
            )
        )
        assert {r: owner[r] for r in refs} == {**b, **a}
        assert len(set(owner.values())) == len(owner)
        assert _duplicates_and_orphans(session) == (0, 0)
