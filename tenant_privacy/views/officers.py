"""Tenant admin page: grant and revoke the privacy-officer role in the own tenant.

The page lists the current officers (few) and one page of the tenant's staff, with a
search box: the host is asked for one page (``staff_page_loader``) and for the
officers' names (``staff_labels_loader``), never for its whole user table.
"""

from __future__ import annotations

import typing as t

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from ..i18n import gettext
from ..proxies import current_privacy
from ..proxies import get_tenant
from .args import page_arg
from .context import render
from .context import request_actor
from .guard import TENANT_ADMIN
from .guard import access
from .routing import Route

#: Staff users per page of the roles page.
PAGE_SIZE = 50
#: Longest search text the roles page passes on to the host.
SEARCH_MAX = 200


def _tenant() -> str:
    tenant = get_tenant()
    if not tenant:  # the guard has checked this already
        abort(404)
    return tenant


def _member_label(tenant: str, user_id: str) -> str:
    """The name of staff user *user_id* of *tenant*; 404 for anyone else (other
    tenants)."""
    label = current_privacy.host.labels(tenant, [user_id]).get(user_id)
    if label is None:
        abort(404)
    return label


@access(TENANT_ADMIN)
def officers() -> str:
    """The tenant's privacy officers, and one page of its staff (``q`` searches
    names and emails) with whether each holds the role."""
    tenant = _tenant()
    search = request.args.get("q", "").strip()[:SEARCH_MAX]
    page = page_arg()
    host = current_privacy.host
    holders = current_privacy.rights.officers(current_privacy.session, tenant)
    names = host.labels(tenant, holders)
    members, total = host.staff_page(tenant, search, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    holding = set(holders)
    return render(
        "tenant_privacy/officers.html",
        holders=[(user_id, names[user_id]) for user_id in holders if user_id in names],
        rows=[(a, a.id in holding) for a in members],
        search=search,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


def _change(user_id: str, grant: bool) -> t.Any:
    tenant = _tenant()
    name = _member_label(tenant, user_id)
    rights = current_privacy.rights
    actor = request_actor()
    session = current_privacy.session
    if grant:
        changed = rights.grant(current_privacy.session, tenant, actor, user_id)
    else:
        changed = rights.revoke(current_privacy.session, tenant, actor, user_id)
    session.commit()
    if not changed:
        flash(gettext("Nothing changed."), "info")
    elif grant:
        flash(gettext("%(name)s is now a privacy officer.", name=name))
    else:
        flash(gettext("%(name)s is no longer a privacy officer.", name=name))
    back = {k: v for k, v in request.args.items() if k in ("q", "page") and v}
    return redirect(url_for(request.blueprint + ".officers", **back))


@access(TENANT_ADMIN)
def officer_grant(user_id: str) -> t.Any:
    """Give a staff user of the tenant the privacy-officer role."""
    return _change(user_id, True)


@access(TENANT_ADMIN)
def officer_revoke(user_id: str) -> t.Any:
    """Take the privacy-officer role from a staff user of the tenant."""
    return _change(user_id, False)


ROUTES: tuple[Route, ...] = (
    Route("GET", "/officers", "officers", officers),
    Route("POST", "/officers/<user_id>/grant", "officer_grant", officer_grant),
    Route("POST", "/officers/<user_id>/revoke", "officer_revoke", officer_revoke),
)
