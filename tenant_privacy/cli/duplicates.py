"""``privacy duplicates scan|list|accept|reject --tenant T``."""

from __future__ import annotations

import click

from ..errors import InvalidInput
from ..errors import MergeConflict
from ..errors import NotFound
from ..errors import ScanInProgress
from ..i18n import gettext
from ..jobs.duplicates import scan_job
from ..proxies import current_privacy
from ..services import duplicates
from ..services.tenants import enabled_tenants
from . import privacy_cli
from .common import EXIT_NOT_FOUND
from .common import ID
from .common import confirm
from .common import fail
from .common import progress_bar
from .common import require_tenant
from .common import tenant_option
from .common import yes_option

OPERATOR = "operator"


@privacy_cli.group("duplicates")
def duplicates_group() -> None:
    """Find, list and decide duplicate registrations of a tenant."""


@duplicates_group.command("scan")
@tenant_option
def scan(tenant: str) -> None:
    """Scan every person record of the tenant for duplicates (runs here)."""
    scope = current_privacy.scope(require_tenant(tenant))
    try:
        job = duplicates.start_scan(scope, OPERATOR)
    except ScanInProgress:
        scope.session.commit()  # keeps a stale scan marked failed
        fail(gettext("a scan of this tenant is already running; wait for it to finish"))
    scope.session.commit()
    job_id = job.id
    with progress_bar(gettext("Scanning")) as report:
        try:
            stored = scan_job(tenant, job_id, report=report) or 0
        except Exception as exc:
            fail(
                gettext(
                    "scan %(id)s failed: %(error)s",
                    id=job_id,
                    error=type(exc).__name__,
                )
            )
    click.echo(
        gettext(
            "scan %(id)s: %(total)s records, %(stored)s pending suggestions",
            id=job.id,
            total=job.total,
            stored=stored,
        )
    )


@duplicates_group.command("outdated")
def outdated() -> None:
    """List the enabled tenants to scan again after an upgrade, one a line.

    Their stored blocking keys come from an older version of the matcher, so a
    record saved now is not compared with every registration. For example::

        for t in $(flask privacy duplicates outdated); do
            flask privacy duplicates scan --tenant "$t"; done
    """
    for tenant in enabled_tenants(current_privacy.session):
        if duplicates.index_outdated(current_privacy.scope(tenant)):
            click.echo(tenant)


def _parse_score(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        return duplicates.check_score(value)
    except InvalidInput as exc:
        raise click.BadParameter(str(exc), param_hint="score") from exc


@duplicates_group.command("list")
@tenant_option
@click.option("--min-score", type=float, default=None, help="Only scores >= this.")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=100, show_default=True
)
def list_suggestions(tenant: str, min_score: float | None, limit: int) -> None:
    """List pending suggestions, best first: id, score, record, record."""
    _parse_score(min_score)
    scope = current_privacy.scope(require_tenant(tenant))
    if duplicates.index_outdated(scope):
        message = gettext(
            "warning: duplicate matching was improved since this tenant's last "
            "scan; until it is scanned again, a saved record may miss some of its "
            "duplicates"
        )
        click.echo(message, err=True)
    rows, total = duplicates.pending(scope, 1, limit)
    shown = 0
    for s in rows:
        if min_score is not None and s.score < min_score:
            break
        click.echo(
            f"{s.id}\t{s.score:.3f}\t{s.a_source}:{s.a_id}\t{s.b_source}:{s.b_id}"
        )
        shown += 1
    click.echo(
        gettext("%(shown)s shown of %(total)s pending", shown=shown, total=total),
        err=True,
    )


def _decide_each(tenant: str, ids: tuple[int, ...], accept: bool) -> None:
    scope = current_privacy.scope(tenant)
    for sid in ids:
        try:
            if accept:
                duplicates.accept(scope, OPERATOR, sid)
            else:
                duplicates.reject(scope, OPERATOR, sid)
        except NotFound:
            scope.session.rollback()
            fail(
                gettext(
                    "no suggestion %(id)s in tenant %(tenant)s; nothing changed",
                    id=sid,
                    tenant=tenant,
                ),
                2,
            )
        except MergeConflict as exc:
            scope.session.rollback()
            fail(gettext("%(error)s; nothing changed", error=exc))
    scope.session.commit()
    for sid in ids:
        if accept:
            click.echo(gettext("suggestion %(id)s: accepted (linked)", id=sid))
        else:
            click.echo(gettext("suggestion %(id)s: rejected", id=sid))


@duplicates_group.command("accept")
@tenant_option
@click.argument("ids", nargs=-1, type=ID)
@click.option("--above", type=float, default=None, help="Accept all scores >= this.")
@yes_option
def accept(tenant: str, ids: tuple[int, ...], above: float | None, yes: bool) -> None:
    """Link the records of suggestions IDS, or of all pending ones --above SCORE."""
    require_tenant(tenant)
    if bool(ids) == (above is not None):
        raise click.UsageError(
            gettext("give suggestion IDS or --above SCORE, not both")
        )
    if above is None:
        confirm(
            yes,
            gettext(
                "Accept %(count)s suggestion(s) in tenant %(tenant)s?",
                count=len(ids),
                tenant=tenant,
            ),
        )
        _decide_each(tenant, ids, accept=True)
        return
    _parse_score(above)
    scope = current_privacy.scope(tenant)
    plan = duplicates.plan_above(scope, above)
    count = len(plan.accept)
    if plan.hold:
        _say_held(plan.hold)
    if count == 0:
        if not plan.hold:
            click.echo(
                gettext(
                    "no pending suggestion scores %(score)s or more; nothing changed",
                    score=above,
                )
            )
        return
    confirm(
        yes,
        gettext(
            "Link %(count)s suggestion(s) scoring %(score)s or more in %(tenant)s?",
            count=count,
            score=above,
            tenant=tenant,
        ),
    )
    try:
        done = duplicates.accept_above(scope, OPERATOR, above)
        scope.session.commit()
    except (MergeConflict, InvalidInput, NotFound) as exc:
        scope.session.rollback()
        fail(gettext("%(error)s; nothing changed", error=exc))
    accepted = len(done.accept)
    click.echo(gettext("%(count)s suggestion(s) accepted (linked)", count=accepted))
    if done.hold and done.hold != plan.hold:
        _say_held(done.hold)  # the grouping changed since the plan was shown


def _say_held(ids: tuple[int, ...]) -> None:
    """Tell which suggestions accept --above leaves for a person to review."""
    click.echo(
        gettext(
            "%(count)s left pending for review: linking them would join records "
            "that clearly differ in given name, birth date or national id (%(ids)s)",
            count=len(ids),
            ids=", ".join(str(i) for i in ids),
        ),
        err=True,
    )


@duplicates_group.command("reject")
@tenant_option
@click.argument("ids", nargs=-1, type=ID, required=True)
@yes_option
def reject(tenant: str, ids: tuple[int, ...], yes: bool) -> None:
    """Reject suggestions IDS: they stay hidden until one of the records changes."""
    require_tenant(tenant)
    confirm(
        yes,
        gettext(
            "Reject %(count)s suggestion(s) in tenant %(tenant)s?",
            count=len(ids),
            tenant=tenant,
        ),
    )
    _decide_each(tenant, ids, accept=False)


__all__ = ["EXIT_NOT_FOUND", "duplicates_group"]
