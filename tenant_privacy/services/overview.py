"""The total overview of a data subject: every registration, every related record,
the merges and the audit history, in one serialisable structure.

:func:`compile_overview` feeds the subject page, the CLI and the disclosure (export)
bundle; :meth:`Overview.to_dict` gives JSON-safe values (dates ISO 8601, decimals as
strings). Compiling an overview is audited as ``subject.viewed``.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from ..core.values import json_safe
from ..i18n import gettext
from ..labels import column_labels
from ..labels import display_text
from ..models import MergeRecord
from ..models import utcnow
from . import audit
from . import linking
from .fields import author_fields
from .fields import exported_columns
from .fields import exported_fields

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

#: The kind of a group of rows the subject wrote about someone else.
AUTHORED = "authored"

__all__ = [
    "AUTHORED",
    "Overview",
    "SourceGroup",
    "compile_overview",
    "compile_record_overview",
    "json_safe",
    "merge_dict",
]


@dataclass
class SourceGroup:
    """The rows of one source that belong to (or are about) the subject.

    :param key: the source key.
    :param label: the source's display label.
    :param kind: ``"person"``, ``"related"`` or ``"authored"`` (rows the subject
        wrote about someone else: only the source's ``author_fields``).
    :param labels: a label for people of each exported field (column -> label).
    :param rows: one JSON-safe dict per row: ``ref`` (``"source:id"``),
        ``record_id``, ``fields`` (exported fields) and, for person rows,
        ``identity`` (matching-contract fields), for related rows ``about`` (the
        person record refs the row is about).
    """

    key: str
    label: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, t.Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Number of rows."""
        return len(self.rows)

    def to_dict(self) -> dict[str, t.Any]:
        """JSON-safe dict, with ``count``."""
        data = json_safe(asdict(self))
        data["count"] = self.count
        return t.cast(dict[str, t.Any], data)


@dataclass
class Overview:
    """Everything the tenant holds about one data subject."""

    tenant: str
    #: None for a record that has no subject row yet (see
    #: :func:`compile_record_overview`).
    subject_id: int | None
    state: str
    created_at: dt.datetime | None
    compiled_at: dt.datetime
    refs: list[tuple[str, str]]
    registrations: list[SourceGroup]
    related: list[SourceGroup]
    merges: list[dict[str, t.Any]]
    history: list[dict[str, t.Any]]
    #: The subject this one was merged into, when its state is ``"merged"``.
    merged_into: int | None = None
    #: The merge rows and audit events behind :attr:`merges` and :attr:`history`,
    #: for pages that act on them (undo); not part of :meth:`to_dict`.
    merge_records: list[MergeRecord] = field(default_factory=list)
    events: list[t.Any] = field(default_factory=list)

    @property
    def registration_count(self) -> int:
        """Number of person records of the subject."""
        return sum(g.count for g in self.registrations)

    @property
    def related_count(self) -> int:
        """Number of related rows about the subject."""
        return sum(g.count for g in self.related)

    def counts(self) -> dict[str, int]:
        """Source key -> row count, for every source with rows."""
        counts: dict[str, int] = {}
        for g in [*self.registrations, *self.related]:
            counts[g.key] = counts.get(g.key, 0) + g.count
        return counts

    def to_dict(self) -> dict[str, t.Any]:
        """The overview as JSON-safe dicts and lists (the export bundle uses it)."""
        return {
            "tenant": self.tenant,
            "subject_id": self.subject_id,
            "state": self.state,
            "created_at": json_safe(self.created_at),
            "compiled_at": json_safe(self.compiled_at),
            "merged_into": self.merged_into,
            "refs": [f"{s}:{r}" for s, r in self.refs],
            "counts": self.counts(),
            "registrations": [g.to_dict() for g in self.registrations],
            "related": [g.to_dict() for g in self.related],
            "merges": json_safe(self.merges),
            "history": json_safe(self.history),
        }


def merge_dict(merge: MergeRecord) -> dict[str, t.Any]:
    """A merge record as a JSON-safe dict (ids, times, evidence; no personal data)."""
    return {
        "id": merge.id,
        "subject_id": merge.subject_id,
        "operation": "unlink" if linking.is_unlink(merge) else "link",
        "actor": merge.actor,
        "created_at": json_safe(merge.created_at),
        "score": merge.score,
        "evidence": json_safe(dict(merge.evidence or {})),
        "previous": json_safe(list(merge.previous or [])),
        "suggestion_id": merge.suggestion_id,
        "undone_at": json_safe(merge.undone_at),
        "undone_by": merge.undone_by,
    }


def _event_dict(event: t.Any) -> dict[str, t.Any]:
    names = (
        "seq",
        "created_at",
        "actor",
        "action",
        "subject_id",
        "record_refs",
        "fields",
        "data",
        "detail",
    )
    if isinstance(event, t.Mapping):
        return {n: json_safe(event.get(n)) for n in names}
    return {n: json_safe(getattr(event, n, None)) for n in names}


def _groups(
    scope: TenantScope, refs: list[tuple[str, str]]
) -> tuple[list[SourceGroup], list[SourceGroup]]:
    """The registrations (person rows of *refs*) and the related rows about them."""
    registrations: list[SourceGroup] = []
    for source in scope.registry.person_sources():
        ids = [rid for key, rid in refs if key == source.key]
        if not ids:
            continue
        rows = scope.records(source, ids)
        group = SourceGroup(
            source.key,
            display_text(source.label),
            "person",
            column_labels(source, exported_columns(source)),
        )
        for rid in sorted(rows, key=_id_order):
            row = rows[rid]
            identity = scope.identity(source, row)
            identity.pop("id", None)
            group.rows.append(
                {
                    "ref": f"{source.key}:{rid}",
                    "record_id": rid,
                    "identity": json_safe(identity),
                    "fields": exported_fields(source, row),
                }
            )
        registrations.append(group)
    related: list[SourceGroup] = []
    for rsource in scope.registry.related_sources():
        rows_ = scope.related_rows(rsource, refs)
        if not rows_:
            continue
        group = SourceGroup(
            rsource.key,
            display_text(rsource.label),
            "related",
            column_labels(rsource, exported_columns(rsource)),
        )
        for row in sorted(rows_, key=lambda r: _id_order(getattr(r, "id", ""))):
            about = [
                f"{key}:{getattr(row, attr)}"
                for key, attr in rsource.person_refs.items()
                if getattr(row, attr, None) is not None
                and (key, str(getattr(row, attr))) in refs
            ]
            rid = str(getattr(row, rsource.id_column))
            group.rows.append(
                {
                    "ref": f"{rsource.key}:{rid}",
                    "record_id": rid,
                    "about": about,
                    "fields": exported_fields(rsource, row),
                }
            )
        related.append(group)
    return registrations, related + _authored(scope, refs)


def _authored(scope: TenantScope, refs: list[tuple[str, str]]) -> list[SourceGroup]:
    """The rows the subject wrote about others (``author_refs``): only their
    ``author_fields``, never what the row says about the other person."""
    groups: list[SourceGroup] = []
    for rsource in scope.registry.related_sources():
        rows = scope.authored_rows(rsource, refs)
        if not rows:
            continue
        group = SourceGroup(
            rsource.key,
            gettext(
                "%(source)s written by this person",
                source=display_text(rsource.label),
            ),
            AUTHORED,
            column_labels(rsource, rsource.fields_about_author()),
        )
        for row in rows:
            rid = str(getattr(row, rsource.id_column))
            group.rows.append(
                {
                    "ref": f"{rsource.key}:{rid}",
                    "record_id": rid,
                    "about": [],
                    "fields": author_fields(rsource, row),
                }
            )
        groups.append(group)
    return groups


def _audit_viewed(
    scope: TenantScope, actor: str, overview: Overview, action: audit.Action
) -> None:
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        action,
        subject_id=overview.subject_id,
        record_refs=overview.refs,
        data={
            "registrations": overview.registration_count,
            "related": overview.related_count,
        },
    )


