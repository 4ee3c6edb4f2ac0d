"""What the demo tells the privacy module: its sources and its loaders.

This file is the whole integration of the module into the host, through the public
API only. A real host would write the same.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from flask import url_for
from flask_login import current_user
from werkzeug.security import check_password_hash

from tenant_privacy import Actor
from tenant_privacy import Purpose
from tenant_privacy import Retention
from tenant_privacy import TenantInfo
from tenant_privacy import TenantPrivacy
from tenant_privacy import lazy_gettext

from .models import Contact
from .models import Invoice
from .models import Lead
from .models import Note
from .models import Tenant
from .models import User
from .models import db

#: Invoices are kept five years from the invoice date (Norwegian Bookkeeping Act
#: § 13), then deleted.
BOOKKEEPING = Retention(reason="Bookkeeping Act § 13", years=5, from_field="due_date")
#: A lead is kept to follow it up: 24 months after it came in with no other
#: activity it is proposed for erasure; a tenant may choose 6 to 36 months.
LEAD_PURPOSE = Purpose(
    description=lazy_gettext("Follow up a sales lead"),
    months=24,
    activity=("created_at",),
    min_months=6,
    max_months=36,
)
#: A contact is kept while there is business with them: 36 months with no
#: invoice (by its due date) and no note count as the end of it; a tenant may
#: choose 24 to 60 months.
CONTACT_PURPOSE = Purpose(
    description=lazy_gettext("Customer relationship"),
    months=36,
    activity=("created_at", "invoice.due_date", "note.created_at"),
    min_months=24,
    max_months=60,
)
#: The demo's tenants are Norwegian companies: their invoices are in kroner.
CURRENCY = "NOK"


def actor_of(user: User) -> Actor:
    """The module's view of a demo user."""
    return Actor(
        id=str(user.id),
        tenant=user.tenant_key,
        label=user.name,
        email=user.email,
        is_tenant_admin=user.role == "admin",
        is_operator=user.role == "operator",
        language=user.language,
        person_ref=("user", str(user.id)) if user.tenant_key else None,
        roles=frozenset({user.role}),
    )


def _contains(column: t.Any, text: str) -> sa.ColumnElement[bool]:
    """*column* holds *text*, ignoring case. SQLite's ``LIKE`` already ignores
    ASCII case (its ``lower()`` folds no other letters either): calling
    ``lower()`` on every row of a big table only costs time there."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)


def contact_url(record_id: str) -> str | None:
    """The CRM's own page of a contact (the module links registrations to it)."""
    if not record_id.isdigit():
        return None
    return url_for("demo.contact", contact_id=int(record_id))


def declare_sources(privacy: TenantPrivacy) -> None:
    """Register every table of the demo that holds personal data."""
    privacy.person_source(
        key="contact",
        label=lazy_gettext("Contacts"),
        singular_label=lazy_gettext("Contact"),
        model=Contact,
        tenant_column="tenant_key",
        host_url=contact_url,
        purpose=CONTACT_PURPOSE,
        identity={
            "first_name": "first_name",
            "last_name": "last_name",
            "email": "email",
            "phone": "phone",
            "birth_date": "birth_date",
            "street": "street",
            "postcode": "postcode",
            "city": "city",
            "company": "company_name",
        },
        export_fields=[
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_date",
            "street",
            "postcode",
            "city",
            "company_name",
            "created_at",
            "origin",
        ],
        field_labels={
            "id": lazy_gettext("Contact no."),
            "company_name": lazy_gettext("Company"),
            "created_at": lazy_gettext("Registered"),
            "origin": lazy_gettext("Origin"),
        },
        erasure={
            "first_name": "fake_name",
            "last_name": "fake_name",
            "email": "fake_email",
            "phone": "null",
            "birth_date": "year_only",
            "street": "null",
            "postcode": "null",
            "city": "null",
        },
    )
    privacy.person_source(
        key="lead",
        label=lazy_gettext("Leads"),
        singular_label=lazy_gettext("Lead"),
        model=Lead,
        tenant_column="tenant_key",
        purpose=LEAD_PURPOSE,
        identity={
            "first_name": "first_name",
            "last_name": "last_name",
            "email": "email",
            "phone": "phone",
            "company": "company_name",
        },
        export_fields=[
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "company_name",
            "message",
            "created_at",
        ],
        field_labels={
            "company_name": lazy_gettext("Company"),
            "message": lazy_gettext("Message"),
            "created_at": lazy_gettext("Received"),
        },
        erasure={
            "first_name": "fake_name",
            "last_name": "fake_name",
            "email": "fake_email",
            "phone": "null",
            "message": "redact",
        },
    )
    privacy.person_source(
        key="user",
        label=lazy_gettext("Users"),
        singular_label=lazy_gettext("User"),
        model=User,
        tenant_column="tenant_key",
        identity={"full_name": "name", "email": "email"},
        export_fields=["id", "name", "email", "role", "language"],
        field_labels={
            "name": lazy_gettext("Full name"),
            "role": lazy_gettext("Role"),
            "language": lazy_gettext("Language"),
        },
        erasure={"name": "fake_name", "email": "fake_email"},
    )
    privacy.related_source(
        key="invoice",
        label=lazy_gettext("Invoices"),
        singular_label=lazy_gettext("Invoice"),
        model=Invoice,
        tenant_column="tenant_key",
        person_refs={"contact": "contact_id"},
        export_fields=["id", "number", "amount", "due_date", "paid"],
        money_fields=["amount"],
        field_labels={
            "number": lazy_gettext("Invoice number"),
            "amount": lazy_gettext("Amount"),
            "due_date": lazy_gettext("Due date"),
            "paid": lazy_gettext("Paid"),
        },
        erasure={"*": "delete_row"},
        retain={
            "amount": BOOKKEEPING,
            "number": BOOKKEEPING,
            "due_date": BOOKKEEPING,
        },
    )
    privacy.related_source(
        key="note",
        label=lazy_gettext("Notes"),
        singular_label=lazy_gettext("Note"),
        model=Note,
        tenant_column="tenant_key",
        person_refs={"contact": "contact_id"},
        # a note is about its contact; to its author only when and that they wrote
        # it (erasing the author empties author_id: shown as "Deleted user")
        author_refs={"user": "author_id"},
        author_fields=["id", "created_at"],
        export_fields=["id", "body", "created_at"],
        field_labels={
            "body": lazy_gettext("Text"),
            "created_at": lazy_gettext("Written"),
        },
        erasure={"body": "redact_text"},
    )


