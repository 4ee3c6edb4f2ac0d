"""Gettext for the module: our own Flask-Babel domain ``tenant_privacy``.

Strings missing from our catalog fall back to the host's default domain, so a host base
template rendered around our pages keeps its own translations.
"""

from __future__ import annotations

import pathlib
import typing as t

import flask_babel
from flask import g
from flask import has_request_context
from flask_babel import Domain
from flask_babel import LazyString

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


def gettext_once(string: str) -> str:
    """:func:`gettext` of *string*, looked up once per request and locale (for a
    word a page prints many times, such as the marker of a hidden value)."""
    if not has_request_context():
        return gettext(string)
    memo: dict[tuple[str, str], str] = g.setdefault("_tenant_privacy_gettext", {})
    key = (str(flask_babel.get_locale()), string)
    if key not in memo:
        memo[key] = gettext(string)
    return memo[key]


def ngettext(singular: str, plural: str, num: int, **variables: t.Any) -> str:
    """Translate a count-dependent string; ``%(num)s`` is filled with *num*."""
    variables.setdefault("num", num)
    translated = domain.get_translations().ngettext(singular, plural, num)
    return translated % variables


def lazy_gettext(string: str, **variables: t.Any) -> LazyString:
    """A string translated when it is rendered (for labels declared at import time)."""
    return LazyString(gettext, string, **variables)


_ = gettext
