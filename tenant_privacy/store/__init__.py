"""Tenant-scoped access to our tables and to the host's sources."""

from .scope import TenantScope

__all__ = ["TenantScope"]
