"""Two tenants whose people share names: nothing of one tenant shows in the other."""

from __future__ import annotations

import sqlalchemy as sa

from demo.models import Company
from demo.models import Contact
from demo.models import Invoice
from demo.models import Note
from demo.models import db


def _ids(app, model, tenant):
    with app.app_context():
        return set(
            db.session.scalars(sa.select(model.id).where(model.tenant_key == tenant))
        )


def _shared_names(app):
    with app.app_context():
        names = {}
        for tenant in ("fjord", "nordlys"):
            rows = db.session.execute(
                sa.select(Contact.first_name, Contact.last_name).where(
                    Contact.tenant_key == tenant
                )
            )
            names[tenant] = set(rows)
        return names["fjord"] & names["nordlys"]


def test_the_seed_has_people_with_the_same_name_in_both_tenants(app):
    assert len(_shared_names(app)) >= 3


def test_other_tenants_ids_answer_404(app, client, login):
    login(client, "staff@fjord.test")
    contact = min(_ids(app, Contact, "nordlys"))
    company = min(_ids(app, Company, "nordlys"))
    assert client.get(f"/contacts/{contact}").status_code == 404
    assert client.get(f"/companies/{company}").status_code == 404
    assert client.get(f"/api/contacts/{contact}").status_code == 404
    notes_before = _ids(app, Note, "nordlys") | _ids(app, Note, "fjord")
    assert (
        client.post(f"/contacts/{contact}/notes", data={"body": "x"}).status_code == 404
    )
    assert _ids(app, Note, "nordlys") | _ids(app, Note, "fjord") == notes_before
    # and the own tenant's ids work
    own = min(_ids(app, Contact, "fjord"))
    assert client.get(f"/contacts/{own}").status_code == 200


def test_search_for_a_shared_name_shows_only_own_tenant(app, client, login):
    first, last = sorted(_shared_names(app))[0]
    nordlys_ids = _ids(app, Contact, "nordlys")
    login(client, "staff@fjord.test")
    text = client.get("/contacts", query_string={"q": f"{first} {last}"}).get_data(
        as_text=True
    )
    assert f"{last}, {first}" in text
    for other in nordlys_ids:
        assert f'href="/contacts/{other}"' not in text
    api = client.get("/api/contacts", query_string={"q": last}).get_json()
    assert api and {row["id"] for row in api} <= _ids(app, Contact, "fjord")


def test_lists_hold_only_own_tenant_rows(app, client, login):
    login(client, "staff@nordlys.test")
    fjord_numbers = set()
    with app.app_context():
        fjord_numbers = set(
            db.session.scalars(
                sa.select(Invoice.number).where(Invoice.tenant_key == "fjord")
            )
        )
    text = client.get("/invoices").get_data(as_text=True)
    assert not any(number in text for number in fjord_numbers)
    for contact in _ids(app, Contact, "fjord"):
        assert f'href="/contacts/{contact}"' not in text


def test_tenant_cli_changes_only_the_named_tenant(app, runner):
    from tenant_privacy.models import TenantSettings

    runner.invoke(args=["privacy", "tenant", "disable", "nordlys", "--yes"])
    with app.app_context():
        fjord = db.session.get(TenantSettings, "fjord")
        assert fjord.enabled is True
