"""Job entry points of erasure: erase one subject, or a batch of them (one
transaction per subject); finish due retention holds.

The erasure runs through :func:`~.lifecycle.run_tracked` as one transaction: all
of it commits, or a failure rolls all of it back, marks the job failed and the
request failed, audited ``erasure.failed`` (it can be started again once the
fault is fixed). Export files
and outbox mails of the person are deleted only after the commit.

A worker killed mid-erasure (out of memory, a deploy) leaves its job row running;
pages and commands that read it mark it failed once stale (no sign of life for
``ERASURE_STALE_MINUTES``), and its request failed, through
:func:`tenant_privacy.services.erasure.refresh_all`. The erasure's reports keep it
alive meanwhile (and, in a batch, the batch too).
"""

from __future__ import annotations

import datetime as dt
import logging
import pathlib
import typing as t

from flask_babel import force_locale

from ..core.strategies import new_salt
from ..i18n import gettext
from ..models import ErasureBatch
from ..models import ErasureJob
from ..models import utcnow
from ..proxies import current_privacy
from ..services import audit
from ..services import erasure
from ..services.tenants import enabled_tenants
from ..services.tenants import settings_of
from .lifecycle import Progress
from .lifecycle import run_tracked

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

log = logging.getLogger(__name__)

#: A batch reports its progress (and commits its counts) after this many persons,
#: or after a person when its last committed sign of life is older than
#: :data:`BATCH_BEAT` (a person whose erasure failed late rolled it back).
BATCH_PROGRESS_EVERY = 20
BATCH_BEAT = dt.timedelta(minutes=1)

__all__ = [
    "erase_batch_job",
    "erase_job",
    "purpose_review_job",
    "redaction_text",
    "retention_run_job",
]


def redaction_text(scope: TenantScope) -> str:
    """The text ``redact`` writes, in the tenant's language."""
    with force_locale(settings_of(scope).language):
        return str(gettext("[erased]"))


def erase_job(tenant: str, erasure_id: int) -> dict[str, int] | None:
    """Run the queued erasure *erasure_id* of *tenant*; commit. Returns counts of
    what it did (``already`` 1: the person was erased before), or None when the
    job was not queued. Never values: an rq result is kept in Redis."""
    scope = current_privacy.scope(tenant)
    return _erase(scope, erasure_id, redaction_text(scope))


def _erase(
    scope: TenantScope,
    erasure_id: int,
    redaction: str,
    *,
    batch: ErasureBatch | None = None,
) -> dict[str, int] | None:
    """One erasure in its own transaction; a failure marks its request failed
    and is raised. In a *batch* its start commits with its work, and its reports
    are the batch's heartbeat too."""

    def work(job: ErasureJob, progress: Progress) -> erasure.ErasureResult:
        return erasure.execute(
            scope, job, salt=new_salt(), redaction=redaction, progress=progress
        )

    try:
        result = run_tracked(
            scope,
            ErasureJob,
            erasure_id,
            work,
            commit_start=batch is None,
            parent=batch,
        )
    except Exception:
        erasure.record_failure(scope, erasure_id)
        scope.session.commit()
        raise
    if result is None:
        return None
    _clean_files(result)
    return {
        "already": int(result.already),
        "anonymised": result.anonymised,
        "deleted": result.deleted,
        "held": result.held,
    }


def erase_batch_job(tenant: str, batch_id: int) -> dict[str, int] | None:
    """Run every queued erasure of batch *batch_id*, each in a transaction of its
    own (a failed one leaves its person unchanged, its request failed, and the
    batch goes on); commit. Returns how many were erased and failed, or None when
    the batch was not queued."""
    scope = current_privacy.scope(tenant)
    redaction = redaction_text(scope)

    def work(batch: ErasureBatch, progress: Progress) -> dict[str, int]:
        ids = erasure.batch_jobs(scope, batch.id)
        erased = failed = 0
        beat = utcnow()  # the last heartbeat of the batch committed
        for done, erasure_id in enumerate(ids, 1):
            try:
                if _erase(scope, erasure_id, redaction, batch=batch) is not None:
                    beat = utcnow()  # the erasure's commit carried one
                erased += 1
            except Exception:  # noqa: BLE001 - its request says failed and why
                log.exception("erasure %s of batch %s failed", erasure_id, batch_id)
                failed += 1
            _let_go(scope, batch)
            quiet = utcnow() - beat > BATCH_BEAT
            if done % BATCH_PROGRESS_EVERY == 0 or done == len(ids) or quiet:
                batch.erased, batch.failed = erased, failed
                progress(done, len(ids))
                beat = utcnow()
        return {"erased": erased, "failed": failed}

    return run_tracked(scope, ErasureBatch, batch_id, work, commit_progress=True)


def _let_go(scope: TenantScope, keep: object) -> None:
    """Let go of every row an erasure of a batch loaded but the batch row *keep*
    (the session would otherwise hold, and expire at every commit, every person's
    rows): callers of a batch keep ids, not rows."""
    for row in list(scope.session.identity_map.values()):
        if row is not keep:
            scope.session.expunge(row)


def _clean_files(result: erasure.ErasureResult) -> None:
    state = current_privacy
    folder = pathlib.Path(state.export_dir)
    for name in result.files:
        (folder / name).unlink(missing_ok=True)
    forget = getattr(state.mailer, "forget", None)
    if forget is not None and result.addresses:
        forget(result.addresses)


def retention_run_job() -> int:
    """End every retention hold that is due, tenant by tenant; commit each
    tenant. Returns how many holds ended."""
    state = current_privacy
    ended = 0
    for tenant in erasure.due_tenants(state.session):
        scope = state.scope(tenant)
        try:
            done = erasure.finish_due(
                scope, salt=new_salt(), redaction=redaction_text(scope)
            )
            scope.session.commit()
        except Exception:
            scope.session.rollback()
            log.exception("retention run of tenant %s failed", tenant)
            raise
        ended += len(done)
    return ended


def purpose_review_job() -> int:
    """Propose, in every tenant the module is on for, the persons kept past their
    purpose (one review each); commit each tenant, and start the batch of a
    tenant that approves automatically. Returns how many reviews were made."""
    state = current_privacy
    made = 0
    if not any(s.purpose for s in state.registry.person_sources()):
        return made
    for tenant in enabled_tenants(state.session):
        scope = state.scope(tenant)
        try:
            review, batch = erasure.propose_review(scope, audit.SYSTEM)
            scope.session.commit()
        except Exception:
            scope.session.rollback()
            log.exception("purpose review of tenant %s failed", tenant)
            raise
        if review is not None:
            made += 1
        if batch is not None:
            state.jobs.enqueue("erase_batch", tenant=tenant, batch_id=batch.id)
    return made
