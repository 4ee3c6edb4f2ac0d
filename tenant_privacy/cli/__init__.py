"""The ``privacy`` click group: ``flask --app wsgi privacy ...``.

Subcommands are thin wrappers over services. Commands that change data need ``--yes``
or an interactive confirmation and print what they changed. Exit codes: 0 done,
1 failure, 2 unknown tenant or nothing found, 3 ambiguous (see DESIGN.md section 4).

Messages go through the module's gettext in ``TENANT_PRIVACY_DEFAULT_LANGUAGE``: each
command runs under ``flask_babel.force_locale`` of that language, whatever locale
selector the host installed (there is no request, user or browser in a CLI).
Machine-readable output (tab-separated rows, JSON, CSV) is never translated.
"""

from __future__ import annotations

import functools
import typing as t

import flask_babel
from flask.cli import AppGroup

from ..config import config_value


def in_default_language(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Wrap command callback *f* to run in the module's configured default language."""

    @functools.wraps(f)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with flask_babel.force_locale(config_value("DEFAULT_LANGUAGE")):
            return f(*args, **kwargs)

    return wrapper


class PrivacyGroup(AppGroup):
    """An :class:`AppGroup` whose commands and subgroups speak the module language."""

    def command(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], t.Any]:
        """Like :meth:`AppGroup.command`; the callback runs in the default language.

        Commands declared ``with_appcontext=False`` are left as they are.
        """
        wrap = kwargs.get("with_appcontext", True)
        register = super().command(*args, **kwargs)

        def decorator(f: t.Callable[..., t.Any]) -> t.Any:
            return register(in_default_language(f) if wrap else f)

        return decorator

    def group(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], t.Any]:
        """Like :meth:`AppGroup.group`, defaulting the group class to this one."""
        kwargs.setdefault("cls", PrivacyGroup)
        return super().group(*args, **kwargs)


privacy_cli = PrivacyGroup("privacy", help="GDPR privacy module of the SaaS.")

from . import audit  # noqa: E402,F401  (each module registers its commands)
from . import duplicates  # noqa: E402,F401
from . import officers  # noqa: E402,F401
from . import subjects  # noqa: E402,F401
from . import tenants  # noqa: E402,F401

__all__ = ["privacy_cli"]
