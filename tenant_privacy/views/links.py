"""Links between the host's pages and the module's, in both directions.

- :func:`record_url` (the Jinja global ``tenant_privacy_record_url``): the
  module's privacy overview of one host row, for a host page to link to, or None
  when the current user may not open it;
- :func:`host_url` (the Jinja global ``tenant_privacy_host_url``): the host's own
  page of one registration, as the host declared it per person source
  (``PersonSource.host_url``), or None.
"""

from __future__ import annotations

from flask import url_for

from ..config import config_value
from ..proxies import current_privacy
from .guard import may_open


def record_url(source_key: str, record_id: object) -> str | None:
    """URL of the privacy overview of the host row *record_id* of *source_key*.

    None unless *source_key* is a person source and the current user may open
    the module's record pages (a privacy officer of the current, enabled tenant),
    so a host template can write::

        {% set url = tenant_privacy_record_url("contact", contact.id) %}
        {% if url %}<a href="{{ url }}">Privacy overview</a>{% endif %}

    The page itself still checks the tenant: another tenant's id answers 404.
    """
    registry = current_privacy.registry
    if source_key not in registry or registry.get(source_key).kind != "person":
        return None
    if not may_open("record_subject"):
        return None
    return url_for(
        f"{config_value('BLUEPRINT_NAME')}.record_subject",
        source_key=source_key,
        record_id=str(record_id),
    )


def host_url(source_key: str, record_id: object) -> str | None:
    """URL of the host's own page of a registration, or None (none declared)."""
    registry = current_privacy.registry
    if source_key not in registry:
        return None
    make = getattr(registry.get(source_key), "host_url", None)
    if make is None:
        return None
    url = make(str(record_id))
    return str(url) if url else None
