"""An officer's decisions on suggestions: accept, reject, accept all above a score.

Every decision takes the tenant's grouping lock
(:data:`~tenant_privacy.store.locks.GROUPING`), the one linking takes, so a
decision never interleaves with a scan saving its pairs or a record matched on
save. Flushes; the entry point commits.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from ...errors import InvalidInput
from ...errors import MergeConflict
from ...i18n import gettext
from ...models import MatchSuggestion
from ...models import MergeRecord
from ...models import utcnow
from ...store import locks
from ...store.locks import tenant_lock
from .. import audit
from .. import linking
from .preview import AcceptPlan
from .preview import plan_accept_above
from .suggestions import ACCEPTED
from .suggestions import PENDING
from .suggestions import REJECTED
from .suggestions import refs_of
from .suggestions import same_subject
from .suggestions import suggestion

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = [
    "accept",
    "accept_above",
    "check_score",
    "count_above",
    "plan_above",
    "reject",
    "reopen_for_merge",
]


def check_score(min_score: t.Any) -> float:
    """*min_score* as a float in [0, 1]; a decimal comma is accepted ("0,9").

    The one check of a minimum score, for pages, the CLI and jobs alike.

    :raises InvalidInput: if it is not a number in [0, 1].
    """
    try:
        value = float(str(min_score).strip().replace(",", "."))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(gettext("The minimum score must be a number.")) from exc
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise InvalidInput(gettext("The minimum score must lie between 0 and 1."))
    return value


def accept(
    scope: TenantScope, actor: str, suggestion_id: int | str
) -> MergeRecord | None:
    """Link the two records of a suggestion under one subject; mark it accepted.

    Returns the merge record, or None when the records already shared a subject.

    :raises NotFound: unknown suggestion in this tenant.
    :raises MergeConflict: the suggestion was already accepted.
    """
    tenant_lock(scope, locks.GROUPING)
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
    tenant_lock(scope, locks.GROUPING)
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
    :func:`~.preview.plan_accept_above`). Reads only.

    :raises InvalidInput: if *min_score* is not a number in [0, 1].
    """
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
    tenant_lock(scope, locks.GROUPING)
    rows = list(scope.session.scalars(_above(scope, min_score)))
    plan = plan_accept_above(scope, rows)
    accepted = set(plan.accept)
    for s in rows:
        if s.id not in accepted:
            continue
        a, b = refs_of(s)
        if not same_subject(scope, a, b):
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


def reopen_for_merge(scope: TenantScope, merge: MergeRecord) -> MatchSuggestion | None:
    """Set the suggestion a merge came from back to pending (after an undo).

    The session hook :mod:`tenant_privacy.hooks.automatch` calls this when it sees a
    merge row's ``undone_at`` being set (``linking.undo_merge`` does that), so an
    undone link comes back for review. Returns the re-opened suggestion, or None.
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
