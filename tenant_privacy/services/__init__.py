"""Services: one module per capability; each function does one transaction's work.

Services flush and never commit; views, CLI commands and jobs commit.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask import Flask

    from ..extension import PrivacyState


def install_services(app: Flask, state: PrivacyState) -> None:
    """Build the per-app service objects (rights enforcer, job runner) on *state*."""
    from ..jobs import make_job_runner
    from . import rights

    state.services["rights"] = rights.RightsManager(app)
    state.services["jobs"] = make_job_runner(app)

    from .autowatch import watch_person_sources

    watch_person_sources(app, state)
