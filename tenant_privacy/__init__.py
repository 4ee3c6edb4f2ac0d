"""tenant_privacy: a GDPR privacy module for multi-tenant Flask hosts.

Public API: the extension, the source declarations, the actor types, errors, and the
migration helpers. Everything else is internal.
"""

from __future__ import annotations

from .errors import AccessDenied
from .errors import NotFound
from .errors import PrivacyError
from .errors import RegistryError
from .extension import TenantPrivacy
from .extension import alembic_include_name
from .extension import migrations_path
from .host import Actor
from .host import TenantInfo
from .i18n import lazy_gettext
from .models import metadata
from .registry import FieldGroup
from .registry import PersonSource
from .registry import RelatedSource
from .registry import Retention
from .services.visibility import MASKED
from .services.visibility import PERSON
from .services.visibility import PageVisibility
from .services.visibility import Restriction

__version__ = "0.1.0"

__all__ = [
    "MASKED",
    "PERSON",
    "AccessDenied",
    "Actor",
    "FieldGroup",
    "NotFound",
    "PageVisibility",
    "PersonSource",
    "PrivacyError",
    "RegistryError",
    "RelatedSource",
    "Restriction",
    "Retention",
    "TenantInfo",
    "TenantPrivacy",
    "alembic_include_name",
    "lazy_gettext",
    "metadata",
    "migrations_path",
]
