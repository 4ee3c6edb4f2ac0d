"""``privacy tenant enable|disable|list``."""

from __future__ import annotations

import click

from ..proxies import current_privacy
from ..services import tenants
from . import privacy_cli
from .common import confirm
from .common import require_tenant
from .common import yes_option


@privacy_cli.group("tenant")
def tenant_group() -> None:
    """Switch the module on or off per tenant."""


def _switch(tenant: str, enabled: bool, yes: bool) -> None:
    require_tenant(tenant)
    word = "enable" if enabled else "disable"
    confirm(yes, f"{word.capitalize()} the privacy module for tenant {tenant}?")
    session = current_privacy.session
    changed = tenants.set_enabled(session, tenant, enabled, "operator")
    session.commit()
    state = "enabled" if enabled else "disabled"
    click.echo(f"{tenant}: {state}" if changed else f"{tenant}: already {state}")


@tenant_group.command("enable")
@click.argument("tenant")
@yes_option
def enable(tenant: str, yes: bool) -> None:
    """Enable the privacy module for TENANT."""
    _switch(tenant, True, yes)


@tenant_group.command("disable")
@click.argument("tenant")
@yes_option
def disable(tenant: str, yes: bool) -> None:
    """Disable the privacy module for TENANT."""
    _switch(tenant, False, yes)


@tenant_group.command("list")
def list_tenants() -> None:
    """List every tenant and whether the module is enabled."""
    session = current_privacy.session
    for info in current_privacy.tenants():
        state = "enabled" if tenants.is_enabled(session, info.key) else "disabled"
        click.echo(f"{info.key}\t{state}\t{info.name}")
