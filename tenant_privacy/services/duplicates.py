"""Duplicates in a tenant: full scans, stored suggestions, incremental matching.

A *scan* reads every person record of one tenant, files each under hashed blocking
keys (:class:`~tenant_privacy.models.BlockingKey`), remembers a fingerprint of its
identity values as the host holds them (:class:`~tenant_privacy.models.MatchRecord`),
runs :func:`~tenant_privacy.matching.find_duplicates` and stores the pairs as
:class:`~tenant_privacy.models.MatchSuggestion` rows. A rejected pair stays rejected
until one of its two records changes (its fingerprint differs): a new version of
the matcher, which may normalise the same values differently, does not re-open it.

:func:`match_record` matches one new or changed registration against the stored
blocking keys without a rescan. Our tables hold hashes and ids only, never personal
values. Everything goes through a :class:`~tenant_privacy.store.scope.TenantScope`,
so records of two tenants are never compared.

Library functions flush and never commit; the job entry points commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

import sqlalchemy as sa
from sqlalchemy import orm

from .. import jobs
from .. import matching
from ..errors import InvalidInput
from ..errors import MergeConflict
from ..errors import ScanInProgress
from ..matching.blocking import MAX_BLOCK
from ..matching.blocking import block_limit
from ..models import BlockingKey
from ..models import MatchRecord
from ..models import MatchSuggestion
from ..models import MergeRecord
from ..models import ScanJob
from ..models import SubjectRecord
from ..models import utcnow
from ..store.locks import tenant_lock
from . import audit
from . import job_rows
from . import match_index as mi
from .match_index import fingerprint
from .match_index import key_hash

if t.TYPE_CHECKING:
    from ..registry import PersonSource
    from ..store.scope import TenantScope
    from .link_preview import AcceptPlan

log = logging.getLogger(__name__)

__all__ = [
    "ACCEPTED",
    "PENDING",
    "REJECTED",
    "accept",
    "accept_above",
    "check_score",
    "count_above",
    "fingerprint",
    "index_outdated",
    "key_hash",
    "last_finished_scan",
    "match_record",
    "match_record_job",
    "next_pending",
    "pending",
    "plan_above",
    "reject",
    "reopen_for_merge",
    "run_scan",
    "run_scan_job",
    "scan_phase",
    "start_scan",
]

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"

#: Records read, normalised and indexed per transaction of a scan.
SCAN_BATCH = 1000
#: The tenant lock under which suggestions change: the one linking takes, so that
#: a scan saving its pairs, a record matched on save and an officer's decision
#: never interleave (a lost decision, a pair inserted twice).
GROUPING_LOCK = "linking"
RecordRef = tuple[str, str]
ProgressFn = t.Callable[[int, int], None]


def _ordered(x: RecordRef, y: RecordRef) -> tuple[RecordRef, RecordRef, bool]:
    """``(a, b, swapped)`` with ``a < b``."""
    return (x, y, False) if x <= y else (y, x, True)


def _threshold() -> float | None:
    from ..config import config_value

    value = config_value("MATCH_THRESHOLD")
    return None if value is None else float(value)


# -- suggestions ----------------------------------------------------------------------
def _pair_key(s: MatchSuggestion) -> tuple[RecordRef, RecordRef]:
    return (s.a_source, s.a_id), (s.b_source, s.b_id)


def _store_pair(
    scope: TenantScope,
    pair: matching.MatchPair,
    prints: t.Mapping[RecordRef, str],
    existing: dict[tuple[RecordRef, RecordRef], MatchSuggestion],
) -> MatchSuggestion | None:
    """Create or refresh the suggestion of *pair*; None if it stays decided.

    A pending suggestion gets the new score; a rejected one is re-opened only when a
    fingerprint changed; an accepted one is re-opened when its records are no
    longer in one subject (the link was undone).
    """
    a, b, swapped = _ordered(mi.split_ref(pair.a), mi.split_ref(pair.b))
    fp_a, fp_b = prints[a], prints[b]
    row = existing.get((a, b))
    if row is None:
        row = MatchSuggestion(**_new_suggestion(scope.tenant, a, b, pair, prints))
        scope.session.add(row)
        existing[(a, b)] = row
        return row
    if (
        row.status == REJECTED
        and mi.same_record(scope, row.a_fingerprint, a, fp_a)
        and mi.same_record(scope, row.b_fingerprint, b, fp_b)
    ):
        # an earlier build's fingerprints are recognised once, then replaced
        row.a_fingerprint, row.b_fingerprint = fp_a, fp_b
        return None
    row.score = float(pair.score)
    row.evidence = dict(pair.evidence)
    row.a_fingerprint, row.b_fingerprint = fp_a, fp_b
    if row.status != PENDING:
        row.status = PENDING
        row.decided_at = None
        row.decided_by = None
    return row


def _new_suggestion(
    tenant: str,
    a: RecordRef,
    b: RecordRef,
    pair: matching.MatchPair,
    prints: t.Mapping[RecordRef, str],
) -> dict[str, t.Any]:
    """Column values of a pending suggestion of *pair* (refs ordered: a < b)."""
    return {
        "tenant_key": tenant,
        "a_source": a[0],
        "a_id": a[1],
        "b_source": b[0],
        "b_id": b[1],
        "score": float(pair.score),
        "evidence": dict(pair.evidence),
        "status": PENDING,
        "a_fingerprint": prints[a],
        "b_fingerprint": prints[b],
        "created_at": utcnow(),
    }


def _same_subject(scope: TenantScope, a: RecordRef, b: RecordRef) -> bool:
    la, lb = scope.link_of(a), scope.link_of(b)
    return la is not None and lb is not None and la.subject_id == lb.subject_id


# -- full scan ------------------------------------------------------------------------
def is_stale(scan: ScanJob) -> bool:
    """True when *scan* is queued or running but its job gave no sign of life.

    That is: no committed batch (heartbeat), or since it was queued none, for
    ``TENANT_PRIVACY_SCAN_STALE_MINUTES``; its worker died.
    """
    from ..config import config_value

    if scan.status not in ("queued", "running"):
        return False
    limit = dt.timedelta(minutes=float(config_value("SCAN_STALE_MINUTES")))
    return job_rows.age(scan.heartbeat_at or scan.created_at) > limit


def scan_phase(scan: ScanJob) -> str:
    """What *scan* is doing: "queued", "reading" (records are read, normalised
    and indexed: progress counts them), "comparing" (all read; pairs are scored
    and suggestions saved), "done", "failed", or "stale" (see :func:`is_stale`)."""
    if is_stale(scan):
        return "stale"
    if scan.status == "running":
        return "reading" if (scan.progress or 0) < (scan.total or 0) else "comparing"
    return str(scan.status)


def active_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's queued or running scan, if any; stale ones are marked failed.

    A stale scan (see :func:`is_stale`) gets the status "failed" and the error
    "stale" (the caller commits), so that a new scan can start.
    """
    stmt = (
        scope.select(ScanJob)
        .where(ScanJob.status.in_(("queued", "running")))
        .order_by(ScanJob.id.desc())
    )
    active: ScanJob | None = None
    for scan in scope.session.scalars(stmt):
        if is_stale(scan):
            scan.status = "failed"
            scan.error = "stale"
            scan.finished_at = utcnow()
            log.warning(
                "duplicate scan %s of tenant %s was stale", scan.id, scope.tenant
            )
        elif active is None:
            active = scan
    scope.session.flush()
    return active


