"""``privacy retention review`` and ``privacy retention purpose``: the persons kept
past their purpose, proposed for an officer's approval, and the tenant's periods."""

from __future__ import annotations

import sys
import typing as t

import click

from ..errors import InvalidInput
from ..errors import NotFound
from ..i18n import gettext
from ..jobs.lifecycle import failure_reason
from ..models import ErasureBatch
from ..models import JobStatus
from ..models import PurposeReview
from ..models import PurposeReviewItem
from ..proxies import current_privacy
from ..services import erasure
from ..services.erasure.review import PROPOSED
from ..services.erasure.review import REASON_MAX
from .common import EMAIL
from .common import EXIT_NOT_FOUND
from .common import ID
from .common import Text
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option
from .erasure import retention_group
from .subjects import ACTOR
from .subjects import resolve_owners

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope


def _print_item(item: PurposeReviewItem, kept: bool = False) -> None:
    """One person of a review: its subject id and why each registration is
    proposed (refs, months and dates only)."""
    if kept:
        click.echo(gettext("  subject %(id)s (kept):", id=item.subject_id))
    else:
        click.echo(gettext("  subject %(id)s:", id=item.subject_id))
    for source_key, record_id, months, last in item.reasons:
        click.echo(
            "    "
            + gettext(
                "%(ref)s: no activity since %(date)s (kept %(months)s months)",
                ref=f"{source_key}:{record_id}",
                date=last,
                months=months,
            )
        )