def compile_overview(
    scope: TenantScope,
    actor: str,
    subject_id: int | str,
    *,
    audit_as: audit.Action | None = audit.Action.SUBJECT_VIEWED,
) -> Overview:
    """Compile the total overview of one data subject of this tenant.

    Every linked registration (grouped by person source, with identity and
    exported fields), every related record from every related source (grouped, with
    counts), the merge records touching the subject and its audit history (latest
    100 events). Writes a ``subject.viewed`` audit event (flushed, not committed).

    :param actor: audit ref of who looks.
    :param audit_as: the action of that event (``self.viewed`` for a user's own
        overview); None writes none (a caller that audits the compilation under
        another action, such as a disclosure).
    :raises NotFound: the subject does not exist in this tenant.
    """
    subject = scope.subject(subject_id)
    refs = scope.subject_refs(subject)
    registrations, related = _groups(scope, refs)
    merges = linking.merges_of(scope, subject.id)
    merged_into = None
    if subject.state == linking.MERGED:
        merged_into = next(
            (
                m.subject_id
                for m in merges
                if m.undone_at is None
                and m.subject_id != subject.id
                and any(int(p[2]) == subject.id for p in m.previous)
            ),
            None,
        )
    history = audit.subject_history(scope.session, scope.tenant, subject.id, limit=100)
    overview = Overview(
        tenant=scope.tenant,
        subject_id=subject.id,
        state=subject.state,
        created_at=subject.created_at,
        compiled_at=utcnow(),
        refs=list(refs),
        registrations=registrations,
        related=related,
        merges=[merge_dict(m) for m in merges],
        history=[_event_dict(e) for e in history],
        merged_into=merged_into,
        merge_records=merges,
        events=history,
    )
    if audit_as is not None:
        _audit_viewed(scope, actor, overview, audit_as)
    return overview


def compile_record_overview(
    scope: TenantScope,
    actor: str,
    ref: tuple[str, str],
    *,
    audit_as: audit.Action | None = audit.Action.SUBJECT_VIEWED,
) -> Overview:
    """The overview of one person record of this tenant, without creating anything.

    A record with no subject yet is a subject of its own: its overview is the record
    and the related rows about it, with ``subject_id`` None (no subject row is
    created; that happens when the record is first linked). A record that has a
    subject gets its subject's overview. Writes a ``subject.viewed`` audit event
    naming the record (flushed, not committed).

    :param actor: audit ref of who looks.
    :param audit_as: as for :func:`compile_overview`.
    :raises NotFound: the source or the record does not exist in this tenant.
    """
    source = scope.person_source(ref[0])
    row = scope.record(*ref)
    ref = (source.key, str(getattr(row, source.id_column)))  # as the rows spell it
    link = scope.link_of(ref)
    if link is not None:
        return compile_overview(scope, actor, link.subject_id, audit_as=audit_as)
    registrations, related = _groups(scope, [ref])
    overview = Overview(
        tenant=scope.tenant,
        subject_id=None,
        state="active",
        created_at=None,
        compiled_at=utcnow(),
        refs=[ref],
        registrations=registrations,
        related=related,
        merges=[],
        history=[],
    )
    if audit_as is not None:
        _audit_viewed(scope, actor, overview, audit_as)
    return overview


def _id_order(value: t.Any) -> tuple[int, t.Any]:
    text = str(value)
    return (0, int(text)) if text.isdigit() else (1, text)
