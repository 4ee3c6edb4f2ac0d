"""``privacy officer grant|revoke|list``: the module role, for the operator."""

from __future__ import annotations

import click

from ..i18n import gettext
from ..proxies import current_privacy
from ..services import audit
from . import privacy_cli
from .common import EMAIL
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
    member = current_privacy.host.find_staff(tenant, email)
    if member is None:
        fail(
            gettext(
                "no staff user with email %(email)s in tenant %(tenant)s",
                email=repr(email),
                tenant=repr(tenant),
            ),
            EXIT_NOT_FOUND,
        )
    rights = current_privacy.rights
    if grant:
        question = gettext(
            "Grant the privacy-officer role of %(email)s in %(tenant)s?",
            email=member.email,
            tenant=tenant,
        )
    else:
        question = gettext(
            "Revoke the privacy-officer role of %(email)s in %(tenant)s?",
            email=member.email,
            tenant=tenant,
        )
    confirm(yes, question)
    session = current_privacy.session
    if grant:
        changed = rights.grant(
            current_privacy.session, tenant, audit.OPERATOR, member.id
        )
    else:
        changed = rights.revoke(
            current_privacy.session, tenant, audit.OPERATOR, member.id
        )
    session.commit()
    if not changed and grant:
        message = gettext(
            "%(tenant)s: %(email)s is already a privacy officer",
            tenant=tenant,
            email=member.email,
        )
    elif not changed:
        message = gettext(
            "%(tenant)s: %(email)s is not a privacy officer",
            tenant=tenant,
            email=member.email,
        )
    elif grant:
        message = gettext(
            "%(tenant)s: granted the privacy-officer role to %(email)s",
            tenant=tenant,
            email=member.email,
        )
    else:
        message = gettext(
            "%(tenant)s: revoked the privacy-officer role of %(email)s",
            tenant=tenant,
            email=member.email,
        )
    click.echo(message)


@officer_group.command("grant")
@tenant_option
@click.option(
    "--email", type=EMAIL, required=True, help="Login email of a staff user."
)
@yes_option
def grant(tenant: str, email: str, yes: bool) -> None:
    """Give a staff user of the tenant the privacy-officer role."""
    _change(tenant, email, True, yes)


@officer_group.command("revoke")
@tenant_option
@click.option(
    "--email", type=EMAIL, required=True, help="Login email of a staff user."
)
@yes_option
def revoke(tenant: str, email: str, yes: bool) -> None:
    """Take the privacy-officer role from a staff user of the tenant."""
    _change(tenant, email, False, yes)


@officer_group.command("list")
@tenant_option
def list_officers(tenant: str) -> None:
    """List the privacy officers of the tenant (id and name)."""
    require_tenant(tenant)
    holders = current_privacy.rights.officers(current_privacy.session, tenant)
    names = current_privacy.host.labels(tenant, holders)
    for user_id in holders:
        click.echo(f"{user_id}\t{names.get(user_id, '(not a member)')}")
    if not holders:
        click.echo(gettext("%(tenant)s: no privacy officers", tenant=tenant), err=True)
