"""Erasing a data subject (GDPR art. 17): the request, and the erasure itself.

:func:`request_erasure` enters the request in the register and queues an
:class:`~tenant_privacy.models.ErasureJob`; :func:`execute` does the work in the
caller's transaction (the job commits it, or rolls all of it back):

1. every record of the subject in every source, as :func:`.plan.plan_erasure`
   decided: rows deleted, fields anonymised (through
   :meth:`TenantScope.update_rows`, tenant filter built in), fields kept under a
   legal reason held until their due date (:class:`RetentionHold`);
2. the module's own traces: blocking keys, fingerprints and every duplicate
   suggestion involving the records; the recipient and written reasons of the
   subject's requests; pending exports revoked (their files are returned for the
   caller to delete once committed);
3. the subject marked ``erased``, the request ``done``, one audit event listing
   record refs, field names and strategies, never values.

Erasing an erased subject changes nothing (:class:`AlreadyErased`).
"""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa

from ...core.strategies import DELETE_ROW
from ...core.strategies import StrategyContext
from ...core.strategies import get_strategy
from ...errors import AlreadyErased
from ...errors import InvalidInput
from ...i18n import gettext
from ...matching.normalize import normalize_email
from ...models import SUBJECT_ERASED
from ...models import ErasureJob
from ...models import ExportJob
from ...models import JobStatus
from ...models import MatchSuggestion
from ...models import PrivacyRequest
from ...models import RetentionHold
from ...models import utcnow
from ...store import jobs as job_rows
from ...store import locks
from ...store.locks import tenant_lock
from ...store.scope import ERASING_KEY
from .. import audit
from .. import requests
from .. import visibility
from ..duplicates import index
from .plan import KEPT
from .plan import RecordPlan
from .plan import SubjectPlan
from .plan import identifiers_of
from .plan import is_related
from .plan import plan_erasure

if t.TYPE_CHECKING:
    from ...registry import Source
    from ...store.refs import RecordRef
    from ...store.scope import TenantScope

__all__ = [
    "ErasureResult",
    "apply_values",
    "values_of",
    "execute",
    "latest_job",
    "open_requests",
    "record_failure",
    "record_preview",
    "request_erasure",
    "retry_erasure",
]

ERASED = SUBJECT_ERASED

ProgressFn = t.Callable[[int, int], None]


@dataclass
class ErasureResult:
    """What an erasure did. ``files`` and ``addresses`` are for the caller's
    clean-up after the commit (export files to delete, outbox mails to drop);
    they are never stored."""

    already: bool = False
    anonymised: int = 0
    deleted: int = 0
    held: int = 0
    files: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def record_preview(scope: TenantScope, actor: str, plan: SubjectPlan) -> None:
    """Audit that *actor* was shown the erasure preview of a subject (ids and a
    count only). Flushes."""
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.ERASURE_PREVIEWED,
        subject_id=plan.subject.id,
        data={"records": len(plan.records)},
    )


