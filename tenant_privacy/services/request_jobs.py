"""The request register read with the jobs behind it.

Whatever shows requests (the register page, a request's page, the erasure
preview, ``privacy requests list``, ``privacy export status``) brings them up to
date through :func:`refresh_all` first, so a page and a command never disagree:
a disclosure whose build failed or went stale is failed
(:func:`tenant_privacy.services.disclosure.refresh_all`), and so is an erasure
whose worker went away (:func:`tenant_privacy.services.erasure.refresh_all`).
"""

from __future__ import annotations

import typing as t

from . import disclosure
from . import erasure

if t.TYPE_CHECKING:
    from ..models import PrivacyRequest
    from ..store.scope import TenantScope

__all__ = ["refresh", "refresh_all"]


def refresh_all(scope: TenantScope, rows: t.Sequence[PrivacyRequest]) -> None:
    """Bring *rows* up to date with their builds and erasures: those whose job
    failed or went stale become failed (an erasure's failure audited). A few
    queries however many rows. Flushes; the caller commits."""
    disclosure.refresh_all(scope, rows)
    erasure.refresh_all(scope, rows)


def refresh(scope: TenantScope, row: PrivacyRequest) -> PrivacyRequest:
    """:func:`refresh_all` for one request; returns it."""
    refresh_all(scope, [row])
    return row
