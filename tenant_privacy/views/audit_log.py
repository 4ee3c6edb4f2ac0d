"""Privacy officer pages: the tenant's audit log with filters, and its export."""

from __future__ import annotations

import datetime as dt
import io
import typing as t

from flask import Response
from flask import abort
from flask import request

from ..config import config_value
from ..i18n import gettext
from ..proxies import current_privacy
from ..proxies import get_tenant
from ..services import audit
from .args import page_arg
from .context import actor_labels
from .context import render
from .context import request_actor
from .guard import OFFICER
from .guard import access
from .routing import Route


def _bad(message: str) -> t.NoReturn:
    abort(400, description=message)


def _date(name: str) -> dt.date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        _bad(gettext("%(field)s must be a date like 2024-12-31.", field=name))


def _positive_int(name: str, default: int | None) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 12:
        _bad(gettext("%(field)s must be a positive whole number.", field=name))
    return int(raw)


def parse_filters() -> dict[str, t.Any]:
    """The audit-log filters of the query string; 400 on malformed input."""
    action = request.args.get("action", "").strip() or None
    if action is not None and action not in set(audit.Action):
        _bad(gettext("Unknown action."))
    actor = request.args.get("actor", "").strip() or None
    if actor is not None and not audit._ACTOR_RE.match(actor):
        _bad(gettext("The actor must be user:<id>, operator or system."))
    since = _date("since")
    until = _date("until")
    if since and until and until < since:
        _bad(gettext("The end date lies before the start date."))
    return {
        "subject_id": _positive_int("subject", None),
        "actor": actor,
        "action": action,
        "since": (dt.datetime.combine(since, dt.time(), dt.UTC) if since else None),
        "until": (
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
            if until
            else None
        ),
    }


@access(OFFICER)
def audit_log() -> str:
    """The tenant's audit events, newest first, filtered and paginated."""
    tenant = get_tenant() or abort(404)
    filters = parse_filters()
    page = page_arg()
    per_page = int(config_value("AUDIT_PAGE_SIZE"))
    events, total = audit.query_events(
        current_privacy.session, tenant, page=page, per_page=per_page, **filters
    )
    pages = max(1, -(-total // per_page))
    args = {k: v for k, v in request.args.items() if k != "page" and v.strip()}
    return render(
        "tenant_privacy/audit_log.html",
        events=events,
        total=total,
        page=page,
        pages=pages,
        args=args,
        actions=[(a.value, audit.action_label(a)) for a in audit.Action],
        actor_labels=actor_labels(tenant, [e.actor for e in events]),
    )


@access(OFFICER)
def audit_export() -> Response:
    """The tenant's whole audit trail as CSV or JSON (itself audited)."""
    tenant = get_tenant() or abort(404)
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "json"):
        _bad(gettext("The format must be csv or json."))
    session = current_privacy.session
    audit.record(
        session,
        tenant,
        request_actor(),
        audit.Action.AUDIT_EXPORTED,
        detail=f"format={fmt}",
    )
    session.commit()
    out = io.StringIO()
    audit.export(session, tenant, fmt, out)
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        out.getvalue(),
        mimetype=mimetype,
        headers={
            "Content-Disposition": (
                f'attachment; filename="audit-{tenant}-{stamp}.{fmt}"'
            )
        },
    )


ROUTES: tuple[Route, ...] = (
    Route("GET", "/audit", "audit_log", audit_log),
    Route("GET", "/audit/export", "audit_export", audit_export),
)

#: Template filters of the audit pages, installed app-wide by the blueprint.
TEMPLATE_FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "tp_audit_action": audit.action_label,
}
