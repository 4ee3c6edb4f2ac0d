"""Building one disclosure's zip: every record the tenant holds about the subject,
streamed source by source into the pure writers of :mod:`tenant_privacy.core.export`.

Memory stays flat whatever the size: rows are read in id order a batch at a time
and written as they come. Records and fields an officer left out (with a reason)
are skipped and listed, without values, in the export.
"""

from __future__ import annotations

import pathlib
import typing as t

import sqlalchemy as sa

from ...core.export import BundleWriter
from ...core.export import Section
from ...core.values import json_safe
from ...i18n import gettext
from ...labels import column_labels
from ...labels import display_text
from ...models import PrivacyRequest
from ...models import utcnow
from ...registry import RelatedSource
from ...store.refs import RecordRef
from ..fields import exported_columns
from ..overview import AUTHORED

if t.TYPE_CHECKING:
    from ...registry import Source
    from ...store.scope import TenantScope

__all__ = ["build_bundle", "page_words"]

#: Rows read per statement while streaming a source.
BATCH = 500
ProgressFn = t.Callable[[int, int], None]


def page_words() -> dict[str, str]:
    """The fixed words of the export's HTML page, in the current locale."""
    return {
        "title": gettext("Your personal data"),
        "intro": gettext(
            "This is everything we hold about you, one section per kind of record. "
            "The file data.json holds the same data for a machine to read."
        ),
        "contents": gettext("Contents"),
        "about": gettext("About"),
        "none": gettext("We hold no records about you."),
        "truncated": gettext(
            "This export reached its size limit and is incomplete. Ask us for the rest."
        ),
    }


def _excluded(request: PrivacyRequest) -> tuple[set[RecordRef], set[tuple[str, str]]]:
    """Records left out whole, and ``(source, field)`` left out, by the officer."""
    records: set[RecordRef] = set()
    fields: set[tuple[str, str]] = set()
    for e in request.exclusions or []:
        if e.get("field"):
            fields.add((str(e["source"]), str(e["field"])))
        else:
            records.add((str(e["source"]), str(e["record_id"])))
    return records, fields


def _sections(
    scope: TenantScope, refs: list[RecordRef]
) -> list[tuple[Section, Source, sa.Select[t.Any] | None]]:
    """Every source with the subject's records: its section (with the count) and
    the statement streaming its rows."""
    out: list[tuple[Section, Source, sa.Select[t.Any] | None]] = []
    for source in scope.registry.person_sources():
        ids = [rid for key, rid in refs if key == source.key]
        stmt = None
        if ids:
            id_col = source.column(source.id_column)
            stmt = scope.source_select(source).where(id_col.in_(ids)).order_by(id_col)
        out.append((_section(scope, source, "person", stmt), source, stmt))
    for rsource in scope.registry.related_sources():
        stmt = scope.related_select(rsource, refs)
        out.append((_section(scope, rsource, "related", stmt), rsource, stmt))
    for rsource in scope.registry.related_sources():
        stmt = scope.authored_select(rsource, refs)
        out.append((_section(scope, rsource, AUTHORED, stmt), rsource, stmt))
    return [item for item in out if item[0].count]


def _section(
    scope: TenantScope, source: Source, kind: str, stmt: sa.Select[t.Any] | None
) -> Section:
    count = 0
    if stmt is not None:
        counted = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
        count = int(scope.session.scalar(counted) or 0)
    if kind == AUTHORED:  # rows the subject wrote: only the fields about them
        label = gettext("%(source)s written by you", source=display_text(source.label))
        return Section(f"{source.key}-{AUTHORED}", label, kind, count)
    return Section(source.key, display_text(source.label), kind, count)


def _rows(scope: TenantScope, stmt: sa.Select[t.Any]) -> t.Iterator[t.Any]:
    """The rows of *stmt*, streamed a batch at a time."""
    result = scope.session.execute(stmt.execution_options(yield_per=BATCH))
    yield from result.scalars()


def build_bundle(
    scope: TenantScope,
    request: PrivacyRequest,
    target: pathlib.Path,
    *,
    max_bytes: int,
    tenant_name: str,
    language: str,
    progress: ProgressFn,
) -> BundleWriter:
    """Write the subject's zip to *target* (temporary name, then renamed); return
    the finished writer (its ``truncated`` and ``records``). Reads only."""
    refs = (
        scope.subject_refs(scope.subject(request.subject_id))
        if (request.subject_id is not None)
        else []
    )
    skip_records, skip_fields = _excluded(request)
    sections = _sections(scope, refs)
    total = sum(s.count for s, _, _ in sections)
    writer = BundleWriter(
        target, max_bytes=max_bytes, words=page_words(), lang=language
    )
    try:
        now = utcnow()
        writer.begin(
            {
                "generated_at": now,
                "language": language,
                "tenant": {"key": scope.tenant, "name": tenant_name},
                "subject_id": request.subject_id,
                "request_id": request.id,
            },
            heading=gettext(
                "Your personal data held by %(tenant)s", tenant=tenant_name
            ),
            meta=[gettext("Made on %(date)s.", date=now.date().isoformat())],
            sections=[s for s, _, _ in sections],
        )
        done = 0
        for section, source, stmt in sections:
            writer.begin_source(section)
            columns = [
                c
                for c in _columns(source, section.kind)
                if (source.key, c) not in skip_fields
            ]
            labels = column_labels(source, columns)
            for row in _rows(scope, t.cast(sa.Select[t.Any], stmt)):
                done += 1
                rid = str(getattr(row, source.id_column))
                if (source.key, rid) in skip_records:
                    continue
                fields = {k: json_safe(getattr(row, k, None)) for k in columns}
                record: dict[str, t.Any] = {"id": rid, "fields": fields}
                about = _about(source, row, refs)
                if section.kind == "related":
                    record["about"] = about
                title = f"{section.label} {rid}"
                labelled = [(labels.get(c, c), fields.get(c)) for c in columns]
                about_words = [_ref_words(scope, ref) for ref in about]
                if not writer.add(record, title, labelled, about_words):
                    break
                if done % BATCH == 0:
                    progress(done, total)
            writer.end_source()
        excluded = [
            {k: e.get(k) for k in ("source", "record_id", "field", "reason")}
            for e in request.exclusions or []
        ]
        writer.finish({"excluded": excluded})
        progress(total, total)
        return writer
    except BaseException:
        writer.discard()
        raise


def _columns(source: Source, kind: str) -> list[str]:
    """The fields a section shows: the exported ones, or for rows the subject
    wrote about someone else only the fields about the author."""
    if kind == AUTHORED and isinstance(source, RelatedSource):
        return source.fields_about_author()
    return exported_columns(source)


def _ref_words(scope: TenantScope, ref: str) -> str:
    """``"contact:5"`` as people read it: ``"Contact 5"``."""
    key, _, rid = ref.partition(":")
    return f"{display_text(scope.registry.get(key).label)} {rid}"


def _about(source: Source, row: t.Any, refs: list[RecordRef]) -> list[str]:
    """The subject's person records a related row is about, as ``source:id``."""
    person_refs = getattr(source, "person_refs", {})
    return [
        f"{key}:{getattr(row, attr)}"
        for key, attr in person_refs.items()
        if (key, str(getattr(row, attr, None))) in refs
    ]