def latest_job(scope: TenantScope, request_id: int) -> ErasureJob | None:
    """The newest erasure job of request *request_id*, or None."""
    stmt = (
        scope.select(ErasureJob)
        .where(ErasureJob.request_id == request_id)
        .order_by(ErasureJob.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def open_requests(scope: TenantScope, subject_id: int) -> list[PrivacyRequest]:
    """The subject's erasure requests not done: received, erasing or failed,
    oldest first."""
    stmt = (
        scope.select(PrivacyRequest)
        .where(
            PrivacyRequest.kind == requests.ERASURE,
            PrivacyRequest.subject_id == subject_id,
            PrivacyRequest.state.in_(
                (requests.RECEIVED, requests.ERASING, requests.FAILED)
            ),
        )
        .order_by(PrivacyRequest.id)
    )
    return list(scope.session.scalars(stmt))


def request_erasure(
    scope: TenantScope, actor: str, subject_id: int | str, *, channel: str = "officer"
) -> tuple[PrivacyRequest, ErasureJob]:
    """Register an erasure of the subject and queue it; audited. A request the
    person made themselves (received, never run) is the one run, not a second.
    Flushes; the caller commits, then hands the job to the runner (job ``erase``).

    :raises NotFound: no such subject in this tenant.
    :raises AlreadyErased: the subject was erased before (nothing is entered).
    """
    subject = scope.subject(subject_id)
    if subject.state == ERASED:
        raise AlreadyErased(gettext("This person was erased already."))
    request = _waiting_request(scope, subject.id)
    if request is not None:  # the person's own, confirmed request: run that one
        request.handler = actor
    else:
        request = requests.new_request(
            scope,
            kind=requests.ERASURE,
            subject_id=subject.id,
            channel=channel,
            handler=actor,
        )
    job = _new_job(scope, request, actor)
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SELF_DELETED
        if channel == requests.SELF_SERVICE
        else audit.Action.ERASURE_REQUESTED,
        subject_id=subject.id,
        data={"request": request.id, "erasure": job.id},
    )
    return request, job


def _waiting_request(scope: TenantScope, subject_id: int) -> PrivacyRequest | None:
    """An erasure request of the subject received but never run (the person's own
    request from the public form), or None."""
    stmt = (
        scope.select(PrivacyRequest)
        .where(
            PrivacyRequest.kind == requests.ERASURE,
            PrivacyRequest.subject_id == subject_id,
            PrivacyRequest.state == requests.RECEIVED,
        )
        .order_by(PrivacyRequest.id)
    )
    for row in scope.session.scalars(stmt):
        if latest_job(scope, row.id) is None:
            return row
    return None


def retry_erasure(scope: TenantScope, actor: str, request_id: int | str) -> ErasureJob:
    """Queue the erasure of a failed erasure request again (after the fault was
    fixed). The caller commits, then hands the job to the runner.

    :raises InvalidInput: the request is no failed erasure.
    """
    request = scope.by_id(PrivacyRequest, request_id, "request")
    if request.kind != requests.ERASURE or request.state != requests.FAILED:
        raise InvalidInput(gettext("Only a failed erasure can be started again."))
    request.state = requests.RECEIVED
    return _new_job(scope, request, actor)


def record_failure(scope: TenantScope, erasure_id: int) -> PrivacyRequest:
    """After the erasure *erasure_id* failed and its work was rolled back: its
    request ``failed`` (an officer starts it again from the register), audited
    ``erasure.failed`` by the system with ids and the error's class name only.
    Flushes; the caller commits. Returns the request."""
    job = scope.get(ErasureJob, id=int(erasure_id))
    request = scope.get(PrivacyRequest, id=job.request_id)
    request.state = requests.FAILED
    audit.record(
        scope.session,
        scope.tenant,
        audit.SYSTEM,
        audit.Action.ERASURE_FAILED,
        subject_id=job.subject_id,
        data={"request": request.id, "erasure": job.id},
        detail=f"error={job.error}" if job.error else "",
    )
    return request


def _new_job(scope: TenantScope, request: PrivacyRequest, actor: str) -> ErasureJob:
    return job_rows.queue(
        scope,
        ErasureJob,
        actor,
        request_id=request.id,
        subject_id=int(request.subject_id or 0),
    )


def values_of(
    scope: TenantScope,
    source: Source,
    record_id: str,
    row: t.Any,
    changes: t.Mapping[str, str],
    *,
    salt: bytes,
    redaction: str,
    identifiers: tuple[str, ...] = (),
) -> dict[str, t.Any]:
    """The new values of *row*'s fields under the strategies *changes* (field ->
    strategy name); writes nothing."""
    values: dict[str, t.Any] = {}
    for name, strategy in changes.items():
        func = get_strategy(strategy, scope.registry.strategies)
        ctx = StrategyContext(
            tenant=scope.tenant,
            source_key=source.key,
            record_id=record_id,
            field=name,
            salt=salt,
            redaction=redaction,
            identifiers=identifiers,
        )
        values[name] = func(getattr(row, name), ctx)
    return values


def apply_values(
    scope: TenantScope,
    source: Source,
    record_id: str,
    row: t.Any,
    changes: t.Mapping[str, str],
    *,
    salt: bytes,
    redaction: str,
    identifiers: tuple[str, ...] = (),
) -> dict[str, t.Any]:
    """The new values of *row*'s fields under the strategies *changes* (field ->
    strategy name), written through the tenant scope; returns them."""
    values = values_of(
        scope,
        source,
        record_id,
        row,
        changes,
        salt=salt,
        redaction=redaction,
        identifiers=identifiers,
    )
    if values:
        scope.update_rows(source, [record_id], values)
    return values


@dataclass
class _Writes:
    """What an erasure writes to the host's tables, gathered per source so each
    source takes one bulk ``DELETE`` and one executemany ``UPDATE`` per set of
    fields (in the order the sources were first met: related ones first)."""

    deletes: dict[str, list[str]] = field(default_factory=dict)
    updates: dict[str, dict[str, dict[str, t.Any]]] = field(default_factory=dict)
    holds: list[dict[str, t.Any]] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)

    def flush(self, scope: TenantScope, beat: t.Callable[[], None]) -> None:
        for key, source in self.sources.items():
            if self.deletes.get(key):
                scope.delete_rows(source, self.deletes[key])
            if self.updates.get(key):
                scope.update_each(source, self.updates[key])
            beat()
        if self.holds:
            scope.session.execute(sa.insert(RetentionHold), self.holds)


