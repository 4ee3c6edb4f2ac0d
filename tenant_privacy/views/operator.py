"""Operator pages: enable or disable the module per tenant."""

from __future__ import annotations

import typing as t

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from ..errors import UnknownTenant
from ..i18n import gettext
from ..inputs import column_length
from ..inputs import text_arg
from ..models import TenantSettings
from ..proxies import current_privacy
from ..services import tenants
from .context import render

if t.TYPE_CHECKING:
    from ..host import TenantInfo
from .guard import OPERATOR
from .guard import access
from .routing import Route


@access(OPERATOR)
def operator_tenants() -> str:
    """Every tenant with the module's state and a switch."""
    session = current_privacy.session
    rows = [
        (info, tenants.is_enabled(session, info.key))
        for info in current_privacy.host.tenants()
    ]
    return render("tenant_privacy/operator_tenants.html", rows=rows)


def _tenant_info(key: str) -> TenantInfo:
    for info in current_privacy.host.tenants():
        if info.key == key:
            return info
    abort(404)


@access(OPERATOR)
def operator_tenant_toggle(tenant: str) -> t.Any:
    """Enable or disable the module for one tenant (form field ``enabled``).

    Switching it off asks first: without ``confirm=1`` the answer is a page that
    names the tenant and says what switching off does, with the button that
    confirms.
    """
    key_len = column_length(TenantSettings, "tenant_key")
    tenant = text_arg(tenant, key_len, "tenant", trim=False)
    wanted = request.form.get("enabled")
    if wanted not in ("0", "1"):
        abort(400, description=gettext("The field 'enabled' must be 0 or 1."))
    info = _tenant_info(tenant)
    if wanted == "0" and request.form.get("confirm") != "1":
        return render("tenant_privacy/operator_disable_confirm.html", info=info)
    session = current_privacy.session
    try:
        changed = tenants.set_enabled(
            current_privacy.scope(tenant),
            current_privacy.host,
            wanted == "1",
            "operator",
        )
    except UnknownTenant:
        abort(404)
    session.commit()
    if not changed:
        flash(gettext("Nothing changed for %(tenant)s.", tenant=info.name), "info")
    elif wanted == "1":
        flash(
            gettext("The privacy module is now on for %(tenant)s.", tenant=info.name),
            "success",
        )
    else:
        flash(
            gettext("The privacy module is now off for %(tenant)s.", tenant=info.name),
            "success",
        )
    return redirect(url_for(request.blueprint + ".operator_tenants"))


ROUTES: tuple[Route, ...] = (
    Route("GET", "/operator/tenants", "operator_tenants", operator_tenants),
    Route(
        "POST",
        "/operator/tenants/<tenant>",
        "operator_tenant_toggle",
        operator_tenant_toggle,
    ),
)
