"""Duplicate service: scans, stored suggestions, decisions, incremental matching."""

from __future__ import annotations

import dataclasses
import json

import pytest
import sqlalchemy as sa

from demo.models import Contact
from demo.models import db
from tenant_privacy import matching
from tenant_privacy.errors import InvalidInput
from tenant_privacy.errors import NotFound
from tenant_privacy.jobs.duplicates import scan_job
from tenant_privacy.models import BlockingKey
from tenant_privacy.models import MatchRecord
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.models import MergeRecord
from tenant_privacy.models import ScanJob
from tenant_privacy.services import duplicates
from tenant_privacy.services import linking
from tenant_privacy.services.duplicates import index as match_index
from tenant_privacy.services.duplicates import scans
from tests import duplicates_helpers as h
from tests.conftest import seed


@pytest.fixture
def quiet_app(make_app):
    """The seeded demo without automatic incremental matching."""
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


def test_scan_stores_pending_suggestions_best_first(quiet_app):
    app = quiet_app
    scan_id = h.scan(app, "fjord")
    job = h.scan_row(app, scan_id)
    assert job.status == "done"
    assert job.total > 0 and job.progress == job.total
    rows = h.suggestions(app, "fjord")
    assert rows and job.suggestions == len(rows)
    assert all(r.status == "pending" and r.evidence for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    for r in rows:
        assert (r.a_source, r.a_id) < (r.b_source, r.b_id)
        assert h.tenant_of(app, r.a_source, r.a_id) == "fjord"
        assert h.tenant_of(app, r.b_source, r.b_id) == "fjord"
    with app.app_context():
        page, total = duplicates.pending(h.scope(app, "fjord"), 1, 5)
        assert total == len(rows) and [s.id for s in page] == [r.id for r in rows[:5]]


def test_index_holds_no_personal_values(quiet_app):
    app = quiet_app
    h.scan(app, "fjord")
    with app.app_context():
        emails = [
            e
            for e in db.session.scalars(
                sa.select(Contact.email).where(Contact.email.is_not(None))
            )
        ]
        keys = list(db.session.scalars(sa.select(BlockingKey.key_hash)))
        prints = list(db.session.scalars(sa.select(MatchRecord.fingerprint)))
        evidence = json.dumps(
            [s.evidence for s in db.session.scalars(sa.select(MatchSuggestion))]
        )
    assert keys and all(len(k) == 32 and int(k, 16) >= 0 for k in keys)
    assert prints and all(len(p) == 64 for p in prints)
    for email in emails:
        assert email.split("@")[0] not in evidence


def test_rescan_keeps_suggestions_and_drops_nothing_decided(quiet_app):
    app = quiet_app
    h.scan(app, "fjord")
    first = {r.id for r in h.suggestions(app, "fjord")}
    h.scan(app, "fjord")
    assert {r.id for r in h.suggestions(app, "fjord")} == first


def test_rejected_pair_stays_rejected_until_a_record_changes(quiet_app):
    app = quiet_app
    h.scan(app, "fjord")
    target = next(r for r in h.suggestions(app, "fjord") if r.a_source == "contact")
    with app.app_context():
        duplicates.reject(h.scope(app, "fjord"), "user:1", target.id)
        db.session.commit()
    h.scan(app, "fjord")
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == target.id]
    assert row.status == "rejected"
    with app.app_context():
        ids = [s.id for s in duplicates.pending(h.scope(app, "fjord"), 1, 500)[0]]
        assert target.id not in ids
        # a change in one record's identity re-opens the pair
        contact = db.session.get(Contact, int(target.a_id))
        contact.street = (contact.street or "Storgata 1") + " B"
        db.session.commit()
    h.scan(app, "fjord")
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == target.id]
    assert row.status == "pending"
    assert row.decided_at is None


def _reject_first_contact_pair(app) -> MatchSuggestion:
    h.scan(app, "fjord")
    target = next(r for r in h.suggestions(app, "fjord") if r.a_source == "contact")
    with app.app_context():
        duplicates.reject(h.scope(app, "fjord"), "user:1", target.id)
        db.session.commit()
    return target


def test_a_new_matcher_version_does_not_reopen_a_rejected_pair(quiet_app, monkeypatch):
    app = quiet_app
    target = _reject_first_contact_pair(app)
    # the next version normalises the same host values differently
    normalize = match_index.matching.normalize_record

    def next_version(record, **kw):
        nr = normalize(record, **kw)
        return dataclasses.replace(nr, company=(nr.company or "") + " as")

    monkeypatch.setattr(match_index.matching, "normalize_record", next_version)
    h.scan(app, "fjord")
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == target.id]
    assert row.status == "rejected"
    with app.app_context():
        # and on save of one of its records, unchanged, it stays rejected too
        found = duplicates.match_record(h.scope(app, "fjord"), "contact", target.a_id)
        db.session.commit()
        assert target.id not in {s.id for s in found}
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == target.id]
    assert row.status == "rejected"


