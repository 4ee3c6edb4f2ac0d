"""Incremental duplicate matching driven by SQLAlchemy session events.

When ``TENANT_PRIVACY_AUTO_MATCH`` is on, every person-source row a host inserts,
changes (in an identity field) or deletes is matched again once its transaction has
committed, through the job ``match_records`` (:mod:`tenant_privacy.jobs.duplicates`):

- ``after_flush`` collects the record refs of touched person-source rows;
- ``after_commit`` marks them ready (a rollback drops them);
- ``after_transaction_end`` of the outermost transaction hands them to the job
  runner, one job per tenant and batch of at most
  :data:`~tenant_privacy.jobs.duplicates.MATCH_BATCH` refs (ids only). With rq
  the request only queues them (a CSV import of 60,000 rows queues 300 jobs and
  matches nothing itself); inline, each batch runs at once in a fresh transaction
  of the same session (SQLAlchemy has already detached the finished transaction
  there, so the session may begin a new one) and commits once. A failure is
  logged and rolled back: the host's own commit has already succeeded and is never
  undone.

Tenants where the module is off are skipped by the job itself.

The same listener also watches merge rows: when a link made from a suggestion is
undone (``MergeRecord.undone_at`` set), the suggestion becomes pending again.
"""

from __future__ import annotations

import logging
import typing as t
import weakref

import sqlalchemy as sa
from flask import current_app
from flask import has_app_context
from sqlalchemy import orm

from ..config import config_value
from ..errors import NotFound
from ..jobs.duplicates import MATCH_BATCH
from ..models import MergeRecord
from ..services import duplicates
from ..store.refs import canonical_id
from ..store.scope import ERASING_KEY
from ..store.scope import TenantScope
from ..store.tables import tables_missing

if t.TYPE_CHECKING:
    from ..registry import PersonSource
    from ..state import PrivacyState

log = logging.getLogger(__name__)

PENDING_KEY = "tenant_privacy_auto_match"
READY_KEY = "tenant_privacy_auto_match_ready"
RUNNING_KEY = "tenant_privacy_auto_match_running"
JOB = "match_records"

_watched: weakref.WeakSet[t.Any] = weakref.WeakSet()

Ref = tuple[str, str, str]


def watch_person_sources(state: PrivacyState) -> None:
    """Install the session listeners once per Flask-SQLAlchemy session factory.

    The listeners act only inside an app context whose module state has
    ``TENANT_PRIVACY_AUTO_MATCH`` on, so several apps may share one ``db``.
    """
    target = state.db.session
    if target in _watched:
        return
    _watched.add(target)
    sa.event.listen(target, "before_flush", _before_flush)
    sa.event.listen(target, "after_flush", _after_flush)
    sa.event.listen(target, "after_commit", _after_commit)
    sa.event.listen(target, "after_soft_rollback", _after_rollback)
    sa.event.listen(target, "after_transaction_end", _after_transaction_end)


def _state() -> PrivacyState | None:
    if not has_app_context():
        return None
    return t.cast("PrivacyState | None", current_app.extensions.get("tenant_privacy"))


def _enabled(state: PrivacyState | None) -> bool:
    return state is not None and bool(config_value("AUTO_MATCH", state.config))


def _sources_by_model(state: PrivacyState) -> dict[type, list[PersonSource]]:
    out: dict[type, list[PersonSource]] = {}
    for source in state.registry.person_sources():
        out.setdefault(source.model, []).append(source)
    return out


def _identity_changed(obj: t.Any, source: PersonSource) -> bool:
    insp = sa.inspect(obj)
    attrs = set(source.identity.values())
    if source.tenant_column:
        attrs.add(source.tenant_column)
    for name in attrs:
        if name in insp.attrs and insp.attrs[name].history.has_changes():
            return True
    return False


def _before_flush(session: orm.Session, flush_context: t.Any, instances: t.Any) -> None:
    """Re-open the suggestion of a merge being undone."""
    if session.info.get(RUNNING_KEY) or _state() is None:
        return
    for obj in list(session.dirty):
        if not isinstance(obj, MergeRecord) or obj.suggestion_id is None:
            continue
        history = sa.inspect(obj).attrs["undone_at"].history
        if history.added and history.added[0] is not None:
            state = _state()
            assert state is not None
            scope = TenantScope(session, obj.tenant_key, state.registry, state.config)
            duplicates.reopen_for_merge(scope, obj)


def _after_flush(session: orm.Session, flush_context: t.Any) -> None:
    """Collect refs of inserted, changed and deleted person-source rows (not
    those an erasure writes: an erased record is never matched again)."""
    state = _state()
    if (
        not _enabled(state)
        or session.info.get(RUNNING_KEY)
        or session.info.get(ERASING_KEY)
    ):
        return
    assert state is not None
    by_model = _sources_by_model(state)
    if not by_model:
        return
    found: set[Ref] = session.info.setdefault(PENDING_KEY, set())
    for group, check in (
        (session.new, False),
        (session.dirty, True),
        (session.deleted, False),
    ):
        for obj in group:
            for source in by_model.get(type(obj), ()):
                if check and not _identity_changed(obj, source):
                    continue
                try:
                    tenant = state.registry.tenant_of(source, obj)
                    record_id = getattr(obj, source.id_column, None)
                except orm.exc.ObjectDeletedError:
                    continue
                if not tenant or record_id is None:
                    continue
                try:
                    found.add(
                        (str(tenant), source.key, canonical_id(source, record_id))
                    )
                except NotFound:  # an id no ref can hold (a negative key)
                    continue


def _after_commit(session: orm.Session) -> None:
    found = session.info.pop(PENDING_KEY, None)
    if found:
        session.info.setdefault(READY_KEY, set()).update(found)


def _after_rollback(session: orm.Session, previous_transaction: t.Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING_KEY, None)


def batches(refs: t.Iterable[Ref]) -> list[tuple[str, list[list[str]]]]:
    """*refs* as ``(tenant, [[source_key, record_id], ...])`` batches of at most
    :data:`MATCH_BATCH`, in a stable order."""
    by_tenant: dict[str, list[list[str]]] = {}
    for tenant, source_key, record_id in sorted(refs):
        by_tenant.setdefault(tenant, []).append([source_key, record_id])
    return [
        (tenant, found[start : start + MATCH_BATCH])
        for tenant, found in by_tenant.items()
        for start in range(0, len(found), MATCH_BATCH)
    ]


def _after_transaction_end(session: orm.Session, transaction: t.Any) -> None:
    """Hand the committed refs to the job runner once the outer transaction ended."""
    if transaction.parent is not None or session.info.get(RUNNING_KEY):
        return
    ready: set[Ref] | None = session.info.pop(READY_KEY, None)
    state = _state()
    if not ready or not _enabled(state):
        return
    assert state is not None
    if tables_missing(session):
        return
    runner = state.jobs
    session.info[RUNNING_KEY] = True
    try:
        for tenant, refs in batches(ready):
            try:
                runner.enqueue(JOB, tenant=tenant, refs=refs)
            except Exception:
                if runner.inline:
                    session.rollback()
                log.exception(
                    "incremental match of %d records in tenant %s failed",
                    len(refs),
                    tenant,
                )
    finally:
        session.info.pop(RUNNING_KEY, None)
