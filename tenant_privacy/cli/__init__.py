"""The ``privacy`` click group: ``flask --app wsgi privacy ...``.

Subcommands are thin wrappers over services. Commands that change data need ``--yes``
or an interactive confirmation and print what they changed. Exit codes: 0 done,
1 failure, 2 unknown tenant or nothing found, 3 ambiguous (see DESIGN.md section 4).

Messages go through the module's gettext in the operator's language: the first of
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` (the order gettext reads
them) that names one of ``TENANT_PRIVACY_LANGUAGES``, else
``TENANT_PRIVACY_DEFAULT_LANGUAGE``. Each command runs under
``flask_babel.force_locale`` of that language, whatever locale selector the host
installed (there is no request, user or browser in a CLI).
Machine-readable output (tab-separated rows, JSON, CSV) is never translated.
"""

from __future__ import annotations

import functools
import os
import typing as t

import flask_babel
from flask.cli import AppGroup

from ..config import config_value

#: Environment variables naming the user's language, in the order gettext reads them.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
#: Language codes read as one we ship ("no" is Norwegian, written Bokmål by most).
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb"}


def cli_language(environ: t.Mapping[str, str] | None = None) -> str:
    """The language CLI messages are written in.

    The first locale variable that is set decides (``LANGUAGE`` may list several,
    "nb:en"); its first entry that is one of ``TENANT_PRIVACY_LANGUAGES`` wins.
    "C", "POSIX" and unknown languages give ``TENANT_PRIVACY_DEFAULT_LANGUAGE``.
    """
    env = os.environ if environ is None else environ
    offered = list(config_value("LANGUAGES"))
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if not value:
            continue
        for entry in value.split(":"):
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            code = LANGUAGE_ALIASES.get(code, code)
            if code in offered:
                return code
        if name != "LANGUAGE":
            break  # gettext reads the first of LC_ALL, LC_MESSAGES, LANG only
    return str(config_value("DEFAULT_LANGUAGE"))


def in_cli_language(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Wrap command callback *f* to run in :func:`cli_language`."""

    @functools.wraps(f)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with flask_babel.force_locale(cli_language()):
            return f(*args, **kwargs)

    return wrapper


class PrivacyGroup(AppGroup):
    """An :class:`AppGroup` whose commands and subgroups speak :func:`cli_language`."""

    def command(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], t.Any]:
        """Like :meth:`AppGroup.command`; the callback runs in :func:`cli_language`.

        Commands declared ``with_appcontext=False`` are left as they are.
        """
        wrap = kwargs.get("with_appcontext", True)
        register = super().command(*args, **kwargs)

        def decorator(f: t.Callable[..., t.Any]) -> t.Any:
            return register(in_cli_language(f) if wrap else f)

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
from . import erasure  # noqa: E402,F401
from . import exports  # noqa: E402,F401
from . import officers  # noqa: E402,F401
from . import subjects  # noqa: E402,F401
from . import tenants  # noqa: E402,F401
from . import visibility  # noqa: E402,F401

__all__ = ["privacy_cli"]
