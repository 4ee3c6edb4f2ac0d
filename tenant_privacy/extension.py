"""The ``TenantPrivacy`` Flask extension: wiring only, no business logic."""

from __future__ import annotations

import pathlib
import typing as t

import sqlalchemy as sa
from flask import Flask
from flask import current_app
from flask import g
from flask import has_app_context
from flask import request

from . import config as cfg
from . import locale
from .cli import privacy_cli
from .config import config_value
from .core.strategies import Strategy
from .errors import ConfigError
from .hooks import automatch
from .host import Actor
from .host import HostDirectory
from .jobs.runner import make_job_runner
from .mail import make_mailer
from .models import metadata
from .registry import FieldGroup
from .registry import PersonSource
from .registry import RelatedSource
from .registry import Source
from .registry import SourceRegistry
from .services import rights
from .services import tenants
from .services import visibility
from .state import PrivacyState
from .views import errors as error_pages
from .views import register_views

if t.TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


class TenantPrivacy:
    """The GDPR module as a Flask extension.

    ``TenantPrivacy(app, db=db)`` or ``privacy = TenantPrivacy(db=db)`` then
    ``privacy.init_app(app)``. Sources are declared with :meth:`add_source` before
    ``init_app``; the host tells the module who acts and in which tenant with the
    loader decorators.

    :param app: the Flask app, or None to call :meth:`init_app` later.
    :param db: the host's Flask-SQLAlchemy instance; our tables share its session.
    :param strategies: the host's own anonymisation strategies by name (see
        :meth:`add_strategy`).
    :param single_tenant: for a host without tenants: the fixed tenant key the
        module files everything under (e.g. ``"main"``). Sources may then be
        declared with ``tenant_column=None``; the tenant and tenants loaders are
        optional (they default to this one tenant).

    .. versionchanged:: 0.1 ``single_tenant``.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        db: SQLAlchemy | None = None,
        strategies: t.Mapping[str, Strategy] | None = None,
        single_tenant: str | None = None,
    ):
        if single_tenant is not None and not single_tenant.strip():
            raise ConfigError("single_tenant must be a non-empty tenant key")
        self.db = db
        #: The fixed tenant key of a single-tenant host, else None.
        self.single_tenant = single_tenant
        self.registry = SourceRegistry(strategies, single_tenant=single_tenant)
        self.host = HostDirectory(single_tenant=single_tenant)
        if app is not None:
            self.init_app(app)

    # -- host callbacks ---------------------------------------------------------------
    def tenant_loader(self, func: F) -> F:
        """Register ``func() -> str | None``: the current request's tenant key."""
        self.host.tenant_loader = func
        return func

    def actor_loader(self, func: F) -> F:
        """Register ``func() -> Actor | None``: who is logged in."""
        self.host.actor_loader = func
        return func

    def tenants_loader(self, func: F) -> F:
        """Register ``func() -> iterable of (key, name)``: every tenant of the host."""
        self.host.tenants_loader = func
        return func

    def staff_loader(self, func: F) -> F:
        """Register ``func(tenant) -> iterable of Actor``: the whole staff of one
        tenant. The fallback of the three narrow staff loaders below, called for
        every question it answers: fine for small staff (a few hundred users)."""
        self.host.staff_loader = func
        return func

    def staff_labels_loader(self, func: F) -> F:
        """Register ``func(tenant, ids) -> {id: label}``: display names of those of
        *ids* (a list of user id strings) that are staff of *tenant*; leave others out.

        .. versionadded:: 0.1
        """
        self.host.staff_labels_loader = func
        return func

    def staff_by_email_loader(self, func: F) -> F:
        """Register ``func(tenant, email) -> Actor | None``: the staff user of
        *tenant* with that login email (compare case-insensitively).

        .. versionadded:: 0.1
        """
        self.host.staff_by_email_loader = func
        return func

    def staff_page_loader(self, func: F) -> F:
        """Register ``func(tenant, search, offset, limit) -> (actors, total)``: one
        page of *tenant*'s staff whose name or email contains *search* (all when it
        is empty), in a stable order, and how many match in all.

        .. versionadded:: 0.1
        """
        self.host.staff_page_loader = func
        return func

    def password_checker(self, func: F) -> F:
        """Register ``func(actor, password) -> bool``: True when *password* is the
        user's own login password. Self-deletion asks it (rate limited); without
        it users cannot delete themselves.

        .. versionadded:: 0.1
        """
        self.host.password_checker = func
        return func

    def self_deleted_handler(self, func: F) -> F:
        """Register ``func(actor) -> None``, called when a user has deleted
        themselves, as soon as their erasure is registered (inline jobs have run
        it by then; an rq worker runs it later), whether or not the erasure then
        succeeds: end every session of the user, revoke the host's tokens and make
        their login fail. An erasure that fails waits, failed, in the request
        register for an officer to start again. Make changes in the host's
        session; the module commits after the call.

        .. versionadded:: 0.1
        """
        self.host.self_deleted_handler = func
        return func

    def tenant_admins_loader(self, func: F) -> F:
        """Register ``func(tenant) -> ids``: the user ids of *tenant*'s
        administrators (one query), so the last one cannot delete themselves.
        Without it the module reads the staff list (``staff_loader``).

        .. versionadded:: 0.1
        """
        self.host.tenant_admins_loader = func
        return func

    # -- sources ----------------------------------------------------------------------
    def add_strategy(self, name: str, func: Strategy) -> None:
        """Add an anonymisation strategy ``func(value, ctx) -> value`` under *name*,
        before the sources that name it. *ctx* is a
        :class:`~tenant_privacy.core.strategies.StrategyContext`; draw any fake value
        from ``ctx.token(purpose)`` (random per erasure), never from *value*.

        :raises RegistryError: a built-in or bad name, or after ``init_app``.

        .. versionadded:: 0.1
        """
        self.registry.add_strategy(name, func)

    def add_source(self, source: Source) -> Source:
        """Register a :class:`PersonSource` or :class:`RelatedSource`; validated now.

        :raises RegistryError: naming the source and the field that is wrong.
        """
        return self.registry.register(source)

    def person_source(self, **kwargs: t.Any) -> PersonSource:
        """Declare and register a person source; keyword arguments as PersonSource."""
        for name in ("export_fields", "secret_fields_ok", "money_fields"):
            kwargs[name] = tuple(kwargs.get(name, ()))
        return t.cast(PersonSource, self.add_source(PersonSource(**kwargs)))

    def related_source(self, **kwargs: t.Any) -> RelatedSource:
        """Declare and register a related source; keyword arguments as RelatedSource."""
        for name in (
            "export_fields",
            "secret_fields_ok",
            "money_fields",
            "author_fields",
        ):
            kwargs[name] = tuple(kwargs.get(name, ()))
        return t.cast(RelatedSource, self.add_source(RelatedSource(**kwargs)))

    def field_group(
        self,
        name: str,
        label: t.Any,
        fields: t.Mapping[str, t.Sequence[str]] | None = None,
    ) -> FieldGroup:
        """Declare a restrictable field group (``email``, ``balance``): *fields*
        maps a source key to its attributes in the group; none makes a computed
        group the host asks about (:meth:`visibility_for`). Checked against the
        sources at ``init_app``.

        :raises RegistryError: a bad, reserved (``person``) or repeated name.

        .. versionadded:: 0.1
        """
        groups = {str(k): tuple(v) for k, v in (fields or {}).items()}
        return self.registry.add_field_group(FieldGroup(name, label, groups))

    # -- visibility (for the host's own pages) ---------------------------------------
    def _viewer(
        self, viewer: Actor | None, tenant: str | None
    ) -> tuple[Actor | None, str | None]:
        viewer = viewer if viewer is not None else self.host.load_actor()
        tenant = (
            tenant or (viewer.tenant if viewer else None) or self.host.load_tenant()
        )
        return viewer, tenant

    def visibility_for(
        self,
        refs: t.Iterable[tuple[str, t.Any]],
        viewer: Actor | None = None,
        tenant: str | None = None,
    ) -> visibility.PageVisibility:
        """What *viewer* (the current actor) may see of the person records *refs*
        (``(source_key, id)``) of a page: ``.person_hidden(ref)``,
        ``.can_see(ref, group)``, ``.mask(ref, row)``. A constant number of
        queries for the whole page. Without a tenant nothing is hidden.

        .. versionadded:: 0.1
        """
        state = self._state()
        viewer, tenant = self._viewer(viewer, tenant)
        groups = {g.name: g.fields for g in self.registry.field_groups()}
        if not tenant:
            return visibility.PageVisibility({}, groups)
        scope = state.scope(tenant)
        return visibility.visibility_for(
            scope, viewer, refs, officer=_officer(scope, viewer)
        )

    def hidden_clause(
        self,
        source_key: str,
        viewer: Actor | None = None,
        tenant: str | None = None,
        group: str = visibility.PERSON,
    ) -> t.Any:
        """A SQL condition for the host's query over source *source_key* (a person
        source, or a related source: rows about a hidden person) that leaves out
        the persons hidden from *viewer* (the current actor): add it to lists,
        counts and searches alike. Officers: ``true``. With a field *group*: true
        for the rows whose group the viewer may see (for a search over that
        field).

        .. versionadded:: 0.1
        """
        return self._clause(source_key, viewer, tenant, group, hidden=False)

    def hidden_rows_clause(
        self,
        source_key: str,
        viewer: Actor | None = None,
        tenant: str | None = None,
        group: str = visibility.PERSON,
    ) -> t.Any:
        """The opposite of :meth:`hidden_clause`: true for the rows hidden from
        *viewer* (officers: ``false``). Count a large list as ``count(all) -
        count(all AND hidden rows)``: the database looks up the few hidden ids
        instead of testing every row.

        .. versionadded:: 0.1
        """
        return self._clause(source_key, viewer, tenant, group, hidden=True)

    def _clause(
        self,
        source_key: str,
        viewer: Actor | None,
        tenant: str | None,
        group: str,
        *,
        hidden: bool,
    ) -> t.Any:
        """:meth:`hidden_clause` (*hidden* False) or :meth:`hidden_rows_clause`."""
        state = self._state()
        viewer, tenant = self._viewer(viewer, tenant)
        if not tenant:
            return sa.false() if hidden else sa.true()
        scope = state.scope(tenant)
        build = visibility.hidden_rows_clause if hidden else visibility.hidden_clause
        return build(scope, viewer, source_key, group, officer=_officer(scope, viewer))

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
        state = PrivacyState(
            extension=self,
            db=self.db,
            registry=self.registry,
            host=self.host,
            config=app.config,
            rights=rights.RightsManager(app.config, self.host),
            jobs=make_job_runner(app.config),
            mailer=make_mailer(app.config, app.instance_path),
            export_dir=pathlib.Path(
                config_value("EXPORT_STORAGE_DIR", app.config)
                or pathlib.Path(app.instance_path) / "exports"
            ),
        )
        locale.install(app)
        app.jinja_env.filters["tp_visible"] = _visible_filter
        app.jinja_env.filters["tp_mask"] = _mask_filter
        app.jinja_env.tests["tp_masked"] = visibility.is_masked
        automatch.watch_person_sources(state)
        if config_value("REGISTER_BLUEPRINT", app.config):
            register_views(app, state)
        cli_name = config_value("CLI_NAME", app.config)
        if cli_name:
            app.cli.add_command(privacy_cli, name=cli_name)

        @app.before_request
        def _request_id() -> None:
            g._tenant_privacy_request_id = request.headers.get("X-Request-ID")

        app.extensions["tenant_privacy"] = state

    @staticmethod
    def _state() -> PrivacyState:
        return t.cast(PrivacyState, current_app.extensions["tenant_privacy"])

    def enable_tenant(
        self, tenant: str, enabled: bool = True, *, actor: str = "operator"
    ) -> bool:
        """Switch the module on (or off) for *tenant* in the current app, audited;
        True if that changed anything. Flushes; the caller commits.

        :raises UnknownTenant: if the host's ``tenants_loader`` has no such tenant.
        """
        state = self._state()
        return tenants.set_enabled(state.scope(tenant), self.host, enabled, actor)

    def grant_officer(
        self, tenant: str, user_id: str, *, actor: str = "operator"
    ) -> bool:
        """Give staff user *user_id* the privacy-officer role in *tenant*, audited;
        True if that changed anything. Flushes; the caller commits.

        :raises UnknownTenant: no such tenant. :raises NotFound: no such staff user.
        """
        state = self._state()
        return state.rights.grant(state.session, tenant, actor, str(user_id))

    def match_record(self, tenant: str, source_key: str, record_id: str) -> None:
        """Match one person record against its tenant, without a rescan.

        For hosts that write person rows outside the session the module watches (bulk
        loads, raw SQL, other services). Runs through the job runner: at once under
        the inline default, else on the rq queue. Call it after your commit; it does
        nothing for a tenant where the module is off.

        .. versionadded:: 0.1
        """
        self._state().jobs.enqueue(
            "match_records", tenant=tenant, refs=[[source_key, str(record_id)]]
        )

    def install_error_pages(self, app: Flask) -> None:
        """Answer the host's own 400, 403, 404, 410 and 500 with the module's pages.

        The same translated pages the module's blueprint uses
        (``tenant_privacy/error.html``, inside ``TENANT_PRIVACY_BASE_TEMPLATE``,
        with a way back); the host's own handlers for other codes are left alone,
        and one registered later for the same code wins. Call it after
        :meth:`init_app`: ``privacy.install_error_pages(app)``.

        .. versionadded:: 0.1.0
        """
        if "tenant_privacy" not in app.extensions:
            raise RuntimeError("call install_error_pages(app) after init_app(app)")
        error_pages.register(app)

    def create_all(self) -> None:
        """Create the module's tables directly (tests, demos; else use migrations)."""
        assert self.db is not None
        metadata.create_all(self.db.engine)


def _officer(scope: t.Any, viewer: Actor | None) -> bool | None:
    """Whether *viewer* is an officer of the scope's tenant, asked once per
    request (kept on ``g``); None outside an app context (the service asks)."""
    if viewer is None or not has_app_context():
        return None
    if viewer.tenant != scope.tenant:
        return False
    cache = g.setdefault("_tenant_privacy_officer", {})
    key = (scope.tenant, viewer.id)
    if key not in cache:
        cache[key] = rights.holds_officer_role(
            scope.session, scope.tenant, str(viewer.id)
        )
    return bool(cache[key])


def _visible_filter(
    value: t.Any, page: visibility.PageVisibility, ref: t.Any, group: str
) -> t.Any:
    """Jinja ``{{ value|tp_visible(page, ref, "email") }}``: the value, or the
    neutral marker when the viewer may not see that group of the person."""
    return page.value(ref, group, value)


def _mask_filter(row: t.Any, page: visibility.PageVisibility, ref: t.Any) -> t.Any:
    """Jinja ``{% set c = contact|tp_mask(page, ref) %}``: the row with its hidden
    fields replaced by the neutral marker."""
    return page.mask(tuple(ref), row)


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
