"""The module's own tables (prefix ``tenant_privacy_``), on their own metadata.

Host rows are referenced by ``(tenant_key, source_key, record_id)``, never by foreign
key, so erasure and deletion in the host are never blocked by us. Every table carries
``tenant_key``; queries go through :mod:`tenant_privacy.store.scope`. One module per
capability; everything is importable from here.
"""

from __future__ import annotations

from .audit import AuditEvent
from .audit import AuditHead
from .base import ID_PADDING
from .base import NAMING_CONVENTION
from .base import RECORD_LEN
from .base import SOURCE_LEN
from .base import TENANT_LEN
from .base import Base
from .base import JsonDict
from .base import JsonList
from .base import as_utc
from .base import metadata
from .base import padding_chars
from .base import record_id_trimmed
from .base import utcnow
from .jobs import ACTIVE_JOB_STATUSES
from .jobs import AcceptJob
from .jobs import JobRow
from .jobs import JobStatus
from .jobs import ScanJob
from .matching import BlockingKey
from .matching import MatchRecord
from .matching import MatchSuggestion
from .people import SUBJECT_ERASED
from .people import MergeRecord
from .people import MergeSubject
from .people import Subject
from .people import SubjectRecord
from .people import TenantSettings
from .requests import ErasureBatch
from .requests import ErasureJob
from .requests import ExportJob
from .requests import PrivacyRequest
from .requests import PurposeReview
from .requests import PurposeReviewItem
from .requests import RetentionHold
from .rules import CasbinRule
from .rules import PolicyVersion

__all__ = [
    "ACTIVE_JOB_STATUSES",
    "AcceptJob",
    "AuditEvent",
    "AuditHead",
    "Base",
    "BlockingKey",
    "CasbinRule",
    "ErasureBatch",
    "ErasureJob",
    "ExportJob",
    "ID_PADDING",
    "JobRow",
    "JobStatus",
    "JsonDict",
    "JsonList",
    "MatchRecord",
    "MatchSuggestion",
    "MergeRecord",
    "MergeSubject",
    "NAMING_CONVENTION",
    "PolicyVersion",
    "PrivacyRequest",
    "PurposeReview",
    "PurposeReviewItem",
    "RECORD_LEN",
    "RetentionHold",
    "SOURCE_LEN",
    "SUBJECT_ERASED",
    "ScanJob",
    "Subject",
    "SubjectRecord",
    "TENANT_LEN",
    "TenantSettings",
    "as_utc",
    "metadata",
    "padding_chars",
    "record_id_trimmed",
    "utcnow",
]