#: Progress is reported at the start and at the end of the records, and in
#: between every this many records planned and after each source written, but
#: then at most every :data:`BEAT_SECONDS`: each report is a heartbeat.
PROGRESS_EVERY = 500
BEAT_SECONDS = 5.0


class _Beat:
    """An erasure's progress reports (see :data:`PROGRESS_EVERY`)."""

    def __init__(self, progress: ProgressFn | None) -> None:
        self.progress = progress
        self.last = -BEAT_SECONDS

    def __call__(self, done: int, total: int, *, always: bool = False) -> None:
        now = time.monotonic()
        if self.progress is not None and (always or now - self.last >= BEAT_SECONDS):
            self.last = now
            self.progress(done, total)


def execute(
    scope: TenantScope,
    job: ErasureJob,
    *,
    salt: bytes,
    redaction: str,
    progress: ProgressFn | None = None,
) -> ErasureResult:
    """Erase the subject of *job* in the caller's transaction; flushes, never
    commits. A strategy that raises leaves the rest to the caller's rollback.

    :param salt: random for this erasure (``core.strategies.new_salt``).
    :param redaction: the text ``redact`` writes, in the tenant's language.
    :param progress: the job's reporter, called at once (its first report holds
        the job's row, which shows the job alive while it waits for the lock and
        works: see :func:`tenant_privacy.store.jobs.mark_stale`), every
        :data:`PROGRESS_EVERY` records and after each source is written (those
        at most every :data:`BEAT_SECONDS`), and when every record is planned.
    """
    beat = _Beat(progress)
    beat(0, 0, always=True)
    # who owns which record must not change while the person is erased: a link or a
    # match of their records waits for this transaction (the erasure wins)
    tenant_lock(scope, locks.GROUPING)
    request = scope.get(PrivacyRequest, id=job.request_id)
    plan = plan_erasure(scope, job.subject_id, labels=False)
    result = ErasureResult()
    if plan.erased:
        result.already = True
        request.state = requests.DONE
        request.closed_at = utcnow()
        scope.session.flush()
        return result
    request.state = requests.ERASING
    identifiers = identifiers_of(plan)
    result.addresses = _addresses(plan, scope, identifiers)
    session = scope.session
    session.info[ERASING_KEY] = True
    try:
        # related rows first: they may refer to person rows by foreign key
        ordered = sorted(plan.records, key=lambda r: 0 if is_related(r.source) else 1)
        total = len(ordered)
        writes = _Writes()
        for done, record in enumerate(ordered, 1):
            _erase_record(
                scope, job, record, result, writes, salt, redaction, identifiers
            )
            if done % PROGRESS_EVERY == 0 or done == total:
                beat(done, total, always=done == total)
        writes.flush(scope, lambda: beat(total, total))
        refs = scope.subject_refs(plan.subject)
        forget_matching(scope, refs)
        # an erased person is anonymised: rules about them protect nobody now
        visibility.remove_subject_rules(scope, plan.subject.id)
        result.files = _clean_requests(scope, plan, redaction)
        plan.subject.state = ERASED
        request.state = requests.DONE
        request.closed_at = utcnow()
        job.anonymised, job.deleted, job.held = (
            result.anonymised,
            result.deleted,
            result.held,
        )
        audit.record(
            session,
            scope.tenant,
            job.actor,
            audit.Action.ERASURE_EXECUTED,
            subject_id=plan.subject.id,
            record_refs=[r.ref for r in plan.records],
            fields=_field_names(plan),
            data={
                "request": request.id,
                "erasure": job.id,
                "records": len(plan.records),
                "anonymised": result.anonymised,
                "deleted": result.deleted,
                "held": result.held,
            },
        )
        session.flush()
    finally:
        session.info.pop(ERASING_KEY, None)
    return result


