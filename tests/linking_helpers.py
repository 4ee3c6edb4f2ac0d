"""Helpers of the linking, search, overview and subject tests (not fixtures)."""

from __future__ import annotations

import datetime as dt
import decimal
import typing as t

import sqlalchemy as sa

from tenant_privacy.models import MatchSuggestion
from tenant_privacy.models import Subject
from tenant_privacy.models import SubjectRecord
from tests.conftest import scope_of  # noqa: F401  (the tests' one scope helper)

Ref = tuple[str, str]


def add_contact(tenant: str, first: str, last: str, **fields: t.Any) -> Ref:
    """Insert a demo contact; return its ref (flushed, not committed)."""
    from demo.models import Contact
    from demo.models import db

    row = Contact(tenant_key=tenant, first_name=first, last_name=last, **fields)
    db.session.add(row)
    db.session.flush()
    return ("contact", str(row.id))


def add_lead(tenant: str, first: str, last: str, **fields: t.Any) -> Ref:
    """Insert a demo lead; return its ref (flushed, not committed)."""
    from demo.models import Lead
    from demo.models import db

    row = Lead(tenant_key=tenant, first_name=first, last_name=last, **fields)
    db.session.add(row)
    db.session.flush()
    return ("lead", str(row.id))


def add_invoice(tenant: str, contact: Ref, amount: str, number: str) -> Ref:
    """Insert an invoice about *contact*; return its ref."""
    from demo.models import Invoice
    from demo.models import db

    row = Invoice(
        tenant_key=tenant,
        contact_id=int(contact[1]),
        number=number,
        amount=decimal.Decimal(amount),
        due_date=dt.date(2025, 3, 1),
        paid=False,
    )
    db.session.add(row)
    db.session.flush()
    return ("invoice", str(row.id))


def add_note(tenant: str, contact: Ref, body: str) -> Ref:
    """Insert a note about *contact*; return its ref."""
    from demo.models import Note
    from demo.models import db

    row = Note(tenant_key=tenant, contact_id=int(contact[1]), body=body)
    db.session.add(row)
    db.session.flush()
    return ("note", str(row.id))


def add_suggestion(
    tenant: str, a: Ref, b: Ref, score: float, **fields: t.Any
) -> MatchSuggestion:
    """Insert a pending suggestion of *a* and *b* as a scan would (flushed)."""
    from demo.models import db

    row = MatchSuggestion(
        tenant_key=tenant,
        a_source=a[0],
        a_id=a[1],
        b_source=b[0],
        b_id=b[1],
        score=score,
        evidence=fields.pop("evidence", {"name": 1.0}),
        status="pending",
        a_fingerprint="r:a",
        b_fingerprint="r:b",
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


def grouping(session: t.Any, tenant: str) -> dict[Ref, int]:
    """Every link row of *tenant*: ref -> subject id (read fresh)."""
    rows = session.execute(
        sa.select(
            SubjectRecord.source_key, SubjectRecord.record_id, SubjectRecord.subject_id
        ).where(SubjectRecord.tenant_key == tenant)
    )
    return {(r[0], r[1]): r[2] for r in rows}


def check_invariants(session: t.Any, tenant: str) -> None:
    """Every active subject owns a record, every merged one owns none."""
    owners = set(grouping(session, tenant).values())
    for sid, state in session.execute(
        sa.select(Subject.id, Subject.state).where(Subject.tenant_key == tenant)
    ):
        if state == "active":
            assert sid in owners, f"active subject {sid} has no records"
        else:
            assert sid not in owners, f"{state} subject {sid} still has records"
