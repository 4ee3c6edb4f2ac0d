"""Privacy officer pages: the tenant's audit log with filters, and its export."""

from __future__ import annotations

import datetime as dt
import io
import typing as t

from flask import Response
from flask import abort
from flask import request

from ..config import config_value
from ..errors import InvalidInput
from ..errors import NotFound
from ..i18n import gettext
from ..inputs import column_length
from ..models import AuditEvent
from ..proxies import current_privacy
from ..proxies import get_tenant
from ..services import audit
from ..services import search as search_service
from .args import arg_date
from .args import arg_id
from .args import arg_text
from .args import page_arg
from .audit_words import describe
from .audit_words import format_when
from .context import actor_labels
from .context import event_refs
from .context import render
from .context import request_actor
from .guard import OFFICER
from .guard import access
from .routing import Route

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope


def _bad(message: str) -> t.NoReturn:
    abort(400, description=message)


def _date(name: str) -> dt.date | None:
    return arg_date(name)


def _positive_int(name: str, default: int | None) -> int | None:
    value = arg_id(name)
    return default if value is None else value


def parse_filters() -> dict[str, t.Any]:
    """The audit-log filters of the query string; 400 on malformed input."""
    action = arg_text("action", column_length(AuditEvent, "action")) or None
    if action is not None and action not in set(audit.Action):
        _bad(gettext("Unknown action."))
    actor = arg_text("actor", column_length(AuditEvent, "actor")) or None
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


def subject_name(scope: TenantScope, subject_id: int) -> str:
    """A display name of the data subject *subject_id* (404 if not this tenant's).

    The name of its first registration that still exists, for the page only.
    """
    subject = scope.subject(subject_id)
    for ref in scope.subject_refs(subject):
        try:
            source = scope.person_source(ref[0])
            row = scope.record(*ref)
        except NotFound:
            continue
        data = scope.identity(source, row)
        parts = [data.get("first_name"), data.get("last_name")]
        name = " ".join(str(p) for p in parts if p) or data.get("full_name")
        if name:
            return str(name)
    return gettext("Person %(id)s", id=subject_id)


def _person_choices(
    scope: TenantScope, query: str
) -> tuple[list[search_service.SearchHit], str | None]:
    """Data subjects matching *query* (audited as a search), or an error text."""
    try:
        hits = search_service.search_people(
            scope, query, limit=config_value("SEARCH_LIMIT"), actor=request_actor()
        )
    except InvalidInput as exc:
        scope.session.rollback()
        return [], str(exc)
    scope.session.commit()
    return [hit for hit in hits if hit.subject_id is not None], None


#: Most staff members the filter's list offers (the host's first ones by its order).
STAFF_CHOICES = 500


def staff_choices(tenant: str) -> list[tuple[str, str]]:
    """``(actor ref, name)`` of the staff who may appear in the log, by name; one
    page asked of the host (``staff_page_loader``), never the whole user table."""
    staff, _total = current_privacy.host.staff_page(tenant, "", 0, STAFF_CHOICES)
    labels = actor_labels(tenant, [])  # the operator and the system
    labels.update({f"user:{a.id}": a.label or a.id for a in staff})
    return sorted(labels.items(), key=lambda item: item[1].casefold())


@access(OFFICER)
def audit_log() -> str:
    """The tenant's audit events, newest first, filtered and paginated.

    A person is picked by search (``person``: name, email or phone; the hits are
    offered as choices) and then filtered by ``subject``; a staff member from a
    list (``actor``); an action from those the module writes.
    """
    tenant = get_tenant() or abort(404)
    scope = current_privacy.scope(tenant)
    filters = parse_filters()
    page = page_arg()
    person = request.args.get("person", "").strip()
    choices: list[search_service.SearchHit] = []
    person_error = None
    if person and filters["subject_id"] is None:
        choices, person_error = _person_choices(scope, person)
        if len(choices) == 1:
            filters["subject_id"] = choices[0].subject_id
            choices = []
    chosen = (
        subject_name(scope, filters["subject_id"])
        if filters["subject_id"] is not None
        else None
    )
    per_page = int(config_value("AUDIT_PAGE_SIZE"))
    events, total = audit.query_events(
        current_privacy.session, tenant, page=page, per_page=per_page, **filters
    )
    pages = max(1, -(-total // per_page))
    args = {k: v for k, v in request.args.items() if k != "page" and v.strip()}
    if filters["subject_id"] is not None:
        args["subject"] = str(filters["subject_id"])
        args.pop("person", None)
    names = actor_labels(tenant, event_refs(events))
    return render(
        "tenant_privacy/audit_log.html",
        events=events,
        total=total,
        page=page,
        pages=pages,
        args=args,
        actions=[(a.value, audit.action_label(a)) for a in audit.WRITTEN],
        staff=staff_choices(tenant),
        actor_labels=names,
        person=person,
        person_error=person_error,
        choices=choices,
        chosen=chosen,
        source_labels={s.key: str(s.label) for s in scope.registry.person_sources()},
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


def without(args: t.Mapping[str, str], *names: str) -> dict[str, str]:
    """*args* less the keys *names* (for links that drop one filter)."""
    return {k: v for k, v in args.items() if k not in names}


#: Template filters of the audit pages, installed app-wide by the blueprint.
TEMPLATE_FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "tp_audit_action": audit.action_label,
    "tp_audit_words": describe,
    "tp_datetime": format_when,
    "tp_without": without,
}
