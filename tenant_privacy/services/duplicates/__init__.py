"""Duplicates in a tenant: full scans, stored suggestions, review decisions,
incremental matching.

- :mod:`.scans`: start and run a full scan, read its state;
- :mod:`.suggestions`: the stored pairs, saving and reading them;
- :mod:`.review`: accept, reject, accept all above a score;
- :mod:`.accept_runs`: "accept all above" as a job row;
- :mod:`.incremental`: match one new or changed record without a rescan;
- :mod:`.bulk`: match a batch of them at once (what the job runs);
- :mod:`.calibration`: the threshold, household rate and matcher version in force;
- :mod:`.preview`: what accepting would join, and where records clearly differ;
- :mod:`.index`: the hashed blocking keys and fingerprints a scan stores.

Everything goes through a :class:`~tenant_privacy.store.scope.TenantScope`, so
records of two tenants are never compared. Functions flush and never commit; the
entry points (views, CLI, jobs) commit.
"""

from __future__ import annotations

from .accept_runs import CHANGED_MEANWHILE
from .accept_runs import latest_accept_run
from .accept_runs import run_accept
from .accept_runs import start_accept
from .bulk import match_records
from .calibration import index_outdated
from .calibration import last_finished_scan
from .calibration import tenant_has_households
from .incremental import match_record
from .incremental import name_block_limits
from .index import fingerprint
from .index import key_hash
from .preview import AcceptPlan
from .preview import LinkPreview
from .preview import link_preview
from .review import accept
from .review import accept_above
from .review import check_score
from .review import count_above
from .review import plan_above
from .review import reject
from .review import reopen_for_merge
from .scans import active_scan
from .scans import latest_scan
from .scans import run_scan
from .scans import scan_phase
from .scans import start_scan
from .suggestions import ACCEPTED
from .suggestions import PENDING
from .suggestions import REJECTED
from .suggestions import next_pending
from .suggestions import pending
from .suggestions import refs_of
from .suggestions import suggestion

__all__ = [
    "ACCEPTED",
    "CHANGED_MEANWHILE",
    "PENDING",
    "REJECTED",
    "AcceptPlan",
    "LinkPreview",
    "accept",
    "accept_above",
    "active_scan",
    "check_score",
    "count_above",
    "fingerprint",
    "index_outdated",
    "key_hash",
    "last_finished_scan",
    "latest_accept_run",
    "latest_scan",
    "link_preview",
    "match_record",
    "match_records",
    "name_block_limits",
    "next_pending",
    "pending",
    "plan_above",
    "refs_of",
    "reject",
    "reopen_for_merge",
    "run_accept",
    "run_scan",
    "scan_phase",
    "start_accept",
    "start_scan",
    "suggestion",
    "tenant_has_households",
]
