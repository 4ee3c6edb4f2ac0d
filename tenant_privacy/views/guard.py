"""The single access guard of every module route.

Levels a view declares with :func:`access`:

- ``officer`` (default): the privacy-officer role in the current, enabled tenant;
- ``tenant_admin``: an administrator of the current, enabled tenant;
- ``operator``: the SaaS operator (no tenant needed);
- ``self``: any logged-in user of the current, enabled tenant (self-service);
- ``token``: anyone holding a valid download token (checked by the view itself);
- ``public``: anyone, for a tenant's public request form (the view checks that the
  tenant exists and has the module on);
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
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from ..config import config_value
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
PUBLIC = "public"
STATIC = "static"
LEVELS = frozenset({OFFICER, TENANT_ADMIN, OPERATOR, SELF, TOKEN, PUBLIC, STATIC})

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


def _enabled(tenant: str) -> bool:
    """Whether the module is on for *tenant*, asked once per request (a page's
    menu asks :func:`refusal` for each of its links)."""
    known: dict[str, bool] = g.setdefault("_tenant_privacy_enabled", {})
    if tenant not in known:
        known[tenant] = tenants.is_enabled(current_privacy.session, tenant)
    return known[tenant]


def refusal(level: str) -> int | None:
    """The HTTP status the current user gets for a view of *level*, or None.

    401 means "not logged in" (:func:`check_access` sends the visitor to the host's
    login instead). :func:`check_access` enforces this answer and :func:`may_open`
    asks it, so a menu never shows a link the guard would refuse.
    """
    if level in (STATIC, TOKEN, PUBLIC):
        return None
    actor = get_actor()
    if actor is None:
        return 401
    if level == OPERATOR:
        return None if actor.is_operator else 403
    tenant = get_tenant()
    if not tenant or actor.tenant != tenant:
        return 404
    if not _enabled(tenant):
        return 404
    if level == OFFICER and not is_officer(tenant, actor.id):
        return 403
    if level == TENANT_ADMIN and not actor.is_tenant_admin:
        return 403
    return None


def check_access() -> t.Any:
    """``before_request`` of the blueprint: enforce the view's access level."""
    status = refusal(view_level(request.endpoint))
    if status == 401:
        login = getattr(current_app, "login_manager", None)
        if login is not None:
            return login.unauthorized()
    if status is not None:
        abort(status)
    _check_csrf()
    return None


def may_open(endpoint: str) -> bool:
    """True when the current user would pass the guard of *endpoint*.

    *endpoint* is a full endpoint name (``"tenant_privacy.index"``) or one of the
    module's short names (``"index"``); an endpoint that is not registered (a
    capability switched off) is never open.
    """
    if "." not in endpoint:
        endpoint = f"{config_value('BLUEPRINT_NAME')}.{endpoint}"
    if endpoint not in current_app.view_functions:
        return False
    return refusal(view_level(endpoint)) is None


def menu_items() -> list[tuple[str, str]]:
    """``(label, url)`` entries for the host's menu; empty where the module is off.

    One entry, to the first page of the module's own navigation the user may open
    (:func:`tenant_privacy.views.menu.nav_items`): the overview for a privacy
    officer, the role page for a tenant administrator, the tenant list for the
    operator. Nothing for anyone else, so the host's menu never leads to a refusal.
    """
    from .menu import host_entry  # menu imports this module (may_open): a cycle

    if tables_missing(current_privacy.session):
        return []
    entry = host_entry()
    return [entry] if entry else []


def self_link() -> tuple[str, str] | None:
    """``(label, url)`` of the user's own page ("My privacy") for the host's user
    menu, or None where the user may not open it."""
    from .menu import self_entry  # menu imports this module (may_open): a cycle

    if tables_missing(current_privacy.session):
        return None
    return self_entry()
