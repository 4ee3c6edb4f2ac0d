"""The one tenant-scoped helper every query of the module goes through.

A :class:`TenantScope` is bound to one session and one tenant key. It builds the
``SELECT`` statements over our tables and over registered sources with the tenant
filter already applied, so no caller can forget it. Objects of another tenant are
indistinguishable from missing ones: both raise
:class:`~tenant_privacy.errors.NotFound`.
"""

from __future__ import annotations

import json
import typing as t
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from ..errors import MergeConflict
from ..errors import NotFound
from ..models import Subject
from ..models import SubjectRecord
from ..models import utcnow
from ..registry import PersonSource
from .refs import RecordRef
from .refs import canonical_id
from .refs import coerce_id
from .refs import int_id

if t.TYPE_CHECKING:
    from ..registry import RelatedSource
    from ..registry import Source
    from ..registry import SourceRegistry

__all__ = [
    "ERASING_KEY",
    "MAX_IN",
    "TenantScope",
    "canonical_id",
    "chunks",
    "coerce_id",
    "one_of",
]

#: ``session.info`` key set while an erasure writes host rows: the automatic
#: matching hook then leaves the session's changes alone.
ERASING_KEY = "tenant_privacy_erasing"

M = t.TypeVar("M")
T = t.TypeVar("T")

#: Most values in one ``IN (...)`` list: SQLite refuses more than 32,766
#: parameters in a statement, and long lists plan badly anywhere.
MAX_IN = 1000


