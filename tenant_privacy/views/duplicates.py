"""Duplicate review pages: scans with progress, suggestions side by side, decisions."""

from __future__ import annotations

import typing as t

from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import request
from flask import url_for

from ..errors import MergeConflict
from ..errors import NotFound
from ..errors import ScanInProgress
from ..i18n import gettext
from ..i18n import ngettext
from ..labels import identity_labels
from ..models import AcceptJob
from ..models import JobStatus
from ..models import ScanJob
from ..proxies import current_privacy
from ..services import duplicates
from ..services.duplicates import LinkPreview
from ..services.duplicates import evidence
from ..services.duplicates import link_preview
from ..store import jobs as job_rows
from .args import page_arg
from .context import render
from .context import request_actor
from .context import request_scope
from .context import start_job
from .formatting import format_count
from .formatting import format_score
from .naming import record_names
from .routing import Route

if t.TYPE_CHECKING:
    from ..models import MatchSuggestion
    from ..store.scope import TenantScope

PER_PAGE = 25

#: Order of identity fields on the side-by-side page, and the evidence key of each.
FIELDS: tuple[tuple[str, str], ...] = (
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("full_name", "name"),
    ("email", "email"),
    ("phone", "phone"),
    ("birth_date", "birth_date"),
    ("national_id", "national_id"),
    ("street", "street"),
    ("postcode", "postcode"),
    ("city", "city"),
    ("country", "country"),
    ("company", "company"),
)


def accepted_message(count: int) -> str:
    """How many suggestions an accept-all-above linked."""
    return gettext("%(num)s suggestions accepted.", num=count)


def held_message(count: int) -> str:
    """Why *count* suggestions were (or will be) left pending by accept-all-above."""
    return gettext(
        "%(num)s were left for you to review: linking them would join records "
        "that clearly differ in given name, birth date or national id.",
        num=count,
    )


def _suggestion_url(s: MatchSuggestion | None) -> str | None:
    """The review page of *s*, or None."""
    if s is None:
        return None
    return url_for(_endpoint("suggestion"), suggestion_id=s.id)


#: CSS class of each kind of agreement (:mod:`..services.duplicates.evidence`).
AGREEMENT_CSS = {
    evidence.SAME: "tp-agree",
    evidence.NORMALISED: "tp-agree",
    evidence.TYPO: "tp-partial",
    evidence.SIMILAR: "tp-partial",
    evidence.DIFFERENT: "tp-conflict",
    evidence.NOT_COMPARED: "",
}


def agreement_words(found: evidence.Agreement) -> str:
    """The review page's words for how one field of two records agrees."""
    score = format_score(found.similarity)
    words = {
        evidence.SAME: gettext("same"),
        evidence.NORMALISED: gettext("same after normalising"),
        evidence.TYPO: gettext("close (typo)"),
        evidence.SIMILAR: gettext("partly alike (%(score)s)", score=score),
        evidence.DIFFERENT: gettext("different (%(score)s)", score=score),
    }
    return words.get(found.kind, gettext("not compared"))


def _endpoint(name: str) -> str:
    return f"{request.blueprint}.{name}"


def _identity(scope: TenantScope, ref: tuple[str, str]) -> dict[str, t.Any] | None:
    try:
        source = scope.person_source(ref[0])
        row = scope.record(*ref)
    except NotFound:
        return None
    return scope.identity(source, row)


def _subject_url(scope: TenantScope, s: MatchSuggestion) -> str | None:
    """URL of the subject page of the suggestion's records, if that page exists."""
    endpoint = _endpoint("subject")
    if endpoint not in current_app.view_functions:
        return None
    link = scope.link_of((s.a_source, s.a_id))
    if link is None:
        return None
    return url_for(endpoint, subject_id=link.subject_id)


def _score_arg() -> float:
    """The form's ``min_score``; a bad one answers 400 saying why."""
    return duplicates.check_score(request.form.get("min_score", ""))


def scan_phase_label(phase: str) -> str:
    """The page's words for a :func:`~..services.duplicates.scan_phase`."""
    labels = {
        "queued": gettext("queued"),
        "reading": gettext("reading records"),
        "comparing": gettext("comparing records"),
        "done": gettext("done"),
        "failed": gettext("failed"),
        "stale": gettext("stopped without finishing"),
    }
    return labels.get(phase, phase)


