"""The module's start page for privacy officers: a dashboard of what needs attention."""

from __future__ import annotations

from ..proxies import current_privacy
from ..services import audit
from ..services import duplicates
from ..services import requests as register
from .context import actor_labels
from .context import event_refs
from .context import render
from .context import request_scope
from .routing import Route

#: How many of the latest audit events the dashboard shows.
LATEST_EVENTS = 8
#: How many open requests the dashboard lists (the rest on the requests page).
OPEN_REQUESTS = 10


def index() -> str:
    """Open requests by due date (overdue first), pending suggestions and the last
    scan, whether the index is outdated, the latest audit events and a search
    box. Reads only (writes nothing)."""
    scope = request_scope()
    open_requests = [
        r for r in register.list_requests(scope, limit=50) if r.state in register.OPEN
    ][:OPEN_REQUESTS]
    _rows, pending = duplicates.pending(scope, 1, 1)
    events, _total = audit.query_events(
        current_privacy.session, scope.tenant, page=1, per_page=LATEST_EVENTS
    )
    return render(
        "tenant_privacy/index.html",
        open_requests=open_requests,
        overdue=register.is_overdue,
        due_soon=register.due_soon,
        pending=pending,
        scan=duplicates.latest_scan(scope),
        index_outdated=duplicates.index_outdated(scope),
        events=events,
        actor_labels=actor_labels(scope.tenant, event_refs(events)),
    )


ROUTES: tuple[Route, ...] = (Route("GET", "/", "index", index),)
