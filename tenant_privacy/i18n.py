"""Gettext for the module: our own Flask-Babel domain ``tenant_privacy``.

Strings missing from our catalog fall back to the host's default domain, so a host base
template rendered around our pages keeps its own translations.
"""

from __future__ import annotations

import pathlib
import typing as t

import flask_babel
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


def ngettext(singular: str, plural: str, num: int, **variables: t.Any) -> str:
    """Translate a count-dependent string; ``%(num)s`` is filled with *num*."""
    variables.setdefault("num", num)
    translated = domain.get_translations().ngettext(singular, plural, num)
    return translated % variables


def lazy_gettext(string: str, **variables: t.Any) -> LazyString:
    """A string translated when it is rendered (for labels declared at import time)."""
    return LazyString(gettext, string, **variables)


_ = gettext
