"""``privacy subject show|link|undo``: data subjects from the command line.

``show --email ADDRESS`` acts on the data subject of every registration carrying the
address (DESIGN.md section 4): exit 2 when none has it, exit 3 when they belong to
more than one subject unless ``--all`` is given.
"""

from __future__ import annotations

import json
import typing as t

import click

from ..errors import InvalidInput
from ..errors import MergeConflict
from ..errors import NotFound
from ..matching.normalize import normalize_email
from ..proxies import current_privacy
from ..services import audit
from ..services import linking
from ..services import overview as overview_service
from ..services import search
from . import privacy_cli
from .common import EXIT_AMBIGUOUS
from .common import EXIT_NOT_FOUND
from .common import confirm
from .common import fail
from .common import require_tenant
from .common import tenant_option
from .common import yes_option

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

#: The actor of every CLI command in the audit trail.
ACTOR = audit.OPERATOR


def resolve_email(scope: TenantScope, email: str, all_: bool) -> list[int]:
    """The subject ids for ``--email`` (and ``--all``), or exit 2 / 3 as designed.

    Other commands taking ``--email`` reuse this. It may create subject rows for
    records that had none (flushed; the caller commits or rolls back).
    """
    if normalize_email(email) is None:
        fail(f"{email!r} is not an email address", 1)
    try:
        found = search.subjects_by_email(scope, email)
    except InvalidInput as exc:
        fail(str(exc), 1)
    if not found:
        scope.session.rollback()
        fail(
            f"no registration in tenant {scope.tenant} has that email address",
            EXIT_NOT_FOUND,
        )
    if len(found) > 1:
        lines = [
            f"  subject {sid}: {', '.join(f'{s}:{r}' for s, r in refs)}"
            for sid, refs in found.items()
        ]
        if not all_:
            scope.session.commit()  # keep the subjects just created; ids stay stable
            click.echo(f"The address belongs to {len(found)} data subjects:", err=True)
            click.echo("\n".join(lines), err=True)
            fail(
                "ambiguous email address; pass --all to act on all of them",
                EXIT_AMBIGUOUS,
            )
        click.echo(f"Acting on all {len(found)} data subjects with that address:")
        click.echo("\n".join(lines))
    return list(found)


@privacy_cli.group("subject")
def subject_group() -> None:
    """Show, link and undo links of data subjects."""


def _print_overview(ov: overview_service.Overview) -> None:
    click.echo(f"subject {ov.subject_id} ({ov.state}) in tenant {ov.tenant}")
    if ov.merged_into:
        click.echo(f"  merged into subject {ov.merged_into}")
    click.echo(f"  registrations: {ov.registration_count}")
    for group in ov.registrations:
        refs = ", ".join(row["ref"] for row in group.rows)
        click.echo(f"    {group.key} ({group.count}): {refs}")
    click.echo(f"  related records: {ov.related_count}")
    for group in ov.related:
        refs = ", ".join(row["ref"] for row in group.rows)
        click.echo(f"    {group.key} ({group.count}): {refs}")
    if ov.merges:
        click.echo(f"  links: {len(ov.merges)}")
        for merge in ov.merges:
            moved = ", ".join(f"{p[0]}:{p[1]} (from {p[2]})" for p in merge["previous"])
            state = f", undone {merge['undone_at']}" if merge["undone_at"] else ""
            click.echo(
                f"    #{merge['id']} {merge['operation']} into subject "
                f"{merge['subject_id']} by {merge['actor']} at "
                f"{merge['created_at']}{state}: {moved}"
            )
    click.echo(f"  audit events: {len(ov.history)}")


@subject_group.command("show")
@tenant_option
@click.option("--email", required=True, help="Email address of the person.")
@click.option(
    "--all", "all_", is_flag=True, help="Act on every subject having the address."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the full overview as JSON."
)
def show(tenant: str, email: str, all_: bool, as_json: bool) -> None:
    """Print the total overview of the person with an email address."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    subject_ids = resolve_email(scope, email, all_)
    overviews = [
        overview_service.compile_overview(scope, ACTOR, sid) for sid in subject_ids
    ]
    scope.session.commit()
    if as_json:
        data = [ov.to_dict() for ov in overviews]
        click.echo(json.dumps(data if len(data) > 1 else data[0], indent=2))
        return
    for ov in overviews:
        _print_overview(ov)


@subject_group.command("link")
@tenant_option
@click.argument("refs", nargs=-1, required=True)
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
        fail("give at least two different records to link", 1)
    for ref in parsed:
        try:
            scope.record(*ref)
        except NotFound:
            fail(
                f"no person record {ref[0]}:{ref[1]} in tenant {tenant}", EXIT_NOT_FOUND
            )
    confirm(yes, f"Link {', '.join(refs)} in tenant {tenant}?")
    try:
        merge = linking.link_records(scope, ACTOR, parsed)
    except NotFound as exc:
        scope.session.rollback()
        fail(str(exc), EXIT_NOT_FOUND)
    scope.session.commit()
    if merge is None:
        click.echo("Nothing changed: the records already belong to one subject.")
        return
    moved = ", ".join(f"{p[0]}:{p[1]} (from subject {p[2]})" for p in merge.previous)
    click.echo(f"Linked into subject {merge.subject_id} (merge {merge.id}): {moved}")


@subject_group.command("undo")
@tenant_option
@click.argument("merge_id", type=int)
@yes_option
def undo(tenant: str, merge_id: int, yes: bool) -> None:
    """Undo the link (or unlink) MERGE_ID, restoring the grouping it replaced."""
    require_tenant(tenant)
    scope = current_privacy.scope(tenant)
    try:
        linking.get_merge(scope, merge_id)
    except NotFound:
        fail(f"no merge {merge_id} in tenant {tenant}", EXIT_NOT_FOUND)
    confirm(yes, f"Undo merge {merge_id} in tenant {tenant}?")
    try:
        merge = linking.undo_merge(scope, ACTOR, merge_id)
    except MergeConflict as exc:
        scope.session.rollback()
        fail(str(exc), 1)
    scope.session.commit()
    moved = ", ".join(f"{p[0]}:{p[1]} -> subject {p[2]}" for p in merge.previous)
    click.echo(f"Undone merge {merge.id}: {moved}")