def test_same_person_in_two_tenants_is_never_suggested(quiet_app):
    app = quiet_app
    source = h.first_contact(app, "fjord")
    twin = h.copy_contact(app, source, "nordlys")
    h.scan(app, "fjord")
    h.scan(app, "nordlys")
    for tenant in ("fjord", "nordlys"):
        for r in h.suggestions(app, tenant):
            assert h.tenant_of(app, r.a_source, r.a_id) == tenant
            assert h.tenant_of(app, r.b_source, r.b_id) == tenant
    with app.app_context():
        found = duplicates.match_record(h.scope(app, "nordlys"), "contact", str(twin))
        db.session.commit()
        assert all(s.tenant_key == "nordlys" for s in found)
        refs = {(s.a_id, s.b_id) for s in found}
        assert not any(str(source) in pair for pair in refs)
        # the same blocking key hashes differently per tenant
        assert duplicates.key_hash("fjord", "e:x") != duplicates.key_hash(
            "nordlys", "e:x"
        )
        # another tenant's suggestion is not found
        fjord_id = h.suggestions(app, "fjord")[0].id
        with pytest.raises(NotFound):
            duplicates.accept(h.scope(app, "nordlys"), "user:1", fjord_id)
        with pytest.raises(NotFound):
            duplicates.reject(h.scope(app, "nordlys"), "user:1", fjord_id)


def test_accept_links_and_undo_reopens(quiet_app):
    app = quiet_app
    h.scan(app, "fjord")
    top = h.suggestions(app, "fjord")[0]
    with app.app_context():
        scope = h.scope(app, "fjord")
        merge = duplicates.accept(scope, "user:1", top.id)
        db.session.commit()
        assert merge is not None and merge.suggestion_id == top.id
        a, b = (
            scope.link_of((top.a_source, top.a_id)),
            scope.link_of((top.b_source, top.b_id)),
        )
        assert a.subject_id == b.subject_id
        merge_id = merge.id
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == top.id]
    assert row.status == "accepted" and row.decided_by == "user:1"
    h.scan(app, "fjord")  # linked records are not suggested again
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == top.id]
    assert row.status == "accepted"
    with app.app_context():
        linking.undo_merge(h.scope(app, "fjord"), "user:1", merge_id)
        db.session.commit()
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == top.id]
    assert row.status == "pending"


def test_accept_above_is_one_transaction(quiet_app, monkeypatch):
    app = quiet_app
    h.scan(app, "fjord")
    real = linking.link_records
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    with app.app_context():
        scope = h.scope(app, "fjord")
        count = duplicates.count_above(scope, 0.5)
        assert count >= 2
        monkeypatch.setattr(linking, "link_records", flaky)
        with pytest.raises(RuntimeError):
            duplicates.accept_above(scope, "user:1", 0.5)
        db.session.rollback()
        merges = db.session.scalar(sa.select(sa.func.count()).select_from(MergeRecord))
        assert merges == 0
    assert not h.suggestions(app, "fjord", "accepted")
    monkeypatch.setattr(linking, "link_records", real)
    with app.app_context():
        scope = h.scope(app, "fjord")
        done = duplicates.accept_above(scope, "user:1", 0.5)
        db.session.commit()
        assert len(done.accept) + len(done.hold) == count
        assert duplicates.count_above(scope, 0.5) == len(done.hold)


def test_bad_input_is_refused(quiet_app):
    app = quiet_app
    with app.app_context():
        scope = h.scope(app, "fjord")
        for bad in (-0.1, 1.5, "x", float("nan")):
            with pytest.raises(InvalidInput):
                duplicates.count_above(scope, bad)
        with pytest.raises(InvalidInput):
            duplicates.pending(scope, 0, 10)
        with pytest.raises(NotFound):
            duplicates.accept(scope, "user:1", "abc")


def test_incremental_match_finds_a_new_lead(quiet_app):
    app = quiet_app
    h.scan(app, "fjord")
    contact = h.first_contact(app, "fjord")
    lead = h.copy_as_lead(app, contact)
    with app.app_context():
        found = duplicates.match_record(h.scope(app, "fjord"), "lead", str(lead))
        db.session.commit()
        pairs = {((s.a_source, s.a_id), (s.b_source, s.b_id)) for s in found}
    assert (("contact", str(contact)), ("lead", str(lead))) in pairs
    with app.app_context():
        keys = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(BlockingKey)
            .where(BlockingKey.source_key == "lead", BlockingKey.record_id == str(lead))
        )
        assert keys > 0
        # the record disappears: its keys and pending suggestions go
        from demo.models import Lead

        db.session.delete(db.session.get(Lead, lead))
        db.session.commit()
        assert duplicates.match_record(h.scope(app, "fjord"), "lead", str(lead)) == []
        db.session.commit()
    assert not [r for r in h.suggestions(app, "fjord") if r.b_id == str(lead)]


