"""Gettext for the module: our own Flask-Babel domain ``tenant_privacy``.

Strings missing from our catalog fall back to the host's default domain, so a host base
template rendered around our pages keeps its own translations.
"""

from __future__ import annotations

import pathlib
import typing as t

import flask_babel
from flask import has_request_context
from flask import request
from flask_babel import Domain
from flask_babel import LazyString

from .config import config_value
from .proxies import get_actor

TRANSLATIONS_DIR = pathlib.Path(__file__).parent / "translations"

domain = Domain(
    translation_directories=[str(TRANSLATIONS_DIR)], domain="tenant_privacy"
)


def gettext(string: str, **variables: t.Any) -> str:
    """Translate *string* in the current locale (module catalog, then the host's)."""
    translated = domain.gettext(string)
    if translated == string:
        translated = flask_babel.gettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: t.Any) -> str:
    """Translate a count-dependent string; ``%(num)s`` is filled with *num*."""
    variables.setdefault("num", num)
    translated = domain.get_translations().ngettext(singular, plural, num)
    return translated % variables


def lazy_gettext(string: str, **variables: t.Any) -> LazyString:
    """A string translated when it is rendered (for labels declared at import time)."""
    return LazyString(gettext, string, **variables)


_ = gettext


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


def install(app: t.Any, state: t.Any) -> None:
    """Initialise Flask-Babel on *app* unless the host already did."""
    if "babel" not in app.extensions:
        flask_babel.Babel(app, locale_selector=select_locale)
