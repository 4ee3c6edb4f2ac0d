"""How the tenant's data is read for matching: the configured threshold, the
household rate and matcher version of its last finished scan."""

from __future__ import annotations

import typing as t

from ... import matching
from ...config import config_value
from ...models import JobStatus
from ...models import ScanJob

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = [
    "index_outdated",
    "last_finished_scan",
    "tenant_has_households",
    "threshold",
]


def threshold(scope: TenantScope) -> float | None:
    """The configured match threshold, or None for the matcher's default."""
    value = config_value("MATCH_THRESHOLD", scope.config)
    return None if value is None else float(value)


def last_finished_scan(scope: TenantScope) -> ScanJob | None:
    """The tenant's newest scan that finished ("done"), or None."""
    stmt = (
        scope.select(ScanJob)
        .filter_by(status=JobStatus.DONE.value)
        .order_by(ScanJob.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def index_outdated(scope: TenantScope) -> bool:
    """True when the tenant's stored blocking keys are of an older matcher version.

    The keys were written by the last finished scan; after an upgrade that
    changed them (:data:`tenant_privacy.matching.KEYS_VERSION`), a record saved
    now misses candidates filed under the old keys until the tenant is scanned
    again. False for a tenant never scanned.
    """
    scan = last_finished_scan(scope)
    return scan is not None and scan.keys_version != matching.KEYS_VERSION


def tenant_has_households(scope: TenantScope) -> bool:
    """How incremental matching reads the tenant: as its last finished scan measured.

    False only when the newest finished scan found the data household-free
    (see :mod:`tenant_privacy.matching.households`); without a scan, True (the
    strict reading that keeps relatives apart).
    """
    scan = last_finished_scan(scope)
    if scan is None or scan.household_rate is None:
        return True
    return scan.household_rate >= matching.HOUSEHOLD_FREE_RATE
