"""The module's own navigation, shown on every module page, and the host's entry.

:data:`NAV` lists the module's areas in menu order; each entry names an endpoint
of the blueprint, so whether the current user sees it is decided by the guard's
level of that endpoint (:func:`~.guard.may_open`), never by a second rule. A link
in the menu therefore never leads to a refusal, and a capability that is switched
off (its endpoint not registered) drops out by itself. A new area adds one line
here.
"""

from __future__ import annotations

import typing as t

from flask import request
from flask import url_for

from ..config import config_value
from ..i18n import gettext
from ..i18n import lazy_gettext
from ..proxies import get_actor
from .guard import may_open

if t.TYPE_CHECKING:
    from flask_babel import LazyString


class NavItem(t.NamedTuple):
    """One link of the module's navigation."""

    label: str
    url: str
    #: True on the page the link leads to (rendered as ``aria-current="page"``).
    current: bool


#: Every user's own page; the host links it from its user menu (see
#: :func:`self_entry`), so :func:`host_entry` leaves it out.
SELF_ENTRY = "me"

#: ``(endpoint, label)`` of every area, in menu order. Endpoints are the
#: blueprint's short names; their guard level decides who sees them.
NAV: tuple[tuple[str, LazyString], ...] = (
    ("index", lazy_gettext("Overview")),
    ("search", lazy_gettext("Search")),
    ("duplicates", lazy_gettext("Duplicates")),
    ("requests", lazy_gettext("Requests")),
    ("reviews", lazy_gettext("Purpose reviews")),
    ("audit_log", lazy_gettext("Audit log")),
    ("officers", lazy_gettext("Privacy roles")),
    ("operator_tenants", lazy_gettext("Privacy per tenant")),
    (SELF_ENTRY, lazy_gettext("My privacy")),
)

#: Pages that belong to an area of :data:`NAV` without being its entry: the area
#: is marked current on them.
AREA_OF: dict[str, str] = {
    "subject": "search",
    "record_subject": "search",
    "suggestion": "duplicates",
    "accept_above": "duplicates",
    "request": "requests",
    "disclose": "search",
    "review": "reviews",
    "me_delete": SELF_ENTRY,
}


def nav_items() -> list[NavItem]:
    """The areas of :data:`NAV` the current user may open, the current one marked."""
    if get_actor() is None:
        return []
    name = config_value("BLUEPRINT_NAME")
    here = ""
    if request.endpoint and request.endpoint.startswith(f"{name}."):
        short = request.endpoint.split(".", 1)[1]
        here = AREA_OF.get(short, short)
    return [
        NavItem(str(label), url_for(f"{name}.{endpoint}"), endpoint == here)
        for endpoint, label in NAV
        if may_open(endpoint)
    ]


def host_entry() -> tuple[str, str] | None:
    """``(label, url)`` of the module for the host's menu, or None.

    The first area the user may open: "Privacy" for an officer (the overview);
    otherwise that area's own label ("Privacy roles", "Privacy per tenant").
    """
    self_url = url_for(f"{config_value('BLUEPRINT_NAME')}.{SELF_ENTRY}")
    items = [item for item in nav_items() if item.url != self_url]
    if not items:
        return None
    first = items[0]
    name = config_value("BLUEPRINT_NAME")
    if first.url == url_for(f"{name}.index"):
        return gettext("Privacy"), first.url
    return first.label, first.url


def self_entry() -> tuple[str, str] | None:
    """``(label, url)`` of "My privacy" for the host's user menu, or None where
    the current user may not open it (not logged in, module off)."""
    if not may_open(SELF_ENTRY):
        return None
    name = config_value("BLUEPRINT_NAME")
    return gettext("My privacy"), url_for(f"{name}.{SELF_ENTRY}")
