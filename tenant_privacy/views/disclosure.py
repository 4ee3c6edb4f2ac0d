"""Disclosure pages: the request register, the wizard, a request's page, and the
download link a person opens from their mail."""

from __future__ import annotations

import typing as t

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import send_file
from flask import url_for

from .. import inputs
from ..config import config_value
from ..i18n import gettext
from ..jobs.lifecycle import failure_reason
from ..models import ExportJob
from ..models import PrivacyRequest
from ..proxies import current_privacy
from ..proxies import get_tenant
from ..services import disclosure
from ..services import overview as overview_service
from ..services import request_jobs
from ..services import requests as register
from ..services.disclosure.requesting import REASON_MAX
from ..store import jobs as job_rows
from .args import arg_text
from .args import form_text
from .args import page_arg
from .context import render
from .context import request_actor
from .context import request_scope
from .context import start_job
from .guard import TOKEN
from .guard import access
from .routing import Route

#: Most records an officer may leave out of one disclosure at once.
MAX_EXCLUSIONS = 1000


def _bp() -> str:
    return str(request.blueprint)


def requests_list() -> str:
    """The tenant's requests, open ones by due date (overdue first), paged."""
    scope = request_scope()
    state = arg_text("state", 16) or None
    kind = arg_text("kind", 16) or None
    page = page_arg()
    per_page = int(config_value("REQUEST_PAGE_SIZE"))
    total = register.count_requests(scope, state=state, kind=kind)
    rows = register.list_requests(
        scope, state=state, kind=kind, limit=per_page, offset=(page - 1) * per_page
    )
    request_jobs.refresh_all(scope, rows)
    scope.session.commit()
    args = {name: value for name, value in (("state", state), ("kind", kind)) if value}
    return render(
        "tenant_privacy/requests.html",
        rows=rows,
        state=state,
        kind=kind,
        states=register.STATES,
        kinds=register.KINDS,
        overdue=register.is_overdue,
        due_soon=register.due_soon,
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
        args=args,
    )


def request_page(request_id: int) -> str:
    """One request: its state, due date, build progress; retry and extend."""
    scope = request_scope()
    row = scope.by_id(PrivacyRequest, request_id, "request")
    request_jobs.refresh(scope, row)
    export = disclosure.latest_export(scope, row)
    scope.session.commit()
    return render(
        "tenant_privacy/request.html",
        row=row,
        export=export,
        stale=bool(export and job_rows.is_stale(export, current_privacy.config)),
        reason=failure_reason(export) if export and export.error else "",
        overdue=register.is_overdue(row),
    )


def request_retry(request_id: int) -> t.Any:
    """Build a failed or expired disclosure again."""
    scope = request_scope()
    export = disclosure.retry(scope, request_actor(), request_id)
    scope.session.commit()
    _start_build(export)
    return redirect(url_for(f"{_bp()}.request", request_id=request_id))


def request_extend(request_id: int) -> t.Any:
    """Extend the due date by one or two months, with a written reason."""
    scope = request_scope()
    register.extend(
        scope,
        request_actor(),
        request_id,
        form_text("months", 2),
        form_text("reason", register.REASON_MAX),
    )
    scope.session.commit()
    flash(gettext("The due date was extended."), "success")
    return redirect(url_for(f"{_bp()}.request", request_id=request_id))


def disclose(subject_id: int) -> t.Any:
    """The wizard: what will go out, to whom; confirming creates the request."""
    scope = request_scope()
    if request.method == "POST":
        return _disclose_post(subject_id)
    ov = overview_service.compile_overview(scope, request_actor(), subject_id)
    choices = disclosure.recipient_choices(scope, subject_id)
    scope.session.commit()
    return render(
        "tenant_privacy/disclose.html", overview=ov, choices=choices, error=None
    )