def declare_field_groups(privacy: TenantPrivacy) -> None:
    """The fields an officer may hide per person. ``balance`` is computed (the
    outstanding sum of a contact's invoices): the pages ask whether it is seen."""
    privacy.field_group(
        "email",
        lazy_gettext("Email"),
        {"contact": ["email"], "lead": ["email"], "user": ["email"]},
    )
    privacy.field_group(
        "phone", lazy_gettext("Phone"), {"contact": ["phone"], "lead": ["phone"]}
    )
    privacy.field_group(
        "address",
        lazy_gettext("Address"),
        {"contact": ["street", "postcode", "city"]},
    )
    privacy.field_group("balance", lazy_gettext("Balance"))


def declare_loaders(privacy: TenantPrivacy) -> None:
    """Tell the module who acts, in which tenant, and who the tenants and staff are."""

    @privacy.tenant_loader
    def _tenant() -> str | None:
        if current_user.is_authenticated:
            return t.cast("str | None", current_user.tenant_key)
        return None

    @privacy.actor_loader
    def _actor() -> Actor | None:
        if current_user.is_authenticated:
            return actor_of(current_user)
        return None

    @privacy.tenants_loader
    def _tenants() -> list[TenantInfo]:
        rows = db.session.scalars(sa.select(Tenant).order_by(Tenant.key))
        return [TenantInfo(row.key, row.name, currency=CURRENCY) for row in rows]

    # Staff: three narrow questions, one query each, so that pages stay fast
    # with any number of users (a small host may give one ``staff_loader``).
    @privacy.staff_labels_loader
    def _staff_labels(tenant: str, ids: list[str]) -> dict[str, str]:
        # ids come from URLs and audit rows: only those a user id can be
        numbers = [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) <= 18]
        rows = db.session.execute(
            sa.select(User.id, User.name).where(
                User.tenant_key == tenant, User.id.in_(numbers)
            )
        )
        return {str(user_id): name for user_id, name in rows}

    @privacy.staff_by_email_loader
    def _staff_by_email(tenant: str, email: str) -> Actor | None:
        row = db.session.scalars(
            sa.select(User).where(
                User.tenant_key == tenant,
                sa.func.lower(User.email) == email.strip().lower(),
            )
        ).first()
        return actor_of(row) if row is not None else None

    @privacy.staff_page_loader
    def _staff_page(
        tenant: str, search: str, offset: int, limit: int
    ) -> tuple[list[Actor], int]:
        where = [User.tenant_key == tenant]
        if search:
            found = (_contains(User.name, search), _contains(User.email, search))
            where.append(sa.or_(*found))
        rows = list(
            db.session.scalars(
                sa.select(User)
                .where(*where)
                .order_by(User.id)  # the primary key: no sort of the whole table
                .offset(offset)
                .limit(limit)
            )
        )
        if len(rows) < limit and (rows or not offset):
            total = offset + len(rows)  # the last page: no second scan to count
        else:
            total = db.session.scalar(sa.select(sa.func.count(User.id)).where(*where))
        return [actor_of(row) for row in rows], int(total or 0)


def declare_self_service(privacy: TenantPrivacy) -> None:
    """What self-service ("My privacy") asks of the demo: the user's password,
    the tenant's administrators, and ending a deleted user's sessions."""

    @privacy.password_checker
    def _password_ok(actor: Actor, password: str) -> bool:
        user = _user_of(actor)
        return user is not None and check_password_hash(user.password_hash, password)

    @privacy.tenant_admins_loader
    def _admins(tenant: str) -> list[str]:
        rows = db.session.scalars(
            sa.select(User.id).where(User.tenant_key == tenant, User.role == "admin")
        )
        return [str(user_id) for user_id in rows]

    @privacy.self_deleted_handler
    def _deleted(actor: Actor) -> None:
        user = _user_of(actor)
        if user is None:
            return
        user.end_sessions()  # every session and remember cookie stops working
        user.password_hash = DELETED_PASSWORD  # no password ever matches it
        user.role = "staff"  # a deleted admin no longer counts as one


#: What a deleted user's password hash becomes: not a hash, so no password checks.
DELETED_PASSWORD = "!deleted"


def _user_of(actor: Actor) -> User | None:
    if not actor.id.isdigit() or actor.tenant is None:
        return None
    user = db.session.get(User, int(actor.id))
    return user if user is not None and user.tenant_key == actor.tenant else None


def make_privacy() -> TenantPrivacy:
    """A new, fully declared module instance (one per app)."""
    privacy = TenantPrivacy(db=db)
    declare_sources(privacy)
    declare_field_groups(privacy)
    declare_loaders(privacy)
    declare_self_service(privacy)
    return privacy
