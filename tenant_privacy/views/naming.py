"""How pages name records and people: never by ``source:id``.

A person record is named by its source's singular label and the name it holds
(:func:`tenant_privacy.labels.display_name`), linked to the module's record page;
a person by the most complete name among their registrations.
"""

from __future__ import annotations

import typing as t
from collections import defaultdict
from dataclasses import dataclass

from flask import request
from flask import url_for

from ..errors import NotFound
from ..i18n import gettext
from ..labels import display_name
from ..labels import singular_label
from ..proxies import current_privacy

if t.TYPE_CHECKING:
    from ..store.refs import RecordRef
    from ..store.scope import TenantScope

__all__ = ["RecordName", "best_name", "record_names", "tenant_currency"]


@dataclass(frozen=True)
class RecordName:
    """A person record as a page names it."""

    #: The source's singular label ("Contact").
    kind: str
    #: The record's display name ("Kari Nordmann", "Lead (no name)").
    name: str
    #: The module's page of the record, or None when it no longer exists.
    url: str | None
    #: True when the name comes from the record's name fields.
    named: bool = True


def record_url(ref: RecordRef) -> str:
    """The module's page of the person record *ref*."""
    return url_for(
        f"{request.blueprint}.record_subject", source_key=ref[0], record_id=ref[1]
    )


def record_names(
    scope: TenantScope, refs: t.Iterable[RecordRef]
) -> dict[RecordRef, RecordName]:
    """How pages name each of *refs* (person records of this tenant), read with
    one query per source. A record that no longer exists is named so."""
    by_source: dict[str, set[str]] = defaultdict(set)
    for ref in refs:
        by_source[ref[0]].add(ref[1])
    names: dict[RecordRef, RecordName] = {}
    for key, ids in by_source.items():
        try:
            source = scope.person_source(key)
        except NotFound:
            source = None
        rows = scope.records(source, ids) if source is not None else {}
        for record_id in ids:
            row = rows.get(record_id)
            if source is None or row is None:
                kind = singular_label(source) if source is not None else key
                names[(key, record_id)] = RecordName(
                    kind, gettext("(record no longer exists)"), None, False
                )
                continue
            name = display_name(source, row)
            names[(key, record_id)] = RecordName(
                singular_label(source),
                name,
                record_url((key, record_id)),
                named=bool(_held_name(source, row)),
            )
    return names


def _held_name(source: t.Any, row: t.Any) -> bool:
    held = getattr(source, "identity", {})
    return any(
        getattr(row, held[f], None) for f in ("full_name", "first_name", "last_name")
        if f in held
    )


def best_name(names: t.Iterable[RecordName]) -> str | None:
    """The most complete name among *names* (most words, then longest), or None
    when none holds a name."""
    held = [n.name for n in names if n.named]
    if not held:
        return None
    return max(held, key=lambda name: (len(name.split()), len(name)))


def tenant_currency(tenant: str) -> str | None:
    """The tenant's currency as the host declares it (``TenantInfo.currency``)."""
    info = current_privacy.host.tenant_info(tenant)
    return info.currency if info is not None else None
