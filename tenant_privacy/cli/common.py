"""Helpers shared by the CLI commands: tenant checks, confirmation, exit codes."""

from __future__ import annotations

import contextlib
import sys
import typing as t

import click

from ..i18n import gettext
from ..proxies import current_privacy
from ..services import tenants

EXIT_NOT_FOUND = 2
EXIT_AMBIGUOUS = 3


def fail(message: str, code: int = 1) -> t.NoReturn:
    """Print *message* to stderr and exit with *code*."""
    click.echo(gettext("Error: %(message)s", message=message), err=True)
    sys.exit(code)


def require_tenant(tenant: str, *, if_disabled: str = "refuse") -> str:
    """Exit with code 2 unless the host has a tenant *tenant*; return the key.

    A tenant where the module is off is refused the same way (exit code 2, saying
    so), as its pages answer 404; ``if_disabled="warn"`` only says so on stderr
    (the audit trail's own checks), ``"allow"`` says nothing (switching it on).
    """
    if current_privacy.host.tenant_info(tenant) is None:
        fail(gettext("unknown tenant %(tenant)s", tenant=repr(tenant)), EXIT_NOT_FOUND)
    if if_disabled == "allow" or tenants.is_enabled(current_privacy.session, tenant):
        return tenant
    if if_disabled == "warn":
        click.echo(
            gettext(
                "Note: the privacy module is off for tenant %(tenant)s.",
                tenant=repr(tenant),
            ),
            err=True,
        )
        return tenant
    fail(
        gettext(
            "the privacy module is off for tenant %(tenant)s (switch it on with: "
            "privacy tenant enable %(key)s)",
            tenant=repr(tenant),
            key=tenant,
        ),
        EXIT_NOT_FOUND,
    )


def confirm(yes: bool, question: str) -> None:
    """Ask *question* unless ``--yes`` was given; exit 1 if the answer is no."""
    if yes:
        return
    try:
        agreed = click.confirm(question, default=False)
    except click.Abort:
        agreed = False  # no answer (end of input): change nothing
    if not agreed:
        fail(gettext("aborted, nothing changed (pass --yes to skip this question)"))


@contextlib.contextmanager
def progress_bar(label: str) -> t.Iterator[t.Callable[[int, int], None]]:
    """A progress bar on stderr, and the ``report(done, total)`` that moves it:
    hand it to a job (:func:`tenant_privacy.jobs.lifecycle.run_tracked`), so
    every long command shows progress the same way."""
    with click.progressbar(length=1, label=label, show_pos=True) as bar:
        shown = 0

        def report(done: int, total: int) -> None:
            nonlocal shown
            bar.length = max(total, 1)
            bar.update(done - shown)
            shown = done

        yield report


yes_option = click.option(
    "--yes", is_flag=True, help="Do not ask for confirmation before changing data."
)
tenant_option = click.option("--tenant", "tenant", required=True, help="Tenant key.")
