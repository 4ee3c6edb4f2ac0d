"""``privacy erase`` and ``privacy retention run``: erasure from the command line,
as the preview page and its confirmation make it."""

from __future__ import annotations

import datetime as dt
import typing as t

import click
from flask.cli import with_appcontext

from .. import inputs
from ..core.strategies import new_salt
from ..errors import AlreadyErased
from ..errors import InvalidInput
from ..i18n import gettext
from ..jobs.erasure import redaction_text
from ..jobs.erasure import retention_run_job
from ..jobs.lifecycle import failure_reason
from ..models import ErasureJob
from ..proxies import current_privacy
from ..services import erasure
from ..store.scope import TenantScope
from . import in_cli_language
from . import privacy_cli
from .common import TENANT_KEY
from .common import confirm
from .common import require_tenant
from .common import tenant_option
from .common import yes_option
from .subjects import ACTOR
from .subjects import owner_line
from .subjects import resolve_owners
from .subjects import subject_ids


class DateType(click.ParamType):
    """A day, ``YYYY-MM-DD`` (:func:`tenant_privacy.inputs.date_arg`)."""

    name = "date"

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        try:
            day = inputs.date_arg(str(value), "since")
        except InvalidInput as exc:
            self.fail(str(exc), param, ctx)
        if day is None:
            self.fail(gettext("give a date as YYYY-MM-DD"), param, ctx)
        return day


DATE = DateType()


def _when(value: object) -> str:
    return value.date().isoformat() if hasattr(value, "date") else ""


def print_plan(plan: erasure.SubjectPlan, owner: str | None = None) -> None:
    """The preview of one subject's erasure, a line per record and per field
    (headed by *owner*, a record with no subject yet, if given)."""
    click.echo(owner or gettext("subject %(id)s:", id=plan.subject.id))
    for record in plan.records:
        ref = f"{record.source.key}:{record.record_id}"
        if record.action == erasure.REMOVED:
            click.echo(gettext("  %(ref)s: deleted", ref=ref))
            continue
        click.echo(f"  {ref}:")
        for item in record.fields:
            if item.action == erasure.UNCHANGED:
                continue
            if item.action == erasure.KEPT:
                line = gettext(
                    "kept until %(date)s (%(reason)s), then %(strategy)s",
                    date=_when(item.until),
                    reason=item.reason,
                    strategy=item.strategy,
                )
            elif item.action == erasure.REMOVED:
                line = gettext("removed (%(strategy)s)", strategy=item.strategy)
            else:
                line = gettext("anonymised (%(strategy)s)", strategy=item.strategy)
            click.echo(f"    {item.name}: {line}")


@privacy_cli.group("erase", invoke_without_command=True)
@with_appcontext
@click.option("--tenant", "tenant", type=TENANT_KEY, help="Tenant key.")
@click.option("--email", help="Email address of the person.")
@click.option(
    "--all", "all_", is_flag=True, help="Act on every subject having the address."
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would happen; change nothing."
)
@yes_option
@click.pass_context
@in_cli_language
def erase(
    ctx: click.Context,
    tenant: str | None,
    email: str | None,
    all_: bool,
    dry_run: bool,
    yes: bool,
) -> None:
    """Erase the person with an email address by anonymisation, keeping what the
    law requires (GDPR art. 17): ``erase --tenant T --email ADDRESS``; or replay
    the erasures since a date after a restore: ``erase replay``."""
    if ctx.invoked_subcommand is not None:
        return
    if not tenant or not email:
        raise click.UsageError("erase needs --tenant and --email", ctx)
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    owners = resolve_owners(scope, email, all_)
    plans = [erasure.plan_owner(scope, owner.refs[0]) for owner in owners]
    if dry_run or not yes:
        for owner, plan in zip(owners, plans, strict=True):
            if plan.erased:
                click.echo(
                    gettext("subject %(id)s: erased already", id=plan.subject.id)
                )
            elif owner.subject_id is None:
                print_plan(plan, owner_line(owner).strip() + ":")
            else:
                print_plan(plan)
    scope.session.rollback()  # nothing written: no transaction open while asking
    if dry_run:
        click.echo(gettext("dry run: nothing changed"))
        return
    todo = [o for o, plan in zip(owners, plans, strict=True) if not plan.erased]
    if not todo:
        click.echo(gettext("nothing to do: erased already"))
        return
    confirm(
        yes,
        gettext(
            "Erase %(count)s person(s) in %(tenant)s? This cannot be undone.",
            count=len(todo),
            tenant=tenant,
        ),
    )
    ids = subject_ids(scope, todo)
    scope.session.commit()  # the subjects of records that had none: erased next
    failed = False
    for sid in ids:
        failed = _erase_one(scope, sid) or failed
    if failed:
        raise SystemExit(1)


