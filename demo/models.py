"""The demo CRM's tables: tenants, users, companies, contacts, leads, invoices, notes.

Every table of a tenant carries ``tenant_key`` (a foreign key to ``tenant.key``); every
query of the demo filters on it through :func:`tenant_query`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import secrets
import typing as t

import sqlalchemy as sa
from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import orm

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))

ROLES = ("admin", "staff", "operator")
ORIGINS = ("manual", "import")


def new_session_token() -> str:
    """A fresh random session token (256 bits): see :attr:`User.session_token`."""
    return secrets.token_urlsafe(32)


def utcnow() -> dt.datetime:
    """The current time in UTC (naive, as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _tenant_fk() -> orm.Mapped[str]:
    return orm.mapped_column(
        sa.String(64), sa.ForeignKey("tenant.key"), index=True, nullable=False
    )


class Tenant(db.Model):
    """A customer of the SaaS."""

    __tablename__ = "tenant"

    key: orm.Mapped[str] = orm.mapped_column(sa.String(64), primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200), nullable=False)


class User(UserMixin, db.Model):
    """A staff user of one tenant, or the operator (no tenant)."""

    __tablename__ = "user"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(64), sa.ForeignKey("tenant.key"), index=True, nullable=True
    )
    email: orm.Mapped[str] = orm.mapped_column(
        sa.String(254), unique=True, nullable=False
    )
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200), nullable=False)
    role: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), nullable=False, default="staff"
    )
    language: orm.Mapped[str | None] = orm.mapped_column(sa.String(8), nullable=True)
    contact_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("contact.id"), nullable=True
    )
    #: What the session cookie holds instead of the id (flask-login's "alternative
    #: tokens"): logging out replaces it, so a copy of an old cookie stops working.
    session_token: orm.Mapped[str] = orm.mapped_column(
        sa.String(64), unique=True, nullable=False, default=new_session_token
    )

    def get_id(self) -> str:
        """The session token, which flask-login keeps in the session."""
        return self.session_token

    def end_sessions(self) -> None:
        """End every session of this user (a new token); the caller commits."""
        self.session_token = new_session_token()


class Company(db.Model):
    """A company in a tenant's CRM."""

    __tablename__ = "company"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = _tenant_fk()
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200), nullable=False)
    org_number: orm.Mapped[str | None] = orm.mapped_column(sa.String(20))

    contacts: orm.Mapped[list[Contact]] = orm.relationship(
        back_populates="company", order_by="Contact.last_name"
    )


class Contact(db.Model):
    """A person in a tenant's CRM, entered by hand or imported."""

    __tablename__ = "contact"
    #: the contact list's order: a page is read from the index, not sorted
    __table_args__ = (
        sa.Index(
            "ix_contact_list_order", "tenant_key", "last_name", "first_name", "id"
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = _tenant_fk()
    company_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("company.id"), index=True, nullable=True
    )
    first_name: orm.Mapped[str] = orm.mapped_column(sa.String(100), nullable=False)
    last_name: orm.Mapped[str] = orm.mapped_column(sa.String(100), nullable=False)
    email: orm.Mapped[str | None] = orm.mapped_column(sa.String(254))
    phone: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    birth_date: orm.Mapped[dt.date | None] = orm.mapped_column(sa.Date)
    street: orm.Mapped[str | None] = orm.mapped_column(sa.String(200))
    postcode: orm.Mapped[str | None] = orm.mapped_column(sa.String(10))
    city: orm.Mapped[str | None] = orm.mapped_column(sa.String(100))
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(
        sa.DateTime, default=utcnow, nullable=False
    )
    origin: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), nullable=False, default="manual"
    )

    company: orm.Mapped[Company | None] = orm.relationship(back_populates="contacts")
    invoices: orm.Mapped[list[Invoice]] = orm.relationship(
        back_populates="contact", order_by="Invoice.due_date"
    )
    notes: orm.Mapped[list[Note]] = orm.relationship(
        back_populates="contact", order_by="Note.created_at"
    )

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def balance(self) -> decimal.Decimal:
        """Outstanding balance: the sum of unpaid invoices."""
        return sum(
            (decimal.Decimal(i.amount) for i in self.invoices if not i.paid),
            decimal.Decimal("0.00"),
        )


#: The company name of a contact, as a column (for the registry's ``company`` field).
Contact.company_name = orm.column_property(
    sa.select(Company.name)
    .where(Company.id == Contact.company_id)
    .correlate_except(Company)
    .scalar_subquery(),
    deferred=True,
)


class Lead(db.Model):
    """A lead sent through a tenant's public web form."""

    __tablename__ = "lead"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = _tenant_fk()
    first_name: orm.Mapped[str] = orm.mapped_column(sa.String(100), nullable=False)
    last_name: orm.Mapped[str] = orm.mapped_column(sa.String(100), nullable=False)
    email: orm.Mapped[str | None] = orm.mapped_column(sa.String(254))
    phone: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    company_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(200))
    message: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(
        sa.DateTime, default=utcnow, nullable=False
    )


class Invoice(db.Model):
    """An invoice to a contact."""

    __tablename__ = "invoice"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = _tenant_fk()
    contact_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("contact.id"), index=True, nullable=False
    )
    number: orm.Mapped[str] = orm.mapped_column(sa.String(32), nullable=False)
    amount: orm.Mapped[decimal.Decimal] = orm.mapped_column(
        sa.Numeric(12, 2), nullable=False
    )
    due_date: orm.Mapped[dt.date] = orm.mapped_column(sa.Date, nullable=False)
    paid: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, nullable=False, default=False
    )

    contact: orm.Mapped[Contact] = orm.relationship(back_populates="invoices")


class Note(db.Model):
    """A note a user wrote about a contact."""

    __tablename__ = "note"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_key: orm.Mapped[str] = _tenant_fk()
    contact_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("contact.id"), index=True, nullable=False
    )
    author_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("user.id"), nullable=True
    )
    body: orm.Mapped[str] = orm.mapped_column(sa.Text, nullable=False)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(
        sa.DateTime, default=utcnow, nullable=False
    )

    contact: orm.Mapped[Contact] = orm.relationship(back_populates="notes")
    author: orm.Mapped[User | None] = orm.relationship()


M = t.TypeVar("M")


def tenant_query(model: type[M], tenant: str) -> sa.Select[tuple[M]]:
    """``SELECT model WHERE tenant_key = tenant``: every demo query starts here."""
    return sa.select(model).where(model.tenant_key == tenant)  # type: ignore[attr-defined]


def tenant_get(model: type[M], tenant: str, row_id: int) -> M | None:
    """The row *row_id* of *model* in *tenant*, or None (also for another tenant's)."""
    stmt = tenant_query(model, tenant).where(model.id == row_id)  # type: ignore[attr-defined]
    return db.session.scalars(stmt).first()
