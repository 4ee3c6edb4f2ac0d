"""The demo CRM: logins, pages, search, balance, JSON API, lead form, import."""

from __future__ import annotations

import decimal
import io

import pytest
import sqlalchemy as sa

from demo.cli import LOGINS
from demo.models import Company
from demo.models import Contact
from demo.models import Invoice
from demo.models import Lead
from demo.models import db


def _first(app, model, tenant, *where):
    with app.app_context():
        stmt = sa.select(model).where(model.tenant_key == tenant, *where)
        row = db.session.scalars(stmt.order_by(model.id)).first()
        db.session.expunge_all()
        return row


@pytest.mark.parametrize("email", LOGINS)
def test_every_seeded_login_works(client, login, email):
    response = login(client, email)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused(client, login):
    response = login(client, "staff@fjord.test", "wrong")
    assert response.status_code == 401
    assert client.get("/contacts").status_code == 302  # sent to login


def test_pages_need_login(client):
    for url in ("/", "/contacts", "/leads", "/invoices", "/import"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.location
    assert client.get("/api/contacts").status_code == 401


def test_operator_has_no_tenant_pages(client, login):
    login(client, "operator@saas.test")
    assert client.get("/contacts").status_code == 403
    assert client.get("/api/contacts").status_code == 403
    assert b"/privacy/operator/tenants" in client.get("/").data


def test_contact_list_and_search(app, client, login):
    login(client, "staff@fjord.test")
    contact = _first(app, Contact, "fjord")
    page = client.get("/contacts").get_data(as_text=True)
    assert "Contacts" in page
    found = client.get("/contacts", query_string={"q": contact.last_name})
    text = found.get_data(as_text=True)
    assert f"/contacts/{contact.id}" in text
    none = client.get("/contacts", query_string={"q": "zzqqxx-nobody"})
    assert "No contacts found." in none.get_data(as_text=True)


def test_contact_detail_shows_email_phone_and_balance(app, client, login):
    with app.app_context():
        invoice = db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.tenant_key == "fjord", Invoice.paid.is_(False))
            .order_by(Invoice.id)
        ).first()
        contact = invoice.contact
        expected = sum(
            (i.amount for i in contact.invoices if not i.paid), decimal.Decimal(0)
        )
        cid, email, phone = contact.id, contact.email, contact.phone
    login(client, "staff@fjord.test")
    text = client.get(f"/contacts/{cid}").get_data(as_text=True)
    assert email in text and phone in text
    assert f"{expected:.2f}" in text
    assert expected > 0


def test_company_page_lists_its_contacts(app, client, login):
    with app.app_context():
        company = db.session.scalars(
            sa.select(Company)
            .where(Company.tenant_key == "nordlys", Company.contacts.any())
            .order_by(Company.id)
        ).first()
        names = [c.full_name for c in company.contacts]
        cid = company.id
    login(client, "staff@nordlys.test")
    text = client.get(f"/companies/{cid}").get_data(as_text=True)
    for name in names:
        assert name in text


def test_api_lists_only_own_tenant_with_fields(app, client, login):
    login(client, "staff@fjord.test")
    data = client.get("/api/contacts").get_json()
    with app.app_context():
        own = db.session.scalar(
            sa.select(sa.func.count()).where(Contact.tenant_key == "fjord")
        )
        ids = set(
            db.session.scalars(
                sa.select(Contact.id).where(Contact.tenant_key == "fjord")
            )
        )
    assert len(data) == own
    assert {row["id"] for row in data} == ids
    for key in (
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "balance",
    ):
        assert key in data[0]
    one = client.get(f"/api/contacts/{data[0]['id']}").get_json()
    assert one["id"] == data[0]["id"]
    assert decimal.Decimal(one["balance"]) >= 0


def test_leads_and_invoices_pages(app, client, login):
    lead = _first(app, Lead, "fjord")
    login(client, "staff@fjord.test")
    assert lead.last_name in client.get("/leads").get_data(as_text=True)
    assert client.get("/invoices?unpaid=1").status_code == 200


def test_public_lead_form_creates_a_lead(app, client):
    response = client.post(
        "/forms/nordlys/lead",
        data={
            "first_name": "Ærlig",
            "last_name": "Østby",
            "email": "aerlig@example.no",
        },
    )
    assert response.status_code == 200
    lead = _first(app, Lead, "nordlys", Lead.last_name == "Østby")
    assert lead is not None and lead.email == "aerlig@example.no"
    assert _first(app, Lead, "fjord", Lead.last_name == "Østby") is None
    assert client.get("/forms/nope/lead").status_code == 404
    bad = client.post("/forms/nordlys/lead", data={"first_name": "X"})
    assert bad.status_code == 400


def test_csv_import_adds_contacts_to_own_tenant_only(app, client, login):
    login(client, "admin@fjord.test")
    csv_text = (
        "first_name,last_name,email,phone,company\n"
        "Åse,Brække,ase@x.no,0047 912 34 567,Ny Bedrift AS\n"
    )
    response = client.post(
        "/import",
        data={"file": (io.BytesIO(csv_text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = _first(app, Contact, "fjord", Contact.last_name == "Brække")
    assert row.origin == "import" and row.phone == "0047 912 34 567"
    assert _first(app, Contact, "nordlys", Contact.last_name == "Brække") is None


def test_csv_import_rejects_bad_file_and_changes_nothing(app, client, login):
    login(client, "admin@fjord.test")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
    csv_text = "first_name,last_name\nOla,Nordmann\n,MissingFirst\n"
    response = client.post(
        "/import",
        data={"file": (io.BytesIO(csv_text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Line 3" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == before
        )


def test_notes_are_written_in_own_tenant(app, client, login):
    contact = _first(app, Contact, "fjord")
    login(client, "staff@fjord.test")
    response = client.post(f"/contacts/{contact.id}/notes", data={"body": "Hei på deg"})
    assert response.status_code == 302
    assert "Hei på deg" in client.get(f"/contacts/{contact.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("csv_text", "says"),
    [
        ("first_name,last_name\n", "no contacts"),
        ("fornavn,etternavn\nOla,Nordmann\n", "fornavn"),
        ("first_name,last_name,shoe_size\nOla,Nordmann,44\n", "shoe_size"),
    ],
)
def test_csv_import_says_what_is_wrong_with_the_header(
    app, client, login, csv_text, says
):
    login(client, "admin@fjord.test")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
    response = client.post(
        "/import",
        data={"file": (io.BytesIO(csv_text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
        assert after == before


def test_a_file_in_another_encoding_is_refused_with_a_message(client, login):
    login(client, "admin@fjord.test")
    response = client.post(
        "/import",
        data={
            "file": (
                io.BytesIO("first_name,last_name\nÅse,Ødegård\n".encode("utf-16")),
                "x.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_a_wrong_password_keeps_the_typed_email(client, login):
    response = login(client, "staff@fjord.test", "wrong")
    assert response.status_code == 401
    assert 'value="staff@fjord.test"' in response.get_data(as_text=True)
