"""Erasure (GDPR art. 17) by anonymisation, keeping what the law requires.

- :mod:`.plan`: what an erasure will do to every record and field (the preview);
- :mod:`.execute`: the request, and the erasure in one transaction;
- :mod:`.batch`: many erasures as one job, one request per person;
- :mod:`.purpose` and :mod:`.review`: persons kept past their purpose, proposed
  as one batch and erased once approved;
- :mod:`.replay`: erasures applied again after a restore from a backup;
- :mod:`.stale`: erasures whose worker went away, failed when their requests
  are read;
- :mod:`.retention`: fields kept under a legal reason, finished when due.
"""

from .batch import batch_jobs
from .batch import request_erasures
from .execute import ERASED
from .execute import ErasureResult
from .execute import execute
from .execute import latest_job
from .execute import open_requests
from .execute import record_failure
from .execute import record_preview
from .execute import request_erasure
from .execute import retry_erasure
from .plan import ANONYMISED
from .plan import KEPT
from .plan import REMOVED
from .plan import UNCHANGED
from .plan import FieldPlan
from .plan import RecordPlan
from .plan import SubjectPlan
from .plan import plan_erasure
from .plan import plan_owner
from .plan import plan_refs
from .purpose import auto_approves
from .purpose import past_subjects
from .purpose import periods
from .purpose import purpose_sources
from .purpose import set_purpose_settings
from .replay import erasures_since
from .replay import replay
from .retention import due_tenants
from .retention import finish_due
from .retention import holds_of
from .review import approve_review
from .review import open_reviews
from .review import pending_review
from .review import propose_review
from .review import review_items
from .stale import refresh_all

__all__ = [
    "ANONYMISED",
    "ERASED",
    "KEPT",
    "REMOVED",
    "UNCHANGED",
    "ErasureResult",
    "approve_review",
    "auto_approves",
    "batch_jobs",
    "erasures_since",
    "replay",
    "open_reviews",
    "past_subjects",
    "pending_review",
    "periods",
    "propose_review",
    "purpose_sources",
    "review_items",
    "set_purpose_settings",
    "request_erasures",
    "FieldPlan",
    "RecordPlan",
    "SubjectPlan",
    "due_tenants",
    "execute",
    "finish_due",
    "holds_of",
    "latest_job",
    "open_requests",
    "record_failure",
    "record_preview",
    "refresh_all",
    "plan_erasure",
    "plan_owner",
    "plan_refs",
    "request_erasure",
    "retry_erasure",
]