def _erase_one(scope: TenantScope, subject_id: int) -> bool:
    """Erase one subject; print what happened. True when it failed."""
    try:
        request, job = erasure.request_erasure(scope, ACTOR, subject_id)
    except AlreadyErased:
        scope.session.rollback()
        click.echo(gettext("subject %(id)s: erased already", id=subject_id))
        return False
    scope.session.commit()
    request_id, job_id = request.id, job.id
    try:
        current_privacy.jobs.enqueue("erase", tenant=scope.tenant, erasure_id=job_id)
    except Exception:  # noqa: BLE001 - the request says failed and why
        scope.session.rollback()
    row = scope.get(ErasureJob, id=job_id)
    if row.status == "failed":
        click.echo(
            gettext(
                "subject %(id)s: the erasure failed, nothing was changed: %(reason)s",
                id=subject_id,
                reason=failure_reason(row),
            ),
            err=True,
        )
        return True
    if row.status == "done":
        click.echo(
            gettext(
                "subject %(id)s erased (request %(request)s): %(anonymised)s "
                "record(s) anonymised, %(deleted)s deleted, %(held)s kept under "
                "a legal reason",
                id=subject_id,
                request=request_id,
                anonymised=row.anonymised,
                deleted=row.deleted,
                held=row.held,
            )
        )
    else:
        click.echo(
            gettext(
                "subject %(id)s: erasure queued (request %(request)s)",
                id=subject_id,
                request=request_id,
            )
        )
    return False


@erase.command("replay")
@tenant_option
@click.option(
    "--since",
    "since",
    required=True,
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Replay the erasures done on or after this day (UTC).",
)
@yes_option
def erase_replay(tenant: str, since: dt.date, yes: bool) -> None:
    """After a restore from a backup: erase again, by record id, everything each
    erasure recorded since DATE erased; a second run changes nothing."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    start = dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC)
    jobs = erasure.erasures_since(scope, start)
    if not jobs:
        click.echo(
            gettext("no erasure recorded since %(date)s", date=since.isoformat())
        )
        return
    confirm(
        yes,
        gettext(
            "Erase again what %(count)s erasure(s) since %(date)s erased?",
            count=len(jobs),
            date=since.isoformat(),
        ),
    )
    redaction = redaction_text(scope)
    total = 0
    for job in jobs:
        job_id, request_id = job.id, job.request_id
        changed = erasure.replay(
            scope, ACTOR, job, salt=new_salt(), redaction=redaction
        )
        scope.session.commit()
        total += changed
        click.echo(
            gettext(
                "erasure %(id)s (request %(request)s): %(count)s record(s) "
                "erased again",
                id=job_id,
                request=request_id,
                count=changed,
            )
        )
    click.echo(gettext("%(count)s record(s) erased again in all", count=total))


@privacy_cli.group("retention")
def retention_group() -> None:
    """Fields kept after an erasure under a legal reason."""


@retention_group.command("run")
@yes_option
def retention_run(yes: bool) -> None:
    """Anonymise or delete every kept field whose period has ended."""
    confirm(yes, gettext("Finish every retention period that has ended?"))
    ended = retention_run_job()
    click.echo(gettext("%(count)s retention hold(s) finished", count=ended))
