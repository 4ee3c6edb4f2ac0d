"""Helpers shared by the CLI commands: tenant checks, confirmation, exit codes."""

from __future__ import annotations

import contextlib
import sys
import typing as t

import click

from .. import inputs
from ..errors import InvalidInput
from ..i18n import gettext
from ..models import SubjectRecord
from ..models import TenantSettings
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


class Text(click.ParamType):
    """A text argument read through :func:`tenant_privacy.inputs.text_arg`: no NUL
    or other control characters, at most *max_len* characters; refused values are
    usage errors (exit 2) before anything reads the database.

    :param trim: strip surrounding whitespace (not for keys and ids).
    """

    name = "text"

    def __init__(self, max_len: int | None, *, trim: bool = True) -> None:
        self.max_len = max_len
        self.trim = trim

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        field = (param.name if param is not None else None) or "text"
        try:
            return inputs.text_arg(value, self.max_len, field, trim=self.trim)
        except InvalidInput as exc:
            self.fail(str(exc), param, ctx)


class Id(click.ParamType):
    """A row id, 1 .. ``2**63 - 1`` in ASCII digits
    (:func:`tenant_privacy.inputs.int_id`); anything else is a usage error."""

    name = "id"

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        field = (param.name if param is not None else None) or "id"
        try:
            return inputs.int_id(value, field)
        except InvalidInput as exc:
            self.fail(str(exc), param, ctx)


class OutputPath(click.Path):
    """A file to write: :class:`click.Path`, refusing a NUL byte (which made
    ``open()`` fail with a traceback)."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        Text(None, trim=False).convert(value, param, ctx)
        return super().convert(value, param, ctx)


#: A tenant key as the host gives it (no longer than our tenant columns).
TENANT_KEY = Text(inputs.column_length(TenantSettings, "tenant_key"), trim=False)
#: An email address, perhaps as "Name <address>" (an address has at most 254
#: characters; a longer value finds nobody rather than failing).
EMAIL = Text(320)
#: A record ref ``source:id``.
RECORD_REF = Text(
    (inputs.column_length(SubjectRecord, "source_key") or 0)
    + (inputs.column_length(SubjectRecord, "record_id") or 0)
    + 1,
    trim=False,
)
#: A row id.
ID = Id()

yes_option = click.option(
    "--yes", is_flag=True, help="Do not ask for confirmation before changing data."
)
tenant_option = click.option(
    "--tenant", "tenant", type=TENANT_KEY, required=True, help="Tenant key."
)
