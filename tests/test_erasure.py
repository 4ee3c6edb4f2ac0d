"""Erasure by anonymisation: the preview, the erasure as one job, and its
guarantees: complete (no former value left anywhere but in fields kept under a
legal reason), atomic, idempotent, isolated; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
import pathlib
import re
import zipfile

import pytest
import sqlalchemy as sa

import tenant_privacy
from demo.models import Contact
from demo.models import Invoice
from demo.models import Lead
from demo.models import Note
from demo.models import db
from tenant_privacy.errors import AlreadyErased
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import BlockingKey
from tenant_privacy.models import ErasureJob
from tenant_privacy.models import MatchRecord
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.models import PrivacyRequest
from tenant_privacy.models import RetentionHold
from tenant_privacy.models import Subject
from tenant_privacy.services import disclosure
from tenant_privacy.services import erasure
from tenant_privacy.services import linking
from tests import linking_helpers as lh
from tests.conftest import scope_of
from tests.conftest import seed

FIRST, LAST = "Zelmira", "Quistgaard-Øyen"
EMAIL, WORK = "zelmira.q@example.no", "ZQ@Work.example.com"
PHONE = "+47 934 56 781"
#: the person's values as stored, and the forms they are stored in
FORMER = [FIRST, LAST, EMAIL, WORK, PHONE, "93456781", "Zelmira Quistgaard-Øyen"]


def _person(app, tenant: str = "fjord") -> dict:
    """Zelmira in *tenant*: a contact, a lead with another address, an old and a
    recent invoice, a note naming her; linked; returns her refs and subject."""
    with app.app_context():
        contact = lh.add_contact(
            tenant,
            FIRST,
            LAST,
            email=EMAIL,
            phone=PHONE,
            birth_date=dt.date(1981, 6, 30),
            street="Fjellveien 7",
            postcode="5000",
            city="Bergen",
        )
        lead = lh.add_lead(
            tenant, FIRST, LAST, email=WORK, message=f"Ring meg på {PHONE}, {FIRST}"
        )
        recent = lh.add_invoice(tenant, contact, "1250.50", "INV-2025-77")
        old = lh.add_invoice(tenant, contact, "99.00", "INV-2012-01")
        db.session.get(Invoice, int(old[1])).due_date = dt.date(2012, 1, 31)
        note = lh.add_note(
            tenant, contact, f"{FIRST} Quistgaard-Øyen asked to be called at {PHONE}."
        )
        scope = scope_of(app, tenant)
        linking.link_records(scope, "user:1", [contact, lead])
        subject_id = scope.subject_of(contact).id
        db.session.commit()
        return {
            "contact": contact,
            "lead": lead,
            "recent": recent,
            "old": old,
            "note": note,
            "subject": subject_id,
        }


def _erase(app, subject_id: int, tenant: str = "fjord") -> tuple[int, int]:
    with app.app_context():
        scope = scope_of(app, tenant)
        request, job = erasure.request_erasure(scope, "user:1", subject_id)
        db.session.commit()
        request_id, job_id = request.id, job.id
        try:
            app.extensions["tenant_privacy"].jobs.enqueue(
                "erase", tenant=tenant, erasure_id=job_id
            )
        except Exception:  # noqa: BLE001 - the tests read the request's state
            db.session.rollback()
        return request_id, job_id


@pytest.fixture
def app(make_app):
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


# -- strategies and declarations ------------------------------------------------------
def test_preview_lists_every_record_and_field_with_what_happens(app):
    p = _person(app)
    with app.app_context():
        plan = erasure.plan_erasure(scope_of(app, "fjord"), p["subject"])
        by_ref = {r.ref: r for r in plan.records}
        assert set(by_ref) == {
            p[k] for k in ("contact", "lead", "recent", "old", "note")
        }
        contact = {f.name: f for f in by_ref[p["contact"]].fields}
        assert contact["first_name"].action == erasure.ANONYMISED
        assert contact["first_name"].strategy == "fake_name"
        assert contact["phone"].action == erasure.REMOVED
        assert contact["created_at"].action == erasure.UNCHANGED
        recent = by_ref[p["recent"]]
        assert recent.action == erasure.KEPT
        amount = {f.name: f for f in recent.fields}["amount"]
        assert amount.action == erasure.KEPT
        assert amount.reason == "Bookkeeping Act § 13"
        assert amount.until.date() == dt.date(2030, 3, 1)  # 5 years from due_date
        assert by_ref[p["old"]].action == erasure.REMOVED  # its 5 years are over
        assert by_ref[p["note"]].changes == {"body": "redact_text"}
        db.session.rollback()


def test_erasure_anonymises_holds_and_marks_everything(app):
    p = _person(app)
    request_id, job_id = _erase(app, p["subject"])
    with app.app_context():
        job = db.session.get(ErasureJob, job_id)
        assert job.status == "done", job.error
        request = db.session.get(PrivacyRequest, request_id)
        assert (request.kind, request.state) == ("erasure", "done")
        assert db.session.get(Subject, p["subject"]).state == "erased"
        contact = db.session.get(Contact, int(p["contact"][1]))
        lead = db.session.get(Lead, int(p["lead"][1]))
        assert contact.first_name.startswith("Erased ")
        # one fake name across the linked rows, fresh emails per row
        assert (contact.first_name, contact.last_name) == (
            lead.first_name,
            lead.last_name,
        )
        assert contact.email.endswith("@erased.invalid") and contact.email != lead.email
        assert contact.birth_date == dt.date(1981, 1, 1)
        assert contact.phone is None and contact.street is None
        assert lead.message == "[erased]"
        note = db.session.get(Note, int(p["note"][1]))
        assert note.body == "[erased] [erased] asked to be called at [erased]."
        assert db.session.get(Invoice, int(p["old"][1])) is None
        recent = db.session.get(Invoice, int(p["recent"][1]))
        assert recent.number == "INV-2025-77"
        hold = db.session.scalars(sa.select(RetentionHold)).one()
        assert (hold.source_key, hold.record_id) == p["recent"]
        assert hold.due_at.date() == dt.date(2030, 3, 1)
        assert sorted(f for f, _ in hold.fields) == ["amount", "due_date", "number"]
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "erasure.executed")
        ).one()
        assert "contact.first_name:fake_name" in event.fields
        assert "invoice.*:delete_row" in event.fields
        assert "invoice.amount:keep" in event.fields
        assert [list(p["contact"])] <= event.record_refs
        assert event.data["request"] == request_id


def test_a_bad_declaration_is_refused_at_registration():
    from tenant_privacy import RegistryError
    from tenant_privacy import Retention
    from tenant_privacy import TenantPrivacy

    def declare(**kwargs):
        privacy = TenantPrivacy(db=db)
        privacy.related_source(
            key="invoice",
            label="Invoices",
            model=Invoice,
            person_refs={"contact": "contact_id"},
            **kwargs,
        )

    cases = [
        ({"retain": {"amount": "Tax law: 10 years"}}, "Retention"),
        ({"retain": {"amount": Retention("Tax", 0, "due_date")}}, "> 0"),
        ({"retain": {"amount": Retention("Tax", 5, "issued_on")}}, "issued_on"),
        ({"retain": {"amount": Retention("", 5)}}, "reason"),
        ({"erasure": {"number": "hash"}}, "hash"),
        ({"erasure": {"number": "keep"}}, "legal reason"),
        ({"erasure": {"number": "delete_row"}}, "whole row"),
        ({"erasure": {"*": "null"}}, "row"),
    ]
    for kwargs, words in cases:
        with pytest.raises(RegistryError, match=re.escape(words)):
            declare(**kwargs)
    declare(
        erasure={"*": "delete_row"},
        retain={"amount": Retention("Tax", 5, "due_date")},
    )


def test_a_host_strategy_by_name(make_app):
    from tenant_privacy import RegistryError
    from tenant_privacy import TenantPrivacy

    privacy = TenantPrivacy(db=db, strategies={"initials": lambda v, c: v[:1]})
    privacy.add_strategy("shout", lambda v, c: "X")
    with pytest.raises(RegistryError, match="built in"):
        privacy.add_strategy("null", lambda v, c: None)
    privacy.person_source(
        key="contact",
        label="Contacts",
        model=Contact,
        identity={"first_name": "first_name"},
        erasure={"first_name": "initials", "last_name": "shout"},
    )
    assert "hash" not in tenant_privacy.core.strategies.STRATEGIES


def test_fake_values_come_from_the_salt_not_the_value():
    from tenant_privacy.core import strategies as st

    salt = st.new_salt()
    ctx = st.StrategyContext("t", "contact", "1", "first_name", salt)
    other = st.StrategyContext("t", "contact", "1", "first_name", st.new_salt())
    fake = st.STRATEGIES["fake_name"]
    assert fake("Kari", ctx) == fake("Ola", ctx)  # nothing of the value in it
    assert fake("Kari", ctx) != fake("Kari", other)  # random per erasure
    with pytest.raises(ValueError):
        fake("Kari", st.StrategyContext("t", "c", "1", "f", b""))
    text = st.redact_text(
        "Kari Nordmann (kari@x.no, 912 34 567) met kari.",
        ["Kari Nordmann", "91234567"],
        "#",
    )
    assert "Kari" not in text and "kari" not in text and "912" not in text


# -- guarantees -----------------------------------------------------------------------
def _text_values(app) -> list[tuple[str, str, str]]:
    """Every text value of every table (host, module, audit): (table, column, text)."""
    out = []
    with app.app_context():
        for metadata in (db.metadata, tenant_privacy.metadata):
            for table in metadata.sorted_tables:
                for row in db.session.execute(sa.select(table)).mappings():
                    for column, value in row.items():
                        if isinstance(value, str):
                            out.append((table.name, column, value))
                        elif isinstance(value, dict | list):
                            out.append(
                                (
                                    table.name,
                                    column,
                                    json.dumps(value, ensure_ascii=False),
                                )
                            )
    return out


def _file_texts(folder: pathlib.Path) -> list[tuple[str, str]]:
    out = []
    if not folder.is_dir():
        return out
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        out.append((str(path), data.decode("utf-8", "replace")))
    return out


def _leaks(
    texts: list[tuple[str, ...]], former: list[str] = FORMER
) -> list[tuple[str, ...]]:
    """The texts holding any of the *former* values (a number in any spelling)."""
    found = []
    for item in texts:
        text = item[-1].lower()
        digits = re.sub(r"\D", "", text)
        for value in former:
            if value.lower() in text or (value.isdigit() and value in digits):
                found.append((*item[:-1], value))
    return found


def test_complete_nothing_of_the_person_is_left(make_app):
    app = seed(make_app())  # automatic matching on: blocking keys are stored
    p = _person(app)
    with app.app_context():
        scope = scope_of(app, "fjord")
        lh.add_suggestion(
            "fjord", p["contact"], lh.add_contact("fjord", "Zelma", "Q"), 0.9
        )
        db.session.commit()
        req, export = disclosure.request_disclosure(
            scope, "user:1", p["subject"], EMAIL
        )
        db.session.commit()
        disclosure_id = req.id
        app.extensions["tenant_privacy"].jobs.enqueue(
            "build_export", tenant="fjord", export_id=export.id
        )
        refs = [p["contact"], p["lead"]]
        assert db.session.scalar(
            sa.select(sa.func.count())
            .select_from(BlockingKey)
            .where(
                BlockingKey.source_key == "contact",
                BlockingKey.record_id == p["contact"][1],
            )
        )
    instance = pathlib.Path(app.instance_path)
    assert _leaks(_file_texts(instance / "exports")), "the test must see the export"
    assert _leaks(_file_texts(instance / "outbox")), "the test must see the mail"
    _, job_id = _erase(app, p["subject"])
    with app.app_context():
        assert db.session.get(ErasureJob, job_id).status == "done"
        kept = {("invoice", "number"), ("invoice", "amount"), ("invoice", "due_date")}
        leaks = [x for x in _leaks(_text_values(app)) if (x[0], x[1]) not in kept]
        assert leaks == []
        for model in (BlockingKey, MatchRecord):
            for ref in refs:
                assert not db.session.scalars(
                    sa.select(model).where(
                        model.source_key == ref[0], model.record_id == ref[1]
                    )
                ).first()
        assert not db.session.scalars(
            sa.select(MatchSuggestion).where(
                sa.or_(
                    sa.and_(
                        MatchSuggestion.a_source == "contact",
                        MatchSuggestion.a_id == p["contact"][1],
                    ),
                    sa.and_(
                        MatchSuggestion.b_source == "contact",
                        MatchSuggestion.b_id == p["contact"][1],
                    ),
                )
            )
        ).first()
        disclosed = db.session.get(PrivacyRequest, disclosure_id)
        assert disclosed.state == "revoked" and disclosed.recipient is None
    assert _leaks(_file_texts(instance / "exports")) == []
    assert _leaks(_file_texts(instance / "outbox")) == []


def test_atomic_a_failing_strategy_changes_nothing_and_a_retry_completes(app):
    p = _person(app)
    registry = app.extensions["tenant_privacy"].registry
    good = registry.strategies["fake_email"]

    def broken(value, ctx):
        raise RuntimeError("disk full")

    registry.strategies["fake_email"] = broken
    with app.app_context():
        before = _text_values(app)
    request_id, job_id = _erase(app, p["subject"])
    with app.app_context():
        request = db.session.get(PrivacyRequest, request_id)
        job = db.session.get(ErasureJob, job_id)
        assert (request.state, job.status, job.error) == (
            "failed",
            "failed",
            "RuntimeError",
        )
        assert db.session.get(Subject, p["subject"]).state == "active"
        assert db.session.get(Note, int(p["note"][1])).body.startswith(FIRST)
        assert db.session.get(Invoice, int(p["old"][1])) is not None
        assert not db.session.scalars(sa.select(RetentionHold)).first()
        after = [x for x in _text_values(app) if not x[0].startswith("tenant_privacy_")]
        assert after == [x for x in before if not x[0].startswith("tenant_privacy_")]
        registry.strategies["fake_email"] = good
        scope = scope_of(app, "fjord")
        retry = erasure.retry_erasure(scope, "user:1", request_id)
        db.session.commit()
        app.extensions["tenant_privacy"].jobs.enqueue(
            "erase", tenant="fjord", erasure_id=retry.id
        )
        assert db.session.get(PrivacyRequest, request_id).state == "done"
        assert db.session.get(Subject, p["subject"]).state == "erased"


def test_idempotent_erasing_an_erased_person_changes_nothing(app):
    p = _person(app)
    _erase(app, p["subject"])
    with app.app_context():
        before = _text_values(app)
        with pytest.raises(AlreadyErased):
            erasure.request_erasure(scope_of(app, "fjord"), "user:1", p["subject"])
        db.session.rollback()
        assert _text_values(app) == before


def test_isolated_namesake_elsewhere_and_relative_at_home_are_untouched(any_db_app):
    app = any_db_app
    p = _person(app)
    twin = _person(app, "nordlys")
    with app.app_context():
        relative = lh.add_contact(
            "fjord", "Astrid", LAST, phone=PHONE, street="Fjellveien 7", city="Bergen"
        )
        lh.add_note("fjord", relative, f"Astrid is {FIRST}'s mother")
        db.session.commit()
        before = {
            k: v
            for k, v in _snapshot(app).items()
            if k[1] != p["contact"][1] or k[0] != "contact"
        }
    _, job_id = _erase(app, p["subject"])
    with app.app_context():
        assert db.session.get(ErasureJob, job_id).status == "done"
        after = _snapshot(app)
        assert db.session.get(Subject, twin["subject"]).state == "active"
        for key in (("contact", twin["contact"][1]), ("contact", relative[1])):
            assert after[key] == before[key]
        twin_note = db.session.get(Note, int(twin["note"][1]))
        assert twin_note.body.startswith(FIRST)


def _snapshot(app) -> dict:
    rows = {}
    for contact in db.session.scalars(sa.select(Contact)):
        rows[("contact", str(contact.id))] = (
            contact.tenant_key,
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.phone,
            contact.street,
        )
    return rows


def test_retention_run_finishes_due_holds(app, runner):
    p = _person(app)
    _erase(app, p["subject"])
    result = app.test_cli_runner().invoke(args=["privacy", "retention", "run", "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Invoice, int(p["recent"][1])) is not None
        hold = db.session.scalars(sa.select(RetentionHold)).one()
        hold.due_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "retention", "run", "--yes"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    with app.app_context():
        assert db.session.get(Invoice, int(p["recent"][1])) is None
        assert db.session.scalars(sa.select(RetentionHold)).one().finished_at
        event = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "erasure.retention_finished"
            )
        ).one()
        assert event.fields == ["invoice.*:delete_row"]
        assert event.record_refs == [list(p["recent"])]


# -- pages and CLI --------------------------------------------------------------------
def test_officer_previews_confirms_and_sees_the_request_done(app, login):
    p = _person(app)
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    page = officer.get(f"/privacy/subjects/{p['subject']}")
    assert f"/privacy/subjects/{p['subject']}/erase" in page.text
    preview = officer.get(f"/privacy/subjects/{p['subject']}/erase")
    assert preview.status_code == 200
    assert 'data-field="first_name" data-action="anonymised"' in preview.text
    assert "Bookkeeping Act § 13" in preview.text
    with app.app_context():
        assert db.session.get(Subject, p["subject"]).state == "active"
    unconfirmed = officer.post(f"/privacy/subjects/{p['subject']}/erase")
    assert unconfirmed.status_code == 302
    with app.app_context():
        assert not db.session.scalars(sa.select(ErasureJob)).first()
    done = officer.post(
        f"/privacy/subjects/{p['subject']}/erase",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert 'data-state="done"' in done.text and 'data-job="done"' in done.text
    again = officer.post(
        f"/privacy/subjects/{p['subject']}/erase",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    assert "erased already" in again.text
    with app.app_context():
        assert len(db.session.scalars(sa.select(ErasureJob)).all()) == 1


def test_another_tenants_officer_gets_404_and_changes_nothing(app, login):
    p = _person(app)
    other = app.test_client()
    login(other, "officer@nordlys.test")
    assert other.get(f"/privacy/subjects/{p['subject']}/erase").status_code == 404
    response = other.post(
        f"/privacy/subjects/{p['subject']}/erase", data={"confirm": "yes"}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Subject, p["subject"]).state == "active"
        assert not db.session.scalars(sa.select(PrivacyRequest)).first()


def test_failed_erasure_page_offers_a_retry(app, login):
    p = _person(app)
    registry = app.extensions["tenant_privacy"].registry
    good = registry.strategies["fake_name"]
    registry.strategies["fake_name"] = lambda v, c: 1 / 0
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    page = officer.post(
        f"/privacy/subjects/{p['subject']}/erase",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    assert 'data-state="failed"' in page.text and "erasure-retry" in page.text
    registry.strategies["fake_name"] = good
    with app.app_context():
        request_id = db.session.scalars(sa.select(PrivacyRequest.id)).one()
    page = officer.post(
        f"/privacy/requests/{request_id}/erasure-retry", follow_redirects=True
    )
    assert 'data-state="done"' in page.text


def test_cli_erase_exit_codes_dry_run_and_yes(app):
    p = _person(app)
    cli = app.test_cli_runner()
    base = ["privacy", "erase", "--tenant", "fjord"]
    assert cli.invoke(args=[*base, "--email", "nobody@x.no", "--yes"]).exit_code == 2
    dry = cli.invoke(args=[*base, "--email", EMAIL, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "first_name: anonymised (fake_name)" in dry.output
    assert "kept until 2030-03-01 (Bookkeeping Act § 13)" in dry.output
    with app.app_context():
        assert db.session.get(Subject, p["subject"]).state == "active"
        lh.add_contact("fjord", "Bror", "Quist", email=EMAIL)  # a second subject
        db.session.commit()
    assert cli.invoke(args=[*base, "--email", EMAIL, "--yes"]).exit_code == 3
    with app.app_context():
        assert db.session.get(Subject, p["subject"]).state == "active"
    done = cli.invoke(args=[*base, "--email", EMAIL, "--all", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output.count(" erased (request ") == 2
    with app.app_context():
        assert db.session.get(Subject, p["subject"]).state == "erased"
    # the addresses are gone with the erasure: nothing carries them any more
    assert cli.invoke(args=[*base, "--email", EMAIL, "--yes"]).exit_code == 2


def test_a_full_scan_leaves_an_erased_person_alone(app):
    """What is left of an erased person is never indexed or suggested again."""
    from tenant_privacy.models import BlockingKey
    from tests import duplicates_helpers as h

    p = _person(app)
    _erase(app, p["subject"])
    h.scan(app, "fjord")
    mine = {p["contact"], p["lead"]}
    with app.app_context():
        keys = {
            (k.source_key, k.record_id)
            for k in db.session.scalars(
                sa.select(BlockingKey).where(BlockingKey.tenant_key == "fjord")
            )
        }
        assert not keys & mine
    pairs = {
        ((s.a_source, s.a_id), (s.b_source, s.b_id))
        for s in h.suggestions(app, "fjord")
    }
    assert not any(set(pair) & mine for pair in pairs)
