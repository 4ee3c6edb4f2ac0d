"""What the host tells the module, as plain types services may import.

The host describes who acts (:class:`Actor`), which tenants exist (:class:`TenantInfo`)
and who works in a tenant through loader callbacks registered on the extension; a
:class:`HostDirectory` holds those callbacks and answers from them. Nothing here reads
the Flask app: a service that needs the host's directory is handed one, so it runs
the same in a request, a CLI command, a job or a test without an app.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user of a tenant, as the host describes them.

    :param id: opaque, stable user id (it goes into audit rows and Casbin rules).
    :param tenant: the tenant key the user belongs to (None for the operator).
    :param label: display name for pages (never written to the audit trail).
    :param email: login email, used by CLI look-ups.
    :param is_tenant_admin: may grant and revoke the module role in their tenant.
    :param is_operator: the SaaS operator, above all tenants.
    :param language: preferred UI language, or None for the browser's.
    :param person_ref: ``(source_key, record_id)`` of the user's own person record.
    """

    id: str
    tenant: str | None
    label: str = ""
    email: str = ""
    is_tenant_admin: bool = False
    is_operator: bool = False
    language: str | None = None
    person_ref: tuple[str, str] | None = None


@dataclass(frozen=True)
class TenantInfo:
    """A tenant as the host names it.

    :param currency: ISO 4217 code of the tenant's money ("NOK"); the sources'
        ``money_fields`` are shown in it. None: amounts are shown as numbers.
    """

    key: str
    name: str
    currency: str | None = None


class HostDirectory:
    """The host's loader callbacks and the answers built from them.

    The extension's decorators (``@privacy.tenant_loader`` and so on) fill the slots;
    a test may fill them directly.
    """

    def __init__(self) -> None:
        self.tenant_loader: t.Callable[[], str | None] | None = None
        self.actor_loader: t.Callable[[], Actor | None] | None = None
        self.tenants_loader: t.Callable[[], t.Iterable[t.Any]] | None = None
        self.staff_loader: t.Callable[[str], t.Iterable[Actor]] | None = None

    def load_tenant(self) -> str | None:
        """The current tenant key from the host's ``tenant_loader``."""
        return self.tenant_loader() if self.tenant_loader else None

    def load_actor(self) -> Actor | None:
        """The current actor from the host's ``actor_loader``."""
        return self.actor_loader() if self.actor_loader else None

    def tenants(self) -> list[TenantInfo]:
        """Every tenant of the host, from ``tenants_loader``."""
        items = self.tenants_loader() if self.tenants_loader else []
        return [i if isinstance(i, TenantInfo) else TenantInfo(*i) for i in items]

    def tenant_info(self, key: str) -> TenantInfo | None:
        """The tenant *key*, or None if the host has no such tenant."""
        return next((info for info in self.tenants() if info.key == key), None)

    def staff(self, tenant: str) -> list[Actor]:
        """The staff users of *tenant*, from ``staff_loader``."""
        loader = self.staff_loader
        return [a for a in (loader(tenant) if loader else []) if a.tenant == tenant]

    def find_staff(self, tenant: str, email: str) -> Actor | None:
        """The staff user of *tenant* with login *email* (case-insensitive), or None."""
        wanted = email.strip().casefold()
        return next(
            (a for a in self.staff(tenant) if a.email.casefold() == wanted), None
        )

    def is_staff(self, tenant: str, user_id: str) -> bool:
        """True when *user_id* is a staff user of *tenant*."""
        return any(a.id == str(user_id) for a in self.staff(tenant))
