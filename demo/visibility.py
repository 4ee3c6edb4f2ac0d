"""How the demo applies the privacy module's visibility rules on its own pages.

Every query over people adds :func:`hidden` (hidden persons leave lists, counts,
pages and search); every page asks :func:`page` once for the people it shows and
masks what the viewer may not see. Public API only.
"""

from __future__ import annotations

import decimal
import typing as t

from flask import current_app

from tenant_privacy import PERSON
from tenant_privacy import PageVisibility
from tenant_privacy import TenantPrivacy


def privacy() -> TenantPrivacy:
    """The module instance of the current app."""
    return t.cast(TenantPrivacy, current_app.extensions["tenant_privacy"].extension)


def hidden(source_key: str, group: str = PERSON) -> t.Any:
    """The condition that keeps what the current user may not see out of a query
    over *source_key* (the whole person, or rows whose *group* is hidden)."""
    return privacy().hidden_clause(source_key, group=group)


def page(refs: t.Iterable[tuple[str, t.Any]]) -> PageVisibility:
    """What the current user may see of the people *refs* of one page."""
    return privacy().visibility_for([(key, str(rid)) for key, rid in refs])


def money(value: t.Any) -> str:
    """An amount as the demo prints it (``1234.50``), or the hidden marker."""
    if isinstance(value, decimal.Decimal | int | float):
        return f"{value:.2f}"
    return str(value)
