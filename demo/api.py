"""The JSON API: ``GET /api/contacts`` and ``GET /api/contacts/<id>``."""

from __future__ import annotations

import decimal
import typing as t

from flask import Blueprint
from flask import abort
from flask import jsonify
from flask import request
from flask_login import current_user

from .forms import MAX_SEARCH
from .forms import FormError
from .forms import clean_text
from .models import Contact
from .models import db
from .models import tenant_get
from .views import balances
from .views import search_contacts
from .visibility import page as visible_page

bp = Blueprint("api", __name__, url_prefix="/api")

API_LIMIT = 500


@bp.before_request
def _require_tenant_user() -> t.Any:
    if not current_user.is_authenticated:
        abort(401)
    if not current_user.tenant_key:
        abort(403)
    return None


#: JSON field -> the field group that may hide it (a hidden value is ``null`` and
#: its name is listed in ``hidden``).
GROUPS = {"email": "email", "phone": "phone", "city": "address", "balance": "balance"}


def contact_json(
    row: Contact, balance: decimal.Decimal, hidden: frozenset[str] = frozenset()
) -> dict[str, t.Any]:
    """One contact as the API shows it; fields of the groups *hidden* are null."""
    data = {
        "id": row.id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "phone": row.phone,
        "company": row.company.name if row.company else None,
        "company_id": row.company_id,
        "city": row.city,
        "balance": str(balance.quantize(decimal.Decimal("0.01"))),
    }
    masked = sorted(name for name, group in GROUPS.items() if group in hidden)
    for name in masked:
        data[name] = None
    data["hidden"] = masked
    return data


@bp.get("/contacts")
def contacts() -> t.Any:
    """Contacts of the user's tenant; ``q`` searches, ``limit`` caps (max 500)."""
    tenant = current_user.tenant_key
    limit = min(max(request.args.get("limit", API_LIMIT, type=int) or 1, 1), API_LIMIT)
    try:
        q = clean_text(request.args.get("q"), MAX_SEARCH, "q")
    except FormError as exc:
        return jsonify(error=str(exc)), 400
    rows = list(db.session.scalars(search_contacts(tenant, q).limit(limit)))
    owed = balances(tenant, [r.id for r in rows])
    seen = visible_page(("contact", r.id) for r in rows)
    return jsonify(
        [
            contact_json(
                r,
                owed.get(r.id, decimal.Decimal("0")),
                seen.hidden_groups(("contact", r.id)),
            )
            for r in rows
        ]
    )


@bp.get("/contacts/<id:contact_id>")
def contact(contact_id: int) -> t.Any:
    """One contact of the user's tenant; 404 for any other id."""
    row = tenant_get(Contact, current_user.tenant_key, contact_id)
    if row is None:
        abort(404)
    seen = visible_page([("contact", row.id)])
    if seen.person_hidden(("contact", row.id)):
        abort(404)
    return jsonify(
        contact_json(row, row.balance, seen.hidden_groups(("contact", row.id)))
    )
