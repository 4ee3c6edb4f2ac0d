"""``privacy officer grant|revoke|list``: the module role, for the operator."""

from __future__ import annotations

import click

from ..proxies import current_privacy
from ..services import audit
from . import privacy_cli
from .common import EXIT_NOT_FOUND
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option


@privacy_cli.group("officer")
def officer_group() -> None:
    """Grant, revoke and list the privacy-officer role of a tenant."""


def _change(tenant: str, email: str, grant: bool, yes: bool) -> None:
    require_tenant(tenant)
    member = current_privacy.find_staff(tenant, email)
    if member is None:
        fail(f"no staff user with email {email!r} in tenant {tenant!r}", EXIT_NOT_FOUND)
    rights = current_privacy.services["rights"]
    word = "Grant" if grant else "Revoke"
    confirm(yes, f"{word} the privacy-officer role of {member.email} in {tenant}?")
    session = current_privacy.session
    if grant:
        changed = rights.grant(tenant, audit.OPERATOR, member.id)
    else:
        changed = rights.revoke(tenant, audit.OPERATOR, member.id)
    session.commit()
    if not changed:
        state = "already" if grant else "not"
        click.echo(f"{tenant}: {member.email} is {state} a privacy officer")
    elif grant:
        click.echo(f"{tenant}: granted the privacy-officer role to {member.email}")
    else:
        click.echo(f"{tenant}: revoked the privacy-officer role of {member.email}")


@officer_group.command("grant")
@tenant_option
@click.option("--email", required=True, help="Login email of a staff user.")
@yes_option
def grant(tenant: str, email: str, yes: bool) -> None:
    """Give a staff user of the tenant the privacy-officer role."""
    _change(tenant, email, True, yes)


@officer_group.command("revoke")
@tenant_option
@click.option("--email", required=True, help="Login email of a staff user.")
@yes_option
def revoke(tenant: str, email: str, yes: bool) -> None:
    """Take the privacy-officer role from a staff user of the tenant."""
    _change(tenant, email, False, yes)


@officer_group.command("list")
@tenant_option
def list_officers(tenant: str) -> None:
    """List the privacy officers of the tenant (id and email)."""
    require_tenant(tenant)
    holders = current_privacy.services["rights"].officers(tenant)
    by_id = {a.id: a for a in current_privacy.staff(tenant)}
    for user_id in holders:
        member = by_id.get(user_id)
        click.echo(f"{user_id}\t{member.email if member else '(not a member)'}")
    if not holders:
        click.echo(f"{tenant}: no privacy officers", err=True)
