"""The demo applies visibility rules on every page and in its JSON API.

An ordinary user walks every GET route of the demo (and the module's, which answer
403 to them) with a rule hiding a person's email and balance: the values appear in
no body, in any number format. With the whole person hidden, every body the user
gets is exactly what it was before the person existed: no name, no count, no page
betrays them. Officers see everything; an exempt role sees what the rule allows;
another tenant's person of the same name and email is untouched.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re

import pytest
import sqlalchemy as sa

from tenant_privacy.services import visibility as vis
from tests.conftest import scope_of
from tests.visibility_helpers import actor

NAME = ("Ottilie", "Zwanzig")
EMAIL = "ottilie.zw@example.no"
PHONE = "+47 455 66 778"
AMOUNT = "98765.43"
#: The amount in every way a page could print it.
AMOUNT_FORMS = [
    "98765.43",
    "98765,43",
    "98,765.43",
    "98.765,43",
    "98 765,43",
    "98 765.43",
    "98\xa0765,43",
    "98\u202f765,43",
    "98’765.43",
]


CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _add_person(tenant: str) -> dict:
    """Ottilie in *tenant*: a contact at the tenant's first company, with an unpaid
    invoice and a note; committed. Returns ids."""
    from demo.models import Company
    from demo.models import Contact
    from demo.models import Invoice
    from demo.models import Note
    from demo.models import db

    company = db.session.scalars(
        sa.select(Company).where(Company.tenant_key == tenant).order_by(Company.id)
    ).first()
    contact = Contact(
        tenant_key=tenant,
        first_name=NAME[0],
        last_name=NAME[1],
        email=EMAIL,
        phone=PHONE,
        company_id=company.id,
        city="Zwanzigby",
    )
    db.session.add(contact)
    db.session.flush()
    db.session.add(
        Invoice(
            tenant_key=tenant,
            contact_id=contact.id,
            number=f"{tenant[:2].upper()}-Z1",
            amount=decimal.Decimal(AMOUNT),
            due_date=dt.date(2025, 6, 1),
            paid=False,
        )
    )
    db.session.add(Note(tenant_key=tenant, contact_id=contact.id, body="Zwanzig note"))
    db.session.commit()
    return {"contact": contact.id, "company": company.id}


def _hide(app, tenant: str, contact_id: int, rules) -> None:
    from demo.models import db

    scope = scope_of(app, tenant)
    subject = scope.subject_of(("contact", str(contact_id)))
    vis.set_restrictions(scope, "operator", subject.id, rules)
    db.session.commit()


def _urls(app, ids: dict) -> list[str]:
    """Every GET route of the app, with the person's ids filled in, plus the
    searches and filters that could find the person."""
    values = {
        "contact_id": ids["contact"],
        "company_id": ids["company"],
        "tenant": "fjord",
    }
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        args = {name: values.get(name, 1) for name in rule.arguments}
        urls.add(rule.build(args, append_unknown=False)[1])
    for q in (NAME[0], NAME[1], EMAIL, "zw@example", "455 66", PHONE, "Zwanzigby"):
        urls.add(f"/contacts?q={q}")
        urls.add(f"/api/contacts?q={q}")
    urls.update({"/invoices?unpaid=1", "/contacts?page=2", "/api/contacts?limit=500"})
    return sorted(urls)


def _bodies(client, urls) -> dict[str, str]:
    """Each URL's body, without the search box's echo of what was typed."""
    out = {}
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        if "?q=" in url:
            typed = url.partition("?q=")[2]
            body = body.replace(f'value="{typed}"', 'value=""')
        out[url] = CSRF.sub("", body)  # a fresh token per page
    return out


def _assert_absent(bodies: dict[str, str], values) -> None:
    for url, body in bodies.items():
        for value in values:
            assert value not in body, (url, value)


@pytest.fixture
def ottilie(app, app_ctx):
    """Ottilie in both tenants (same name, same email); ids of the fjord one."""
    ids = _add_person("fjord")
    _add_person("nordlys")
    return ids


def test_hidden_email_and_balance_appear_nowhere(app, ottilie, login):
    _hide(
        app,
        "fjord",
        ottilie["contact"],
        [vis.Restriction("email"), vis.Restriction("balance")],
    )
    client = app.test_client()
    login(client, "staff@fjord.test")
    bodies = _bodies(client, _urls(app, ottilie))
    _assert_absent(bodies, [EMAIL, "zw@example", *AMOUNT_FORMS])
    # the person is still there, with what the rule leaves visible
    page = bodies[f"/contacts/{ottilie['contact']}"]
    assert NAME[1] in page and PHONE in page and "Hidden" in page
    assert NAME[1] in bodies[f"/contacts?q={NAME[0]}"]
    assert f"/contacts?q={EMAIL}" in bodies
    assert NAME[1] not in bodies[f"/contacts?q={EMAIL}"]  # no search by a hidden email
    api = client.get(f"/api/contacts/{ottilie['contact']}").get_json()
    assert api["email"] is None and api["balance"] is None
    assert api["hidden"] == ["balance", "email"] and api["phone"] == PHONE


def test_hidden_person_leaves_no_trace(make_app, login):
    from tests.conftest import seed

    app = seed(make_app())
    client = app.test_client()
    login(client, "staff@fjord.test")
    with app.app_context():
        from demo.models import Company
        from demo.models import db

        company = db.session.scalars(
            sa.select(Company).where(Company.tenant_key == "fjord").order_by(Company.id)
        ).first()
        guess = {"contact": 10**6, "company": company.id}
        urls = _urls(app, guess)
        before = _bodies(client, urls)
        ids = _add_person("fjord")
        assert ids["company"] == company.id
        _hide(app, "fjord", ids["contact"], [vis.Restriction(vis.PERSON)])
    urls = [u.replace(str(10**6), str(ids["contact"])) for u in urls]
    after = _bodies(client, urls)
    for (_, body_before), url in zip(sorted(before.items()), urls, strict=True):
        body = after[url]
        assert NAME[0] not in body and NAME[1] not in body, url
        # counts, totals, pages: the very same body as before the person existed
        assert body == body_before.replace(str(10**6), str(ids["contact"])), url
    assert client.get(f"/contacts/{ids['contact']}").status_code == 404
    assert client.get(f"/api/contacts/{ids['contact']}").status_code == 404


def test_officer_sees_all_and_exempt_role_what_the_rule_allows(app, ottilie, login):
    _hide(
        app,
        "fjord",
        ottilie["contact"],
        [
            vis.Restriction("email", except_roles=frozenset({"admin"})),
            vis.Restriction("balance"),
        ],
    )
    url = f"/contacts/{ottilie['contact']}"
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    page = officer.get(url).get_data(as_text=True)
    assert EMAIL in page and AMOUNT in page
    assert EMAIL in officer.get(f"/contacts?q={EMAIL}").get_data(as_text=True)
    admin = app.test_client()
    login(admin, "admin@fjord.test")
    page = admin.get(url).get_data(as_text=True)
    assert EMAIL in page and AMOUNT not in page
    staff = app.test_client()
    login(staff, "staff@fjord.test")
    page = staff.get(url).get_data(as_text=True)
    assert EMAIL not in page and AMOUNT not in page


def test_rules_of_one_tenant_leave_the_other_alone(app, ottilie, login):
    _hide(app, "fjord", ottilie["contact"], [vis.Restriction(vis.PERSON)])
    client = app.test_client()
    login(client, "staff@nordlys.test")
    found = client.get(f"/contacts?q={NAME[1]}").get_data(as_text=True)
    assert NAME[1] in found and EMAIL in found and AMOUNT in found
    assert EMAIL in client.get(f"/api/contacts?q={NAME[1]}").get_data(as_text=True)
    # the fjord rule exempts nobody; a nordlys user of the same role is no officer
    assert actor("nordlys", "staff").roles == frozenset({"staff"})