def start_scan(scope: TenantScope, actor: str) -> ScanJob:
    """Create a queued scan of the tenant and audit it; the caller commits, then
    enqueues :func:`run_scan_job` with ``tenant=scope.tenant, scan_id=scan.id``.

    Raises :class:`~tenant_privacy.errors.ScanInProgress` while another scan of
    the tenant is queued or running (and not stale, see :func:`active_scan`).

    :param actor: the audit ref of who starts it (``"user:<id>"``).
    """
    tenant_lock(scope, "scan")  # two officers starting at once: one scan
    if active_scan(scope) is not None:
        raise ScanInProgress("a duplicate scan of this tenant is already running")
    scan = ScanJob(tenant_key=scope.tenant, status="queued", actor=actor)
    scope.session.add(scan)
    scope.session.flush()
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SCAN_STARTED,
        data={"scan": scan.id},
    )
    return scan


def enqueue_scan(scan: ScanJob) -> None:
    """Hand a committed scan to the job runner (inline or rq)."""
    jobs.enqueue(
        "tenant_privacy.services.duplicates.run_scan_job",
        tenant=scan.tenant_key,
        scan_id=scan.id,
    )


def _count(scope: TenantScope) -> int:
    total = 0
    for source in scope.registry.person_sources():
        stmt = sa.select(sa.func.count()).select_from(
            scope.source_select(source).subquery()
        )
        total += int(scope.session.scalar(stmt) or 0)
    return total


