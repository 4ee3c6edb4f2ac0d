"""The error hierarchy: every error the module raises on purpose is a PrivacyError."""

from __future__ import annotations


class PrivacyError(Exception):
    """Base class of every error the module raises on purpose."""


class RegistryError(PrivacyError, ValueError):
    """A source declaration is invalid (unknown column, duplicate key, ...)."""


class ConfigError(PrivacyError, ValueError):
    """The module's configuration is invalid."""


class UnknownTenant(PrivacyError, LookupError):
    """The named tenant does not exist in the host."""


class NotFound(PrivacyError, LookupError):
    """The object does not exist in this tenant (another tenant's ids look the same)."""


class AccessDenied(PrivacyError):
    """The actor lacks the module right in this tenant."""


class InvalidInput(PrivacyError, ValueError):
    """Input from a user or a caller is malformed; the message says what is wrong."""


class ScanInProgress(PrivacyError):
    """A duplicate scan of the tenant is already queued or running."""


class MergeConflict(PrivacyError):
    """A link or an undo cannot be applied because the grouping changed meanwhile."""


class AuditChainBroken(PrivacyError):
    """The audit hash chain of a tenant does not verify."""

    def __init__(self, tenant: str, sequence: int, reason: str) -> None:
        super().__init__(
            f"audit chain of tenant {tenant!r} broken at #{sequence}: {reason}"
        )
        self.tenant = tenant
        self.sequence = sequence
        self.reason = reason


class AuditCheckpointInvalid(PrivacyError):
    """A signed checkpoint of a tenant's audit head is unreadable or tampered with."""

    def __init__(self, tenant: str, name: str, reason: str) -> None:
        super().__init__(
            f"audit checkpoint {name} of tenant {tenant!r} is invalid: {reason}"
        )
        self.tenant = tenant
        self.name = name
        self.reason = reason


class AlreadyErased(PrivacyError):
    """The data subject was erased before; erasing again would change nothing."""


class ExportRevoked(PrivacyError):
    """The export was revoked (its person erased) while it was being built:
    nothing of it is kept or sent."""
