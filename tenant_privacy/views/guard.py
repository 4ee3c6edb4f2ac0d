"""The single access guard of every module route.

Levels a view declares with :func:`access`:

- ``officer`` (default): the privacy-officer role in the current, enabled tenant;
- ``tenant_admin``: an administrator of the current, enabled tenant;
- ``operator``: the SaaS operator (no tenant needed);
- ``self``: any logged-in user of the current, enabled tenant (self-service);
- ``token``: anyone holding a valid download token (checked by the view itself);
- ``static``: the module's static files.

A disabled tenant answers 404 on every tenant route; a logged-in user without the
level answers 403; an anonymous visitor is sent to the host's login.
"""

from __future__ import annotations

import typing as t

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask import url_for
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from ..proxies import current_privacy
from ..proxies import get_actor
from ..proxies import get_tenant
from ..services import tenants
from ..store.tables import tables_missing

OFFICER = "officer"
TENANT_ADMIN = "tenant_admin"
OPERATOR = "operator"
SELF = "self"
TOKEN = "token"
STATIC = "static"
LEVELS = frozenset({OFFICER, TENANT_ADMIN, OPERATOR, SELF, TOKEN, STATIC})

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def access(level: str) -> t.Callable[[F], F]:
    """Declare the access level of a view (see the module docstring)."""
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def decorate(view: F) -> F:
        view._tp_access = level  # type: ignore[attr-defined]
        return view

    return decorate


def view_level(endpoint: str | None) -> str:
    """The access level of *endpoint* (``officer`` unless declared otherwise)."""
    if endpoint is None:
        return OFFICER
    if endpoint.endswith(".static"):
        return STATIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_tp_access", OFFICER)


def _check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if "csrf" in current_app.extensions or not current_app.config.get(
        "WTF_CSRF_ENABLED", True
    ):
        return  # the host's CSRFProtect already checked it, or CSRF is off (tests)
    try:
        validate_csrf(
            request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
        )
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc


def is_officer(tenant: str, actor_id: str) -> bool:
    """True when *actor_id* holds the module role in *tenant* (memoised per request)."""
    cache: dict[tuple[str, str], bool] = g.setdefault("_tp_officer", {})
    key = (tenant, actor_id)
    if key not in cache:
        cache[key] = current_privacy.rights.is_officer(
            current_privacy.session, tenant, actor_id
        )
    return cache[key]


def check_access() -> t.Any:
    """``before_request`` of the blueprint: enforce the view's access level."""
    level = view_level(request.endpoint)
    if level in (STATIC, TOKEN):
        _check_csrf()
        return None
    actor = get_actor()
    if actor is None:
        login = getattr(current_app, "login_manager", None)
        if login is not None:
            return login.unauthorized()
        abort(401)
    if level == OPERATOR:
        if not actor.is_operator:
            abort(403)
        _check_csrf()
        return None
    tenant = get_tenant()
    if not tenant or actor.tenant != tenant:
        abort(404)
    if not tenants.is_enabled(current_privacy.session, tenant):
        abort(404)
    if level == OFFICER and not is_officer(tenant, actor.id):
        abort(403)
    if level == TENANT_ADMIN and not actor.is_tenant_admin:
        abort(403)
    _check_csrf()
    return None


def menu_items() -> list[tuple[str, str]]:
    """``(label, url)`` entries for the host's menu; empty where the module is off.

    The module's entries appear only for a tenant where it is enabled and only for
    users who may open them.
    """
    from ..config import config_value
    from ..i18n import gettext

    actor = get_actor()
    tenant = get_tenant()
    if actor is None or not tenant or actor.tenant != tenant:
        return []
    if tables_missing(current_privacy.session):
        return []
    if not tenants.is_enabled(current_privacy.session, tenant):
        return []
    name = config_value("BLUEPRINT_NAME")
    items: list[tuple[str, str]] = []
    if is_officer(tenant, actor.id):
        items.append((gettext("Privacy"), url_for(f"{name}.index")))
    elif actor.is_tenant_admin:
        items.append((gettext("Privacy roles"), url_for(f"{name}.officers")))
    return items
