"""Demo data: two Norwegian tenants with realistic, messy CRM records.

:func:`seed_demo` is idempotent: tenants and users are created when missing, and a
tenant's CRM data only when it has no contacts yet. The data is deterministic for a
given ``rng_seed``. It includes the hard cases of real CRMs: the same human registered
as a contact, a lead and an import (ASCII spellings, upper case, other phone formats,
typos, nicknames, swapped names), families sharing a surname and an address, and people
with the same name in both tenants.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import random
import typing as t
from dataclasses import dataclass
from dataclasses import replace

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from . import names
from .models import Company
from .models import Contact
from .models import Invoice
from .models import Lead
from .models import Note
from .models import Tenant
from .models import User
from .models import db

TENANTS = (("fjord", "Fjord Regnskap AS"), ("nordlys", "Nordlys Handel AS"))
PASSWORD = "demo"
#: Fixed "now" of the generated data, so every run produces the same rows.
BASE_TIME = dt.datetime(2025, 1, 15, 9, 0)

STAFF = {
    "fjord": (
        ("admin", "Sigrid Fjellheim", "admin"),
        ("officer", "Håkon Brekke", "staff"),
        ("staff", "Kari Nordmann", "staff"),
    ),
    "nordlys": (
        ("admin", "Tor Lyngstad", "admin"),
        ("officer", "Åse Nordvik", "staff"),
        ("staff", "Kari Nordmann", "staff"),
    ),
}
OPERATOR_EMAIL = "operator@saas.test"


@dataclass(frozen=True)
class Person:
    """One generated human (before registration variants)."""

    first_name: str
    last_name: str
    email: str
    phone: str
    birth_date: dt.date
    street: str
    postcode: str
    city: str


@functools.cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD)


_ASCII = (
    ({"ø": "o", "Ø": "O", "å": "a", "Å": "A", "æ": "ae", "Æ": "Ae"}),
    ({"ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "æ": "ae", "Æ": "Ae"}),
)


def ascii_spelling(text: str, variant: int = 0) -> str:
    """*text* with æ, ø, å written as a keyboard without them would."""
    table = _ASCII[variant % 2]
    return "".join(table.get(ch, ch) for ch in text)


def _email_local(first: str, last: str) -> str:
    return ascii_spelling(f"{first}.{last}".lower(), 1).replace(" ", "")


def make_person(rng: random.Random) -> Person:
    """A random Norwegian person."""
    first = rng.choice(names.FIRST_NAMES)
    last = rng.choice(names.LAST_NAMES)
    postcode, city = rng.choice(names.PLACES)
    number = rng.choice("49") + "".join(rng.choice("0123456789") for _ in range(7))
    return Person(
        first_name=first,
        last_name=last,
        email=f"{_email_local(first, last)}{rng.randint(1, 99)}@"
        f"{rng.choice(names.EMAIL_DOMAINS)}",
        phone=f"+47 {number[:3]} {number[3:5]} {number[5:]}",
        birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 18000)),
        street=f"{rng.choice(names.STREETS)} {rng.randint(1, 120)}",
        postcode=postcode,
        city=city,
    )


def phone_variant(phone: str, rng: random.Random) -> str:
    """The same number written another way (+47, 0047, no prefix, spaces)."""
    digits = phone.replace(" ", "").removeprefix("+47")
    return rng.choice(
        (
            digits,
            f"0047{digits}",
            f"+47{digits}",
            f"{digits[:3]} {digits[3:5]} {digits[5:]}",
            f"+47 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
        )
    )


def email_typo(email: str, rng: random.Random) -> str:
    """The address with a typical typo or in upper case."""
    local, _, domain = email.partition("@")
    kind = rng.randrange(4)
    if kind == 0 and len(local) > 3:
        i = rng.randrange(len(local) - 1)
        local = local[:i] + local[i + 1] + local[i] + local[i + 2 :]
    elif kind == 1:
        domain = {"gmail.com": "gmial.com", "hotmail.com": "hotmal.com"}.get(
            domain, domain
        )
    elif kind == 2:
        return email.upper()
    return f"{local}@{domain}"


def variant(person: Person, rng: random.Random) -> Person:
    """The same human as another system or form registered them."""
    changes: dict[str, t.Any] = {}
    roll = rng.random()
    if roll < 0.3:
        v = rng.randrange(2)
        changes["first_name"] = ascii_spelling(person.first_name, v)
        changes["last_name"] = ascii_spelling(person.last_name, v)
    elif roll < 0.45:
        changes["first_name"] = person.first_name.upper()
        changes["last_name"] = person.last_name.upper()
    elif roll < 0.55:
        changes["first_name"] = names.NICKNAMES.get(
            person.first_name, person.first_name
        )
    elif roll < 0.62:
        changes["first_name"], changes["last_name"] = (
            person.last_name,
            person.first_name,
        )
    changes["phone"] = phone_variant(person.phone, rng)
    if rng.random() < 0.4:
        changes["email"] = email_typo(person.email, rng)
    if rng.random() < 0.2:
        changes["street"] = ascii_spelling(person.street).lower()
    return replace(person, **changes)


def _ensure_tenants_and_users() -> dict[str, dict[str, User]]:
    users: dict[str, dict[str, User]] = {}
    for key, name in TENANTS:
        if db.session.get(Tenant, key) is None:
            db.session.add(Tenant(key=key, name=name))
    db.session.flush()
    for key, _name in TENANTS:
        users[key] = {}
        for login, full_name, role in STAFF[key]:
            users[key][login] = _ensure_user(
                f"{login}@{key}.test", full_name, role, key
            )
    _ensure_user(OPERATOR_EMAIL, "SaaS Operator", "operator", None)
    db.session.flush()
    return users


def _ensure_user(email: str, name: str, role: str, tenant: str | None) -> User:
    user = db.session.scalars(sa.select(User).where(User.email == email)).first()
    if user is None:
        user = User(
            email=email,
            name=name,
            role=role,
            tenant_key=tenant,
            password_hash=_password_hash(),
        )
        db.session.add(user)
    return user


def _companies(tenant: str, rng: random.Random, count: int) -> list[Company]:
    seen: set[str] = set()
    rows = []
    while len(rows) < count:
        name = f"{rng.choice(names.COMPANY_WORDS)} {rng.choice(names.COMPANY_KINDS)} AS"
        if name in seen:
            continue
        seen.add(name)
        rows.append(
            Company(
                tenant_key=tenant,
                name=name,
                org_number=str(rng.randint(900_000_000, 999_999_999)),
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _contact(
    tenant: str, p: Person, company: Company | None, when: dt.datetime
) -> Contact:
    return Contact(
        tenant_key=tenant,
        company_id=company.id if company else None,
        first_name=p.first_name,
        last_name=p.last_name,
        email=p.email,
        phone=p.phone,
        birth_date=p.birth_date,
        street=p.street,
        postcode=p.postcode,
        city=p.city,
        created_at=when,
        origin="manual",
    )


def _seed_tenant(
    tenant: str,
    n_contacts: int,
    rng: random.Random,
    shared: list[Person],
    staff: list[User],
) -> None:
    from .views import import_contacts

    companies = _companies(tenant, rng, max(3, n_contacts // 12))
    n_imports = max(2, n_contacts // 8)
    n_manual = max(1, n_contacts - n_imports)
    people = [replace(p, **_local_details(rng)) for p in shared[:n_manual]]
    while len(people) < n_manual:
        person = make_person(rng)
        people.append(person)
        if rng.random() < 0.05 and len(people) < n_manual:
            # a family member: same surname, address and landline, other person
            people.append(
                replace(
                    make_person(rng),
                    last_name=person.last_name,
                    street=person.street,
                    postcode=person.postcode,
                    city=person.city,
                )
            )
    contacts: list[Contact] = []
    for i, person in enumerate(people):
        company = rng.choice(companies) if rng.random() < 0.7 else None
        when = BASE_TIME - dt.timedelta(days=rng.randint(0, 900), minutes=i)
        contacts.append(_contact(tenant, person, company, when))
    db.session.add_all(contacts)
    db.session.flush()

    # the integration import: the same humans again, as another system spelled them
    imported = [
        variant(p, rng) for p in rng.sample(people, min(n_imports, len(people)))
    ]
    import_contacts(
        tenant,
        [
            {
                "first_name": p.first_name,
                "last_name": p.last_name,
                "email": p.email,
                "phone": p.phone,
                "birth_date": p.birth_date.isoformat() if rng.random() < 0.5 else "",
                "street": p.street,
                "postcode": p.postcode,
                "city": p.city,
            }
            for p in imported
        ],
    )

    # leads from the web form: half known people, half new ones
    for i in range(max(2, n_contacts // 5)):
        p = variant(rng.choice(people), rng) if i % 2 == 0 else make_person(rng)
        db.session.add(
            Lead(
                tenant_key=tenant,
                first_name=p.first_name,
                last_name=p.last_name,
                email=p.email if rng.random() < 0.9 else None,
                phone=p.phone if rng.random() < 0.8 else None,
                company_name=rng.choice(companies).name if rng.random() < 0.4 else None,
                message=rng.choice(names.LEAD_MESSAGES) or None,
                created_at=BASE_TIME
                - dt.timedelta(days=rng.randint(0, 200), minutes=i),
            )
        )

    # invoices and notes about the manual contacts
    number = 1000
    for contact in contacts:
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            number += 1
            due = BASE_TIME.date() - dt.timedelta(days=rng.randint(-30, 700))
            db.session.add(
                Invoice(
                    tenant_key=tenant,
                    contact_id=contact.id,
                    number=f"{tenant[:2].upper()}-{number}",
                    amount=decimal.Decimal(rng.randint(500, 50_000))
                    + decimal.Decimal(rng.choice((0, 50, 90))) / 100,
                    due_date=due,
                    paid=due < BASE_TIME.date() - dt.timedelta(days=60)
                    or rng.random() < 0.5,
                )
            )
        if rng.random() < 0.3:
            db.session.add(
                Note(
                    tenant_key=tenant,
                    contact_id=contact.id,
                    author_id=rng.choice(staff).id,
                    body=f"{contact.first_name}: {rng.choice(names.NOTES)}",
                    created_at=contact.created_at
                    + dt.timedelta(days=rng.randint(1, 90)),
                )
            )
    db.session.flush()


def _local_details(rng: random.Random) -> dict[str, t.Any]:
    """All but the name of a person, drawn per tenant (same name, other human)."""
    other = make_person(rng)
    return {
        "email": other.email,
        "phone": other.phone,
        "birth_date": other.birth_date,
        "street": other.street,
        "postcode": other.postcode,
        "city": other.city,
    }


def _enable_module(users: dict[str, dict[str, User]]) -> None:
    privacy = current_app.extensions["tenant_privacy"].extension
    for key, _name in TENANTS:
        privacy.enable_tenant(key)
        privacy.grant_officer(key, str(users[key]["officer"].id))


def seed_demo(contacts_per_tenant: int = 300, *, rng_seed: int = 7) -> None:
    """Create the demo's tenants, users and data, and enable the module (idempotent).

    Needs an app context. Commits.

    :param contacts_per_tenant: contacts per tenant (manual plus imported).
    :param rng_seed: seed of the generator; the same seed gives the same data.
    """
    users = _ensure_tenants_and_users()
    shared_rng = random.Random(rng_seed)
    shared = [make_person(shared_rng) for _ in range(max(3, contacts_per_tenant // 10))]
    for index, (key, _name) in enumerate(TENANTS):
        has_data = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Contact)
            .where(Contact.tenant_key == key)
        )
        if not has_data:
            rng = random.Random(f"{rng_seed}:{index}:{key}")
            _seed_tenant(
                key, contacts_per_tenant, rng, shared, list(users[key].values())
            )
    db.session.flush()
    _enable_module(users)
    db.session.commit()