def record_disclose(source_key: str, record_id: str) -> t.Any:
    """Start the wizard from a registration that has no person of its own yet: the
    record becomes a person (a POST may create that row), then the wizard opens."""
    scope = request_scope()
    subject = scope.subject_of(scope.ref(source_key, record_id))
    scope.session.commit()
    return redirect(url_for(f"{_bp()}.disclose", subject_id=subject.id))


def _disclose_post(subject_id: int) -> t.Any:
    scope = request_scope()
    recipient = form_text("recipient", 254)
    if recipient == "__other__":
        recipient = form_text("other_recipient", 254)
    exclusions = []
    for value in request.form.getlist("exclude")[:MAX_EXCLUSIONS]:
        value = inputs.text_arg(value, 200, "exclude")
        source_key, _, record_id = value.partition(":")
        exclusions.append(
            {
                "source": source_key,
                "record_id": record_id,
                "reason": form_text(f"reason-{value}", REASON_MAX),
            }
        )
    for value in request.form.getlist("exclude_field")[:MAX_EXCLUSIONS]:
        value = inputs.text_arg(value, 200, "exclude_field")
        source_key, _, field = value.partition(":")
        exclusions.append(
            {
                "source": source_key,
                "field": field,
                "reason": form_text(f"reason-field-{value}", REASON_MAX),
            }
        )
    req, export = disclosure.request_disclosure(
        scope, request_actor(), subject_id, recipient, exclusions=exclusions
    )
    scope.session.commit()
    _start_build(export)
    return redirect(url_for(f"{_bp()}.request", request_id=req.id))


def _start_build(export: ExportJob) -> None:
    """Hand a committed export to the job runner; a failed inline build is shown
    on the request's page, not as an error page."""
    start_job(
        "build_export",
        gettext("The export could not be built."),
        tenant=export.tenant_key,
        export_id=export.id,
    )


@access(TOKEN)
def download(token: str) -> t.Any:
    """The zip behind a download link; 404 unknown, 410 expired or used up."""
    session = current_privacy.session
    found = disclosure.find_download(
        session, current_privacy.export_dir, token, get_tenant()
    )
    if found is None:
        abort(404)
    if found == disclosure.GONE:
        abort(410)
    assert not isinstance(found, str)
    scope = current_privacy.scope(found.export.tenant_key)
    disclosure.record_download(scope, found.export, request.remote_addr)
    session.commit()
    response = send_file(
        found.path,
        mimetype="application/zip",
        as_attachment=True,
        download_name="personal-data.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


ROUTES: tuple[Route, ...] = (
    Route("GET", "/requests", "requests", requests_list),
    Route("GET", "/requests/<int:request_id>", "request", request_page),
    Route("POST", "/requests/<int:request_id>/retry", "request_retry", request_retry),
    Route(
        "POST", "/requests/<int:request_id>/extend", "request_extend", request_extend
    ),
    Route("GET", "/subjects/<int:subject_id>/disclose", "disclose", disclose),
    Route("POST", "/subjects/<int:subject_id>/disclose", "disclose_post", disclose),
    Route(
        "POST",
        "/records/<source_key>/<record_id>/disclose",
        "record_disclose",
        record_disclose,
    ),
    Route("GET", "/download/<token>", "download", download),
)


def state_label(state: str) -> str:
    """A request state in words."""
    return {
        "received": gettext("received"),
        "building": gettext("being built"),
        "ready": gettext("ready"),
        "sent": gettext("sent"),
        "downloaded": gettext("downloaded"),
        "failed": gettext("failed"),
        "expired": gettext("link expired"),
        "revoked": gettext("revoked (the person was erased)"),
        "erasing": gettext("being erased"),
        "done": gettext("done"),
    }.get(state, state)


def kind_label(kind: str) -> str:
    """A request kind in words."""
    return {
        "disclosure": gettext("copy of data"),
        "erasure": gettext("erasure"),
    }.get(kind, kind)


TEMPLATE_FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "tp_request_state": state_label,
    "tp_request_kind": kind_label,
}
