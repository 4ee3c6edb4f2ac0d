"""Helpers of the duplicate tests: scans, copies of records, quick look-ups."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from flask import Flask

from demo.models import Contact
from demo.models import Lead
from demo.models import db
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.models import ScanJob
from tests.conftest import scope_of

IDENTITY = ("first_name", "last_name", "email", "phone", "birth_date", "street")


def state(app: Flask) -> t.Any:
    """The module state of *app*."""
    return app.extensions["tenant_privacy"]


scope = scope_of  # the tests' one scope helper (tests.conftest)


def scan(app: Flask, tenant: str, actor: str = "operator") -> int:
    """Run a full scan of *tenant* inline (as the job would); the scan id."""
    from tenant_privacy.jobs.duplicates import scan_job
    from tenant_privacy.services import duplicates

    with app.app_context():
        job = duplicates.start_scan(scope(app, tenant), actor)
        db.session.commit()
        scan_job(tenant, job.id)
        return job.id


def scan_row(app: Flask, scan_id: int) -> ScanJob:
    """The scan row *scan_id* (detached)."""
    with app.app_context():
        row = db.session.get(ScanJob, scan_id)
        assert row is not None
        db.session.expunge(row)
        return row


def suggestions(app: Flask, tenant: str, status: str | None = None) -> list[t.Any]:
    """Suggestion rows of *tenant*, best first (detached)."""
    with app.app_context():
        stmt = sa.select(MatchSuggestion).where(MatchSuggestion.tenant_key == tenant)
        if status:
            stmt = stmt.where(MatchSuggestion.status == status)
        rows = list(
            db.session.scalars(
                stmt.order_by(MatchSuggestion.score.desc(), MatchSuggestion.id)
            )
        )
        db.session.expunge_all()
        return rows


def first_contact(app: Flask, tenant: str) -> int:
    """The id of the first contact of *tenant* that has an email and a phone."""
    with app.app_context():
        stmt = (
            sa.select(Contact.id)
            .where(
                Contact.tenant_key == tenant,
                Contact.email.is_not(None),
                Contact.phone.is_not(None),
            )
            .order_by(Contact.id)
        )
        return int(db.session.scalars(stmt).first())


def copy_as_lead(app: Flask, contact_id: int, tenant: str | None = None) -> int:
    """Insert a lead copying the identity of contact *contact_id*; its id. Commits."""
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        assert contact is not None
        lead = Lead(
            tenant_key=tenant or contact.tenant_key,
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            phone=contact.phone,
        )
        db.session.add(lead)
        db.session.commit()
        return lead.id


def copy_contact(app: Flask, contact_id: int, tenant: str) -> int:
    """Insert into *tenant* a contact identical to *contact_id*; its id. Commits."""
    with app.app_context():
        contact = db.session.get(Contact, contact_id)
        assert contact is not None
        twin = Contact(
            tenant_key=tenant, **{name: getattr(contact, name) for name in IDENTITY}
        )
        twin.postcode, twin.city = contact.postcode, contact.city
        db.session.add(twin)
        db.session.commit()
        return twin.id


def tenant_of(app: Flask, source: str, record_id: str) -> str:
    """The tenant of a demo person record."""
    from demo.models import User

    model = {"contact": Contact, "lead": Lead, "user": User}[source]
    with app.app_context():
        row = db.session.get(model, int(record_id))
        assert row is not None
        return str(row.tenant_key)