def chunks(items: t.Sequence[T], size: int | None = None) -> t.Iterator[t.Sequence[T]]:
    """*items* in consecutive slices of at most *size* (:data:`MAX_IN`; none when
    empty)."""
    size = size or MAX_IN
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_new(model: type[t.Any], dialect: str) -> t.Any:
    """``INSERT INTO model`` that skips a row whose key exists (PostgreSQL,
    SQLite); a plain insert elsewhere."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    return sa.insert(model)


def one_of(
    column: t.Any, values: t.Sequence[str], dialect: str
) -> sa.ColumnElement[bool]:
    """True where the string *column* is one of *values* (a page of record ids),
    with the list sent as one parameter where the database *dialect* takes one
    (SQLite's ``json_each``, PostgreSQL's ``unnest``): a thousand values then cost
    neither a thousand bound parameters nor more than one statement. Elsewhere
    ``IN`` lists of at most :data:`MAX_IN`."""
    if dialect == "sqlite":
        listed = sa.func.json_each(sa.bindparam(None, json.dumps(list(values))))
        return column.in_(sa.select(sa.column("value")).select_from(listed))
    if dialect == "postgresql":
        # IN (SELECT unnest(...)), not = ANY(...): for ANY the planner chose a
        # sequential scan of 100,000 links over 1,000 key look-ups (13 ms, not 4)
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(sa.String))
        return column.in_(sa.select(sa.func.unnest(array)))
    return sa.or_(sa.false(), *(column.in_(part) for part in chunks(values)))


class TenantScope:
    """Queries of one tenant over one session.

    :param session: a SQLAlchemy session (the host's ``db.session``).
    :param tenant: the tenant key every query is restricted to.
    :param registry: the registered sources.
    :param config: the app's configuration (``TENANT_PRIVACY_*`` keys); services
        read settings from it with :func:`~tenant_privacy.config.config_value`.
        Empty: every key has its default.
    """

    def __init__(
        self,
        session: orm.Session,
        tenant: str,
        registry: SourceRegistry,
        config: t.Mapping[str, t.Any] | None = None,
    ):
        if not tenant:
            raise ValueError("a tenant key is required")
        self.session = session
        self.tenant = tenant
        self.registry = registry
        self.config: t.Mapping[str, t.Any] = config if config is not None else {}

    @property
    def dialect(self) -> str:
        """The name of the session's database dialect (``sqlite``, ``postgresql``)."""
        return self.session.get_bind().dialect.name

    # -- our tables -------------------------------------------------------------
    def select(self, model: type[M]) -> sa.Select[tuple[M]]:
        """``SELECT model WHERE model.tenant_key = tenant``."""
        return sa.select(model).where(model.tenant_key == self.tenant)  # type: ignore[attr-defined]

    def get(self, model: type[M], **keys: t.Any) -> M:
        """The row of *model* in this tenant with the given column values.

        :raises NotFound: if there is none in this tenant.
        """
        stmt = self.select(model).filter_by(**keys)
        row = self.session.scalars(stmt).first()
        if row is None:
            raise NotFound(f"no {model.__name__} {keys!r} in this tenant")
        return row

    def by_id(self, model: type[M], row_id: int | str, what: str) -> M:
        """The row of *model* with the integer id *row_id* (as given by a user).

        :raises NotFound: "no *what* ..." if *row_id* is no id (see
            :func:`~.refs.int_id`) or there is no such row in this tenant (also
            for another tenant's id).
        """
        try:
            number = int_id(row_id)
        except ValueError as exc:
            raise NotFound(f"no {what} {row_id!r}") from exc
        return self.get(model, id=number)

    def subject(self, subject_id: int | str) -> Subject:
        """The data subject *subject_id* of this tenant.

        :raises NotFound: if it does not exist here (also for another tenant's id).
        """
        return self.by_id(Subject, subject_id, "subject")

    # -- sources ----------------------------------------------------------------
    def source_select(self, source: Source) -> sa.Select[t.Any]:
        """``SELECT source.model WHERE tenant column = tenant``."""
        return sa.select(source.model).where(self.tenant_clause(source))

    def tenant_clause(self, source: Source) -> sa.ColumnElement[bool]:
        """The condition that keeps a statement over *source* in this tenant.

        A source without a tenant column (a single-tenant module) belongs wholly to
        the module's fixed tenant: no filter for that tenant, no rows for any other.
        """
        if source.tenant_column is None:
            return (
                sa.true() if self.tenant == self.registry.single_tenant else sa.false()
            )
        return source.column(source.tenant_column) == self.tenant

    def _rows_in(
        self, source: Source, ids: t.Sequence[t.Any]
    ) -> sa.ColumnElement[bool]:
        """Rows *ids* of *source*, in this tenant only."""
        return sa.and_(
            self.tenant_clause(source), source.column(source.id_column).in_(ids)
        )

    def _id_filter(self, source: Source, ids: t.Iterable[str]) -> list[t.Any]:
        wanted = set()
        for record_id in ids:
            try:
                wanted.add(coerce_id(source, record_id))
            except NotFound:
                continue
        return sorted(wanted, key=str)

    def update_rows(
        self, source: Source, ids: t.Iterable[str], values: t.Mapping[str, t.Any]
    ) -> int:
        """``UPDATE`` the rows *ids* of *source* in this tenant (never another
        tenant's, whatever the ids) with *values*; rows loaded in the session are
        brought up to date. Returns how many rows changed."""
        wanted = self._id_filter(source, ids)
        if not wanted or not values:
            return 0
        count = 0
        for part in chunks(wanted):
            stmt = (
                sa.update(source.model)
                .where(self._rows_in(source, part))
                .values(dict(values))
                .execution_options(synchronize_session="fetch")
            )
            count += int(getattr(self.session.execute(stmt), "rowcount", 0) or 0)
        return count

    def update_each(
        self, source: Source, values_by_id: t.Mapping[str, t.Mapping[str, t.Any]]
    ) -> int:
        """``UPDATE`` each row of *source* in this tenant with its own values (one
        executemany per set of field names; never another tenant's rows, whatever
        the ids); rows loaded in the session are expired, so they read the new
        values. Returns how many rows changed."""
        groups: dict[tuple[str, ...], list[dict[str, t.Any]]] = defaultdict(list)
        keys: list[t.Any] = []
        for record_id, values in values_by_id.items():
            try:
                pk = coerce_id(source, record_id)
            except NotFound:
                continue
            if values:
                params = {f"v_{i}": v for i, v in enumerate(values.values())}
                groups[tuple(values)].append({"pk_": pk, **params})
                keys.append(pk)
        count = 0
        for names, params in groups.items():
            stmt = (
                sa.update(sa.inspect(source.model).local_table)
                .where(
                    self.tenant_clause(source),
                    source.column(source.id_column) == sa.bindparam("pk_"),
                )
                .values(
                    {
                        source.column(n): sa.bindparam(f"v_{i}")
                        for i, n in enumerate(names)
                    }
                )
            )
            result = self.session.execute(stmt, params)
            count += int(getattr(result, "rowcount", 0) or 0)
        self._expire_loaded(source, keys)
        return count

    def _expire_loaded(self, source: Source, keys: t.Iterable[t.Any]) -> None:
        mapper = sa.inspect(source.model)
        for pk in keys:
            row = self.session.identity_map.get(
                mapper.identity_key_from_primary_key((pk,))
            )
            if row is not None:
                self.session.expire(row)

    def delete_rows(self, source: Source, ids: t.Iterable[str]) -> int:
        """``DELETE`` the rows *ids* of *source* in this tenant (never another
        tenant's). Returns how many rows went."""
        wanted = self._id_filter(source, ids)
        count = 0
        for part in chunks(wanted):
            stmt = (
                sa.delete(source.model)
                .where(self._rows_in(source, part))
                .execution_options(synchronize_session="fetch")
            )
            count += int(getattr(self.session.execute(stmt), "rowcount", 0) or 0)
        return count

    def person_source(self, key: str) -> PersonSource:
        """The registered person source *key*.

        :raises NotFound: if no person source has that key.
        """
        source = self.registry.get(key) if key in self.registry else None
        if not isinstance(source, PersonSource):
            raise NotFound(f"no person source {key!r}")
        return source

    def ref(self, source_key: str, record_id: object) -> RecordRef:
        """The canonical ref of a person record given from outside (see
        :func:`~.refs.canonical_id`): ``("contact", "007")`` is ``("contact", "7")``.

        Does not read the host row.

        :raises NotFound: if *source_key* is no person source or *record_id*
            cannot name one of its rows.
        """
        source = self.person_source(source_key)
        return (source.key, canonical_id(source, record_id))

    def _stored_form(self, ref: RecordRef) -> RecordRef | None:
        """The form *ref* is stored in, for a look-up; None if it cannot be stored.

        A ref of a source that is no longer registered is looked up as given: it
        can only match a row stored while it was (hence canonical).
        """
        source_key, record_id = str(ref[0]), ref[1]
        if source_key not in self.registry:
            return (source_key, str(record_id))
        try:
            return self.ref(source_key, record_id)
        except NotFound:
            return None

    def record(self, source_key: str, record_id: object) -> t.Any:
        """The host row of a person record of this tenant.

        :raises NotFound: if the source or the row does not exist in this tenant
            (also for an id :func:`~.refs.canonical_id` refuses).
        """
        source = self.person_source(source_key)
        stmt = self.source_select(source).where(
            source.column(source.id_column) == coerce_id(source, record_id)
        )
        row = self.session.scalars(stmt).first()
        if row is None:
            raise NotFound(f"no record {source_key}/{record_id} in this tenant")
        return row

    def records(self, source: Source, ids: t.Iterable[str]) -> dict[str, t.Any]:
        """Host rows of *source* in this tenant by canonical string id (missing
        ids, and ids that cannot name a row, absent)."""
        wanted = self._id_filter(source, ids)
        if not wanted:
            return {}
        rows = self.session.scalars(
            sa.select(source.model).where(self._rows_in(source, wanted))
        )
        return {str(getattr(r, source.id_column)): r for r in rows}

    def related_rows(
        self, source: RelatedSource, refs: t.Iterable[RecordRef]
    ) -> list[t.Any]:
        """Rows of a related source about any of the person records *refs*."""
        stmt = self.related_select(source, refs)
        return [] if stmt is None else list(self.session.scalars(stmt))

    def related_select(
        self, source: RelatedSource, refs: t.Iterable[RecordRef]
    ) -> sa.Select[t.Any] | None:
        """``SELECT`` of the rows of a related source about any of the person
        records *refs* (in id order, so it can be streamed); None when none of
        *refs* is of a source it refers to."""
        return self._rows_naming(source, source.person_refs, refs)

    def authored_rows(
        self, source: RelatedSource, refs: t.Iterable[RecordRef]
    ) -> list[t.Any]:
        """Rows of a related source *written by* any of the person records *refs*
        (through its ``author_refs``), in id order."""
        stmt = self.authored_select(source, refs)
        return [] if stmt is None else list(self.session.scalars(stmt))

    def authored_select(
        self, source: RelatedSource, refs: t.Iterable[RecordRef]
    ) -> sa.Select[t.Any] | None:
        """``SELECT`` of the rows of a related source written by any of *refs*
        (id order); None when it has no author ref to any of them."""
        return self._rows_naming(source, source.author_refs, refs)

    def _rows_naming(
        self,
        source: RelatedSource,
        columns: t.Mapping[str, str],
        refs: t.Iterable[RecordRef],
    ) -> sa.Select[t.Any] | None:
        by_source: dict[str, list[t.Any]] = defaultdict(list)
        for source_key, record_id in refs:
            if source_key in columns:
                person = self.person_source(source_key)
                try:
                    by_source[source_key].append(coerce_id(person, record_id))
                except NotFound:
                    continue
        clauses = [
            source.column(columns[key]).in_(ids) for key, ids in by_source.items()
        ]
        if not clauses:
            return None
        return (
            self.source_select(source)
            .where(sa.or_(*clauses))
            .order_by(source.column(source.id_column))
        )

    def identity(self, source: PersonSource, row: t.Any) -> dict[str, t.Any]:
        """The matching-contract mapping of a person row (``id`` is the record ref)."""
        data: dict[str, t.Any] = {
            "id": f"{source.key}:{getattr(row, source.id_column)}"
        }
        for name, attr in source.identity.items():
            data[name] = getattr(row, attr)
        return data

    # -- subjects -----------------------------------------------------------------
    def link_of(self, ref: RecordRef) -> SubjectRecord | None:
        """The link row of a person record (any spelling of its id that
        :func:`~.refs.canonical_id` accepts), or None if it has none yet."""
        stored = self._stored_form(ref)
        if stored is None:
            return None
        return self.session.get(SubjectRecord, (self.tenant, *stored))

    def subject_of(self, ref: RecordRef) -> Subject:
        """The subject owning a person record; created the first time (get-or-create).

        :raises NotFound: if the record does not exist in this tenant, or its id
            cannot name one (see :func:`~.refs.canonical_id`).
        """
        ref = self.ref(*ref)
        link = self.link_of(ref)
        if link is not None:
            return link.subject
        self.record(*ref)
        return self._create_subject_for(ref).subject

    def _create_subject_for(self, ref: RecordRef) -> SubjectRecord:
        """Insert a new subject with the link row of *ref*; race-safe (see
        :meth:`_create_subjects_for`).

        :raises NotFound: if *ref* is no ref of a person record (its id is stored
            in canonical form, whatever spelling the caller holds).
        """
        ref = self.ref(*ref)
        return self._create_subjects_for([ref])[ref]

    def links_or_new(
        self, refs: t.Iterable[RecordRef], *, fresh: bool = False
    ) -> dict[RecordRef, SubjectRecord]:
        """The link row of every person record of *refs*, keyed by canonical ref,
        creating a subject for each that has none (get-or-create in bulk: a
        constant number of statements per :data:`MAX_IN` refs). The records must
        exist in this tenant (the caller read them from their source). Flushes.

        :param fresh: reload link rows already in the session (after a lock).
        :raises NotFound: if a ref is no ref of a person record.
        """
        wanted = {self.ref(*ref) for ref in refs}
        links = self.links_of(wanted, fresh=fresh)
        links.update(self._create_subjects_for(wanted - set(links)))
        return links

    def _create_subjects_for(
        self, refs: t.Iterable[RecordRef]
    ) -> dict[RecordRef, SubjectRecord]:
        """Insert a new subject and its link row for each of *refs* (records that
        had none when the caller looked); returns the link row of each. Per
        :data:`MAX_IN` refs: one insert of subjects, one of links, one read of
        the links (and one delete, after a race).

        Race-safe on databases with row-level concurrency (PostgreSQL), where two
        transactions may create the first link of the same record at once: the
        links are inserted in ref order, skipping a conflict (``ON CONFLICT DO
        NOTHING``), so the loser waits for the winner, then reads the winner's row
        and deletes the subject it made for that record. (SQLite has one writer;
        the same statement serves.)

        :raises NotFound: if a ref is no ref of a person record.
        """
        wanted = sorted({self.ref(*ref) for ref in refs})
        out: dict[RecordRef, SubjectRecord] = {}
        for part in chunks(wanted):
            out.update(self._insert_links(part))
        return out

    def _insert_links(
        self, refs: t.Sequence[RecordRef]
    ) -> dict[RecordRef, SubjectRecord]:
        """:meth:`_create_subjects_for` of at most :data:`MAX_IN` sorted refs."""
        now = utcnow()
        new = [{"tenant_key": self.tenant, "state": "active", "created_at": now}]
        made = list(
            self.session.scalars(
                sa.insert(Subject).returning(Subject.id), new * len(refs)
            )
        )
        rows = [
            {
                "tenant_key": self.tenant,
                "source_key": source_key,
                "record_id": record_id,
                "subject_id": subject_id,
                "linked_at": now,
            }
            for (source_key, record_id), subject_id in zip(refs, made, strict=True)
        ]
        self.session.execute(
            _insert_new(SubjectRecord, self.dialect).returning(SubjectRecord.record_id),
            rows,  # RETURNING: one multi-row INSERT, not an executemany
        )
        links = self.links_of(refs, fresh=True)
        if len(links) < len(refs):  # a winner this transaction cannot see yet
            raise MergeConflict("a record was linked at the same time; try again")
        lost = [
            sid
            for ref, sid in zip(refs, made, strict=True)
            if links[ref].subject_id != sid
        ]
        if lost:  # another transaction linked those records first
            self.session.execute(sa.delete(Subject).where(Subject.id.in_(lost)))
        return {ref: links[ref] for ref in refs}

    def links_of(
        self, refs: t.Iterable[RecordRef], *, fresh: bool = False
    ) -> dict[RecordRef, SubjectRecord]:
        """The existing link rows of *refs* in this tenant, keyed by their
        canonical ref (refs whose id cannot name a record have none).

        :param fresh: reload rows already in the session (after taking a lock).
        """
        wanted = sorted(
            {stored for ref in refs if (stored := self._stored_form(ref)) is not None}
        )
        found: dict[RecordRef, SubjectRecord] = {}
        for part in chunks(wanted):  # one statement unless there are very many
            by_source: dict[str, list[str]] = defaultdict(list)
            for source_key, record_id in part:
                by_source[source_key].append(record_id)
            clauses = [
                sa.and_(
                    SubjectRecord.source_key == key, SubjectRecord.record_id.in_(ids)
                )
                for key, ids in by_source.items()
            ]
            stmt = self.select(SubjectRecord).where(sa.or_(*clauses))
            if fresh:
                stmt = stmt.execution_options(populate_existing=True)
            found.update((link.ref, link) for link in self.session.scalars(stmt))
        return found

    def subject_links(
        self, subject_ids: t.Iterable[int], *, fresh: bool = False
    ) -> list[SubjectRecord]:
        """Link rows of the subjects *subject_ids* of this tenant, in a stable order."""
        ids = sorted({int(i) for i in subject_ids})
        out: list[SubjectRecord] = []
        for part in chunks(ids):  # ascending ids: the order holds across chunks
            stmt = (
                self.select(SubjectRecord)
                .where(SubjectRecord.subject_id.in_(part))
                .order_by(
                    SubjectRecord.subject_id,
                    SubjectRecord.source_key,
                    SubjectRecord.record_id,
                )
            )
            if fresh:
                stmt = stmt.execution_options(populate_existing=True)
            out.extend(self.session.scalars(stmt))
        return out

    def subject_refs(self, subject: Subject) -> list[RecordRef]:
        """Record refs linked to *subject*, ordered by source key and id."""
        if subject.tenant_key != self.tenant:
            raise NotFound("no such subject in this tenant")
        stmt = (
            self.select(SubjectRecord)
            .where(SubjectRecord.subject_id == subject.id)
            .order_by(SubjectRecord.source_key, SubjectRecord.record_id)
        )
        return [link.ref for link in self.session.scalars(stmt)]
