"""Configuration keys of the module: every key is ``TENANT_PRIVACY_<NAME>``.

All defaults live in :data:`DEFAULTS`; ``docs/config.md`` documents each key.
"""

from __future__ import annotations

import typing as t

from flask import current_app

from .errors import ConfigError

PREFIX = "TENANT_PRIVACY_"

#: Every configuration key (without prefix) and its default.
DEFAULTS: dict[str, t.Any] = {
    "URL_PREFIX": "/privacy",
    "BLUEPRINT_NAME": "tenant_privacy",
    "REGISTER_BLUEPRINT": True,
    "BASE_TEMPLATE": "tenant_privacy/base.html",
    "SHOW_FLASHES": True,
    "CLI_NAME": "privacy",
    "REDIS_URL": None,
    "JOBS_INLINE": True,
    "QUEUE_NAME": "tenant_privacy",
    "JOB_TIMEOUT": 3600,
    "APP_FACTORY": None,
    "EXPORT_TTL_HOURS": 168,
    "EXPORT_STORAGE_DIR": None,
    "EXPORT_MAX_BYTES": 200 * 1024 * 1024,
    "EXPORT_MAX_DOWNLOADS": 5,
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_STARTTLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "privacy@localhost",
    "MAIL_OUTBOX_DIR": None,
    "PUBLIC_URL": None,
    "REQUEST_LIMIT_IP": "10 per hour",
    "REQUEST_LIMIT_ADDRESS": "3 per day",
    "REQUEST_LIMIT_STORAGE": "memory://",
    "SELF_DELETE_LIMIT": "5 per 15 minutes",
    "MATCH_THRESHOLD": None,
    "JOB_STALE_MINUTES": 30,
    "ERASURE_STALE_MINUTES": 60,
    "AUTO_MATCH": True,
    "DEFAULT_PHONE_REGION": "NO",
    "DEFAULT_LANGUAGE": "en",
    "LANGUAGES": ("en", "nb"),
    "CASBIN_MODEL": None,
    "POLICY_CHECK_SECONDS": 0.0,
    "AUDIT_PAGE_SIZE": 50,
    "REQUEST_PAGE_SIZE": 50,
    "AUDIT_PG_PREPARE": True,
    "AUDIT_CHECKPOINT_KEY": None,
    "AUDIT_CHECKPOINT_DIR": None,
    "SEARCH_LIMIT": 50,
}


def config_value(name: str, config: t.Mapping[str, t.Any] | None = None) -> t.Any:
    """Return ``TENANT_PRIVACY_<name>`` from *config*, else its default.

    *config* is an app's configuration (``app.config``) or any mapping of such keys;
    services are handed one (``scope.config``). Only entry points (views, CLI
    commands, jobs) may leave it out to read the current app's.

    :raises ConfigError: if *name* is not a known key, so typos fail loudly.
    """
    if name not in DEFAULTS:
        raise ConfigError(f"unknown tenant_privacy config key {name!r}")
    if config is None:
        config = current_app.config
    return config.get(PREFIX + name, DEFAULTS[name])


def apply_defaults(config: dict[str, t.Any]) -> None:
    """Fill every missing ``TENANT_PRIVACY_*`` key of *config* with its default."""
    for name, value in DEFAULTS.items():
        config.setdefault(PREFIX + name, value)


def validate(config: t.Mapping[str, t.Any]) -> None:
    """Check the configured values; raise :class:`ConfigError` saying what to fix."""
    threshold = config.get(PREFIX + "MATCH_THRESHOLD")
    if threshold is not None and not 0 < float(threshold) <= 1:
        raise ConfigError("TENANT_PRIVACY_MATCH_THRESHOLD must lie in (0, 1]")
    prefix = config.get(PREFIX + "URL_PREFIX", "")
    if not str(prefix).startswith("/"):
        raise ConfigError("TENANT_PRIVACY_URL_PREFIX must start with '/'")
    if not config.get(PREFIX + "JOBS_INLINE") and not config.get(PREFIX + "REDIS_URL"):
        raise ConfigError(
            "TENANT_PRIVACY_JOBS_INLINE is off: set TENANT_PRIVACY_REDIS_URL for rq"
        )
    if int(config.get(PREFIX + "EXPORT_TTL_HOURS", 1)) <= 0:
        raise ConfigError("TENANT_PRIVACY_EXPORT_TTL_HOURS must be positive")
    if float(config.get(PREFIX + "ERASURE_STALE_MINUTES", 1)) <= 0:
        raise ConfigError("TENANT_PRIVACY_ERASURE_STALE_MINUTES must be positive")