def _erase_record(
    scope: TenantScope,
    job: ErasureJob,
    record: RecordPlan,
    result: ErasureResult,
    writes: _Writes,
    salt: bytes,
    redaction: str,
    identifiers: tuple[str, ...],
) -> None:
    key = record.source.key
    writes.sources.setdefault(key, record.source)
    if record.delete_now:
        writes.deletes.setdefault(key, []).append(record.record_id)
        result.deleted += 1
        return
    changes = record.changes
    values = values_of(
        scope,
        record.source,
        record.record_id,
        record.row,
        changes,
        salt=salt,
        redaction=redaction,
        identifiers=identifiers,
    )
    if values:
        writes.updates.setdefault(key, {})[record.record_id] = values
    if changes:
        result.anonymised += 1
    now = utcnow()
    for retention, due in record.holds.items():
        kept = [
            f
            for f in record.fields
            if f.action == KEPT and f.until == due and f.reason == str(retention.reason)
        ]
        writes.holds.append(
            {
                "tenant_key": scope.tenant,
                "source_key": key,
                "record_id": record.record_id,
                "subject_id": job.subject_id,
                "erasure_id": job.id,
                "fields": [[f.name, f.strategy] for f in kept],
                "reason": str(retention.reason)[:255],
                "due_at": due,
                "created_at": now,
            }
        )
    if record.holds:
        result.held += 1


def _field_names(plan: SubjectPlan) -> list[str]:
    """``source.field:strategy`` of everything the erasure did or holds (``*``:
    the row), each once, in a stable order."""
    names: list[str] = []
    for record in plan.records:
        if record.delete_now:
            items = [(f"{record.source.key}.*", DELETE_ROW)]
        else:
            items = [(f"{record.source.key}.{k}", v) for k, v in record.changes.items()]
            items += [
                (f"{record.source.key}.{f.name}", "keep")
                for f in record.fields
                if f.action == KEPT
            ]
        for name, strategy in items:
            entry = f"{name}:{strategy}"[:64]
            if entry not in names:
                names.append(entry)
    return names


def _addresses(
    plan: SubjectPlan, scope: TenantScope, identifiers: tuple[str, ...]
) -> list[str]:
    found = {e for i in identifiers if "@" in i and (e := normalize_email(i))}
    stmt = scope.select(PrivacyRequest).where(
        PrivacyRequest.subject_id == plan.subject.id
    )
    for row in scope.session.scalars(stmt):
        if row.recipient and (e := normalize_email(row.recipient)):
            found.add(e)
    return sorted(found)


def forget_matching(scope: TenantScope, refs: list[RecordRef]) -> None:
    """Drop the records' blocking keys, fingerprints and every suggestion
    involving any of them."""
    for ref in refs:
        index.forget(scope, ref)
        for side_source, side_id in (
            (MatchSuggestion.a_source, MatchSuggestion.a_id),
            (MatchSuggestion.b_source, MatchSuggestion.b_id),
        ):
            scope.session.execute(
                sa.delete(MatchSuggestion)
                .where(
                    MatchSuggestion.tenant_key == scope.tenant,
                    side_source == ref[0],
                    side_id == ref[1],
                )
                .execution_options(synchronize_session="fetch")
            )


def _clean_requests(scope: TenantScope, plan: SubjectPlan, redaction: str) -> list[str]:
    """Clear the personal values of the subject's requests (recipient, written
    reasons); revoke its exports. Returns the export files to delete."""
    now = utcnow()
    files: list[str] = []
    stmt = scope.select(PrivacyRequest).where(
        PrivacyRequest.subject_id == plan.subject.id
    )
    for row in scope.session.scalars(stmt):
        row.recipient = None
        if row.extension_reason:
            row.extension_reason = redaction
        if row.exclusions:
            row.exclusions = [dict(e, reason=redaction) for e in row.exclusions]
        exports = scope.session.scalars(
            scope.select(ExportJob).where(ExportJob.request_id == row.id)
        )
        for export in exports:
            if export.active:
                export.status = JobStatus.FAILED
                export.error = "revoked"
                export.finished_at = now
            if export.file_name and export.deleted_at is None:
                files.append(export.file_name)
                export.deleted_at = now
            export.token_hash = None
        if row.kind == requests.DISCLOSURE and row.state in requests.OPEN + (
            requests.SENT,
        ):
            row.state = requests.REVOKED
            row.closed_at = now
    return files
