"""``privacy tenant enable|disable|list``."""

from __future__ import annotations

import click

from ..i18n import gettext
from ..proxies import current_privacy
from ..services import tenants
from . import privacy_cli
from .common import TENANT_KEY
from .common import confirm
from .common import require_tenant
from .common import yes_option


@privacy_cli.group("tenant")
def tenant_group() -> None:
    """Switch the module on or off per tenant."""


def _switch(tenant: str, enabled: bool, yes: bool) -> None:
    require_tenant(tenant, if_disabled="allow")
    if enabled:
        question = gettext(
            "Enable the privacy module for tenant %(tenant)s?", tenant=tenant
        )
    else:
        question = gettext(
            "Disable the privacy module for tenant %(tenant)s?", tenant=tenant
        )
    confirm(yes, question)
    session = current_privacy.session
    changed = tenants.set_enabled(
        current_privacy.scope(tenant), current_privacy.host, enabled, "operator"
    )
    session.commit()
    if enabled:
        message = (
            gettext("%(tenant)s: enabled", tenant=tenant)
            if changed
            else gettext("%(tenant)s: already enabled", tenant=tenant)
        )
    else:
        message = (
            gettext("%(tenant)s: disabled", tenant=tenant)
            if changed
            else gettext("%(tenant)s: already disabled", tenant=tenant)
        )
    click.echo(message)


@tenant_group.command("enable")
@click.argument("tenant", type=TENANT_KEY)
@yes_option
def enable(tenant: str, yes: bool) -> None:
    """Enable the privacy module for TENANT."""
    _switch(tenant, True, yes)


@tenant_group.command("disable")
@click.argument("tenant", type=TENANT_KEY)
@yes_option
def disable(tenant: str, yes: bool) -> None:
    """Disable the privacy module for TENANT."""
    _switch(tenant, False, yes)


@tenant_group.command("list")
def list_tenants() -> None:
    """List every tenant and whether the module is enabled."""
    session = current_privacy.session
    for info in current_privacy.host.tenants():
        state = "enabled" if tenants.is_enabled(session, info.key) else "disabled"
        click.echo(f"{info.key}\t{state}\t{info.name}")