def test_host_commit_triggers_incremental_match(app):
    contact = h.first_contact(app, "fjord")
    lead = h.copy_as_lead(app, contact)  # commits: the hook matches it
    pairs = {
        ((r.a_source, r.a_id), (r.b_source, r.b_id))
        for r in h.suggestions(app, "fjord", "pending")
    }
    assert (("contact", str(contact)), ("lead", str(lead))) in pairs


def test_hook_skips_tenants_where_the_module_is_off(app):
    with app.app_context():
        app.extensions["tenant_privacy"].extension.enable_tenant("nordlys", False)
        db.session.commit()
    before = len(h.suggestions(app, "nordlys"))
    h.copy_as_lead(app, h.first_contact(app, "nordlys"))
    assert len(h.suggestions(app, "nordlys")) == before


def test_a_failing_scan_is_marked_failed_and_keeps_suggestions(quiet_app, monkeypatch):
    app = quiet_app
    h.scan(app, "fjord")
    before = [(r.id, r.status, r.score) for r in h.suggestions(app, "fjord")]

    def broken(*args, **kwargs):
        raise RuntimeError("ola.nordmann@example.com")  # never stored

    monkeypatch.setattr(matching, "scan_duplicates", broken)
    with app.app_context():
        job = duplicates.start_scan(h.scope(app, "fjord"), "user:1")
        db.session.commit()
        scan_id = job.id
        with pytest.raises(RuntimeError):
            scan_job("fjord", scan_id)
    row = h.scan_row(app, scan_id)
    assert row.status == "failed" and row.error == "RuntimeError"
    assert [(r.id, r.status, r.score) for r in h.suggestions(app, "fjord")] == before
    with app.app_context():  # a failed scan is not re-run by a duplicate job
        assert scan_job("fjord", scan_id) is None
    assert h.scan_row(app, scan_id).status == "failed"


def test_public_match_record_matches_a_row_written_outside_the_session(quiet_app):
    """A host that bulk-loads rows calls ``privacy.match_record`` after its commit."""
    app = quiet_app
    h.scan(app, "fjord")
    contact = h.first_contact(app, "fjord")
    lead = h.copy_as_lead(app, contact)  # auto-matching is off: nothing suggested yet
    assert not [r for r in h.suggestions(app, "fjord") if r.b_id == str(lead)]
    with app.app_context():
        privacy = app.extensions["tenant_privacy"].extension
        privacy.match_record("fjord", "lead", str(lead))
    pairs = {
        ((r.a_source, r.a_id), (r.b_source, r.b_id))
        for r in h.suggestions(app, "fjord", "pending")
    }
    assert (("contact", str(contact)), ("lead", str(lead))) in pairs


def test_incremental_matching_reads_the_tenant_as_its_last_scan_measured(quiet_app):
    app = quiet_app
    scan_id = h.scan(app, "fjord")
    row = h.scan_row(app, scan_id)
    # the demo tenant is a CRM with families: measured or too few to judge
    assert row.household_rate is None or row.household_rate >= 0.25
    with app.app_context():
        scope = h.scope(app, "fjord")
        assert duplicates.tenant_has_households(scope) is True
        # a newer finished scan that found no households changes the reading;
        # a scan still running does not, and another tenant's scan never does
        db.session.add(
            ScanJob(tenant_key="fjord", status="done", actor="t", household_rate=0.1)
        )
        db.session.add(
            ScanJob(tenant_key="fjord", status="running", actor="t", household_rate=0.9)
        )
        db.session.add(
            ScanJob(tenant_key="nordlys", status="done", actor="t", household_rate=0.1)
        )
        db.session.commit()
        assert duplicates.tenant_has_households(scope) is False
        assert duplicates.tenant_has_households(h.scope(app, "nordlys")) is False
        db.session.add(
            ScanJob(tenant_key="nordlys", status="done", actor="t", household_rate=0.6)
        )
        db.session.commit()
        assert duplicates.tenant_has_households(h.scope(app, "nordlys")) is True
        assert duplicates.tenant_has_households(scope) is False


