"""Erasure (GDPR art. 17) by anonymisation, keeping what the law requires.

- :mod:`.plan`: what an erasure will do to every record and field (the preview);
- :mod:`.execute`: the request, and the erasure in one transaction;
- :mod:`.retention`: fields kept under a legal reason, finished when due.
"""

from .execute import ERASED
from .execute import ErasureResult
from .execute import execute
from .execute import latest_job
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
from .plan import plan_refs
from .retention import due_tenants
from .retention import finish_due
from .retention import holds_of

__all__ = [
    "ANONYMISED",
    "ERASED",
    "KEPT",
    "REMOVED",
    "UNCHANGED",
    "ErasureResult",
    "FieldPlan",
    "RecordPlan",
    "SubjectPlan",
    "due_tenants",
    "execute",
    "finish_due",
    "holds_of",
    "latest_job",
    "record_preview",
    "plan_erasure",
    "plan_refs",
    "request_erasure",
    "retry_erasure",
]
