"""Tenant admin page: grant and revoke the privacy-officer role in the own tenant."""

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
from .context import render
from .context import request_actor
from .guard import TENANT_ADMIN
from .guard import access
from .routing import Route

if t.TYPE_CHECKING:
    from ..host import Actor


def _tenant() -> str:
    tenant = get_tenant()
    if not tenant:  # the guard has checked this already
        abort(404)
    return tenant


def _member(tenant: str, user_id: str) -> Actor:
    """The staff user *user_id* of *tenant*; 404 for anyone else (other tenants)."""
    for actor in current_privacy.host.staff(tenant):
        if actor.id == user_id:
            return actor
    abort(404)


@access(TENANT_ADMIN)
def officers() -> str:
    """Every staff user of the tenant and whether they hold the role."""
    tenant = _tenant()
    holders = set(current_privacy.rights.officers(current_privacy.session, tenant))
    rows = [(a, a.id in holders) for a in current_privacy.host.staff(tenant)]
    return render("tenant_privacy/officers.html", rows=rows)


def _change(user_id: str, grant: bool) -> t.Any:
    tenant = _tenant()
    member = _member(tenant, user_id)
    rights = current_privacy.rights
    actor = request_actor()
    session = current_privacy.session
    if grant:
        changed = rights.grant(current_privacy.session, tenant, actor, member.id)
    else:
        changed = rights.revoke(current_privacy.session, tenant, actor, member.id)
    session.commit()
    if not changed:
        flash(gettext("Nothing changed."), "info")
    elif grant:
        flash(gettext("%(name)s is now a privacy officer.", name=member.label))
    else:
        flash(gettext("%(name)s is no longer a privacy officer.", name=member.label))
    return redirect(url_for(request.blueprint + ".officers"))


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
