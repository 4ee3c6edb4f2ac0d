"""Privacy officer pages: person search, the subject overview, unlink and undo.

Every GET here only reads (and audits the reading): a link followed from a mail
or another site must not write in the officer's name.
"""

from __future__ import annotations

import typing as t

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from ..config import config_value
from ..errors import InvalidInput
from ..errors import MergeConflict
from ..errors import NotFound
from ..i18n import gettext
from ..inputs import column_length
from ..inputs import text_arg
from ..models import SubjectRecord
from ..services import linking
from ..services import overview as overview_service
from ..services import search as search_service
from .args import arg_text
from .args import form_text
from .context import actor_labels
from .context import event_refs
from .context import render
from .context import request_actor
from .context import request_scope
from .formatting import field_kinds
from .naming import best_name
from .naming import record_names
from .naming import tenant_currency
from .routing import Route
from .visibility import overview_context

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope


def _subject_url(subject_id: int) -> str:
    return url_for(f"{request.blueprint}.subject", subject_id=subject_id)


def _undo_blockers(scope: TenantScope, merges: list[t.Any]) -> dict[int, t.Any]:
    """Merge id -> the later merge that must be undone first."""
    blockers: dict[int, t.Any] = {}
    for merge in merges:
        if merge.undone_at is None:
            blocker = linking.undo_blocker(scope, merge)
            if blocker is not None:
                blockers[merge.id] = blocker
    return blockers


def search() -> t.Any:
    """Find every registration of a person: the entry point of the module."""
    query = ""
    result = search_service.SearchResult([])
    names = {}
    limit = config_value("SEARCH_LIMIT")
    error = None
    if "q" in request.args:
        scope = request_scope()
        try:
            # the service says "too long" after folding spaces; refused characters
            # are refused here
            query = arg_text("q", None)
            result = search_service.search_people(
                scope,
                query,
                limit=limit,
                actor=request_actor(),
            )
        except InvalidInput as exc:
            scope.session.rollback()
            error = str(exc)
        else:
            names = record_names(scope, [r for hit in result.hits for r in hit.refs])
            scope.session.commit()
    page = render(
        "tenant_privacy/search.html",
        query=query,
        hits=result.hits,
        more=result.more,
        limit=limit,
        names=names,
        error=error,
        searched="q" in request.args and error is None,
    )
    return (page, 400) if error else page


def subject(subject_id: int) -> t.Any:
    """The total overview of one data subject (audited as compiled)."""
    scope = request_scope()
    ov = overview_service.compile_overview(scope, request_actor(), subject_id)
    return _overview_page(scope, ov)


def _overview_page(scope: TenantScope, ov: overview_service.Overview) -> str:
    """Render *ov* with its subject's merges and history (none without a subject);
    commit the audit event of the compilation."""
    merges, events = ov.merge_records, ov.events
    blockers = _undo_blockers(scope, merges)
    refs = list(ov.refs)
    for merge in merges:
        refs.extend((str(p[0]), str(p[1])) for p in merge.previous)
    names = record_names(scope, refs)
    kinds = {}
    for group in [*ov.registrations, *ov.related]:
        source = scope.registry.get(group.key)
        kinds[group.key] = field_kinds(source, group.labels)
    rules = overview_context(scope, ov.subject_id)
    scope.session.commit()
    return render(
        "tenant_privacy/subject.html",
        visibility=rules,
        overview=ov,
        person_name=best_name(names[r] for r in ov.refs),
        names=names,
        kinds=kinds,
        currency=tenant_currency(scope.tenant),
        merges=merges,
        blockers=blockers,
        events=events,
        actor_labels=actor_labels(
            scope.tenant, [m.actor for m in merges] + event_refs(events)
        ),
    )


def subject_unlink(subject_id: int) -> t.Any:
    """Split one record (form fields ``source_key``, ``record_id``) off."""
    scope = request_scope()
    subject = scope.subject(subject_id)
    source_key = form_text("source_key", column_length(SubjectRecord, "source_key"))
    record_id = form_text("record_id", column_length(SubjectRecord, "record_id"))
    if not source_key or not record_id:
        abort(400, description=gettext("Choose a record to unlink."))
    try:
        ref = scope.ref(source_key, record_id)
    except NotFound:
        ref = None
    if ref is None or ref not in scope.subject_refs(subject):
        abort(
            400,
            description=gettext("That record does not belong to this person."),
        )
    merge = linking.unlink_record(scope, request_actor(), ref)
    scope.session.commit()
    if merge is None:
        flash(gettext("The record is already on its own."), "info")
        return redirect(_subject_url(subject_id))
    flash(gettext("The record was unlinked into a person of its own."), "success")
    return redirect(_subject_url(subject_id))


def undo_merge(merge_id: int) -> t.Any:
    """Undo a link or an unlink, restoring the grouping it replaced."""
    scope = request_scope()
    merge = linking.get_merge(scope, merge_id)
    back_to = merge.subject_id
    if linking.is_unlink(merge):
        back_to = int(merge.evidence.get("from_subject", back_to))
    try:
        linking.undo_merge(scope, request_actor(), merge_id)
    except MergeConflict:
        scope.session.rollback()
        flash(
            gettext(
                "This change cannot be undone now: a later change touched the "
                "same records. Undo the later change first."
            ),
            "error",
        )
        return redirect(_subject_url(back_to))
    scope.session.commit()
    flash(gettext("Undone: the previous grouping is restored."), "success")
    return redirect(_subject_url(back_to))


def record_subject(source_key: str, record_id: str) -> t.Any:
    """The overview of one person record: its subject's page when it has one, else
    the record on its own (a GET creates no subject; linking does)."""
    scope = request_scope()
    # refused characters answer 400; an id too long for a record is simply none (404)
    for field, value in (("source_key", source_key), ("record_id", record_id)):
        text_arg(value, None, field, trim=False)
    link = scope.link_of((source_key, record_id))
    if link is not None:
        return redirect(_subject_url(link.subject_id))
    ov = overview_service.compile_record_overview(
        scope, request_actor(), (source_key, record_id)
    )
    return _overview_page(scope, ov)


ROUTES: tuple[Route, ...] = (
    Route("GET", "/search", "search", search),
    Route("GET", "/subjects/<tp_id:subject_id>", "subject", subject),
    Route(
        "POST", "/subjects/<tp_id:subject_id>/unlink", "subject_unlink", subject_unlink
    ),
    Route("POST", "/merges/<tp_id:merge_id>/undo", "undo_merge", undo_merge),
    Route("GET", "/records/<source_key>/<record_id>", "record_subject", record_subject),
)