def duplicates_list() -> str:
    """Pending suggestions, best first, with the latest scan and its progress."""
    scope = request_scope()
    page = page_arg()
    rows, total = duplicates.pending(scope, page, PER_PAGE)
    names = record_names(scope, [ref for s in rows for ref in duplicates.refs_of(s)])
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    scan = duplicates.latest_scan(scope)
    accept_job = duplicates.latest_accept_run(scope)
    config = current_privacy.config
    return render(
        "tenant_privacy/duplicates.html",
        rows=rows,
        names=names,
        total=total,
        page=page,
        pages=pages,
        scan=scan,
        scan_stale=scan is not None and job_rows.is_stale(scan, config),
        index_outdated=duplicates.index_outdated(scope),
        accept_job=accept_job,
        accept_job_stale=bool(accept_job and job_rows.is_stale(accept_job, config)),
        scan_phase=(
            scan_phase_label(duplicates.scan_phase(scan, config)) if scan else ""
        ),
    )


def scan_start() -> t.Any:
    """Start a full scan of the tenant (inline or on the rq queue)."""
    scope = request_scope()
    try:
        scan = duplicates.start_scan(scope, request_actor())
    except ScanInProgress:
        scope.session.commit()  # keeps a stale scan marked failed
        flash(
            gettext("A scan is already running. Wait for it to finish."),
            "warning",
        )
        return redirect(url_for(_endpoint("duplicates")))
    scope.session.commit()
    scan_id = scan.id
    if not start_job(
        "scan", gettext("The scan failed."), tenant=scan.tenant_key, scan_id=scan_id
    ):
        return redirect(url_for(_endpoint("duplicates")))
    scan = scope.get(ScanJob, id=scan_id)
    if scan.status == JobStatus.DONE:  # run inline: it has finished already
        flash(
            ngettext(
                "Scan finished: %(count)s suggestion.",
                "Scan finished: %(count)s suggestions.",
                scan.suggestions,
                count=format_count(scan.suggestions),
            ),
            "success",
        )
    elif scan.status == JobStatus.FAILED:
        flash(gettext("The scan failed."), "error")
    else:
        flash(gettext("Scan started."), "success")
    return redirect(url_for(_endpoint("duplicates")))


def accept_status(job_id: int) -> t.Any:
    """JSON state of one accept-all-above job: status, accepted, held."""
    job = request_scope().by_id(AcceptJob, job_id, "accept job")
    return jsonify(status=job.status, accepted=job.accepted, held=job.held)


def scan_status(scan_id: int) -> t.Any:
    """JSON progress of one scan: status, progress, total, suggestions."""
    scan = request_scope().by_id(ScanJob, scan_id, "scan")
    phase = duplicates.scan_phase(scan, current_privacy.config)
    return jsonify(
        status=scan.status,
        phase=phase,
        phase_label=scan_phase_label(phase),
        progress=scan.progress,
        total=scan.total,
        suggestions=scan.suggestions,
        progress_text=format_count(scan.progress or 0),
        total_text=format_count(scan.total or 0),
        suggestions_text=format_count(scan.suggestions or 0),
    )


def suggestion(suggestion_id: int) -> str:
    """Two records side by side, each field's agreement marked."""
    scope = request_scope()
    s = duplicates.suggestion(scope, suggestion_id)
    a_ref, b_ref = duplicates.refs_of(s)
    a, b = _identity(scope, a_ref), _identity(scope, b_ref)
    similarities = dict(s.evidence or {})
    labels = identity_labels()
    lines = []
    for name, key in FIELDS:
        va = (a or {}).get(name)
        vb = (b or {}).get(name)
        if va in (None, "") and vb in (None, ""):
            continue
        found = evidence.field_agreement(name, va, vb, similarities.get(key))
        lines.append(
            {
                "field": name,
                "label": labels[name],
                "a": va,
                "b": vb,
                "kind": found.kind,
                "words": agreement_words(found),
                "css": AGREEMENT_CSS[found.kind],
            }
        )
    preview = (
        link_preview(scope, s) if s.status != duplicates.ACCEPTED else LinkPreview()
    )
    conflict_refs = [r for c in preview.conflicts for r in (c.left, c.right)]
    names = record_names(scope, [a_ref, b_ref, *preview.joined, *conflict_refs])
    following = duplicates.next_pending(scope, s)
    return render(
        "tenant_privacy/suggestion.html",
        s=s,
        next_url=_suggestion_url(following),
        a=a,
        b=b,
        a_name=names[a_ref],
        b_name=names[b_ref],
        lines=lines,
        subject_url=_subject_url(scope, s),
        joined=[names[r] for r in preview.joined],
        conflicts=[
            {
                "left": names[c.left],
                "right": names[c.right],
                "fields": ", ".join(labels[f] for f in c.fields),
            }
            for c in preview.conflicts
        ],
    )


