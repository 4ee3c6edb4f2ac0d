"""The ``privacy`` click group: ``flask --app wsgi privacy ...``.

Subcommands are thin wrappers over services. Commands that change data need ``--yes``
or an interactive confirmation and print what they changed. Exit codes: 0 done,
1 failure, 2 unknown tenant or nothing found, 3 ambiguous (see DESIGN.md section 4).
"""

from __future__ import annotations

from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="GDPR privacy module of the SaaS.")

from . import audit  # noqa: E402,F401  (each module registers its commands)
from . import duplicates  # noqa: E402,F401
from . import officers  # noqa: E402,F401
from . import subjects  # noqa: E402,F401
from . import tenants  # noqa: E402,F401

__all__ = ["privacy_cli"]
