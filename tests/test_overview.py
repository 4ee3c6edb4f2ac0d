"""The subject overview: grouping, counts, merges, history, audit, JSON, tenants."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
import sqlalchemy as sa

from tenant_privacy.errors import NotFound
from tenant_privacy.models import AuditEvent
from tenant_privacy.services import linking
from tenant_privacy.services import overview
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_invoice
from tests.linking_helpers import add_lead
from tests.linking_helpers import add_note
from tests.linking_helpers import scope_of


@pytest.fixture
def person(app):
    """Two contacts and a lead of one human, linked, with invoices and a note."""
    from demo.models import db

    with app.app_context():
        a = add_contact("fjord", "Ragnhild", "Østby", email="r@ostby.no")
        b = add_contact("fjord", "Ragnhild", "Ostby")
        lead = add_lead("fjord", "Ragnhild", "Oestby")
        invoices = [
            add_invoice("fjord", a, "100.50", "R-1"),
            add_invoice("fjord", a, "20.00", "R-2"),
            add_invoice("fjord", b, "3.10", "R-3"),
        ]
        note = add_note("fjord", b, "Prefers email")
        # another tenant's rows with the same person ids must never show up
        stranger = add_contact("nordlys", "Ragnhild", "Østby")
        add_invoice("nordlys", stranger, "999.00", "N-1")
        scope = scope_of(app, "fjord")
        merge = linking.link_records(scope, "user:1", [a, b, lead])
        db.session.commit()
        return {
            "a": a,
            "b": b,
            "lead": lead,
            "invoices": invoices,
            "note": note,
            "subject": merge.subject_id,
            "merge": merge.id,
        }


def test_overview_groups_sources_with_counts(app, person) -> None:
    with app.app_context():
        ov = overview.compile_overview(
            scope_of(app, "fjord"), "user:1", person["subject"]
        )
        assert ov.state == "active"
        assert {g.key: g.count for g in ov.registrations} == {"contact": 2, "lead": 1}
        assert {g.key: g.count for g in ov.related} == {"invoice": 3, "note": 1}
        assert ov.registration_count == 3 and ov.related_count == 4
        invoices = next(g for g in ov.related if g.key == "invoice")
        assert {row["ref"] for row in invoices.rows} == {
            f"invoice:{i[1]}" for i in person["invoices"]
        }
        assert all(row["about"] for row in invoices.rows)
        contact = next(g for g in ov.registrations if g.key == "contact")
        assert contact.rows[0]["identity"]["last_name"] in ("Østby", "Ostby")
        assert [m["id"] for m in ov.merges] == [person["merge"]]
        assert [e["action"] for e in ov.history] == ["records.linked"]


def test_overview_is_json_safe(app, person) -> None:
    with app.app_context():
        ov = overview.compile_overview(
            scope_of(app, "fjord"), "user:1", person["subject"]
        )
        data = json.loads(json.dumps(ov.to_dict()))
        invoice = next(g for g in data["related"] if g["key"] == "invoice")
        amounts = sorted(row["fields"]["amount"] for row in invoice["rows"])
        assert amounts == ["100.50", "20.00", "3.10"]
        assert isinstance(invoice["rows"][0]["fields"]["due_date"], str)
        assert data["counts"] == {"contact": 2, "lead": 1, "invoice": 3, "note": 1}
        assert data["merges"][0]["previous"]


def test_compiling_writes_a_subject_viewed_event(app, person) -> None:
    with app.app_context():
        from demo.models import db

        overview.compile_overview(scope_of(app, "fjord"), "user:4", person["subject"])
        db.session.commit()
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "subject.viewed")
        ).one()
        assert (event.tenant_key, event.actor, event.subject_id) == (
            "fjord",
            "user:4",
            person["subject"],
        )
        assert len(event.record_refs) == 3
        overview.compile_overview(
            scope_of(app, "fjord"), "user:4", person["subject"], audit_as=None
        )
        count = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "subject.viewed")
        )
        assert count == 1


def test_merged_subject_points_to_its_target(app, person) -> None:
    with app.app_context():
        scope = scope_of(app, "fjord")
        merge = linking.get_merge(scope, person["merge"])
        emptied = merge.previous[0][2]
        ov = overview.compile_overview(scope, "user:1", emptied)
        assert ov.state == "merged" and ov.merged_into == person["subject"]
        assert ov.registrations == [] and ov.related == []


def test_other_tenant_and_unknown_subject_are_not_found(app, person) -> None:
    with app.app_context():
        for tenant, subject_id in (("nordlys", person["subject"]), ("fjord", 999999)):
            with pytest.raises(NotFound):
                overview.compile_overview(scope_of(app, tenant), "user:1", subject_id)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["First name", "Email", "Contact no.", "Due date", "ID"]),
        ("nb", ["Fornavn", "E-post", "Kontaktnr.", "Forfallsdato", "ID"]),
    ],
)
def test_overview_page_labels_fields_for_people(
    app, person, client, login, language, words
) -> None:
    assert login(client, "officer@fjord.test").status_code == 302
    url = f"/privacy/subjects/{person['subject']}"
    page = client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
    labels = set(re.findall(r"<dt>([^<]*)</dt>", page))
    assert set(words) <= labels
    # column names are no labels, and a yes-or-no column says so in words
    assert not labels & {"first_name", "due_date", "company_name", "id"}
    # who linked and who looked are named, not shown as opaque refs
    assert "<td>user:" not in page and "user:1" not in page
    paid = re.findall(r"<dt>(?:Paid|Betalt)</dt><dd>([^<]*)</dd>", page)
    assert paid and set(paid) <= ({"Yes", "No"} if language == "en" else {"Ja", "Nei"})


def test_a_column_without_a_label_is_written_out(app) -> None:
    from tenant_privacy.labels import column_labels

    with app.test_request_context():
        invoice = app.extensions["tenant_privacy"].extension.registry.get("invoice")
        bare = dataclasses.replace(invoice, field_labels={})
        assert column_labels(bare, ["id", "due_date", "contact_id"]) == {
            "id": "ID",
            "due_date": "Due date",
            "contact_id": "Contact id",
        }