def suggestion_accept(suggestion_id: int) -> t.Any:
    """Link the two records of a suggestion."""
    scope = request_scope()
    try:
        duplicates.accept(scope, request_actor(), suggestion_id)
        scope.session.commit()
    except MergeConflict:
        scope.session.rollback()
        flash(gettext("This suggestion was already decided."), "error")
        return redirect(url_for(_endpoint("suggestion"), suggestion_id=suggestion_id))
    s = duplicates.suggestion(scope, suggestion_id)
    flash(gettext("The two records are now linked."), "success")
    return redirect(
        _subject_url(scope, s)
        or url_for(_endpoint("suggestion"), suggestion_id=suggestion_id)
    )


def suggestion_reject(suggestion_id: int) -> t.Any:
    """Mark a suggestion as not the same person."""
    scope = request_scope()
    try:
        duplicates.reject(scope, request_actor(), suggestion_id)
        scope.session.commit()
    except MergeConflict:
        scope.session.rollback()
        flash(gettext("This suggestion was already accepted."), "error")
        return redirect(url_for(_endpoint("suggestion"), suggestion_id=suggestion_id))
    flash(gettext("Suggestion rejected."), "success")
    # on to the next one: a reviewer goes through the list one by one
    following = duplicates.next_pending(
        scope, duplicates.suggestion(scope, suggestion_id)
    )
    return redirect(_suggestion_url(following) or url_for(_endpoint("duplicates")))


def accept_above() -> t.Any:
    """Accept every pending suggestion above a score, after a confirmation."""
    scope = request_scope()
    min_score = _score_arg()
    if request.form.get("confirm") != "1":
        plan = duplicates.plan_above(scope, min_score)
        return render(
            "tenant_privacy/accept_above_confirm.html",
            min_score=min_score,
            count=len(plan.accept),
            held=len(plan.hold),
        )
    job = duplicates.start_accept(scope, request_actor(), min_score)
    scope.session.commit()
    job_id = job.id
    try:
        current_privacy.jobs.enqueue(
            "accept_above", tenant=job.tenant_key, job_id=job_id
        )
    except Exception as exc:  # noqa: BLE001 - the job row says why; none linked
        current_privacy.session.rollback()
        failed = job_rows.mark_failed(scope, AcceptJob, job_id, exc)
        scope.session.commit()
        if failed.error in duplicates.CHANGED_MEANWHILE:
            message = gettext("Nothing was linked: the records changed meanwhile.")
        else:
            message = gettext("Linking failed; nothing was linked.")
        flash(message, "error")
        return redirect(url_for(_endpoint("duplicates")))
    job = scope.get(AcceptJob, id=job_id)
    if job.status == JobStatus.DONE:  # run inline
        flash(accepted_message(job.accepted), "success")
        if job.held:
            flash(held_message(job.held), "warning")
    else:
        flash(gettext("Linking them in the background."), "success")
    return redirect(url_for(_endpoint("duplicates")))


ROUTES: tuple[Route, ...] = (
    Route("GET", "/duplicates", "duplicates", duplicates_list),
    Route("POST", "/duplicates/scan", "scan_start", scan_start),
    Route("GET", "/duplicates/scans/<tp_id:scan_id>", "scan_status", scan_status),
    Route("POST", "/duplicates/accept-above", "accept_above", accept_above),
    Route(
        "GET", "/duplicates/accepts/<tp_id:job_id>", "accept_status", accept_status
    ),
    Route("GET", "/duplicates/<tp_id:suggestion_id>", "suggestion", suggestion),
    Route(
        "POST",
        "/duplicates/<tp_id:suggestion_id>/accept",
        "suggestion_accept",
        suggestion_accept,
    ),
    Route(
        "POST",
        "/duplicates/<tp_id:suggestion_id>/reject",
        "suggestion_reject",
        suggestion_reject,
    ),
)
