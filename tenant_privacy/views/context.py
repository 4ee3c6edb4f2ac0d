"""Template context of the module's pages: our gettext, CSRF token, helpers."""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask_wtf.csrf import generate_csrf

from .. import i18n
from ..config import config_value
from ..proxies import get_actor
from ..proxies import get_tenant


def render(template: str, **context: t.Any) -> str:
    """Render one of the module's pages (hosts may override it by path)."""
    from flask import render_template

    return render_template(template, **context)


def register(bp: Blueprint) -> None:
    """Install the context processor on the blueprint."""

    @bp.context_processor
    def _context() -> dict[str, t.Any]:
        return {
            "_": i18n.gettext,
            "gettext": i18n.gettext,
            "ngettext": i18n.ngettext,
            "csrf_token": generate_csrf,
            "tp_base_template": config_value("BASE_TEMPLATE"),
            "tp_actor": get_actor(),
            "tp_tenant": get_tenant(),
            "tp_bp": config_value("BLUEPRINT_NAME"),
        }
