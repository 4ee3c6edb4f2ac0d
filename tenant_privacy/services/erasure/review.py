"""Purpose reviews: the persons kept past their purpose, proposed as one batch,
approved by an officer (who may keep some, with a reason) or automatically, and
erased through the same pipeline as any erasure: one request per person in the
register, one ``erase_batch`` job.

Nothing is erased without an approval or the tenant's automatic approval. Before
erasing, approval checks each person again: one with a registration back within
its purpose (new activity since the review) is kept whole.
"""

from __future__ import annotations

import datetime as dt
import typing as t

import sqlalchemy as sa

from ...errors import InvalidInput
from ...i18n import gettext
from ...models import ErasureBatch
from ...models import PrivacyRequest
from ...models import PurposeReview
from ...models import PurposeReviewItem
from ...models import utcnow
from .. import audit
from .. import requests
from ..tenants import settings_of
from .batch import request_erasures
from .purpose import past_subjects

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = [
    "APPROVED",
    "PROPOSED",
    "approve_review",
    "open_reviews",
    "pending_review",
    "propose_review",
    "review_items",
]

PROPOSED = "proposed"
APPROVED = "approved"
#: Most characters of an officer's reason for keeping a person.
REASON_MAX = 500


def _busy_subjects(scope: TenantScope) -> set[int]:
    """Subjects already in a proposed review or with an open erasure request."""
    in_review = (
        sa.select(PurposeReviewItem.subject_id)
        .join(PurposeReview, PurposeReview.id == PurposeReviewItem.review_id)
        .where(
            PurposeReview.tenant_key == scope.tenant, PurposeReview.state == PROPOSED
        )
    )
    open_erasure = scope.select(PrivacyRequest).where(
        PrivacyRequest.kind == requests.ERASURE,
        PrivacyRequest.state.in_(requests.OPEN),
    )
    busy = {int(i) for i in scope.session.scalars(in_review)}
    busy |= {
        int(r.subject_id) for r in scope.session.scalars(open_erasure) if r.subject_id
    }
    return busy


def propose_review(
    scope: TenantScope, actor: str, now: dt.datetime | None = None
) -> tuple[PurposeReview | None, ErasureBatch | None]:
    """Propose every person kept past their purpose (not in an open review or
    erasure already) as one review, the reason per person; audited (ids and a
    count). With the tenant's automatic approval it is approved at once and the
    batch returned. ``(None, None)`` when nobody is past their purpose. Flushes;
    the caller commits, then hands a batch to the runner (job ``erase_batch``)."""
    found = past_subjects(scope, now)
    busy = _busy_subjects(scope)
    found = {sid: items for sid, items in found.items() if sid not in busy}
    if not found:
        return None, None
    review = PurposeReview(tenant_key=scope.tenant, state=PROPOSED, created_at=utcnow())
    scope.session.add(review)
    scope.session.flush()
    scope.session.execute(  # one executemany: a review may hold 100,000
        sa.insert(PurposeReviewItem),
        [
            {
                "tenant_key": scope.tenant,
                "review_id": review.id,
                "subject_id": subject_id,
                "reasons": [p.as_reason() for p in found[subject_id]],
                "excluded": False,
            }
            for subject_id in sorted(found)
        ],
    )
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.PURPOSE_REVIEW_PROPOSED,
        data={"review": review.id, "persons": len(found)},
    )
    scope.session.flush()
    if settings_of(scope).auto_approve_review:
        return review, approve_review(scope, audit.SYSTEM, review.id, {}, now=now)
    return review, None


def review_items(scope: TenantScope, review_id: int) -> list[PurposeReviewItem]:
    """The persons of review *review_id*, by subject id."""
    stmt = (
        scope.select(PurposeReviewItem)
        .where(PurposeReviewItem.review_id == review_id)
        .order_by(PurposeReviewItem.subject_id)
    )
    return list(scope.session.scalars(stmt))


def open_reviews(scope: TenantScope, limit: int = 50) -> list[PurposeReview]:
    """The tenant's reviews, proposed ones first, newest first."""
    stmt = (
        scope.select(PurposeReview)
        .order_by(PurposeReview.state != PROPOSED, PurposeReview.id.desc())
        .limit(limit)
    )
    return list(scope.session.scalars(stmt))


def pending_review(scope: TenantScope) -> PurposeReview | None:
    """The tenant's newest review still waiting for approval, or None."""
    stmt = (
        scope.select(PurposeReview)
        .where(PurposeReview.state == PROPOSED)
        .order_by(PurposeReview.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def approve_review(
    scope: TenantScope,
    actor: str,
    review_id: int | str,
    excluded: t.Mapping[int, str],
    *,
    now: dt.datetime | None = None,
) -> ErasureBatch | None:
    """Approve review *review_id*: keep the persons *excluded* (item id ->
    the officer's reason), and those back within their purpose since; register
    an erasure request for each of the others and queue them as one batch;
    audited. Flushes; the caller commits, then hands the batch to the runner.
    Returns the batch, or None when nobody is left to erase.

    :raises NotFound: no such review in this tenant.
    :raises InvalidInput: the review was decided already, an exclusion names no
        person of it, or has no reason (nothing is changed).
    """
    review = scope.by_id(PurposeReview, review_id, "review")
    if review.state != PROPOSED:
        raise InvalidInput(gettext("This review was decided already."))
    items = review_items(scope, review.id)
    by_id = {item.id: item for item in items}
    for item_id, reason in excluded.items():
        reason = (reason or "").strip()
        if item_id not in by_id:
            raise InvalidInput(gettext("That person is not part of this review."))
        if not reason or len(reason) > REASON_MAX:
            raise InvalidInput(
                gettext("Say why the person is kept (at most 500 characters).")
            )
        by_id[item_id].excluded = True
        by_id[item_id].exclusion_reason = reason
    todo = [i for i in items if not i.excluded]
    still = past_subjects(scope, now, among=[i.subject_id for i in todo])
    for item in todo:
        if item.subject_id not in still:
            item.excluded = True
            item.exclusion_reason = str(gettext("Back within its purpose."))
    erase = [i for i in todo if not i.excluded]
    batch, made = None, {}
    if erase:
        batch, made = request_erasures(
            scope, actor, [i.subject_id for i in erase], channel="purpose"
        )
    for item in erase:
        request = made.get(item.subject_id)
        item.request_id = request.id if request is not None else None
    review.state = APPROVED
    review.decided_by = actor
    review.decided_at = utcnow()
    review.batch_id = batch.id if batch is not None else None
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.PURPOSE_REVIEW_APPROVED,
        data={
            "review": review.id,
            "persons": len(made),
            "excluded": len(items) - len(made),
            "batch": review.batch_id or 0,
        },
    )
    scope.session.flush()
    return batch
