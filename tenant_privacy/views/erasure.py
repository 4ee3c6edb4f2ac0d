"""Erasure pages: "Erase this person" on the person overview leads to the preview
(every record and field with what will happen), whose confirmation registers the
request and runs the erasure job; a failed erasure is started again from its
request's page (the preview links an erasure of the person already started,
after marking one whose worker went away failed)."""

from __future__ import annotations

import typing as t

from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from ..errors import AlreadyErased
from ..i18n import gettext
from ..jobs.lifecycle import failure_reason
from ..models import PrivacyRequest
from ..services import erasure
from ..services import request_jobs
from ..services import requests as register
from .context import render
from .context import request_actor
from .context import request_scope
from .context import start_job
from .routing import Route


def _bp() -> str:
    return str(request.blueprint)


def erase(subject_id: int) -> t.Any:
    """The preview; confirming (POST) registers the request and erases."""
    if request.method == "POST":
        return _erase_post(subject_id)
    scope = request_scope()
    plan = erasure.plan_erasure(scope, subject_id)
    erasure.record_preview(scope, request_actor(), plan)
    started = erasure.open_requests(scope, plan.subject.id)
    request_jobs.refresh_all(scope, started)
    started = [r for r in started if r.state in (register.ERASING, register.FAILED)]
    scope.session.commit()
    return render(
        "tenant_privacy/erase.html", plan=plan, erasure=erasure, started=started
    )


def _erase_post(subject_id: int) -> t.Any:
    scope = request_scope()
    scope.subject(subject_id)  # another tenant's id: 404 before anything else
    if request.form.get("confirm") != "yes":
        flash(gettext("Tick the box to confirm the erasure."), "error")
        return redirect(url_for(f"{_bp()}.erase", subject_id=subject_id))
    try:
        req, job = erasure.request_erasure(scope, request_actor(), subject_id)
    except AlreadyErased:
        scope.session.rollback()
        flash(gettext("This person was erased already; nothing changed."), "info")
        return redirect(url_for(f"{_bp()}.subject", subject_id=subject_id))
    scope.session.commit()
    request_id = req.id
    _start(scope.tenant, job.id)
    return redirect(url_for(f"{_bp()}.request", request_id=request_id))


def erasure_retry(request_id: int) -> t.Any:
    """Start a failed erasure again (after its fault was fixed)."""
    scope = request_scope()
    job = erasure.retry_erasure(scope, request_actor(), request_id)
    scope.session.commit()
    _start(scope.tenant, job.id)
    return redirect(url_for(f"{_bp()}.request", request_id=request_id))


def _start(tenant: str, job_id: int) -> None:
    """Hand a committed erasure to the job runner; a failed inline run is shown
    on the request's page (nothing was changed), not as an error page."""
    start_job(
        "erase",
        gettext("The erasure failed; nothing was changed."),
        tenant=tenant,
        erasure_id=job_id,
    )


def erasure_status(row: PrivacyRequest) -> dict[str, t.Any] | None:
    """The latest erasure job of an erasure request, for its page (None for a
    disclosure, or before any job)."""
    if row.kind != "erasure":
        return None
    job = erasure.latest_job(request_scope(), row.id)
    if job is None:
        return None
    return {
        "job": job,
        "reason": failure_reason(job) if job.error else "",
    }


ROUTES: tuple[Route, ...] = (
    Route("GET", "/subjects/<int:subject_id>/erase", "erase", erase),
    Route("POST", "/subjects/<int:subject_id>/erase", "erase_post", erase),
    Route(
        "POST",
        "/requests/<int:request_id>/erasure-retry",
        "erasure_retry",
        erasure_retry,
    ),
)


def action_label(action: str) -> str:
    """What happens to a field or record, in words."""
    return {
        "removed": gettext("removed"),
        "anonymised": gettext("anonymised"),
        "kept": gettext("kept"),
        "unchanged": gettext("unchanged"),
    }.get(action, action)


TEMPLATE_FILTERS: dict[str, t.Callable[..., t.Any]] = {
    "tp_erasure_action": action_label,
    "tp_erasure_status": erasure_status,
}
