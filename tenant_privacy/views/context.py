"""Template context of the module's pages: our gettext, CSRF token, helpers."""

from __future__ import annotations

import typing as t

from flask import abort
from flask import flash
from flask import render_template
from flask_wtf.csrf import generate_csrf

from .. import i18n
from ..config import config_value
from ..proxies import current_privacy
from ..proxies import get_actor
from ..proxies import get_tenant
from ..services import audit
from .menu import nav_items

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope


def request_scope() -> TenantScope:
    """The :class:`TenantScope` of the current request's tenant (404 without one).

    The guard has already answered 404 for a request without an enabled tenant; the
    check here keeps the return type honest.
    """
    tenant = get_tenant()
    if not tenant:
        abort(404)
    return current_privacy.scope(tenant)


def request_actor() -> str:
    """The audit actor ref (``user:<id>``) of whoever makes the current request."""
    return audit.actor_ref(get_actor())


def actor_labels(tenant: str, refs: t.Iterable[str | None]) -> dict[str, str]:
    """``{"user:<id>": name}`` of the actor refs *refs* that are staff of *tenant*,
    for display only.

    The audit trail and merge records hold opaque actor refs; pages show names. Only
    the ids on the page are asked of the host (``staff_labels_loader``), never the
    whole user table.
    """
    ids = {ref[5:] for ref in refs if ref and ref.startswith("user:")}
    found = current_privacy.host.labels(tenant, ids)
    labels = {f"user:{user_id}": label for user_id, label in found.items()}
    labels[audit.OPERATOR] = i18n.gettext("Operator")
    labels[audit.SYSTEM] = i18n.gettext("System")
    return labels


def event_refs(events: t.Iterable[t.Any]) -> list[str]:
    """The actor refs of *events* and the staff they are about (role changes), to
    label with :func:`actor_labels`."""
    refs: list[str] = []
    for event in events:
        refs.append(str(event.actor))
        refs.extend(
            f"user:{rid}" for src, rid in event.record_refs or [] if src == "user"
        )
    return refs


def start_job(name: str, failed: str, **ids: t.Any) -> bool:
    """Hand the committed job *name* with *ids* to the job runner; True unless it
    ran inline and failed, which rolls back and flashes *failed* (its job row, and
    the page, say why)."""
    try:
        current_privacy.jobs.enqueue(name, **ids)
    except Exception:  # noqa: BLE001 - the job row records the failure
        current_privacy.session.rollback()
        flash(failed, "error")
        return False
    return True


def render(template: str, **context: t.Any) -> str:
    """Render one of the module's pages (hosts may override it by path)."""
    return render_template(template, **context)


def template_context() -> dict[str, t.Any]:
    """The context processor of the module's pages."""
    return {
        "_": i18n.gettext,
        "gettext": i18n.gettext,
        "ngettext": i18n.ngettext,
        "csrf_token": generate_csrf,
        "tp_base_template": config_value("BASE_TEMPLATE"),
        "tp_show_flashes": config_value("SHOW_FLASHES"),
        "tp_actor": get_actor(),
        "tp_tenant": get_tenant(),
        "tp_bp": config_value("BLUEPRINT_NAME"),
        "tp_nav": nav_items,
    }
