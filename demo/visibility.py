"""How the demo applies the privacy module's visibility rules on its own pages.

Every query over people adds :func:`hidden` (hidden persons leave lists, counts,
pages and search); every page asks :func:`page` once for the people it shows and
masks what the viewer may not see. Public API only.
"""

from __future__ import annotations

import decimal
import typing as t

import sqlalchemy as sa
from flask import current_app

from tenant_privacy import PERSON
from tenant_privacy import PageVisibility
from tenant_privacy import TenantPrivacy


def privacy() -> TenantPrivacy:
    """The module instance of the current app."""
    return t.cast(TenantPrivacy, current_app.extensions["tenant_privacy"].extension)


def _applied() -> bool:
    """False only when ``DEMO_VISIBILITY`` is off: ``bench/visibility.py`` times
    the pages without the rules that way, beside the pages with them."""
    return bool(current_app.config.get("DEMO_VISIBILITY", True))


def hidden(source_key: str, group: str = PERSON) -> t.Any:
    """The condition that keeps what the current user may not see out of a query
    over *source_key* (the whole person, or rows whose *group* is hidden)."""
    if not _applied():
        return sa.true()
    return privacy().hidden_clause(source_key, group=group)


def hidden_rows(source_key: str) -> t.Any:
    """The rows of *source_key* whose person the current user may not see."""
    if not _applied():
        return sa.false()
    return privacy().hidden_rows_clause(source_key)


def visible_count(stmt: t.Any, source_key: str) -> int:
    """How many rows of *stmt* (a query over *source_key* without :func:`hidden`)
    the current user may see: all of them less the hidden ones, which the
    database finds by their ids rather than testing every row."""
    from .models import db

    def count(query: t.Any) -> int:
        # no ORDER BY inside: the database may then count from any index
        unordered = query.order_by(None).subquery()
        return int(
            db.session.scalar(sa.select(sa.func.count()).select_from(unordered)) or 0
        )

    if not _applied():
        return count(stmt)
    return count(stmt) - count(stmt.where(hidden_rows(source_key)))


def page(refs: t.Iterable[tuple[str, t.Any]]) -> PageVisibility:
    """What the current user may see of the people *refs* of one page."""
    if not _applied():
        return PageVisibility({}, {})
    return privacy().visibility_for(refs)


def money(value: t.Any) -> str:
    """An amount as the demo prints it (``1234.50``), or the hidden marker."""
    if isinstance(value, decimal.Decimal | int | float):
        return f"{value:.2f}"
    return str(value)
