"""Which language a page, a command or a job speaks: Flask-Babel's locale selector.

Wiring, not a service: it reads the request and the current actor. The gettext
functions themselves live in :mod:`tenant_privacy.i18n`, which any layer may use.
"""

from __future__ import annotations

import typing as t

import flask_babel
from flask import has_request_context
from flask import request

from .config import config_value
from .proxies import get_actor


def select_locale() -> str | None:
    """The UI language: the actor's setting, then the browser's Accept-Language.

    Outside a request (CLI commands, jobs) there is neither, so it answers the
    configured ``TENANT_PRIVACY_DEFAULT_LANGUAGE``.
    """
    if not has_request_context():
        return config_value("DEFAULT_LANGUAGE")
    languages = list(config_value("LANGUAGES"))
    actor = get_actor()
    if actor is not None and actor.language in languages:
        return actor.language
    return request.accept_languages.best_match(languages) or config_value(
        "DEFAULT_LANGUAGE"
    )


def install(app: t.Any) -> None:
    """Initialise Flask-Babel on *app* unless the host already did."""
    if "babel" not in app.extensions:
        flask_babel.Babel(app, locale_selector=select_locale)
