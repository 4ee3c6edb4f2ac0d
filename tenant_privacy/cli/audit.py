"""``privacy audit verify|export``: check and export a tenant's audit trail."""

from __future__ import annotations

import sys
import time

import click

from ..errors import AuditChainBroken
from ..i18n import gettext
from ..proxies import current_privacy
from ..services import audit
from . import privacy_cli
from .common import fail
from .common import require_tenant
from .common import tenant_option


@privacy_cli.group("audit")
def audit_group() -> None:
    """Verify or export the tamper-evident audit trail of a tenant."""


@audit_group.command("verify")
@tenant_option
def verify(tenant: str) -> None:
    """Recompute the tenant's hash chain; exit 1 naming the first broken event."""
    require_tenant(tenant)
    started = time.perf_counter()
    try:
        count = audit.verify(current_privacy.session, tenant)
    except AuditChainBroken as exc:
        fail(
            gettext(
                "audit chain of %(tenant)s broken at sequence number %(sequence)s: "
                "%(reason)s",
                tenant=tenant,
                sequence=exc.sequence,
                reason=exc.reason,
            ),
            1,
        )
    elapsed = time.perf_counter() - started
    click.echo(
        gettext(
            "%(tenant)s: %(count)s events verified in %(seconds)s s, chain intact",
            tenant=tenant,
            count=count,
            seconds=f"{elapsed:.2f}",
        )
    )


@audit_group.command("export")
@tenant_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True), help="Default stdout."
)
def export(tenant: str, fmt: str, output: str | None) -> None:
    """Write every audit event of the tenant as CSV or JSON (the export is audited)."""
    require_tenant(tenant)
    session = current_privacy.session
    audit.record(
        session,
        tenant,
        audit.OPERATOR,
        audit.Action.AUDIT_EXPORTED,
        detail=f"format={fmt}",
    )
    session.commit()
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = audit.export(session, tenant, fmt, out)
        click.echo(
            gettext(
                "%(tenant)s: %(count)s events written to %(output)s",
                tenant=tenant,
                count=count,
                output=output,
            ),
            err=True,
        )
    else:
        count = audit.export(session, tenant, fmt, sys.stdout)
        click.echo(
            gettext(
                "%(tenant)s: %(count)s events exported", tenant=tenant, count=count
            ),
            err=True,
        )
