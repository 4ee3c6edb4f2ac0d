"""``privacy audit verify|checkpoint|export``: check, anchor and export a tenant's
audit trail."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from flask import current_app

from ..config import config_value
from ..errors import AuditChainBroken
from ..errors import AuditCheckpointInvalid
from ..errors import ConfigError
from ..i18n import gettext
from ..proxies import current_privacy
from ..services import audit
from ..services import audit_checkpoint
from . import privacy_cli
from .common import TENANT_KEY
from .common import OutputPath
from .common import fail
from .common import require_tenant
from .common import tenant_option


def _checkpoint_settings() -> tuple[bytes | None, Path]:
    """The checkpoint key (``AUDIT_CHECKPOINT_KEY``, else ``SECRET_KEY``) and
    folder (``AUDIT_CHECKPOINT_DIR``, else ``<instance>/audit-checkpoints``)."""
    key = config_value("AUDIT_CHECKPOINT_KEY") or current_app.config.get("SECRET_KEY")
    if isinstance(key, str):
        key = key.encode("utf-8")
    folder = config_value("AUDIT_CHECKPOINT_DIR") or os.path.join(
        current_app.instance_path, "audit-checkpoints"
    )
    return key or None, Path(folder)


def _no_key() -> str:
    return gettext(
        "no key to sign or check audit checkpoints: set "
        "TENANT_PRIVACY_AUDIT_CHECKPOINT_KEY (or the app's SECRET_KEY)"
    )


def _broken(exc: AuditChainBroken) -> str:
    return gettext(
        "audit chain of %(tenant)s broken at sequence number %(sequence)s: %(reason)s",
        tenant=exc.tenant,
        sequence=exc.sequence,
        reason=exc.reason,
    )


def _invalid(exc: AuditCheckpointInvalid) -> str:
    return gettext(
        "audit checkpoint %(name)s of %(tenant)s is invalid: %(reason)s",
        name=exc.name,
        tenant=exc.tenant,
        reason=exc.reason,
    )


@privacy_cli.group("audit")
def audit_group() -> None:
    """Verify or export the tamper-evident audit trail of a tenant."""


@audit_group.command("verify")
@tenant_option
def verify(tenant: str) -> None:
    """Recompute the tenant's hash chain and hold it against its latest checkpoint;
    exit 1 naming the first broken event, a truncation or a changed checkpoint."""
    require_tenant(tenant, if_disabled="warn")
    key, folder = _checkpoint_settings()
    started = time.perf_counter()
    try:
        verified = audit_checkpoint.verify(
            current_privacy.session, tenant, key=key, directory=folder
        )
    except AuditChainBroken as exc:
        fail(_broken(exc), 1)
    except AuditCheckpointInvalid as exc:
        fail(_invalid(exc), 1)
    except ConfigError:
        fail(_no_key(), 1)
    elapsed = time.perf_counter() - started
    click.echo(
        gettext(
            "%(tenant)s: %(count)s events verified in %(seconds)s s, chain intact",
            tenant=tenant,
            count=verified.seq,
            seconds=f"{elapsed:.2f}",
        )
    )
    if verified.checkpoint is None:
        click.echo(
            gettext(
                "%(tenant)s: no checkpoint yet, so events cut off the end would not "
                "show; run 'privacy audit checkpoint'",
                tenant=tenant,
            )
        )
    else:
        click.echo(
            gettext(
                "%(tenant)s: matches the checkpoint of %(time)s (sequence number "
                "%(sequence)s)",
                tenant=tenant,
                time=verified.checkpoint.created_at,
                sequence=verified.checkpoint.seq,
            )
        )


@audit_group.command("checkpoint")
@click.option(
    "--tenant", "tenant", type=TENANT_KEY, help="Tenant key (default: every tenant)."
)
def checkpoint(tenant: str | None) -> None:
    """Verify each tenant's chain and write its head, signed, to the checkpoint
    folder (outside the database); exit 1 if a chain does not verify."""
    session = current_privacy.session
    if tenant is not None:
        tenants = [require_tenant(tenant, if_disabled="warn")]
    else:
        tenants = audit.chain_tenants(session)
    key, folder = _checkpoint_settings()
    try:
        audit_checkpoint.need_key(key)
    except ConfigError:
        fail(_no_key(), 1)
    failed = 0
    for name in tenants:
        try:
            made, path = audit_checkpoint.checkpoint(
                session, name, key=key, directory=folder
            )
        except ConfigError:
            fail(_no_key(), 1)
        except AuditChainBroken as exc:
            click.echo(_broken(exc), err=True)
            failed += 1
            continue
        except AuditCheckpointInvalid as exc:
            click.echo(_invalid(exc), err=True)
            failed += 1
            continue
        click.echo(
            gettext(
                "%(tenant)s: checkpoint of sequence number %(sequence)s written to "
                "%(path)s",
                tenant=name,
                sequence=made.seq,
                path=str(path),
            )
        )
    session.rollback()
    if failed:
        fail(
            gettext("%(num)s chains not checkpointed: they do not verify", num=failed),
            1,
        )


@audit_group.command("export")
@tenant_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--output",
    type=OutputPath(dir_okay=False, writable=True),
    help="Default stdout.",
)
def export(tenant: str, fmt: str, output: str | None) -> None:
    """Write every audit event of the tenant as CSV or JSON (the export is audited)."""
    require_tenant(tenant, if_disabled="warn")
    session = current_privacy.session
    audit.record(
        session,
        tenant,
        audit.OPERATOR,
        audit.Action.AUDIT_EXPORTED,
        detail=f"format={fmt}",
    )
    session.commit()
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = audit.export(session, tenant, fmt, out)
        click.echo(
            gettext(
                "%(tenant)s: %(count)s events written to %(output)s",
                tenant=tenant,
                count=count,
                output=output,
            ),
            err=True,
        )
    else:
        count = audit.export(session, tenant, fmt, sys.stdout)
        click.echo(
            gettext(
                "%(tenant)s: %(count)s events exported", tenant=tenant, count=count
            ),
            err=True,
        )
