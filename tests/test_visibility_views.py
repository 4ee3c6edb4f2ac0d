"""The officer sets and clears visibility rules on the person overview: audited,
CSRF-protected, officers only, tenant-bound, bad input refused."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tenant_privacy.models import AuditEvent
from tenant_privacy.services import visibility as vis
from tests.conftest import scope_of
from tests.conftest import seed
from tests.linking_helpers import add_contact
from tests.visibility_helpers import demo_user


@pytest.fixture
def person(app):
    from demo.models import db

    with app.app_context():
        ref = add_contact("fjord", "Sunniva", "Skjult", email="sunniva@example.no")
        db.session.commit()
        return ref


def _rules(app, ref, tenant="fjord"):
    with app.app_context():
        link = scope_of(app, tenant).link_of(ref)
        return (
            {}
            if link is None
            else vis.restrictions_of(scope_of(app, tenant), link.subject_id)
        )


def test_officer_hides_and_clears_from_the_overview(app, person, login):
    client = app.test_client()
    login(client, "officer@fjord.test")
    page = client.get(
        f"/privacy/records/{person[0]}/{person[1]}", follow_redirects=True
    )
    text = page.get_data(as_text=True)
    assert "Who may see this person" in text and 'name="hide" value="balance"' in text
    action = re.search(r'action="([^"]*/visibility)"', text).group(1)
    response = client.post(
        action,
        data={
            "hide": ["email", "balance"],
            "except_roles": "admin",
            "except_users": "staff@fjord.test",
        },
    )
    assert response.status_code == 302
    rules = _rules(app, person)
    with app.app_context():
        staff_id = str(demo_user("fjord", "staff").id)
        event = (
            app.extensions["tenant_privacy"]
            .session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "visibility.changed")
            )
            .one()
        )
        assert event.fields == ["balance", "email"]
    assert rules["email"] == vis.Restriction(
        "email", frozenset({"admin"}), frozenset({staff_id})
    )
    shown = client.get(response.location).get_data(as_text=True)
    assert "Hidden: Email" in shown and "Kari Nordmann" in shown
    # the audit log says it in words
    assert "set who may see a person" in client.get("/privacy/audit").get_data(
        as_text=True
    )
    sid = re.search(r"/subjects/(\d+)", response.location).group(1)
    assert client.post(f"/privacy/subjects/{sid}/visibility/clear").status_code == 302
    assert _rules(app, person) == {}


def test_bad_input_rights_and_other_tenants(app, person, login):
    with app.app_context():
        from demo.models import db

        sid = scope_of(app, "fjord").subject_of(person).id
        db.session.commit()
    url = f"/privacy/subjects/{sid}/visibility"
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    for data in (
        {"hide": "shoe_size"},
        {"hide": "email", "except_users": "nobody@nowhere.test"},
        {"hide": "email", "except_roles": "a\x00b"},
    ):
        response = officer.post(url, data=data)
        assert response.status_code == 400, data
    staff = app.test_client()
    login(staff, "staff@fjord.test")
    assert staff.post(url, data={"hide": "email"}).status_code == 403
    other = app.test_client()
    login(other, "officer@nordlys.test")
    assert other.post(url, data={"hide": "email"}).status_code == 404
    assert _rules(app, person) == {}


def test_csrf_is_required(make_app, login):
    app = seed(make_app(WTF_CSRF_ENABLED=True))
    with app.app_context():
        from demo.models import db

        ref = add_contact("fjord", "Sunniva", "Skjult", email="s2@example.no")
        sid = scope_of(app, "fjord").subject_of(ref).id
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login",
        data={"email": "officer@fjord.test", "password": "demo", "csrf_token": token},
    )
    url = f"/privacy/subjects/{sid}/visibility"
    assert client.post(url, data={"hide": "email"}).status_code == 400
    assert _rules(app, ref) == {}
    page = client.get(f"/privacy/subjects/{sid}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    ok = client.post(url, data={"hide": "email", "csrf_token": token})
    assert ok.status_code == 302 and set(_rules(app, ref)) == {"email"}
