"""The ``TenantPrivacy`` Flask extension: wiring only, no business logic."""

from __future__ import annotations

import pathlib
import typing as t
from dataclasses import dataclass
from dataclasses import field

from flask import Flask
from flask import g
from flask import request

from . import config as cfg
from .errors import ConfigError
from .models import metadata
from .registry import PersonSource
from .registry import RelatedSource
from .registry import Source
from .registry import SourceRegistry
from .store.scope import TenantScope

if t.TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import orm

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
    """A tenant as the host names it."""

    key: str
    name: str


@dataclass
class PrivacyState:
    """Per-app state, kept in ``app.extensions["tenant_privacy"]``."""

    extension: TenantPrivacy
    db: SQLAlchemy
    registry: SourceRegistry
    services: dict[str, t.Any] = field(default_factory=dict)

    @property
    def session(self) -> orm.scoped_session[t.Any]:
        """The host's session; our tables share its transaction."""
        return self.db.session

    def scope(self, tenant: str) -> TenantScope:
        """A :class:`TenantScope` of *tenant* over the host's session."""
        return TenantScope(self.db.session, tenant, self.registry)

    def load_tenant(self) -> str | None:
        """The current tenant key from the host's ``tenant_loader``."""
        loader = self.extension._tenant_loader
        return loader() if loader else None

    def load_actor(self) -> Actor | None:
        """The current actor from the host's ``actor_loader``."""
        loader = self.extension._actor_loader
        return loader() if loader else None

    def tenants(self) -> list[TenantInfo]:
        """Every tenant of the host, from ``tenants_loader``."""
        loader = self.extension._tenants_loader
        return [
            TenantInfo(*item) if not isinstance(item, TenantInfo) else item
            for item in (loader() if loader else [])
        ]

    def tenant_info(self, key: str) -> TenantInfo | None:
        """The tenant *key*, or None if the host has no such tenant."""
        return next((t_ for t_ in self.tenants() if t_.key == key), None)

    def staff(self, tenant: str) -> list[Actor]:
        """The staff users of *tenant*, from ``staff_loader``."""
        loader = self.extension._staff_loader
        return [a for a in (loader(tenant) if loader else []) if a.tenant == tenant]

    def find_staff(self, tenant: str, email: str) -> Actor | None:
        """The staff user of *tenant* with login *email* (case-insensitive), or None."""
        wanted = email.strip().casefold()
        return next(
            (a for a in self.staff(tenant) if a.email.casefold() == wanted), None
        )


class TenantPrivacy:
    """The GDPR module as a Flask extension.

    ``TenantPrivacy(app, db=db)`` or ``privacy = TenantPrivacy(db=db)`` then
    ``privacy.init_app(app)``. Sources are declared with :meth:`add_source` before
    ``init_app``; the host tells the module who acts and in which tenant with the
    loader decorators.

    :param app: the Flask app, or None to call :meth:`init_app` later.
    :param db: the host's Flask-SQLAlchemy instance; our tables share its session.
    """

    def __init__(self, app: Flask | None = None, *, db: SQLAlchemy | None = None):
        self.db = db
        self.registry = SourceRegistry()
        self._tenant_loader: t.Callable[[], str | None] | None = None
        self._actor_loader: t.Callable[[], Actor | None] | None = None
        self._tenants_loader: t.Callable[[], t.Iterable[t.Any]] | None = None
        self._staff_loader: t.Callable[[str], t.Iterable[Actor]] | None = None
        if app is not None:
            self.init_app(app)

    # -- host callbacks ---------------------------------------------------------------
    def tenant_loader(self, func: F) -> F:
        """Register ``func() -> str | None``: the current request's tenant key."""
        self._tenant_loader = func
        return func

    def actor_loader(self, func: F) -> F:
        """Register ``func() -> Actor | None``: who is logged in."""
        self._actor_loader = func
        return func

    def tenants_loader(self, func: F) -> F:
        """Register ``func() -> iterable of (key, name)``: every tenant of the host."""
        self._tenants_loader = func
        return func

    def staff_loader(self, func: F) -> F:
        """Register ``func(tenant) -> iterable of Actor``: the staff of one tenant."""
        self._staff_loader = func
        return func

    # -- sources ----------------------------------------------------------------------
    def add_source(self, source: Source) -> Source:
        """Register a :class:`PersonSource` or :class:`RelatedSource`; validated now.

        :raises RegistryError: naming the source and the field that is wrong.
        """
        return self.registry.register(source)

    def person_source(self, **kwargs: t.Any) -> PersonSource:
        """Declare and register a person source; keyword arguments as PersonSource."""
        kwargs["export_fields"] = tuple(kwargs.get("export_fields", ()))
        return t.cast(PersonSource, self.add_source(PersonSource(**kwargs)))

    def related_source(self, **kwargs: t.Any) -> RelatedSource:
        """Declare and register a related source; keyword arguments as RelatedSource."""
        kwargs["export_fields"] = tuple(kwargs.get("export_fields", ()))
        return t.cast(RelatedSource, self.add_source(RelatedSource(**kwargs)))

    # -- wiring -----------------------------------------------------------------------
    def init_app(self, app: Flask) -> None:
        """Install the module on *app*: config, blueprint, CLI, i18n, services.

        :raises RuntimeError: if the module is already installed on *app*.
        :raises ConfigError: if the configuration is invalid, saying what to fix.
        """
        if "tenant_privacy" in app.extensions:
            raise RuntimeError("tenant_privacy is already installed on this app")
        if self.db is None:
            raise ConfigError("TenantPrivacy needs db=<your Flask-SQLAlchemy instance>")
        cfg.apply_defaults(app.config)
        cfg.validate(app.config)
        self.registry.freeze()
        state = PrivacyState(extension=self, db=self.db, registry=self.registry)

        from . import i18n
        from .services import install_services
        from .views import register_views

        i18n.install(app, state)
        install_services(app, state)
        if app.config[cfg.PREFIX + "REGISTER_BLUEPRINT"]:
            register_views(app, state)
        cli_name = app.config[cfg.PREFIX + "CLI_NAME"]
        if cli_name:
            from .cli import privacy_cli

            app.cli.add_command(privacy_cli, name=cli_name)

        @app.before_request
        def _request_id() -> None:
            g._tenant_privacy_request_id = request.headers.get("X-Request-ID")

        app.extensions["tenant_privacy"] = state

    def match_record(self, tenant: str, source_key: str, record_id: str) -> None:
        """Match one person record against its tenant, without a rescan.

        For hosts that write person rows outside the session the module watches (bulk
        loads, raw SQL, other services). Runs through the job runner: at once under
        the inline default, else on the rq queue. Call it after your commit; it does
        nothing for a tenant where the module is off.

        .. versionadded:: 0.1
        """
        from . import jobs

        jobs.enqueue(
            "tenant_privacy.services.duplicates.match_record_job",
            tenant=tenant,
            source_key=source_key,
            record_id=str(record_id),
        )

    def create_all(self) -> None:
        """Create the module's tables directly (tests, demos; else use migrations)."""
        assert self.db is not None
        metadata.create_all(self.db.engine)


def migrations_path() -> str:
    """Folder of the module's Alembic versions, for a host's ``version_locations``."""
    return str(pathlib.Path(__file__).parent / "migrations" / "versions")


def alembic_include_name(name: str | None, type_: str, parent_names: t.Any) -> bool:
    """Alembic ``include_name`` hook: keep the host's autogenerate off our tables.

    Use it in a host whose autogenerate targets only its own metadata.
    """
    if type_ == "table" and name is not None:
        return not name.startswith("tenant_privacy_")
    return True
