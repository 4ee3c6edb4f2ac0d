"""Enabling the module per tenant, and per-tenant settings."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from ..config import config_value
from ..errors import UnknownTenant
from ..models import TenantSettings
from . import audit

if t.TYPE_CHECKING:
    from sqlalchemy import orm

    from ..host import HostDirectory
    from ..store.scope import TenantScope


def settings_of(scope: TenantScope) -> TenantSettings:
    """The settings row of the scope's tenant; a transient row with the configured
    defaults if none exists."""
    row = scope.session.get(TenantSettings, scope.tenant)
    if row is None:
        row = TenantSettings(
            tenant_key=scope.tenant,
            enabled=False,
            phone_region=config_value("DEFAULT_PHONE_REGION", scope.config),
            export_ttl_hours=config_value("EXPORT_TTL_HOURS", scope.config),
            language=config_value("DEFAULT_LANGUAGE", scope.config),
        )
    return row


def is_enabled(session: orm.Session, tenant: str | None) -> bool:
    """True when the module is switched on for *tenant*."""
    if not tenant:
        return False
    enabled = session.scalar(
        sa.select(TenantSettings.enabled).where(TenantSettings.tenant_key == tenant)
    )
    return bool(enabled)


def enabled_tenants(session: orm.Session) -> list[str]:
    """The keys of every tenant the module is switched on for, sorted."""
    stmt = (
        sa.select(TenantSettings.tenant_key)
        .where(TenantSettings.enabled.is_(True))
        .order_by(TenantSettings.tenant_key)
    )
    return list(session.scalars(stmt))


def set_enabled(
    scope: TenantScope, host: HostDirectory, enabled: bool, actor: str
) -> bool:
    """Switch the module on or off for the scope's tenant; return True if that
    changed anything.

    Writes an audit event in the same transaction when the state changes.

    :raises UnknownTenant: if the host (*host*) has no such tenant.
    """
    session, tenant = scope.session, scope.tenant
    if host.tenant_info(tenant) is None:
        raise UnknownTenant(f"unknown tenant {tenant!r}")
    row = settings_of(scope)
    if row.enabled == enabled and sa.inspect(row).persistent:
        return False
    row.enabled = enabled
    session.add(row)
    session.flush()
    audit.record(
        session,
        tenant,
        actor,
        audit.Action.MODULE_ENABLED if enabled else audit.Action.MODULE_DISABLED,
    )
    return True
