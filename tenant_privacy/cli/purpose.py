"""``privacy retention review`` and ``privacy retention purpose``: the persons kept
past their purpose, proposed for an officer's approval, and the tenant's periods."""

from __future__ import annotations

import click

from ..errors import InvalidInput
from ..i18n import gettext
from ..proxies import current_privacy
from ..services import erasure
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option
from .erasure import retention_group
from .subjects import ACTOR


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
    if batch is None:
        click.echo(gettext("approve it on the review page to erase them"))
        return
    current_privacy.jobs.enqueue("erase_batch", tenant=tenant, batch_id=batch.id)
    click.echo(gettext("approved automatically: erasure batch %(id)s", id=batch.id))


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


__all__ = ["retention_purpose", "retention_review"]