def _batches(scope: TenantScope, source: PersonSource) -> t.Iterator[list[t.Any]]:
    """Rows of *source* in id order, :data:`SCAN_BATCH` at a time (keyset paging)."""
    id_col = source.column(source.id_column)
    last: t.Any = None
    while True:
        stmt = mi.identity_select(scope, source).order_by(id_col).limit(SCAN_BATCH)
        if last is not None:
            stmt = stmt.where(id_col > last)
        rows = list(scope.session.scalars(stmt))
        if not rows:
            return
        last = getattr(rows[-1], source.id_column)
        yield rows
        if len(rows) < SCAN_BATCH:
            return


def run_scan(
    scope: TenantScope,
    scan: ScanJob,
    *,
    commit: bool = True,
    progress: ProgressFn | None = None,
) -> int:
    """Run *scan* over every person record of the tenant; return the suggestion count.

    With *commit* (the job's default) each batch of the index is committed and the
    scan's progress with it, so a page polling the scan sees it advance.
    """
    session = scope.session
    tenant = scope.tenant
    region = mi.tenant_region(scope)
    scan.status = "running"
    scan.keys_version = matching.KEYS_VERSION
    scan.total = _count(scope)
    scan.progress = 0
    for model in (BlockingKey, MatchRecord):
        session.execute(sa.delete(model).where(model.tenant_key == tenant))
    _checkpoint(session, commit, scan)
    nrs: list[matching.NormalizedRecord] = []
    prints: dict[RecordRef, str] = {}
    for source in scope.registry.person_sources():
        for rows in _batches(scope, source):
            batch = [mi.read_row(scope, source, row, region) for row in rows]
            prints.update(mi.write_index(scope, batch))
            nrs.extend(read.nr for read in batch)
            scan.progress = min(len(nrs), scan.total)
            _checkpoint(session, commit, scan)
            if progress is not None:
                progress(scan.progress, scan.total)
    result = matching.scan_duplicates(nrs, threshold=_threshold())
    pairs = result.pairs
    scan.household_rate = result.household_rate
    del nrs
    stored = _store_scan_pairs(scope, pairs, prints)
    scan.status = "done"
    scan.progress = scan.total
    scan.suggestions = stored
    scan.finished_at = utcnow()
    audit.record(
        session,
        tenant,
        scan.actor,
        audit.Action.SCAN_FINISHED,
        data={"scan": scan.id, "records": scan.total, "suggestions": stored},
    )
    session.flush()
    return stored


def _checkpoint(session: orm.Session, commit: bool, scan: ScanJob) -> None:
    scan.heartbeat_at = utcnow()
    if commit:
        session.commit()
    else:
        session.flush()


def _store_scan_pairs(
    scope: TenantScope,
    pairs: t.Sequence[matching.MatchPair],
    prints: t.Mapping[RecordRef, str],
) -> int:
    """Upsert the scan's pairs; drop pending ones it no longer finds; return pending."""
    session = scope.session
    tenant_lock(scope, GROUPING_LOCK)
    existing = {_pair_key(s): s for s in session.scalars(scope.select(MatchSuggestion))}
    subjects = {
        link.ref: link.subject_id
        for link in session.scalars(scope.select(SubjectRecord))
    }
    kept: set[MatchSuggestion] = set()
    new_rows: list[dict[str, t.Any]] = []
    for pair in pairs:
        a, b, _ = _ordered(mi.split_ref(pair.a), mi.split_ref(pair.b))
        if a in subjects and subjects.get(a) == subjects.get(b):
            continue
        if (a, b) in existing:
            row = _store_pair(scope, pair, prints, existing)
            if row is not None:
                kept.add(row)
            continue
        # a pair never suggested before: one bulk insert below, no ORM object
        new_rows.append(_new_suggestion(scope.tenant, a, b, pair, prints))
    for row in list(existing.values()):
        if row.status == PENDING and row not in kept:
            session.delete(row)
    session.flush()
    _insert_new_suggestions(session, new_rows)
    return len(kept) + len(new_rows)


def _insert_new_suggestions(session: orm.Session, rows: list[dict[str, t.Any]]) -> None:
    """Insert suggestion rows never stored before, in one statement."""
    if rows:
        session.execute(sa.insert(MatchSuggestion.__table__), rows)


