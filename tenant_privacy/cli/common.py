"""Helpers shared by the CLI commands: tenant checks, confirmation, exit codes."""

from __future__ import annotations

import sys
import typing as t

import click

from ..proxies import current_privacy

EXIT_NOT_FOUND = 2
EXIT_AMBIGUOUS = 3


def fail(message: str, code: int = 1) -> t.NoReturn:
    """Print *message* to stderr and exit with *code*."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def require_tenant(tenant: str) -> str:
    """Exit with code 2 unless the host has a tenant *tenant*; return the key."""
    if current_privacy.tenant_info(tenant) is None:
        fail(f"unknown tenant {tenant!r}", EXIT_NOT_FOUND)
    return tenant


def confirm(yes: bool, question: str) -> None:
    """Ask *question* unless ``--yes`` was given; exit 1 if the answer is no."""
    if yes:
        return
    if not sys.stdin.isatty() and not click.get_text_stream("stdin").readable():
        fail("refusing to change data without --yes")
    if not click.confirm(question, default=False):
        fail("aborted, nothing changed")


yes_option = click.option(
    "--yes", is_flag=True, help="Do not ask for confirmation before changing data."
)
tenant_option = click.option("--tenant", "tenant", required=True, help="Tenant key.")