@retention_group.command("review")
@tenant_option
@yes_option
def retention_review(tenant: str, yes: bool) -> None:
    """Propose, as one batch, every person whose every registration is kept
    past its purpose; an officer approves it on the review page (or the tenant
    approves automatically)."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    confirm(
        yes, gettext("Look for persons kept past their purpose in %(t)s?", t=tenant)
    )
    review, batch = erasure.propose_review(scope, ACTOR)
    scope.session.commit()
    if review is None:
        click.echo(gettext("nobody is kept past their purpose"))
        return
    click.echo(gettext("review %(id)s:", id=review.id))
    for item in erasure.review_items(scope, review.id):
        _print_item(item)
    if batch is None:
        click.echo(gettext("approve it on the review page to erase them"))
        return
    click.echo(gettext("approved automatically: erasure batch %(id)s", id=batch.id))
    _run_batch(scope, batch.id)


def _review_to_approve(scope: TenantScope, review_id: int | None) -> PurposeReview:
    """Review *review_id* of this tenant, or its newest one waiting for approval;
    exit 2 for a review it does not have, 0 when none is waiting."""
    if review_id is None:
        review = erasure.pending_review(scope)
        if review is None:
            click.echo(
                gettext(
                    "no review of %(tenant)s is waiting for approval; nothing "
                    "changed (propose one with: privacy retention review)",
                    tenant=scope.tenant,
                )
            )
            sys.exit(0)
        return review
    try:
        return scope.by_id(PurposeReview, review_id, "review")
    except NotFound:
        fail(
            gettext(
                "no review %(id)s in tenant %(tenant)s; nothing changed",
                id=review_id,
                tenant=scope.tenant,
            ),
            EXIT_NOT_FOUND,
        )


def _excluded_items(
    scope: TenantScope,
    review: PurposeReview,
    items: list[PurposeReviewItem],
    emails: tuple[str, ...],
    all_: bool,
) -> set[int]:
    """Ids of the items of the persons with *emails* (``--email`` rules: exit 2
    for an address nobody, or nobody in the review, has; 3 when ambiguous).
    Reads only: a registration with no subject is in no review."""
    by_subject = {item.subject_id: item.id for item in items}
    kept: set[int] = set()
    for email in emails:
        owners = resolve_owners(scope, email, all_)
        found = [by_subject[o.subject_id] for o in owners if o.subject_id in by_subject]
        if not found:
            fail(
                gettext(
                    "a person given to --exclude-email is not part of review "
                    "%(id)s; nothing changed",
                    id=review.id,
                ),
                EXIT_NOT_FOUND,
            )
        kept.update(found)
    return kept


@retention_group.command("approve")
@tenant_option
@click.option(
    "--review",
    "review_id",
    type=ID,
    default=None,
    help="The review to approve (default: the newest waiting for approval).",
)
@click.option(
    "--exclude-email",
    "emails",
    type=EMAIL,
    multiple=True,
    metavar="ADDRESS",
    help="Keep the person with this email address (repeatable).",
)
@click.option(
    "--all",
    "all_",
    is_flag=True,
    help="Keep every person having an --exclude-email address.",
)
@click.option(
    "--reason", type=Text(REASON_MAX), help="Why the excluded persons are kept."
)
@yes_option
def retention_approve(
    tenant: str,
    review_id: int | None,
    emails: tuple[str, ...],
    all_: bool,
    reason: str | None,
    yes: bool,
) -> None:
    """Approve a purpose review as the officer's review page does: erase every
    person of it not kept, one erasure request each, as one batch."""
    if emails and not reason:
        raise click.UsageError(gettext("--exclude-email needs --reason"))
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    review = _review_to_approve(scope, review_id)
    if review.state != PROPOSED:
        decided = gettext("This review was decided already.")
        fail(gettext("%(error)s; nothing changed", error=decided))
    items = erasure.review_items(scope, review.id)
    kept = _excluded_items(scope, review, items, emails, all_)
    click.echo(gettext("review %(id)s:", id=review.id))
    for item in items:
        _print_item(item, kept=item.id in kept)
    confirm(
        yes,
        gettext(
            "Erase %(count)s person(s) of review %(id)s in %(tenant)s and keep "
            "%(kept)s? This cannot be undone.",
            count=len(items) - len(kept),
            id=review.id,
            tenant=tenant,
            kept=len(kept),
        ),
    )
    try:
        batch = erasure.approve_review(
            scope, ACTOR, review.id, dict.fromkeys(kept, reason or "")
        )
    except InvalidInput as exc:
        scope.session.rollback()
        fail(gettext("%(error)s; nothing changed", error=exc))
    scope.session.commit()
    to_erase = batch.total if batch is not None else 0
    click.echo(
        gettext(
            "approved review %(id)s: %(num)s to erase, %(excluded)s kept",
            id=review.id,
            num=to_erase,
            excluded=len(items) - to_erase,
        )
    )
    if batch is not None:
        _run_batch(scope, batch.id)


def _run_batch(scope: TenantScope, batch_id: int) -> None:
    """Hand erasure batch *batch_id* to the job runner and say how it went (exit
    1 when it, or the erasure of anyone in it, failed)."""
    try:
        current_privacy.jobs.enqueue(
            "erase_batch", tenant=scope.tenant, batch_id=batch_id
        )
    except Exception:  # noqa: BLE001 - the batch row says failed and why
        scope.session.rollback()
    row = scope.get(ErasureBatch, id=batch_id)
    if row.status == JobStatus.FAILED.value:
        fail(
            gettext(
                "erasure batch %(id)s failed: %(reason)s",
                id=batch_id,
                reason=failure_reason(row),
            )
        )
    if row.status != JobStatus.DONE.value:
        click.echo(gettext("erasure batch %(id)s queued", id=batch_id))
        return
    click.echo(
        gettext(
            "erasure batch %(id)s: %(erased)s erased, %(failed)s failed (the "
            "requests say why)",
            id=batch_id,
            erased=row.erased,
            failed=row.failed,
        )
    )
    if row.failed:
        sys.exit(1)


@retention_group.command("purpose")
@tenant_option
@click.option(
    "--months",
    "months",
    multiple=True,
    metavar="SOURCE=MONTHS",
    help="The tenant's period of a source (within the host's bounds).",
)
@click.option(
    "--auto-approve/--no-auto-approve",
    default=None,
    help="Approve purpose reviews without an officer.",
)
@yes_option
def retention_purpose(
    tenant: str, months: tuple[str, ...], auto_approve: bool | None, yes: bool
) -> None:
    """Show or set how long each source keeps its persons for its purpose."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    chosen: dict[str, str] = {}
    for item in months:
        key, sep, value = item.partition("=")
        if not sep:
            fail(gettext("give --months as SOURCE=MONTHS"), 2)
        chosen[key.strip()] = value
    if chosen or auto_approve is not None:
        confirm(yes, gettext("Change how long %(t)s keeps data?", t=tenant))
        try:
            erasure.set_purpose_settings(scope, ACTOR, chosen, auto_approve)
        except InvalidInput as exc:
            scope.session.rollback()
            fail(str(exc), 2)
        scope.session.commit()
    periods = erasure.periods(scope)
    for source in erasure.purpose_sources(scope):
        low, high = source.purpose.bounds if source.purpose else (0, 0)
        click.echo(
            gettext(
                "%(source)s: %(months)s months (%(low)s to %(high)s)",
                source=source.key,
                months=periods[source.key],
                low=low,
                high=high,
            )
        )
    auto = erasure.auto_approves(scope)
    click.echo(
        gettext("automatic approval: on")
        if auto
        else gettext("automatic approval: off")
    )


__all__ = ["retention_approve", "retention_purpose", "retention_review"]
