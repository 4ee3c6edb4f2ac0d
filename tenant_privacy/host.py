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
    :param roles: the host's role names of the user in their tenant ("admin",
        "staff"); visibility rules may exempt a role (see ``docs/visibility.md``).

    .. versionchanged:: 0.1 ``roles``.
    """

    id: str
    tenant: str | None
    label: str = ""
    email: str = ""
    is_tenant_admin: bool = False
    is_operator: bool = False
    language: str | None = None
    person_ref: tuple[str, str] | None = None
    roles: frozenset[str] = frozenset()


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
    a test may fill them directly. Staff questions go to the narrow loaders when the
    host gives them (``staff_labels_loader``, ``staff_by_email_loader``,
    ``staff_page_loader``: one query each, whatever the size of the user table) and
    otherwise to ``staff_loader``, which lists a whole tenant's staff on every
    question: fine for small staff only.

    :param single_tenant: the fixed tenant key of a single-tenant module; it is the
        current tenant and the only tenant unless the host's loaders say otherwise.
    """

    def __init__(self, single_tenant: str | None = None) -> None:
        self.single_tenant = single_tenant
        self.tenant_loader: t.Callable[[], str | None] | None = None
        self.actor_loader: t.Callable[[], Actor | None] | None = None
        self.tenants_loader: t.Callable[[], t.Iterable[t.Any]] | None = None
        self.staff_loader: t.Callable[[str], t.Iterable[Actor]] | None = None
        self.staff_labels_loader: (
            t.Callable[[str, list[str]], t.Mapping[t.Any, str]] | None
        ) = None
        self.staff_by_email_loader: t.Callable[[str, str], Actor | None] | None = None
        self.staff_page_loader: (
            t.Callable[[str, str, int, int], tuple[t.Iterable[Actor], int]] | None
        ) = None
        #: ``(actor, password) -> bool``: the host checks a user's own password
        #: before a self-deletion (no checker: users cannot delete themselves).
        self.password_checker: t.Callable[[Actor, str], bool] | None = None
        #: ``(actor) -> None``: the user deleted themselves; the host ends their
        #: sessions, revokes its tokens and refuses their login from now on.
        self.self_deleted_handler: t.Callable[[Actor], None] | None = None
        #: ``(tenant) -> ids``: the tenant administrators' user ids.
        self.tenant_admins_loader: t.Callable[[str], t.Iterable[t.Any]] | None = None

    def load_tenant(self) -> str | None:
        """The current tenant key from the host's ``tenant_loader`` (the fixed key
        of a single-tenant module without one)."""
        return self.tenant_loader() if self.tenant_loader else self.single_tenant

    def load_actor(self) -> Actor | None:
        """The current actor from the host's ``actor_loader``."""
        return self.actor_loader() if self.actor_loader else None

    def tenants(self) -> list[TenantInfo]:
        """Every tenant of the host, from ``tenants_loader`` (the fixed tenant of a
        single-tenant module without one)."""
        if self.tenants_loader:
            items = list(self.tenants_loader())
        elif self.single_tenant:
            items = [TenantInfo(self.single_tenant, self.single_tenant)]
        else:
            items = []
        return [i if isinstance(i, TenantInfo) else TenantInfo(*i) for i in items]

    def tenant_info(self, key: str) -> TenantInfo | None:
        """The tenant *key*, or None if the host has no such tenant."""
        return next((info for info in self.tenants() if info.key == key), None)

    def staff(self, tenant: str) -> list[Actor]:
        """Every staff user of *tenant*, from ``staff_loader`` (the fallback of the
        narrow questions below; empty without it)."""
        loader = self.staff_loader
        return [a for a in (loader(tenant) if loader else []) if a.tenant == tenant]

    def labels(self, tenant: str, ids: t.Iterable[str]) -> dict[str, str]:
        """``{id: label}`` of those of *ids* that are staff users of *tenant*."""
        wanted = sorted({str(i) for i in ids})
        if not wanted:
            return {}
        if self.staff_labels_loader is not None:
            found = self.staff_labels_loader(tenant, wanted)
            return {str(k): str(v or k) for k, v in found.items() if str(k) in wanted}
        return {a.id: a.label or a.id for a in self.staff(tenant) if a.id in wanted}

    def find_staff(self, tenant: str, email: str) -> Actor | None:
        """The staff user of *tenant* with login *email* (case-insensitive), or None."""
        wanted = email.strip().casefold()
        if self.staff_by_email_loader is not None:
            found = self.staff_by_email_loader(tenant, email.strip())
            ok = found is not None and found.tenant == tenant
            return found if ok and found.email.casefold() == wanted else None
        return next(
            (a for a in self.staff(tenant) if a.email.casefold() == wanted), None
        )

    def is_staff(self, tenant: str, user_id: str) -> bool:
        """True when *user_id* is a staff user of *tenant*."""
        return str(user_id) in self.labels(tenant, [str(user_id)])

    def staff_page(
        self, tenant: str, search: str, offset: int, limit: int
    ) -> tuple[list[Actor], int]:
        """One page of *tenant*'s staff whose name or email contains *search*
        (case-insensitive; everyone when empty), ordered as the host orders them,
        and how many match in all."""
        search = search.strip()
        if self.staff_page_loader is not None:
            items, total = self.staff_page_loader(tenant, search, offset, limit)
            return [a for a in items if a.tenant == tenant], int(total)
        needle = search.casefold()
        matching = [
            a
            for a in self.staff(tenant)
            if not needle
            or needle in a.label.casefold()
            or needle in a.email.casefold()
        ]
        return matching[offset : offset + limit], len(matching)

    def check_password(self, actor: Actor, password: str) -> bool:
        """True when *password* is *actor*'s own, as the host's
        ``password_checker`` says (False without one, or for an empty password)."""
        if self.password_checker is None or not password:
            return False
        return bool(self.password_checker(actor, password))

    def self_deleted(self, actor: Actor) -> None:
        """Tell the host that *actor* deleted themselves (its
        ``self_deleted_handler``), so it ends their sessions and login."""
        if self.self_deleted_handler is not None:
            self.self_deleted_handler(actor)

    def is_last_admin(self, actor: Actor) -> bool:
        """True when *actor* is an administrator of their tenant and no other user
        is (``tenant_admins_loader``, else the staff list)."""
        if not actor.is_tenant_admin or actor.tenant is None:
            return False
        if self.tenant_admins_loader is not None:
            ids = {str(i) for i in self.tenant_admins_loader(actor.tenant)}
        else:
            ids = {a.id for a in self.staff(actor.tenant) if a.is_tenant_admin}
        return not (ids - {actor.id})
