"""``privacy subject show|link|undo``: data subjects from the command line.

``show --email ADDRESS`` acts on the data subject of every registration carrying the
address (DESIGN.md section 4): exit 2 when none has it, exit 3 when they belong to
more than one subject unless ``--all`` is given. Finding them reads only
(:func:`resolve_owners`); a command that acts makes the subject rows it needs
after its confirmation (:func:`subject_ids`).
"""

from __future__ import annotations

import json
import typing as t

import click

from ..errors import InvalidInput
from ..errors import MergeConflict
from ..errors import NotFound
from ..i18n import gettext
from ..matching.normalize import normalize_email
from ..proxies import current_privacy
from ..services import audit
from ..services import linking
from ..services import overview as overview_service
from ..services import search
from . import privacy_cli
from .common import EMAIL
from .common import EXIT_AMBIGUOUS
from .common import EXIT_NOT_FOUND
from .common import ID
from .common import RECORD_REF
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

#: The actor of every CLI command in the audit trail.
ACTOR = audit.OPERATOR


def resolve_owners(
    scope: TenantScope, email: str, all_: bool
) -> list[search.EmailOwner]:
    """The owners of the registrations with ``--email`` (and ``--all``), or exit
    2 / 3 as designed. Reads only: a registration with no subject yet is an owner
    of its own, and no subject row is made (see :func:`subject_ids`)."""
    if normalize_email(email) is None:
        fail(gettext("%(email)s is not an email address", email=repr(email)), 1)
    try:
        found = search.owners_by_email(scope, email)
    except InvalidInput as exc:
        fail(str(exc), 1)
    if not found:
        fail(
            gettext(
                "no registration in tenant %(tenant)s has that email address",
                tenant=scope.tenant,
            ),
            EXIT_NOT_FOUND,
        )
    if len(found) > 1:
        lines = [owner_line(owner) for owner in found]
        if not all_:
            click.echo(
                gettext(
                    "The address belongs to %(count)s data subjects:",
                    count=len(found),
                ),
                err=True,
            )
            click.echo("\n".join(lines), err=True)
            fail(
                gettext("ambiguous email address; pass --all to act on all of them"),
                EXIT_AMBIGUOUS,
            )
        click.echo(
            gettext(
                "Acting on all %(count)s data subjects with that address:",
                count=len(found),
            )
        )
        click.echo("\n".join(lines))
    return found


def owner_line(owner: search.EmailOwner) -> str:
    """One line naming an owner: its subject id and refs, or its one record."""
    refs = ", ".join(f"{s}:{r}" for s, r in owner.refs)
    if owner.subject_id is None:
        return gettext("  %(ref)s (no data subject yet)", ref=refs)
    return gettext("  subject %(id)s: %(refs)s", id=owner.subject_id, refs=refs)


def subject_ids(scope: TenantScope, owners: t.Sequence[search.EmailOwner]) -> list[int]:
    """The subject ids of *owners*, making the subject row of each registration
    that has none (flushed; the caller commits). Call it once the command is
    confirmed: only acting on a person needs their subject row."""
    return search.subject_ids_of(scope, owners)


@privacy_cli.group("subject")
def subject_group() -> None:
    """Show, link and undo links of data subjects."""


def _print_overview(ov: overview_service.Overview) -> None:
    if ov.subject_id is None:
        header = gettext(
            "record %(ref)s, no data subject yet (%(state)s) in tenant %(tenant)s",
            ref=", ".join(f"{s}:{r}" for s, r in ov.refs),
            state=ov.state,
            tenant=ov.tenant,
        )
    else:
        header = gettext(
            "subject %(id)s (%(state)s) in tenant %(tenant)s",
            id=ov.subject_id,
            state=ov.state,
            tenant=ov.tenant,
        )
    click.echo(header)
    if ov.merged_into:
        click.echo(gettext("  merged into subject %(id)s", id=ov.merged_into))
    click.echo(gettext("  registrations: %(count)s", count=ov.registration_count))
    for group in ov.registrations:
        refs = ", ".join(row["ref"] for row in group.rows)
        click.echo(f"    {group.key} ({group.count}): {refs}")
    click.echo(gettext("  related records: %(count)s", count=ov.related_count))
    for group in ov.related:
        refs = ", ".join(row["ref"] for row in group.rows)
        click.echo(f"    {group.key} ({group.count}): {refs}")
    if ov.merges:
        click.echo(gettext("  links: %(count)s", count=len(ov.merges)))
        for merge in ov.merges:
            moved = ", ".join(
                gettext(
                    "%(ref)s (from %(subject)s)", ref=f"{p[0]}:{p[1]}", subject=p[2]
                )
                for p in merge["previous"]
            )
            state = (
                gettext(", undone %(when)s", when=merge["undone_at"])
                if merge["undone_at"]
                else ""
            )
            click.echo(
                gettext(
                    "    #%(id)s %(operation)s into subject %(subject)s by %(actor)s "
                    "at %(when)s%(undone)s: %(moved)s",
                    id=merge["id"],
                    operation=merge["operation"],
                    subject=merge["subject_id"],
                    actor=merge["actor"],
                    when=merge["created_at"],
                    undone=state,
                    moved=moved,
                )
            )
    click.echo(gettext("  audit events: %(count)s", count=len(ov.history)))


