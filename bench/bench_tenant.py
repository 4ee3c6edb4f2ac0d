"""One demo tenant of synthetic registrations on a SQLite file, for the benches
that go through the database (``incremental.py``, ``search.py``).

Not a benchmark itself: ``make bench`` runs it and it prints nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import secrets
import subprocess
import sys
import tempfile
import typing as t

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if t.TYPE_CHECKING:
    from flask import Flask

#: The tenant the benches fill.
TENANT = "bench"


def child_figures(script: str, *args: str) -> dict[str, t.Any]:
    """Run the bench *script* as ``script --child *args`` in a Python process of its
    own (its own memory, peak and imports) and return the JSON line it printed last."""
    out = subprocess.run(
        [sys.executable, script, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return t.cast(dict[str, t.Any], json.loads(out.stdout.strip().splitlines()[-1]))


def _date(value: t.Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def contact_row(rec: dict[str, t.Any]) -> dict[str, t.Any]:
    """The demo ``contact`` row for one generated registration of :data:`TENANT`."""
    first, last = rec.get("first_name"), rec.get("last_name")
    if not first and not last:
        parts = str(rec.get("full_name") or "x").split()
        first, last = parts[0], " ".join(parts[1:]) or parts[0]
    birth = rec.get("birth_date")
    return {
        "tenant_key": TENANT,
        "first_name": first or "",
        "last_name": last or "",
        "email": rec.get("email"),
        "phone": rec.get("phone"),
        "birth_date": _date(birth),
        "street": rec.get("street"),
        "postcode": rec.get("postcode"),
        "city": rec.get("city"),
        "created_at": dt.datetime(2024, 1, 1),
        "origin": "import",
    }


def numbered_contact(n: int, tenant: str, created_at: dt.datetime) -> dict[str, t.Any]:
    """The demo ``contact`` row number *n* of a synthetic tenant: a name, email
    and phone of its own (no duplicates among them), in Bergen."""
    return {
        "tenant_key": tenant,
        "first_name": f"Fornavn{n % 997}",
        "last_name": f"Etternavn{n:06d}",
        "email": f"person{n}@bench.test",
        "phone": f"+47 9{n:07d}",
        "city": "Bergen",
        "created_at": created_at,
        "origin": "import",
    }


def demo_app(db_path: str | None, **config: t.Any) -> Flask:
    """The demo host on SQLite file *db_path* (a new temporary one if None),
    with incremental matching off and *config* on top."""
    from demo import create_app

    folder = tempfile.mkdtemp(prefix="tp-bench-")
    path = db_path or os.path.join(folder, "bench.sqlite3")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "INSTANCE_PATH": folder,
            # a throw-away app that serves no one: any key will do, but one is needed
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TENANT_PRIVACY_AUTO_MATCH": False,
            **config,
        }
    )


def fill_tenant(rows: list[dict[str, t.Any]]) -> None:
    """Create the tables and :data:`TENANT` with *rows* as its contacts, unless
    the database already holds the tenant (a reused ``--db`` file). Needs an
    application context."""
    import sqlalchemy as sa
    from flask import current_app

    from demo.models import Contact
    from demo.models import Tenant
    from demo.models import db
    from tenant_privacy.models import TenantSettings

    db.create_all()
    current_app.extensions["tenant_privacy"].extension.create_all()
    if db.session.get(Tenant, TENANT) is None:
        db.session.add(Tenant(key=TENANT, name="Bench AS"))
        db.session.add(TenantSettings(tenant_key=TENANT, enabled=True))
        db.session.flush()
        db.session.execute(sa.insert(Contact.__table__), rows)
        db.session.commit()