def run_scan_job(tenant: str, scan_id: int) -> int:
    """Job entry point: run the scan *scan_id* of *tenant* and commit.

    Idempotent: a scan that is running, done or failed is not run again (start a
    new one). A failure marks the scan failed with the error's class name (no
    personal data) and re-raises.
    """
    from ..proxies import current_privacy

    scope = current_privacy.scope(tenant)
    session = scope.session
    scan = scope.get(ScanJob, id=int(scan_id))
    if scan.status in ("done", "running", "failed"):
        return scan.suggestions
    try:
        stored = run_scan(scope, scan, commit=True)
        session.commit()
        return stored
    except Exception as exc:
        session.rollback()
        job_rows.mark_failed(scope, ScanJob, scan_id, exc)
        session.commit()
        raise


def tenant_has_households(scope: TenantScope) -> bool:
    """How incremental matching reads the tenant: as its last finished scan measured.

    False only when the newest finished scan found the data household-free
    (see :mod:`tenant_privacy.matching.households`); without a scan, True (the
    strict reading that keeps relatives apart).
    """
    scan = last_finished_scan(scope)
    if scan is None or scan.household_rate is None:
        return True
    return scan.household_rate >= matching.HOUSEHOLD_FREE_RATE


def last_finished_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's newest scan that finished ("done"), or None."""
    stmt = (
        scope.select(ScanJob)
        .filter_by(status="done")
        .order_by(ScanJob.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def index_outdated(scope: TenantScope) -> bool:
    """True when the tenant's stored blocking keys are of an older matcher version.

    The keys were written by the last finished scan; after an upgrade that
    changed them (:data:`tenant_privacy.matching.KEYS_VERSION`), a record saved
    now misses candidates filed under the old keys until the tenant is scanned
    again. False for a tenant never scanned.
    """
    scan = last_finished_scan(scope)
    return scan is not None and scan.keys_version != matching.KEYS_VERSION


def latest_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's most recent scan, or None."""
    stmt = scope.select(ScanJob).order_by(ScanJob.id.desc()).limit(1)
    return scope.session.scalars(stmt).first()


# -- incremental ----------------------------------------------------------------------
def match_record(
    scope: TenantScope, source_key: str, record_id: str
) -> list[MatchSuggestion]:
    """Match one new or changed registration against the tenant's stored keys.

    Replaces the record's blocking keys and fingerprint, scores it against the
    stored records sharing most keys with it (at most
    :data:`~.match_index.MAX_CANDIDATES`) and upserts the suggestions. A record
    that no longer exists is forgotten and its pending suggestions dropped.
    Returns the record's pending suggestions, best first.
    """
    session = scope.session
    tenant_lock(scope, GROUPING_LOCK)
    ref: RecordRef = (source_key, str(record_id))
    indexed = mi.forget(scope, ref)
    row = mi.fetch(scope, ref)
    # a record never indexed has no suggestions yet: skip the look-up
    mine = mi.suggestions_of(scope, ref) if indexed else []
    if row is None:
        for s in mine:
            if s.status == PENDING:
                session.delete(s)
        session.flush()
        return []
    region = mi.tenant_region(scope)
    read = mi.read_row(scope, scope.person_source(source_key), row, region)
    prints = mi.write_index(scope, [read])
    keys = mi.key_hashes(scope.tenant, read.nr)
    candidates = mi.candidate_refs(scope, ref, keys, limits=name_block_limits(keys))
    cand_reads = mi.read_refs(scope, candidates, region)
    pairs = matching.match_one(
        read.nr,
        [c.nr for c in cand_reads],
        threshold=_threshold(),
        households=tenant_has_households(scope),
    )
    prints.update({mi.split_ref(c.nr.id): c.fingerprint for c in cand_reads})
    existing = {_pair_key(s): s for s in mine}
    kept: list[MatchSuggestion] = []
    for pair in pairs:
        other = mi.split_ref(pair.b)
        if _same_subject(scope, ref, other):
            continue
        a, b, _ = _ordered(ref, other)
        if (a, b) not in existing:
            found = session.scalars(
                scope.select(MatchSuggestion).filter_by(
                    a_source=a[0], a_id=a[1], b_source=b[0], b_id=b[1]
                )
            ).first()
            if found is not None:
                existing[(a, b)] = found
        stored = _store_pair(scope, pair, prints, existing)
        if stored is not None:
            kept.append(stored)
    for s in mine:
        if s.status == PENDING and s not in kept:
            session.delete(s)
    session.flush()
    return sorted(kept, key=lambda s: -s.score)


def name_block_limits(keys: t.Mapping[str, str]) -> dict[str, int]:
    """Limits of the name blocks among *keys* (hash → key), as a full scan applies.

    Only name keys are capped: a full scan splits any other oversized block by
    name prefix, which ranking the candidates by shared keys approximates.
    """
    limits = {h: block_limit(key) for h, key in keys.items()}
    return {h: limit for h, limit in limits.items() if limit < MAX_BLOCK}


def match_record_job(tenant: str, source_key: str, record_id: str) -> int:
    """Job entry point of :func:`match_record`; commits. No-op where the module is off.

    Returns the number of pending suggestions of the record.
    """
    from ..proxies import current_privacy
    from .tenants import is_enabled

    session = current_privacy.session
    if not is_enabled(session, tenant):
        return 0
    found = match_record(current_privacy.scope(tenant), source_key, str(record_id))
    session.commit()
    return len(found)


# -- review decisions -----------------------------------------------------------------
def suggestion(scope: TenantScope, suggestion_id: int | str) -> MatchSuggestion:
    """The suggestion *suggestion_id* of this tenant.

    :raises NotFound: if there is none here (also for another tenant's id).
    """
    return scope.by_id(MatchSuggestion, suggestion_id, "suggestion")


def refs_of(s: MatchSuggestion) -> tuple[RecordRef, RecordRef]:
    """The two record refs of a suggestion."""
    return (s.a_source, s.a_id), (s.b_source, s.b_id)


def accept(
    scope: TenantScope, actor: str, suggestion_id: int | str
) -> MergeRecord | None:
    """Link the two records of a suggestion under one subject; mark it accepted.

    Returns the merge record, or None when the records already shared a subject.

    :raises NotFound: unknown suggestion in this tenant.
    :raises MergeConflict: the suggestion was already accepted.
    """
    from . import linking

    tenant_lock(scope, GROUPING_LOCK)
    s = suggestion(scope, suggestion_id)
    if s.status == ACCEPTED:
        raise MergeConflict(f"suggestion {s.id} is already accepted")
    merge = linking.link_records(
        scope,
        actor,
        list(refs_of(s)),
        score=s.score,
        evidence=dict(s.evidence or {}),
        suggestion_id=s.id,
    )
    _decide(s, ACCEPTED, actor)
    scope.session.flush()
    return merge


def _decide(s: MatchSuggestion, status: str, actor: str) -> None:
    s.status = status
    s.decided_at = utcnow()
    s.decided_by = actor


def reject(scope: TenantScope, actor: str, suggestion_id: int | str) -> MatchSuggestion:
    """Mark a suggestion rejected: it will not come back unless a record changes.

    :raises NotFound: unknown suggestion in this tenant.
    :raises MergeConflict: the suggestion was already accepted (undo the link first).
    """
    tenant_lock(scope, GROUPING_LOCK)
    s = suggestion(scope, suggestion_id)
    if s.status == ACCEPTED:
        raise MergeConflict(f"suggestion {s.id} is accepted; undo the link first")
    _decide(s, REJECTED, actor)
    scope.session.flush()
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SUGGESTION_REJECTED,
        record_refs=list(refs_of(s)),
        data={"suggestion": s.id},
    )
    return s


def check_score(min_score: float) -> float:
    """*min_score* as a float in [0, 1].

    :raises InvalidInput: if it is not a number in [0, 1].
    """
    try:
        value = float(min_score)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("the minimum score must be a number") from exc
    if not 0.0 <= value <= 1.0:
        raise InvalidInput("the minimum score must lie between 0 and 1")
    return value


def _above(scope: TenantScope, min_score: float) -> sa.Select[tuple[MatchSuggestion]]:
    return (
        scope.select(MatchSuggestion)
        .where(
            MatchSuggestion.status == PENDING,
            MatchSuggestion.score >= check_score(min_score),
        )
        .order_by(MatchSuggestion.score.desc(), MatchSuggestion.id)
    )


def count_above(scope: TenantScope, min_score: float) -> int:
    """How many pending suggestions score at least *min_score*.

    :raises InvalidInput: if *min_score* is not a number in [0, 1].
    """
    stmt = sa.select(sa.func.count()).select_from(_above(scope, min_score).subquery())
    return int(scope.session.scalar(stmt) or 0)


def plan_above(scope: TenantScope, min_score: float) -> AcceptPlan:
    """What :func:`accept_above` would do now: the suggestions it would link and
    those it would leave pending for review (see
    :func:`~.link_preview.plan_accept_above`). Reads only.

    :raises InvalidInput: if *min_score* is not a number in [0, 1].
    """
    from .link_preview import plan_accept_above

    return plan_accept_above(
        scope, list(scope.session.scalars(_above(scope, min_score)))
    )


def accept_above(scope: TenantScope, actor: str, min_score: float) -> AcceptPlan:
    """Accept every pending suggestion scoring at least *min_score*, best first,
    except those that would join records that clearly differ in who they are.

    Those stay pending, for a person to decide on the review page, which shows the
    difference: a bulk accept never chains a father and his namesake son into one
    person through a registration matching both. All of it happens in the
    caller's one transaction: if one link fails, the caller rolls back and nothing
    is linked. A pair whose records an earlier accept in the same run already put
    together is marked accepted without a second link. Returns the plan carried
    out (``accept``: the suggestions accepted; ``hold``: those left pending).

    :raises InvalidInput: if *min_score* is not a number in [0, 1].
    """
    from . import linking
    from .link_preview import plan_accept_above

    tenant_lock(scope, GROUPING_LOCK)
    rows = list(scope.session.scalars(_above(scope, min_score)))
    plan = plan_accept_above(scope, rows)
    accepted = set(plan.accept)
    for s in rows:
        if s.id not in accepted:
            continue
        a, b = refs_of(s)
        if not _same_subject(scope, a, b):
            linking.link_records(
                scope,
                actor,
                [a, b],
                score=s.score,
                evidence=dict(s.evidence or {}),
                suggestion_id=s.id,
            )
        _decide(s, ACCEPTED, actor)
        scope.session.flush()
    return plan


def pending(
    scope: TenantScope, page: int = 1, per_page: int = 25
) -> tuple[list[MatchSuggestion], int]:
    """One page of pending suggestions, best first, and the total count.

    :raises InvalidInput: if *page* or *per_page* is below 1.
    """
    if page < 1 or per_page < 1:
        raise InvalidInput("page and page size must be positive")
    base = scope.select(MatchSuggestion).where(MatchSuggestion.status == PENDING)
    total = int(
        scope.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        or 0
    )
    stmt = (
        base.order_by(MatchSuggestion.score.desc(), MatchSuggestion.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(scope.session.scalars(stmt)), total


def next_pending(
    scope: TenantScope, current: MatchSuggestion
) -> MatchSuggestion | None:
    """The pending suggestion after *current* in the list's order, for a reviewer
    going through them one by one.

    The order is that of :func:`pending` (best first, then by id); past the last
    one it starts again at the top. *current* itself is never returned, so a
    reviewer who skips a suggestion moves on. None when no other is pending.
    """
    base = scope.select(MatchSuggestion).where(
        MatchSuggestion.status == PENDING, MatchSuggestion.id != current.id
    )
    order = (MatchSuggestion.score.desc(), MatchSuggestion.id)
    after = sa.or_(
        MatchSuggestion.score < current.score,
        sa.and_(
            MatchSuggestion.score == current.score, MatchSuggestion.id > current.id
        ),
    )
    for stmt in (base.where(after), base):
        found = scope.session.scalars(stmt.order_by(*order).limit(1)).first()
        if found is not None:
            return found
    return None


def reopen_for_merge(scope: TenantScope, merge: MergeRecord) -> MatchSuggestion | None:
    """Set the suggestion a merge came from back to pending (after an undo).

    ``linking.undo_merge`` calls this; :mod:`.autowatch` also calls it when it sees a
    merge row's ``undone_at`` being set, so either way an undone link comes back for
    review. Returns the re-opened suggestion, or None.
    """
    if merge.tenant_key != scope.tenant or merge.suggestion_id is None:
        return None
    s = scope.session.scalars(
        scope.select(MatchSuggestion).filter_by(id=merge.suggestion_id)
    ).first()
    if s is None or s.status != ACCEPTED:
        return None
    s.status = PENDING
    s.decided_at = None
    s.decided_by = None
    return s
