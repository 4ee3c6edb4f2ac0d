"""``privacy export request|status``, ``privacy exports expire``, ``privacy requests
list``: disclosures from the command line, as the wizard makes them."""

from __future__ import annotations

import click

from ..errors import InvalidInput
from ..i18n import gettext
from ..jobs.disclosure import expire_exports_job
from ..jobs.lifecycle import failure_reason
from ..models import PrivacyRequest
from ..proxies import current_privacy
from ..services import disclosure
from ..services import erasure
from ..services import request_jobs
from ..services import requests as register
from . import privacy_cli
from .common import EXIT_NOT_FOUND
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option
from .subjects import ACTOR
from .subjects import resolve_owners
from .subjects import subject_ids


@privacy_cli.group("export")
def export_group() -> None:
    """Send a person a copy of their data (GDPR art. 15 and 20)."""


@export_group.command("request")
@tenant_option
@click.option("--email", required=True, help="Email address of the person.")
@click.option(
    "--all", "all_", is_flag=True, help="Act on every subject having the address."
)
@click.option("--to", "recipient", help="Send the link here (default: --email).")
@yes_option
def request_export(
    tenant: str, email: str, all_: bool, recipient: str | None, yes: bool
) -> None:
    """Register a disclosure of the person with an email address and build it;
    print the request id (one a line)."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    owners = resolve_owners(scope, email, all_)
    to = recipient or email
    confirm(
        yes,
        gettext(
            "Send %(count)s person(s) in %(tenant)s a copy of their data at %(to)s?",
            count=len(owners),
            tenant=tenant,
            to=to,
        ),
    )
    made = []
    try:
        for sid in subject_ids(scope, owners):
            made.append(disclosure.request_disclosure(scope, ACTOR, sid, to))
    except InvalidInput as exc:
        scope.session.rollback()
        fail(str(exc), 1)
    scope.session.commit()
    for req, export in made:
        try:
            current_privacy.jobs.enqueue(
                "build_export", tenant=tenant, export_id=export.id
            )
        except Exception as exc:  # noqa: BLE001 - the request says failed and why
            scope.session.rollback()
            click.echo(
                gettext(
                    "request %(id)s: the build failed (%(error)s)",
                    id=req.id,
                    error=type(exc).__name__,
                ),
                err=True,
            )
        click.echo(str(req.id))


@export_group.command("status")
@tenant_option
@click.argument("request_id", type=int)
def status(tenant: str, request_id: int) -> None:
    """Show the state of request REQUEST_ID."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    row = scope.session.get(PrivacyRequest, request_id)
    if row is None or row.tenant_key != tenant:
        fail(gettext("no request %(id)s in this tenant", id=request_id), EXIT_NOT_FOUND)
    request_jobs.refresh(scope, row)
    job = disclosure.latest_export(scope, row) or erasure.latest_job(scope, row.id)
    scope.session.commit()
    click.echo(
        gettext(
            "request %(id)s: %(kind)s, %(state)s, received %(received)s, due %(due)s",
            id=row.id,
            kind=row.kind,
            state=row.state,
            received=row.received_at.date().isoformat(),
            due=row.due_at.date().isoformat(),
        )
    )
    if job is not None and job.error:
        click.echo(failure_reason(job))


@privacy_cli.group("exports")
def exports_group() -> None:
    """Housekeeping of built exports."""


@exports_group.command("expire")
def expire() -> None:
    """Delete the files of exports whose links expired or were used up."""
    ended = expire_exports_job()
    click.echo(gettext("%(count)s export(s) ended", count=ended))


@privacy_cli.group("requests")
def requests_group() -> None:
    """The register of disclosure and erasure requests."""


@requests_group.command("list")
@tenant_option
@click.option("--overdue", is_flag=True, help="Only open requests past their due date.")
def list_requests(tenant: str, overdue: bool) -> None:
    """List the tenant's requests: id, kind, state, received, due (tab-separated)."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    rows = register.list_requests(scope, overdue=overdue)
    request_jobs.refresh_all(scope, rows)  # as the register page shows them
    lines = [
        "\t".join(
            [
                str(row.id),
                row.kind,
                row.state,
                row.received_at.date().isoformat(),
                row.due_at.date().isoformat(),
            ]
        )
        for row in rows
    ]
    scope.session.commit()
    for line in lines:
        click.echo(line)
