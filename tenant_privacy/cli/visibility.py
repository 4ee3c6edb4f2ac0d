"""``privacy visibility set|clear|list``: who may see what about a person."""

from __future__ import annotations

import typing as t

import click

from ..errors import InvalidInput
from ..errors import NotFound
from ..i18n import gettext
from ..proxies import current_privacy
from ..services import visibility
from . import privacy_cli
from .common import EMAIL
from .common import EXIT_NOT_FOUND
from .common import Text
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option
from .subjects import ACTOR
from .subjects import owner_line
from .subjects import resolve_owners
from .subjects import subject_ids

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

NAME = Text(visibility.policy.MAX_NAME)


def describe(rule: visibility.Restriction, staff: t.Mapping[str, str]) -> str:
    """One restriction in words: the group and who is exempt."""
    text = rule.group
    if rule.except_roles:
        text += " " + gettext(
            "(except roles: %(roles)s)", roles=", ".join(sorted(rule.except_roles))
        )
    if rule.except_users:
        names = sorted(staff.get(u, u) for u in rule.except_users)
        text += " " + gettext("(except users: %(users)s)", users=", ".join(names))
    return text


def _print(scope: TenantScope, subject_id: int) -> None:
    rules = visibility.restrictions_of(scope, subject_id)
    users = {u for r in rules.values() for u in r.except_users}
    staff = current_privacy.host.labels(scope.tenant, users)
    shown = "; ".join(describe(r, staff) for r in rules.values())
    click.echo(
        gettext(
            "subject %(id)s: %(rules)s",
            id=subject_id,
            rules=shown or gettext("no rules"),
        )
    )


def _parse_groups(scope: TenantScope, hide: str | None, person: bool) -> list[str]:
    if bool(hide) == person:
        raise click.UsageError(gettext("give either --hide GROUPS or --hide-person"))
    if person:
        return [visibility.PERSON]
    groups = [g.strip() for g in (hide or "").split(",") if g.strip()]
    known = [g for g in visibility.group_names(scope) if g != visibility.PERSON]
    unknown = [g for g in groups if g not in known]
    if unknown or not groups:
        raise click.BadParameter(
            gettext(
                "unknown field group %(groups)s; known: %(known)s",
                groups=", ".join(unknown) or "-",
                known=", ".join(known),
            ),
            param_hint="--hide",
        )
    return list(dict.fromkeys(groups))


def _user_ids(tenant: str, emails: t.Sequence[str]) -> frozenset[str]:
    ids = set()
    for email in emails:
        user = current_privacy.host.find_staff(tenant, email)
        if user is None:
            fail(
                gettext("no staff user %(email)s in this tenant", email=repr(email)),
                EXIT_NOT_FOUND,
            )
        ids.add(user.id)
    return frozenset(ids)


@privacy_cli.group("visibility")
def visibility_group() -> None:
    """Per-person visibility rules: hide field groups or the whole person."""


@visibility_group.command("set")
@tenant_option
@click.option("--email", type=EMAIL, required=True, help="Email of the person.")
@click.option("--all", "all_", is_flag=True, help="Every subject with the address.")
@click.option("--hide", help="Field groups to hide, comma-separated (email,balance).")
@click.option("--hide-person", is_flag=True, help="Hide the whole person.")
@click.option(
    "--except-role", "roles", multiple=True, type=NAME, help="Role that still sees."
)
@click.option(
    "--except-user",
    "users",
    multiple=True,
    type=EMAIL,
    help="Staff email that still sees.",
)
@yes_option
def set_rules(
    tenant: str,
    email: str,
    all_: bool,
    hide: str | None,
    hide_person: bool,
    roles: tuple[str, ...],
    users: tuple[str, ...],
    yes: bool,
) -> None:
    """Replace the visibility rules of the person with an email address."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    groups = _parse_groups(scope, hide, hide_person)
    exempt_users = _user_ids(tenant, users)
    owners = resolve_owners(scope, email, all_)
    scope.session.rollback()  # nothing written: no transaction open while asking
    confirm(
        yes,
        gettext(
            "Replace the visibility rules of %(count)s person(s) in %(tenant)s?",
            count=len(owners),
            tenant=tenant,
        ),
    )
    rules = [visibility.Restriction(g, frozenset(roles), exempt_users) for g in groups]
    try:
        ids = subject_ids(scope, owners)  # rules belong to a subject: made here
        for sid in ids:
            visibility.set_restrictions(scope, ACTOR, sid, rules)
    except (InvalidInput, NotFound) as exc:
        scope.session.rollback()
        fail(str(exc))
    scope.session.commit()
    for sid in ids:
        _print(scope, sid)


@visibility_group.command("clear")
@tenant_option
@click.option("--email", type=EMAIL, required=True, help="Email of the person.")
@click.option("--all", "all_", is_flag=True, help="Every subject with the address.")
@yes_option
def clear_rules(tenant: str, email: str, all_: bool, yes: bool) -> None:
    """Remove every visibility rule of the person with an email address."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    owners = resolve_owners(scope, email, all_)
    scope.session.rollback()  # nothing written: no transaction open while asking
    confirm(
        yes,
        gettext(
            "Remove the visibility rules of %(count)s person(s) in %(tenant)s?",
            count=len(owners),
            tenant=tenant,
        ),
    )
    # a registration without a subject has no rules: nothing to make or clear
    linked = [o.subject_id for o in owners if o.subject_id is not None]
    cleared = [
        sid for sid in linked if visibility.clear_restrictions(scope, ACTOR, sid)
    ]
    scope.session.commit()
    for owner in owners:
        sid = owner.subject_id
        if sid is None:
            click.echo(
                gettext("%(record)s: had no rules", record=owner_line(owner).strip())
            )
        elif sid in cleared:
            click.echo(gettext("subject %(id)s: rules removed", id=sid))
        else:
            click.echo(gettext("subject %(id)s: had no rules", id=sid))


@visibility_group.command("list")
@tenant_option
def list_rules(tenant: str) -> None:
    """Every person of a tenant with visibility rules, and the rules."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    found = visibility.rules_of(scope, None)
    if not found:
        click.echo(gettext("no visibility rules in tenant %(tenant)s", tenant=tenant))
        return
    users = {
        u for rules in found.values() for r in rules.values() for u in r.except_users
    }
    staff = current_privacy.host.labels(tenant, users)
    for sid, rules in found.items():
        refs = ", ".join(f"{s}:{r}" for s, r in _refs(scope, sid))
        shown = "; ".join(describe(r, staff) for r in rules.values())
        click.echo(
            gettext(
                "subject %(id)s (%(refs)s): %(rules)s",
                id=sid,
                refs=refs or "-",
                rules=shown,
            )
        )


def _refs(scope: TenantScope, subject_id: int) -> list[tuple[str, str]]:
    return [link.ref for link in scope.subject_links([subject_id])]
