"""The ``privacy`` click group: ``flask --app wsgi privacy ...``.

Subcommands are thin wrappers over services. Commands that change data need ``--yes``
or an interactive confirmation and print what they changed. Exit codes: 0 done,
1 failure, 2 unknown tenant or nothing found, 3 ambiguous (see DESIGN.md section 4).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="GDPR privacy module of the SaaS.")

from . import tenants  # noqa: E402,F401  (registers its commands)

for _module in ("officers", "audit", "duplicates", "subjects"):
    try:
        __import__(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:  # a capability not built yet
        if exc.name != f"{__name__}.{_module}":
            raise

__all__ = ["privacy_cli", "click"]
