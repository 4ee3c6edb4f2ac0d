"""Visibility levels: per-person rules that hide field groups or the whole person.

Rules are Casbin policy lines in the tenant's domain (model:
``tenant_privacy/casbin/visibility.conf``; layout: :mod:`.policy`), changed with
:func:`set_restrictions` / :func:`clear_restrictions` (audited) and decided on the
hot path by :func:`visibility_for` and :func:`hidden_clause` (:mod:`.decide`).
See ``docs/visibility.md``.
"""

from __future__ import annotations

from . import policy
from .decide import MASKED
from .decide import Masked
from .decide import PageVisibility
from .decide import hidden_clause
from .decide import hidden_rows_clause
from .decide import is_masked
from .decide import visibility_for
from .policy import PERSON
from .rules import Restriction
from .rules import clear_restrictions
from .rules import copy_rules
from .rules import group_names
from .rules import merge_rules
from .rules import remove_subject_rules
from .rules import restrictions_of
from .rules import rules_of
from .rules import set_restrictions
from .rules import stricter

__all__ = [
    "policy",
    "MASKED",
    "PERSON",
    "Masked",
    "PageVisibility",
    "Restriction",
    "clear_restrictions",
    "copy_rules",
    "group_names",
    "hidden_clause",
    "hidden_rows_clause",
    "is_masked",
    "merge_rules",
    "remove_subject_rules",
    "restrictions_of",
    "rules_of",
    "set_restrictions",
    "stricter",
    "visibility_for",
]
