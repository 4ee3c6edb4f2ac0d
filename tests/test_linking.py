"""Linking, unlinking and undo: grouping, audit, tenants, transactions, concurrency."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from tenant_privacy.errors import InvalidInput
from tenant_privacy.errors import MergeConflict
from tenant_privacy.errors import NotFound
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.models import MergeRecord
from tenant_privacy.models import Subject
from tenant_privacy.services import audit
from tenant_privacy.services import linking
from tenant_privacy.store.scope import TenantScope
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_lead
from tests.linking_helpers import add_suggestion
from tests.linking_helpers import check_invariants
from tests.linking_helpers import grouping
from tests.linking_helpers import scope_of

ACTOR = "user:1"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def people(ctx):
    """Four fjord records, each its own subject (committed)."""
    from demo.models import db

    scope = scope_of(ctx, "fjord")
    refs = [
        add_contact("fjord", "Bjørn", "Sæther", email="bjorn@example.no"),
        add_contact("fjord", "Bjorn", "Saether", phone="+47 912 34 567"),
        add_lead("fjord", "BJOERN", "SAETHER", email="bjorn@example.no"),
        add_contact("fjord", "Kari", "Nordmann"),
    ]
    for ref in refs:
        scope.subject_of(ref)
    db.session.commit()
    return scope, refs


def _actions(session, tenant):
    return [
        e.action
        for e in session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.tenant_key == tenant)
            .order_by(AuditEvent.seq)
        )
    ]


def test_suggestion_to_undo_round_trip_restores_exact_grouping(people) -> None:
    scope, (a, b, c, _d) = people
    session = scope.session
    before = grouping(session, "fjord")
    # the module may already have suggested the pair on insert; else suggest it now
    suggestion = session.scalars(
        sa.select(MatchSuggestion).where(
            MatchSuggestion.tenant_key == "fjord",
            sa.or_(
                sa.and_(MatchSuggestion.a_id == a[1], MatchSuggestion.b_id == c[1]),
                sa.and_(MatchSuggestion.a_id == c[1], MatchSuggestion.b_id == a[1]),
            ),
        )
    ).first()
    if suggestion is None:
        evidence = {"email": 1.0, "name": 0.9}
        suggestion = add_suggestion("fjord", a, c, 0.93, evidence=evidence)
        session.flush()
    first = linking.link_records(
        scope,
        ACTOR,
        [a, c],
        score=suggestion.score,
        evidence=suggestion.evidence,
        suggestion_id=suggestion.id,
    )
    second = linking.link_records(scope, ACTOR, [b, c])
    session.commit()

    after = grouping(session, "fjord")
    target = min(before[a], before[b], before[c])
    assert after[a] == after[b] == after[c] == target
    assert first.suggestion_id == suggestion.id
    assert first.score == pytest.approx(suggestion.score)
    assert first.evidence == suggestion.evidence
    assert first.actor == ACTOR and first.created_at is not None
    moved = {(p[0], p[1]): p[2] for p in first.previous + second.previous}
    assert all(moved[ref] == before[ref] for ref in moved)
    check_invariants(session, "fjord")
    states = dict(session.execute(sa.select(Subject.id, Subject.state)).all())
    assert states[before[b]] == states[before[c]] == "merged"

    linking.undo_merge(scope, "user:2", second.id)
    linking.undo_merge(scope, "user:2", first.id)
    session.commit()
    assert grouping(session, "fjord") == before
    check_invariants(session, "fjord")
    assert first.undone_by == "user:2" and first.undone_at is not None
    assert all(
        s.state == "active"
        for s in session.scalars(
            sa.select(Subject).where(Subject.tenant_key == "fjord")
        )
        if s.id in before.values()
    )
    actions = _actions(session, "fjord")
    assert actions.count(audit.Action.RECORDS_LINKED) == 2
    assert actions.count(audit.Action.MERGE_UNDONE) == 2


def test_linking_merges_whole_subjects(people) -> None:
    scope, (a, b, c, d) = people
    linking.link_records(scope, ACTOR, [a, b])
    merge = linking.link_records(scope, ACTOR, [c, d])
    final = linking.link_records(scope, ACTOR, [b, d])
    groups = grouping(scope.session, "fjord")
    assert len({groups[r] for r in (a, b, c, d)}) == 1
    assert merge is not None and final is not None
    # the later link moved both records of the (c, d) subject at once
    assert len(final.previous) == 2
    check_invariants(scope.session, "fjord")


def test_linking_records_already_together_is_a_no_op(people) -> None:
    scope, (a, b, _c, _d) = people
    linking.link_records(scope, ACTOR, [a, b])
    count = scope.session.scalar(sa.select(sa.func.count(MergeRecord.id)))
    assert linking.link_records(scope, ACTOR, [b, a]) is None
    assert scope.session.scalar(sa.select(sa.func.count(MergeRecord.id))) == count


def test_undo_must_go_in_reverse_order(people) -> None:
    scope, (a, b, c, _d) = people
    first = linking.link_records(scope, ACTOR, [b, c])  # c moves under b's subject
    second = linking.link_records(scope, ACTOR, [a, b])  # b and c move under a's
    assert c in linking.moved_refs(second)
    with pytest.raises(MergeConflict):
        linking.undo_merge(scope, ACTOR, first.id)
    linking.undo_merge(scope, ACTOR, second.id)
    linking.undo_merge(scope, ACTOR, first.id)
    with pytest.raises(MergeConflict, match="already undone"):
        linking.undo_merge(scope, ACTOR, first.id)
    check_invariants(scope.session, "fjord")


@pytest.mark.postgres
def test_undo_order_on_postgresql(pg_app) -> None:
    """The blocker search streams later merges from a server-side cursor on
    PostgreSQL; leaving it early must not disturb the undo that follows."""
    from demo.models import db

    with pg_app.app_context():
        scope = scope_of(pg_app, "fjord")
        a, b, c = (add_contact("fjord", "Kari", f"Nordmann{n}") for n in "abc")
        for ref in (a, b, c):
            scope.subject_of(ref)
        db.session.commit()
        first = linking.link_records(scope, ACTOR, [b, c])
        second = linking.link_records(scope, ACTOR, [a, b])
        for _ in range(3):  # later merges that do not block: streamed past
            extra = add_contact("fjord", "Ola", "Hansen")
            other = add_contact("fjord", "Ola", "Hansen")
            linking.link_records(scope, ACTOR, [extra, other])
        db.session.commit()
        assert linking.undo_blocker(scope, first).id == second.id
        with pytest.raises(MergeConflict):
            linking.undo_merge(scope, ACTOR, first.id)
        linking.undo_merge(scope, ACTOR, second.id)
        linking.undo_merge(scope, ACTOR, first.id)
        db.session.commit()
        check_invariants(scope.session, "fjord")


def test_unlink_splits_one_record_and_can_be_undone(people) -> None:
    scope, (a, b, c, _d) = people
    linking.link_records(scope, ACTOR, [a, b, c])
    together = grouping(scope.session, "fjord")
    merge = linking.unlink_record(scope, ACTOR, b)
    groups = grouping(scope.session, "fjord")
    assert groups[a] == groups[c] == together[a]
    assert groups[b] not in (together[a],)
    assert merge.subject_id == groups[b]
    assert linking.is_unlink(merge)
    assert _actions(scope.session, "fjord")[-1] == audit.Action.RECORDS_UNLINKED
    assert linking.unlink_record(scope, ACTOR, b) is None  # already alone
    linking.undo_merge(scope, ACTOR, merge.id)
    assert grouping(scope.session, "fjord") == together
    check_invariants(scope.session, "fjord")
    assert [m.id for m in linking.merges_of(scope, groups[b])] == [merge.id]


@pytest.mark.parametrize(
    "refs, error",
    [
        ([("contact", "1")], InvalidInput),
        ([], InvalidInput),
        (["contact"], InvalidInput),
        ([("contact", "1"), ("nosuch", "1")], NotFound),
        ([("contact", "1"), ("contact", "999999")], NotFound),
        ([("contact", "1"), ("contact", "abc")], NotFound),
        ([("contact", "1"), ("invoice", "1")], NotFound),
    ],
)
def test_bad_input_is_refused(ctx, refs, error) -> None:
    scope = scope_of(ctx, "fjord")
    before = grouping(scope.session, "fjord")
    with pytest.raises(error):
        linking.link_records(scope, ACTOR, refs)
    scope.session.rollback()
    assert grouping(scope.session, "fjord") == before


def test_undo_of_unknown_merge_is_not_found(ctx) -> None:
    scope = scope_of(ctx, "fjord")
    for merge_id in (999999, "abc"):
        with pytest.raises(NotFound):
            linking.undo_merge(scope, ACTOR, merge_id)


def test_same_person_in_two_tenants_is_never_linked_across(ctx, people) -> None:
    from demo.models import db

    scope, (a, *_rest) = people
    other = add_contact("nordlys", "Bjørn", "Sæther", email="bjorn@example.no")
    db.session.commit()
    with pytest.raises(NotFound):
        linking.link_records(scope, ACTOR, [a, other])
    scope.session.rollback()
    nordlys = scope_of(ctx, "nordlys")
    with pytest.raises(NotFound):
        linking.link_records(nordlys, ACTOR, [other, a])
    scope.session.rollback()
    assert other not in grouping(scope.session, "fjord")
    assert a not in grouping(scope.session, "nordlys")
    # a fjord merge is invisible to nordlys
    merge = linking.link_records(scope, ACTOR, people[1][:2])
    scope.session.commit()
    with pytest.raises(NotFound):
        linking.undo_merge(nordlys, ACTOR, merge.id)
    with pytest.raises(NotFound):
        linking.merges_of(nordlys, merge.subject_id)
    with pytest.raises(NotFound):
        linking.unlink_record(nordlys, ACTOR, a)
    assert merge.undone_at is None


def test_failure_midway_leaves_nothing_half_done(people, monkeypatch) -> None:
    scope, (a, b, _c, _d) = people
    session = scope.session
    before = grouping(session, "fjord")
    merges = session.scalar(sa.select(sa.func.count(MergeRecord.id)))

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        linking.link_records(scope, ACTOR, [a, b])
    session.rollback()
    assert grouping(session, "fjord") == before
    assert session.scalar(sa.select(sa.func.count(MergeRecord.id))) == merges
    check_invariants(session, "fjord")
    monkeypatch.undo()

    merge = linking.link_records(scope, ACTOR, [a, b])
    session.commit()
    linked = grouping(session, "fjord")
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        linking.undo_merge(scope, ACTOR, merge.id)
    session.rollback()
    assert grouping(session, "fjord") == linked
    assert session.get(MergeRecord, merge.id).undone_at is None


# -- PostgreSQL: two officers at the same time ----------------------------------------


def _worker(engine, registry, refs, barrier, hold, errors, results) -> None:
    try:
        with orm.Session(engine) as session:
            scope = TenantScope(session, "fjord", registry)
            barrier.wait(timeout=10)
            merge = linking.link_records(scope, ACTOR, refs)
            time.sleep(hold)
            session.commit()
            results.append(merge.id if merge else None)
    except Exception as exc:  # pragma: no cover - reported by the assertion
        errors.append(repr(exc))


@pytest.mark.postgres
def test_concurrent_overlapping_links_end_consistent(pg_app) -> None:
    from demo.models import db

    state = pg_app.extensions["tenant_privacy"]
    with pg_app.app_context():
        refs = [add_contact("fjord", f"P{i}", "Hansen") for i in range(8)]
        for ref in refs[:4]:  # half already have subjects, half are new
            scope_of(pg_app, "fjord").subject_of(ref)
        db.session.commit()
        engine = db.engine
    before = None
    with orm.Session(engine) as s:
        before = grouping(s, "fjord")
    pairs = [
        (refs[0], refs[1]),
        (refs[1], refs[2]),
        (refs[2], refs[5]),
        (refs[5], refs[6]),
        (refs[3], refs[0]),
        (refs[7], refs[4]),
    ]
    errors: list[str] = []
    results: list[int | None] = []
    barrier = threading.Barrier(len(pairs))
    threads = [
        threading.Thread(
            target=_worker,
            args=(engine, state.registry, list(p), barrier, 0.05, errors, results),
        )
        for p in pairs
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors
    assert len(results) == len(pairs)
    with orm.Session(engine) as s:
        groups = grouping(s, "fjord")
        assert set(groups) == set(refs)  # every record has exactly one link row
        big = {
            groups[r] for r in (refs[0], refs[1], refs[2], refs[3], refs[5], refs[6])
        }
        assert len(big) == 1  # no lost link
        assert groups[refs[7]] == groups[refs[4]]
        assert groups[refs[4]] not in big
        check_invariants(s, "fjord")
        merges = list(s.scalars(sa.select(MergeRecord).order_by(MergeRecord.id.desc())))
        scope = TenantScope(s, "fjord", state.registry)
        for merge in merges:  # undo all, newest first
            linking.undo_merge(scope, ACTOR, merge.id)
        s.commit()
        restored = grouping(s, "fjord")
        # records that had subjects get exactly them back; new ones stay apart
        assert all(restored[r] == before[r] for r in before)
        assert len(set(restored.values())) == len(refs)
        check_invariants(s, "fjord")
        assert audit.verify(s, "fjord") > 0


def test_merges_of_lists_every_merge_that_touched_the_subject(people) -> None:
    scope, (a, b, c, d) = people
    before = grouping(scope.session, "fjord")
    first = linking.link_records(scope, ACTOR, [a, b])  # b's subject gives way
    second = linking.link_records(scope, ACTOR, [c, d])
    third = linking.link_records(scope, ACTOR, [a, c])  # c's group moves to a's
    target = first.subject_id
    ids = lambda sid: [m.id for m in linking.merges_of(scope, sid)]  # noqa: E731
    assert ids(target) == [third.id, first.id]
    assert ids(before[b]) == [first.id]  # a previous owner sees the merge too
    assert ids(second.subject_id) == [third.id, second.id]
    assert set(ids(before[d])) == {second.id}
    from tenant_privacy.models import MergeSubject

    tenants = scope.session.scalars(sa.select(MergeSubject.tenant_key)).all()
    assert set(tenants) == {"fjord"}