@subject_group.command("show")
@tenant_option
@click.option("--email", type=EMAIL, required=True, help="Email address of the person.")
@click.option(
    "--all", "all_", is_flag=True, help="Act on every subject having the address."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the full overview as JSON."
)
def show(tenant: str, email: str, all_: bool, as_json: bool) -> None:
    """Print the total overview of the person with an email address (creates
    nothing: a registration with no subject yet is shown as itself)."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    overviews = [
        overview_service.compile_overview(scope, ACTOR, owner.subject_id)
        if owner.subject_id is not None
        else overview_service.compile_record_overview(scope, ACTOR, owner.refs[0])
        for owner in resolve_owners(scope, email, all_)
    ]
    scope.session.commit()  # the subject.viewed events
    if as_json:
        data = [ov.to_dict() for ov in overviews]
        click.echo(json.dumps(data if len(data) > 1 else data[0], indent=2))
        return
    for ov in overviews:
        _print_overview(ov)


@subject_group.command("link")
@tenant_option
@click.argument("refs", nargs=-1, type=RECORD_REF, required=True)
@yes_option
def link(tenant: str, refs: tuple[str, ...], yes: bool) -> None:
    """Link person records (REF is source:id) under one data subject."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    try:
        parsed = [linking.parse_ref(ref) for ref in refs]
    except InvalidInput as exc:
        fail(str(exc), 1)
    if len(set(parsed)) < 2:
        fail(gettext("give at least two different records to link"), 1)
    canonical = []
    for ref in parsed:
        try:
            canonical.append(scope.ref(*ref))  # contact:007 is contact:7
            scope.record(*ref)
        except NotFound:
            fail(
                gettext(
                    "no person record %(ref)s in tenant %(tenant)s",
                    ref=f"{ref[0]}:{ref[1]}",
                    tenant=tenant,
                ),
                EXIT_NOT_FOUND,
            )
    if len(set(canonical)) < 2:
        fail(gettext("give at least two different records to link"), 1)
    confirm(
        yes,
        gettext(
            "Link %(refs)s in tenant %(tenant)s?", refs=", ".join(refs), tenant=tenant
        ),
    )
    try:
        merge = linking.link_records(scope, ACTOR, canonical)
    except NotFound as exc:
        scope.session.rollback()
        fail(str(exc), EXIT_NOT_FOUND)
    scope.session.commit()
    if merge is None:
        click.echo(
            gettext("Nothing changed: the records already belong to one subject.")
        )
        return
    moved = ", ".join(
        gettext(
            "%(ref)s (from subject %(subject)s)", ref=f"{p[0]}:{p[1]}", subject=p[2]
        )
        for p in merge.previous
    )
    click.echo(
        gettext(
            "Linked into subject %(subject)s (merge %(merge)s): %(moved)s",
            subject=merge.subject_id,
            merge=merge.id,
            moved=moved,
        )
    )


@subject_group.command("undo")
@tenant_option
@click.argument("merge_id", type=ID)
@yes_option
def undo(tenant: str, merge_id: int, yes: bool) -> None:
    """Undo the link (or unlink) MERGE_ID, restoring the grouping it replaced."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    try:
        linking.get_merge(scope, merge_id)
    except NotFound:
        fail(
            gettext(
                "no merge %(merge)s in tenant %(tenant)s", merge=merge_id, tenant=tenant
            ),
            EXIT_NOT_FOUND,
        )
    confirm(
        yes,
        gettext(
            "Undo merge %(merge)s in tenant %(tenant)s?", merge=merge_id, tenant=tenant
        ),
    )
    try:
        merge = linking.undo_merge(scope, ACTOR, merge_id)
    except MergeConflict as exc:
        scope.session.rollback()
        fail(str(exc), 1)
    scope.session.commit()
    moved = ", ".join(
        gettext("%(ref)s -> subject %(subject)s", ref=f"{p[0]}:{p[1]}", subject=p[2])
        for p in merge.previous
    )
    click.echo(
        gettext("Undone merge %(merge)s: %(moved)s", merge=merge.id, moved=moved)
    )