@pytest.mark.parametrize("count", [4, 12])
def test_incremental_matching_skips_a_common_name_as_the_scan_does(quiet_app, count):
    """Registrations sharing only a full name: paired when the name is rare, never
    when more than MAX_NAME_BLOCK share it, and the same whether found by a full
    scan or by matching one record as it is saved."""
    from tenant_privacy.matching.blocking import MAX_NAME_BLOCK

    app = quiet_app
    ids = []
    with app.app_context():
        for k in range(count):
            row = Contact(tenant_key="fjord", first_name="Cecilie", last_name="Ødegård")
            if k % 2:
                row.phone = f"2{(k * 7919) % 10_000_000:07d}"  # a landline
            else:
                row.street = f"Kirkeveien {3 * k + 7}"
                row.postcode = f"{1000 + 731 * k}"
            db.session.add(row)
            db.session.flush()
            ids.append(str(row.id))
        db.session.commit()

    def pairs_among_them() -> set[frozenset[str]]:
        return {
            frozenset((r.a_id, r.b_id))
            for r in h.suggestions(app, "fjord", "pending")
            if r.a_source == r.b_source == "contact" and {r.a_id, r.b_id} <= set(ids)
        }

    h.scan(app, "fjord")
    scanned = pairs_among_them()
    assert bool(scanned) == (count <= MAX_NAME_BLOCK)
    with app.app_context():  # forget the scan's pairs, then match one by one
        db.session.execute(
            sa.delete(MatchSuggestion).where(MatchSuggestion.tenant_key == "fjord")
        )
        for record_id in ids:
            duplicates.match_record(h.scope(app, "fjord"), "contact", record_id)
        db.session.commit()
    assert pairs_among_them() == scanned


def test_scan_phase_tells_reading_from_comparing(quiet_app, monkeypatch):
    """The page says what a running scan does: while records are read its count
    advances; once all are read it compares (the count stays at the total)."""
    app = quiet_app
    monkeypatch.setattr(scans, "SCAN_BATCH", 10)
    seen: list[str] = []
    with app.app_context():
        scope = h.scope(app, "fjord")
        scan = duplicates.start_scan(scope, "operator")
        db.session.commit()
        config = scope.config
        assert duplicates.scan_phase(scan, config) == "queued"
        scan_job(
            "fjord",
            scan.id,
            report=lambda done, total: seen.append(duplicates.scan_phase(scan, config)),
        )
        assert duplicates.scan_phase(scan, config) == "done"
    assert len(seen) > 2
    assert set(seen[:-1]) == {"reading"} and seen[-1] == "comparing"


def _person_with_three_registrations(app) -> list[tuple[str, str]]:
    """Three contacts of one person, linked to one subject (committed)."""
    import datetime as dt

    with app.app_context():
        refs = []
        for street in ("Løvåsveien 53", "Lovasveien 53", "Løvåsveien 53 B"):
            row = Contact(
                tenant_key="fjord",
                first_name="Solveig",
                last_name="Tangerås",
                email="solveig.tangeras@example.no",
                phone="+47 915 55 123",
                birth_date=dt.date(1979, 4, 12),
                street=street,
            )
            db.session.add(row)
            db.session.flush()
            refs.append(("contact", str(row.id)))
        linking.link_records(h.scope(app, "fjord"), "user:1", refs)
        db.session.commit()
        return refs


def _suggestions_of(app, ref) -> list[MatchSuggestion]:
    return [
        s
        for s in h.suggestions(app, "fjord", "pending")
        if ref in ((s.a_source, s.a_id), (s.b_source, s.b_id))
    ]


def test_an_import_matching_a_linked_person_is_one_suggestion(make_app):
    """Automatic matching on save: a lead matching each of three registrations
    already linked to one person is one suggestion against that person."""
    app = seed(make_app())  # AUTO_MATCH on: the lead is matched when committed
    contacts = _person_with_three_registrations(app)
    lead = ("lead", str(h.copy_as_lead(app, int(contacts[0][1]))))
    (only,) = _suggestions_of(app, lead)
    other = {(only.a_source, only.a_id), (only.b_source, only.b_id)} - {lead}
    assert other <= set(contacts)
    # matched again (saved again), still one
    with app.app_context():
        found = duplicates.match_record(h.scope(app, "fjord"), *lead)
        db.session.commit()
    assert len(found) == 1 and len(_suggestions_of(app, lead)) == 1


def test_a_scan_stores_one_suggestion_per_two_persons(quiet_app):
    app = quiet_app
    contacts = _person_with_three_registrations(app)
    lead = ("lead", str(h.copy_as_lead(app, int(contacts[0][1]))))
    h.scan(app, "fjord")
    (only,) = _suggestions_of(app, lead)
    assert {(only.a_source, only.a_id), (only.b_source, only.b_id)} - {lead} <= set(
        contacts
    )
