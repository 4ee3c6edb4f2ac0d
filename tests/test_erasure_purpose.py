"""Erasure when keeping the data no longer serves its purpose: the persons whose
every registration is past its rule are proposed as one batch with the reason per
person; nothing is erased until an officer approves (keeping whom they exclude,
with a reason) or the tenant approves automatically; then one erasure request per
person, through the same pipeline. Also bulk erasure as one job."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import tenant_privacy
from demo.models import Contact
from demo.models import Invoice
from demo.models import Lead
from demo.models import User
from demo.models import db
from tenant_privacy.errors import InvalidInput
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import ErasureBatch
from tenant_privacy.models import PrivacyRequest
from tenant_privacy.models import PurposeReview
from tenant_privacy.models import Subject
from tenant_privacy.services import erasure
from tenant_privacy.services import linking
from tests import linking_helpers as lh
from tests.conftest import scope_of

OLD = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3 * 365 + 60)


def _aged(model, ref, when=OLD) -> None:
    db.session.get(model, int(ref[1])).created_at = when


def _people(app) -> dict:
    """In tenant fjord: an old lead alone (past); an old lead linked to a
    recent contact (kept whole); an old contact with a recent invoice (kept); an
    old contact alone (past); an old lead linked to a staff user (no purpose:
    kept). Returns subject ids by name."""
    with app.app_context():
        scope = scope_of(app, "fjord")
        lone = lh.add_lead("fjord", "Ottar", "Gammelsen", email="ottar@x.no")
        _aged(Lead, lone)
        old_lead = lh.add_lead("fjord", "Rut", "Aktiv", email="rut@x.no")
        _aged(Lead, old_lead)
        fresh = lh.add_contact("fjord", "Rut", "Aktiv", email="rut@x.no")
        linking.link_records(scope, "user:1", [old_lead, fresh])
        billed = lh.add_contact("fjord", "Frode", "Faktura", email="frode@x.no")
        _aged(Contact, billed)
        lh.add_invoice("fjord", billed, "100.00", "INV-NEW-1")
        quiet = lh.add_contact("fjord", "Stille", "Stillesen", email="stille@x.no")
        _aged(Contact, quiet)
        staff_lead = lh.add_lead("fjord", "Stab", "Ansatt", email="stab@x.no")
        _aged(Lead, staff_lead)
        user = db.session.scalars(
            sa.select(User).where(User.tenant_key == "fjord")
        ).first()
        linking.link_records(scope, "user:1", [staff_lead, ("user", str(user.id))])
        ids = {
            name: scope.subject_of(ref).id
            for name, ref in (
                ("lone", lone),
                ("linked", fresh),
                ("billed", billed),
                ("quiet", quiet),
                ("staff", staff_lead),
            )
        }
        db.session.commit()
        return ids


def _proposed(app) -> tuple[int, dict[int, list]]:
    with app.app_context():
        scope = scope_of(app, "fjord")
        review, batch = erasure.propose_review(scope, "user:1")
        db.session.commit()
        assert batch is None
        items = erasure.review_items(scope, review.id)
        return review.id, {i.subject_id: (i.id, i.reasons) for i in items}


def test_review_proposes_only_persons_whose_every_registration_is_past(app):
    ids = _people(app)
    review_id, items = _proposed(app)
    assert ids["lone"] in items and ids["quiet"] in items
    for kept in ("linked", "billed", "staff"):
        assert ids[kept] not in items, kept
    (reason,) = items[ids["lone"]][1]
    assert reason[0] == "lead" and reason[2] == 24
    assert reason[3] == OLD.date().isoformat()
    with app.app_context():
        # proposing erases nothing
        assert db.session.get(Subject, ids["lone"]).state == "active"
        assert not db.session.scalars(sa.select(PrivacyRequest)).first()
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "purpose.review_proposed")
        ).one()
        assert event.data["review"] == review_id and event.data["persons"] == len(items)
        # a second review does not propose the same persons again
        again, _ = erasure.propose_review(scope_of(app, "fjord"), "user:1")
        assert again is None


def test_approval_erases_all_but_the_excluded_one_request_each(app):
    ids = _people(app)
    review_id, items = _proposed(app)
    with app.app_context():
        scope = scope_of(app, "fjord")
        with pytest.raises(InvalidInput):  # an exclusion needs a reason
            erasure.approve_review(
                scope, "user:1", review_id, {items[ids["quiet"]][0]: " "}
            )
        db.session.rollback()
        batch = erasure.approve_review(
            scope, "user:1", review_id, {items[ids["quiet"]][0]: "Ongoing dispute"}
        )
        db.session.commit()
        app.extensions["tenant_privacy"].jobs.enqueue(
            "erase_batch", tenant="fjord", batch_id=batch.id
        )
        assert db.session.get(ErasureBatch, batch.id).status == "done"
        assert db.session.get(Subject, ids["lone"]).state == "erased"
        assert db.session.get(Subject, ids["quiet"]).state == "active"
        requests = db.session.scalars(sa.select(PrivacyRequest)).all()
        assert {r.subject_id for r in requests} == set(items) - {ids["quiet"]}
        assert {(r.kind, r.channel, r.state) for r in requests} == {
            ("erasure", "purpose", "done")
        }
        review = db.session.get(PurposeReview, review_id)
        assert (review.state, review.batch_id) == ("approved", batch.id)
        with pytest.raises(InvalidInput):  # decided once
            erasure.approve_review(scope, "user:1", review_id, {})
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "purpose.review_approved")
        ).one()
        assert event.data["excluded"] == 1 and event.data["batch"] == batch.id
        assert "Ongoing" not in str(event.detail or "")
        # what is left of the erased persons is never proposed again; the one
        # kept back is, with the next review
        assert set(erasure.past_subjects(scope)) == {ids["quiet"]}


def test_a_person_active_again_since_the_review_is_kept_whole(app):
    ids = _people(app)
    review_id, items = _proposed(app)
    with app.app_context():
        lead = db.session.scalars(
            sa.select(Lead).where(Lead.email == "ottar@x.no")
        ).one()
        lead.created_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        db.session.commit()
        erasure.approve_review(scope_of(app, "fjord"), "user:1", review_id, {})
        db.session.commit()
        assert db.session.get(Subject, ids["lone"]).state == "active"
        assert not db.session.scalars(
            sa.select(PrivacyRequest).where(PrivacyRequest.subject_id == ids["lone"])
        ).first()


def test_automatic_approval_erases_through_the_periodic_job(app):
    ids = _people(app)
    with app.app_context():
        erasure.set_purpose_settings(scope_of(app, "fjord"), "user:1", {}, True)
        db.session.commit()
        from tenant_privacy.jobs.runner import perform

        assert perform("purpose_review", None, {}) >= 1
        assert db.session.get(Subject, ids["lone"]).state == "erased"
        assert db.session.get(Subject, ids["linked"]).state == "active"
        review = db.session.scalars(
            sa.select(PurposeReview).where(PurposeReview.tenant_key == "fjord")
        ).one()
        assert review.decided_by == "system"


def test_a_tenant_period_within_the_hosts_bounds(app):
    ids = _people(app)
    with app.app_context():
        scope = scope_of(app, "fjord")
        for bad in ("5", "37", "x"):
            with pytest.raises(InvalidInput):
                erasure.set_purpose_settings(scope, "user:1", {"lead": bad})
            db.session.rollback()
        with pytest.raises(InvalidInput):
            erasure.set_purpose_settings(scope, "user:1", {"user": "12"})
        db.session.rollback()
        # a lead 30 months old is within a 36-month period
        erasure.set_purpose_settings(scope, "user:1", {"lead": "36", "contact": "60"})
        db.session.commit()
        assert erasure.periods(scope) == {"contact": 60, "lead": 36}
        found = erasure.past_subjects(scope)
        assert ids["lone"] in found  # 38 months old
        assert ids["quiet"] not in found  # a contact kept for 60 months


def test_a_bad_purpose_is_refused_at_registration():
    from tenant_privacy import Purpose
    from tenant_privacy import RegistryError

    def declare(**purpose) -> None:
        privacy = tenant_privacy.TenantPrivacy(db=db)
        privacy.person_source(
            key="lead",
            label="Leads",
            model=Lead,
            identity={"email": "email"},
            purpose=Purpose(**{"description": "x", "months": 24, **purpose}),
        )
        privacy.registry.freeze()

    with pytest.raises(RegistryError, match="activity"):
        declare(activity=())
    with pytest.raises(RegistryError, match="not an attribute"):
        declare(activity=("last_seen",))
    with pytest.raises(RegistryError, match="related source"):
        declare(activity=("invoice.due_date",))
    with pytest.raises(RegistryError, match="bounds"):
        declare(activity=("created_at",), min_months=30)
    with pytest.raises(RegistryError, match="whole numbers"):
        declare(activity=("created_at",), months=0)


def test_cli_review_lists_the_batch_and_the_purpose_command_sets_periods(app):
    ids = _people(app)
    cli = app.test_cli_runner()
    base = ["privacy", "retention"]
    out = cli.invoke(args=[*base, "review", "--tenant", "fjord", "--yes"])
    assert out.exit_code == 0, out.output
    assert f"subject {ids['lone']}:" in out.output
    assert "no activity since" in out.output and "approve it" in out.output
    assert (
        cli.invoke(args=[*base, "review", "--tenant", "nope", "--yes"]).exit_code == 2
    )
    bad = cli.invoke(
        args=[*base, "purpose", "--tenant", "fjord", "--months", "lead=99", "--yes"]
    )
    assert bad.exit_code == 2 and "between 6 and 36" in bad.output
    good = cli.invoke(
        args=[
            *base,
            "purpose",
            "--tenant",
            "fjord",
            "--months",
            "lead=12",
            "--auto-approve",
            "--yes",
        ]
    )
    assert good.exit_code == 0, good.output
    assert "lead: 12 months (6 to 36)" in good.output
    assert "automatic approval: on" in good.output


def test_cli_review_approved_automatically_runs_and_reports_the_batch(app):
    ids = _people(app)
    cli = app.test_cli_runner()
    base = ["privacy", "retention"]
    on = cli.invoke(
        args=[*base, "purpose", "--tenant", "fjord", "--auto-approve", "--yes"]
    )
    assert on.exit_code == 0, on.output
    out = cli.invoke(args=[*base, "review", "--tenant", "fjord", "--yes"])
    assert out.exit_code == 0, out.output
    assert "approved automatically: erasure batch" in out.output
    assert "erased, 0 failed" in out.output
    with app.app_context():
        subject = db.session.get(Subject, ids["lone"])
        assert subject.state == tenant_privacy.models.SUBJECT_ERASED


def test_bulk_erasure_goes_on_past_a_failing_person(app):
    with app.app_context():
        scope = scope_of(app, "fjord")
        refs = [
            lh.add_contact("fjord", f"Bulk{i}", "Person", email=f"b{i}@x.no")
            for i in range(3)
        ]
        subjects = [scope.subject_of(r).id for r in refs]
        lh.add_invoice("fjord", refs[1], "1.00", "INV-B-1")
        db.session.commit()
        registry = app.extensions["tenant_privacy"].registry
        good = registry.strategies["fake_name"]

        def flaky(value, ctx):
            if ctx.record_id == refs[1][1]:
                raise RuntimeError("boom")
            return good(value, ctx)

        registry.strategies["fake_name"] = flaky
        try:
            batch, requests = erasure.request_erasures(scope, "user:1", subjects)
            db.session.commit()
            made = {sid: r.id for sid, r in requests.items()}
            assert set(made) == set(subjects)
            app.extensions["tenant_privacy"].jobs.enqueue(
                "erase_batch", tenant="fjord", batch_id=batch.id
            )
        finally:
            registry.strategies["fake_name"] = good
        row = db.session.get(ErasureBatch, batch.id)
        assert (row.status, row.erased, row.failed) == ("done", 2, 1)
        states = [db.session.get(Subject, s).state for s in subjects]
        assert states == ["erased", "active", "erased"]
        assert db.session.get(PrivacyRequest, made[subjects[1]]).state == "failed"
        assert (
            db.session.get(
                Invoice,
                db.session.scalars(
                    sa.select(Invoice.id).where(Invoice.number == "INV-B-1")
                ).one(),
            )
            is not None
        )


def test_officer_starts_a_review_keeps_one_with_a_reason_and_approves(app, login):
    ids = _people(app)
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    listing = officer.get("/privacy/reviews")
    assert listing.status_code == 200 and 'name="months_lead"' in listing.text
    page = officer.post("/privacy/reviews/start", follow_redirects=True)
    assert page.status_code == 200
    assert "Ottar Gammelsen" in page.text and "Stille Stillesen" in page.text
    assert "Rut Aktiv" not in page.text and "lead:" not in page.text
    with app.app_context():
        review = db.session.scalars(
            sa.select(PurposeReview).where(PurposeReview.tenant_key == "fjord")
        ).one()
        items = {
            i.subject_id: i.id
            for i in erasure.review_items(scope_of(app, "fjord"), review.id)
        }
    other = app.test_client()
    login(other, "officer@nordlys.test")
    assert other.get(f"/privacy/reviews/{review.id}").status_code == 404
    assert other.post(f"/privacy/reviews/{review.id}/approve").status_code == 404
    form = {
        "item": [str(i) for i in items.values()],
        "reason": ["Ongoing dispute" if s == ids["quiet"] else "" for s in items],
        "keep": [str(items[ids["quiet"]])],
    }
    done = officer.post(
        f"/privacy/reviews/{review.id}/approve", data=form, follow_redirects=True
    )
    assert done.status_code == 200 and "Ongoing dispute" in done.text
    with app.app_context():
        assert db.session.get(Subject, ids["lone"]).state == "erased"
        assert db.session.get(Subject, ids["quiet"]).state == "active"
    again = officer.post(f"/privacy/reviews/{review.id}/approve", data=form)
    assert again.status_code == 400


# -- privacy retention approve: the review page's approval from the command line --


def _approve(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(
        args=["privacy", "retention", "approve", *args], input=input
    )


def _approvals(app) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "purpose.review_approved")
        ).all()


def _nothing_approved(app, review_id: int, ids: dict) -> None:
    with app.app_context():
        assert db.session.get(PurposeReview, review_id).state == "proposed"
        assert not db.session.scalars(sa.select(PrivacyRequest)).first()
        assert {db.session.get(Subject, s).state for s in ids.values()} == {"active"}
    assert _approvals(app) == []


def test_cli_approve_erases_the_newest_pending_review_audited_as_the_page(app):
    ids = _people(app)
    review_id, items = _proposed(app)
    out = _approve(app, "--tenant", "fjord", "--yes")
    assert out.exit_code == 0, out.output
    assert f"review {review_id}:" in out.output
    assert f"subject {ids['lone']}:" in out.output and "no activity since" in out.output
    n = len(items)
    assert f"approved review {review_id}: {n} to erase, 0 kept" in out.output
    assert f"{n} erased, 0 failed" in out.output
    # opaque labels only: no name or address of the persons erased
    for value in ("Ottar", "Gammelsen", "ottar@x.no", "Stille", "stille@x.no"):
        assert value not in out.output
    with app.app_context():
        review = db.session.get(PurposeReview, review_id)
        assert (review.state, review.decided_by) == ("approved", "operator")
        for name in ("lone", "quiet"):
            assert db.session.get(Subject, ids[name]).state == "erased"
        assert db.session.get(Subject, ids["linked"]).state == "active"
        requests = db.session.scalars(sa.select(PrivacyRequest)).all()
        assert {(r.subject_id, r.channel) for r in requests} == {
            (s, "purpose") for s in items
        }
    (event,) = _approvals(app)
    assert event.actor == "operator"
    assert event.data == {
        "review": review_id,
        "persons": n,
        "excluded": 0,
        "batch": review.batch_id,
    }


def test_cli_approve_keeps_the_person_excluded_by_email_with_the_reason(app):
    ids = _people(app)
    review_id, items = _proposed(app)
    args = ("--tenant", "fjord", "--review", str(review_id))
    no_reason = _approve(app, *args, "--exclude-email", "stille@x.no", "--yes")
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    nobody = _approve(
        app, *args, "--exclude-email", "nobody@x.no", "--reason", "x", "--yes"
    )
    assert nobody.exit_code == 2
    not_in_review = _approve(
        app, *args, "--exclude-email", "frode@x.no", "--reason", "x", "--yes"
    )
    assert not_in_review.exit_code == 2, not_in_review.output
    assert "not part of review" in not_in_review.output
    _nothing_approved(app, review_id, ids)
    out = _approve(
        app,
        *args,
        "--exclude-email",
        "STILLE@x.no",
        "--reason",
        "Ongoing dispute",
        "--yes",
    )
    assert out.exit_code == 0, out.output
    assert f"subject {ids['quiet']} (kept):" in out.output
    n = len(items) - 1
    assert f"approved review {review_id}: {n} to erase, 1 kept" in out.output
    with app.app_context():
        assert db.session.get(Subject, ids["lone"]).state == "erased"
        assert db.session.get(Subject, ids["quiet"]).state == "active"
        item = next(
            i
            for i in erasure.review_items(scope_of(app, "fjord"), review_id)
            if i.subject_id == ids["quiet"]
        )
        assert (item.excluded, item.exclusion_reason, item.request_id) == (
            True,
            "Ongoing dispute",
            None,
        )
    (event,) = _approvals(app)
    assert (event.data["persons"], event.data["excluded"]) == (n, 1)
    assert "Ongoing" not in str(event.data) + str(event.detail or "")


def test_cli_approve_refuses_a_review_of_another_tenant(app):
    ids = _people(app)
    review_id, _ = _proposed(app)
    for args in (
        ("--tenant", "nordlys", "--review", str(review_id), "--yes"),
        ("--tenant", "fjord", "--review", "999999", "--yes"),
        ("--tenant", "nope", "--yes"),
    ):
        out = _approve(app, *args)
        assert out.exit_code == 2, (args, out.output)
    assert (
        "no review"
        in _approve(
            app, "--tenant", "nordlys", "--review", str(review_id), "--yes"
        ).output
    )
    # nordlys has no pending review of its own: nothing to do
    none = _approve(app, "--tenant", "nordlys", "--yes")
    assert none.exit_code == 0 and "nothing changed" in none.output
    _nothing_approved(app, review_id, ids)


def test_cli_approving_twice_is_refused(app):
    _people(app)
    review_id, _ = _proposed(app)
    args = ("--tenant", "fjord", "--review", str(review_id), "--yes")
    assert _approve(app, *args).exit_code == 0
    with app.app_context():
        requests = db.session.scalar(sa.select(sa.func.count(PrivacyRequest.id)))
    again = _approve(app, *args)
    assert again.exit_code == 1 and "decided already" in again.output
    pending = _approve(app, "--tenant", "fjord", "--yes")
    assert pending.exit_code == 0 and "waiting for approval" in pending.output
    assert len(_approvals(app)) == 1
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(PrivacyRequest.id))) == requests
        )


def test_cli_approve_declined_changes_nothing(app):
    ids = _people(app)
    review_id, items = _proposed(app)
    out = _approve(
        app,
        "--tenant",
        "fjord",
        "--exclude-email",
        "stille@x.no",
        "--reason",
        "Ongoing dispute",
        input="n\n",
    )
    assert out.exit_code == 1 and "aborted" in out.output
    assert f"Erase {len(items) - 1} person(s) of review" in out.output
    _nothing_approved(app, review_id, ids)
    with app.app_context():
        items = erasure.review_items(scope_of(app, "fjord"), review_id)
        assert not any(i.excluded or i.exclusion_reason for i in items)
