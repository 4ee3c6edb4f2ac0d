"""The demo seed: idempotent, messy on purpose, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import sqlalchemy as sa

import tenant_privacy
from demo.models import Contact
from demo.models import Lead
from demo.models import db
from demo.seed import ascii_spelling
from demo.seed import seed_demo


def _snapshot(app) -> dict[str, list]:
    """Every row of every table (demo and module), for before/after comparison."""
    with app.app_context():
        out = {}
        for metadata in (db.metadata, tenant_privacy.metadata):
            for table in metadata.sorted_tables:
                rows = db.session.execute(sa.select(table)).all()
                out[table.name] = sorted(map(repr, rows))
        return out


def test_seed_is_idempotent(app):
    before = _snapshot(app)
    with app.app_context():
        seed_demo(contacts_per_tenant=30)
    assert _snapshot(app) == before


def test_seed_has_duplicate_registrations(app):
    with app.app_context():
        contacts = db.session.scalars(
            sa.select(Contact).where(Contact.tenant_key == "fjord")
        ).all()
        leads = db.session.scalars(
            sa.select(Lead).where(Lead.tenant_key == "fjord")
        ).all()
    manual = [c for c in contacts if c.origin == "manual"]
    imported = [c for c in contacts if c.origin == "import"]
    assert imported and leads

    def digits(phone):
        return re.sub(r"\D", "", phone or "")[-8:]

    manual_phones = {digits(c.phone) for c in manual}
    assert any(digits(c.phone) in manual_phones for c in imported)
    assert any(digits(lead.phone) in manual_phones for lead in leads if lead.phone)
    # phones in more than one format
    assert len({re.sub(r"\d", "9", c.phone) for c in contacts if c.phone}) > 1
    # Norwegian letters, and their ASCII spellings
    assert any(set("æøåÆØÅ") & set(c.first_name + c.last_name) for c in manual)


def test_ascii_spelling():
    assert ascii_spelling("Bjørn Håland", 0) == "Bjorn Haland"
    assert ascii_spelling("Bjørn Håland", 1) == "Bjoern Haaland"
    assert ascii_spelling("Kjærsti") == "Kjaersti"


def test_seed_on_any_database(any_db_app):
    with any_db_app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(Contact.tenant_key, sa.func.count()).group_by(
                    Contact.tenant_key
                )
            ).all()
        )
    assert counts == {"fjord": 30, "nordlys": 30}
    before = _snapshot(any_db_app)
    with any_db_app.app_context():
        seed_demo(contacts_per_tenant=30)
    assert _snapshot(any_db_app) == before
    client = any_db_app.test_client()
    client.post("/login", data={"email": "staff@nordlys.test", "password": "demo"})
    assert len(client.get("/api/contacts").get_json()) == 30


def test_seed_command(make_app):
    app = make_app()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--contacts", "12"])
    assert result.exit_code == 0, result.output
    assert "operator@saas.test" in result.output
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
    assert total == 24
