"""The module's per-app state, kept in ``app.extensions["tenant_privacy"]``.

Entry points (views, CLI commands, jobs, session hooks) reach it through
:data:`tenant_privacy.proxies.current_privacy` and build what a service needs from
it: a :class:`~tenant_privacy.store.scope.TenantScope`, the host's directory, the
rights manager. Services never read it themselves.
"""

from __future__ import annotations

import pathlib
import typing as t
from dataclasses import dataclass

from .store.scope import TenantScope

if t.TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import orm

    from .extension import TenantPrivacy
    from .host import HostDirectory
    from .jobs.runner import JobRunner
    from .mail import Mailer
    from .registry import SourceRegistry
    from .services.rights import RightsManager


@dataclass
class PrivacyState:
    """Everything the module holds per Flask app, typed."""

    extension: TenantPrivacy
    db: SQLAlchemy
    registry: SourceRegistry
    host: HostDirectory
    #: the app's configuration (``TENANT_PRIVACY_*`` keys, defaults applied)
    config: t.Mapping[str, t.Any]
    rights: RightsManager
    jobs: JobRunner
    mailer: Mailer
    #: where built exports are kept until their links end
    export_dir: pathlib.Path

    @property
    def session(self) -> orm.scoped_session[t.Any]:
        """The host's session; our tables share its transaction."""
        return self.db.session

    def scope(self, tenant: str) -> TenantScope:
        """A :class:`TenantScope` of *tenant* over the host's session."""
        return TenantScope(self.db.session, tenant, self.registry, self.config)
