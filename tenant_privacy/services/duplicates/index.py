"""The matching index of a tenant: hashed blocking keys and identity fingerprints.

Host rows are read through a :class:`~tenant_privacy.store.scope.TenantScope` and
normalised; each record is filed under keyed hashes of its blocking keys
(:class:`~tenant_privacy.models.BlockingKey`) and remembered by a fingerprint of its
identity as the host holds it (:class:`~tenant_privacy.models.MatchRecord`). Neither
table holds personal values. Functions flush (or execute) and never commit.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import orm

from ... import matching
from ...errors import NotFound
from ...models import BlockingKey
from ...models import MatchRecord
from ...models import MatchSuggestion
from ...models import utcnow
from ...store.refs import RecordRef
from ...store.refs import parse_ref
from ...store.scope import chunks
from ...store.scope import coerce_id
from ..tenants import settings_of

if t.TYPE_CHECKING:
    from ...registry import PersonSource
    from ...store.scope import TenantScope


#: At most this many stored records (those sharing most keys) are scored against
#: one new registration.
MAX_CANDIDATES = 200


# -- hashing ------------------------------------------------------------------------
def key_hash(tenant: str, key: str) -> str:
    """The stored form of a blocking key: 32 hex digits of a tenant-keyed sha256."""
    return hashlib.sha256(f"{tenant}\x1f{key}".encode()).hexdigest()[:32]


#: The start of a fingerprint of the host's values (:func:`fingerprint`).
FINGERPRINT_PREFIX = "r:"


def fingerprint(identity: t.Mapping[str, t.Any]) -> str:
    """A digest of a record's identity values exactly as the host holds them.

    ``identity`` is the record's matching-contract mapping (its ``id`` is left
    out). The digest changes when one of those values is edited, and never when
    a later version of the matcher normalises them differently: a rejected pair
    stays rejected across upgrades. ``"r:"`` and 62 hex digits of a sha256.
    """
    values = sorted(
        (name, value if value is None else str(value))
        for name, value in identity.items()
        if name != "id"
    )
    digest = hashlib.sha256(json.dumps(values).encode()).hexdigest()
    return FINGERPRINT_PREFIX + digest[:62]


class ReadRecord(t.NamedTuple):
    """One host row as the matching index reads it."""

    nr: matching.NormalizedRecord
    #: :func:`fingerprint` of the row's identity values
    fingerprint: str


# -- reading host records -------------------------------------------------------------
def identity_select(scope: TenantScope, source: PersonSource) -> sa.Select[t.Any]:
    """The tenant's rows of *source* with every identity column loaded eagerly."""
    stmt = scope.source_select(source)
    column_attrs = sa.inspect(source.model).column_attrs.keys()
    options = [
        orm.undefer(source.column(attr))
        for attr in source.identity.values()
        if attr in column_attrs
    ]
    return stmt.options(*options) if options else stmt


def tenant_region(scope: TenantScope) -> str:
    """The tenant's default phone region ("NO" unless its settings say otherwise)."""
    return str(settings_of(scope).phone_region or "NO")


def read_row(
    scope: TenantScope, source: PersonSource, row: t.Any, region: str
) -> ReadRecord:
    """The normalised record of a host row and the fingerprint of its values."""
    identity = scope.identity(source, row)
    return ReadRecord(
        matching.normalize_record(identity, region=region), fingerprint(identity)
    )


def read_refs(
    scope: TenantScope, refs: t.Iterable[RecordRef], region: str
) -> list[ReadRecord]:
    """:func:`read_row` of each of *refs* in this tenant (missing ones left out)."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for source_key, record_id in refs:
        by_source[source_key].append(record_id)
    out: list[ReadRecord] = []
    for source_key, ids in by_source.items():
        try:
            source = scope.person_source(source_key)
        except NotFound:
            continue
        stmt = identity_select(scope, source)
        for part in chunks(coerce_ids(source, ids)):
            rows = scope.session.scalars(
                stmt.where(source.column(source.id_column).in_(part))
            )
            out.extend(read_row(scope, source, row, region) for row in rows)
    return out


def load_refs(
    scope: TenantScope, refs: t.Iterable[RecordRef], region: str
) -> list[matching.NormalizedRecord]:
    """Normalised records for *refs* of this tenant (missing ones left out)."""
    return [read.nr for read in read_refs(scope, refs, region)]


def coerce_ids(source: PersonSource, ids: t.Iterable[str]) -> list[t.Any]:
    out = []
    for record_id in ids:
        try:
            out.append(coerce_id(source, record_id))
        except NotFound:
            continue
    return out


# -- index rows -----------------------------------------------------------------------
def key_hashes(tenant: str, nr: matching.NormalizedRecord) -> dict[str, str]:
    """The stored hash of each blocking key of *nr*, as ``{hash: key}``."""
    return {key_hash(tenant, key): key for key in matching.blocking_keys(nr)}


def index_rows(tenant: str, nr: matching.NormalizedRecord) -> list[dict[str, str]]:
    """The :class:`~tenant_privacy.models.BlockingKey` rows of *nr*."""
    source_key, record_id = parse_ref(nr.id)
    return [
        {
            "tenant_key": tenant,
            "key_hash": h,
            "source_key": source_key,
            "record_id": record_id,
        }
        for h in sorted(key_hashes(tenant, nr))
    ]


def write_index(
    scope: TenantScope, records: t.Sequence[ReadRecord]
) -> dict[RecordRef, str]:
    """Insert blocking keys and fingerprints of *records* (old rows must be gone).

    Returns the fingerprint of each record written.
    """
    keys: list[dict[str, str]] = []
    prints: list[dict[str, t.Any]] = []
    written: dict[RecordRef, str] = {}
    now = utcnow()
    for nr, fp in records:
        ref = parse_ref(nr.id)
        keys.extend(index_rows(scope.tenant, nr))
        written[ref] = fp
        prints.append(
            {
                "tenant_key": scope.tenant,
                "source_key": ref[0],
                "record_id": ref[1],
                "fingerprint": fp,
                "updated_at": now,
            }
        )
    if keys:
        scope.session.execute(sa.insert(BlockingKey.__table__), keys)
    if prints:
        scope.session.execute(sa.insert(MatchRecord.__table__), prints)
    return written


def forget(scope: TenantScope, ref: RecordRef) -> bool:
    """Drop the blocking keys and the fingerprint of one record; True if it had one."""
    had = False
    for model in (BlockingKey, MatchRecord):
        result = scope.session.execute(
            sa.delete(model).where(
                model.tenant_key == scope.tenant,
                model.source_key == ref[0],
                model.record_id == ref[1],
            )
        )
        had = bool(getattr(result, "rowcount", 0)) if model is MatchRecord else had
    return had


def fetch(scope: TenantScope, ref: RecordRef) -> t.Any:
    """The host row of *ref* in this tenant with its identity loaded, or None."""
    try:
        source = scope.person_source(ref[0])
    except NotFound:
        return None
    ids = coerce_ids(source, [ref[1]])
    if not ids:
        return None
    stmt = identity_select(scope, source).where(
        source.column(source.id_column) == ids[0]
    )
    return scope.session.scalars(stmt).first()


def suggestions_of(scope: TenantScope, ref: RecordRef) -> list[MatchSuggestion]:
    """Every suggestion of this tenant that involves *ref* (either side)."""
    found: list[MatchSuggestion] = []
    for source_col, id_col in (
        (MatchSuggestion.a_source, MatchSuggestion.a_id),
        (MatchSuggestion.b_source, MatchSuggestion.b_id),
    ):
        stmt = scope.select(MatchSuggestion).where(
            source_col == ref[0], id_col == ref[1]
        )
        found.extend(scope.session.scalars(stmt))
    return found


def candidate_refs(
    scope: TenantScope,
    ref: RecordRef,
    hashes: t.Iterable[str],
    *,
    limits: t.Mapping[str, int] | None = None,
) -> list[RecordRef]:
    """Stored records sharing a key hash with *ref*, most shared keys first.

    *limits* maps a key hash to the most records its block may hold (see
    :func:`tenant_privacy.matching.blocking.block_limit`): a fuller block adds no
    candidates, as a full scan would not pair within it either (a common name).
    One query on the primary key ``(tenant_key, key_hash, ...)``; the counting is
    done here, as a ``GROUP BY`` leads SQLite to scan the tenant's whole index.
    """
    wanted = list(hashes)
    if not wanted:
        return []
    stmt = sa.select(
        BlockingKey.key_hash, BlockingKey.source_key, BlockingKey.record_id
    ).where(
        BlockingKey.tenant_key == scope.tenant,
        BlockingKey.key_hash.in_(wanted),
    )
    members: dict[str, list[RecordRef]] = defaultdict(list)
    for key, source_key, record_id in scope.session.execute(stmt):
        if (source_key, record_id) != ref:
            members[key].append((source_key, record_id))
    return rank_candidates(members, limits)


def rank_candidates(
    members: t.Mapping[str, t.Sequence[RecordRef]],
    limits: t.Mapping[str, int] | None = None,
) -> list[RecordRef]:
    """The records filed under the key hashes of one record (*members*: hash →
    the other records under it), most shared keys first, at most
    :data:`MAX_CANDIDATES`; a block fuller than its limit in *limits* adds none."""
    shared: dict[RecordRef, int] = defaultdict(int)
    for key, refs in members.items():
        limit = limits.get(key) if limits else None
        if limit is not None and len(refs) + 1 > limit:
            continue
        for other in refs:
            shared[other] += 1
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [item[0] for item in ranked[:MAX_CANDIDATES]]


# -- many records at once (the bulk path of incremental matching) -------------------
def by_source(refs: t.Iterable[RecordRef]) -> dict[str, list[str]]:
    """The distinct record ids of *refs* per source key, sorted."""
    out: dict[str, set[str]] = defaultdict(set)
    for source_key, record_id in refs:
        out[source_key].add(record_id)
    return {key: sorted(ids) for key, ids in out.items()}


def ref_rows(
    scope: TenantScope, model: t.Any, refs: t.Sequence[RecordRef], *columns: t.Any
) -> t.Iterator[t.Any]:
    """Rows (``source_key, record_id, *columns``) of *model* of this tenant for
    *refs*: one query per source and :data:`MAX_IN` ids, on the table's index."""
    for source_key, ids in by_source(refs).items():
        for part in chunks(ids):
            stmt = sa.select(model.source_key, model.record_id, *columns).where(
                model.tenant_key == scope.tenant,
                model.source_key == source_key,
                model.record_id.in_(part),
            )
            yield from scope.session.execute(stmt)


def keys_of(
    scope: TenantScope, refs: t.Sequence[RecordRef]
) -> dict[RecordRef, set[str]]:
    """The stored key hashes of each of *refs* (none: left out)."""
    out: dict[RecordRef, set[str]] = defaultdict(set)
    for source_key, record_id, key in ref_rows(
        scope, BlockingKey, refs, BlockingKey.key_hash
    ):
        out[(source_key, record_id)].add(key)
    return dict(out)


def indexed_of(scope: TenantScope, refs: t.Sequence[RecordRef]) -> set[RecordRef]:
    """Those of *refs* that have a stored fingerprint (were indexed)."""
    return {(row[0], row[1]) for row in ref_rows(scope, MatchRecord, refs)}


def forget_many(scope: TenantScope, refs: t.Sequence[RecordRef]) -> None:
    """:func:`forget` each of *refs*, in one statement per table and source."""
    for source_key, ids in by_source(refs).items():
        for part in chunks(ids):
            for model in (BlockingKey, MatchRecord):
                scope.session.execute(
                    sa.delete(model).where(
                        model.tenant_key == scope.tenant,
                        model.source_key == source_key,
                        model.record_id.in_(part),
                    )
                )


def members_of(
    scope: TenantScope, hashes: t.Iterable[str]
) -> dict[str, list[RecordRef]]:
    """The records stored under each of *hashes* (key hash → refs)."""
    out: dict[str, list[RecordRef]] = defaultdict(list)
    for part in chunks(sorted(set(hashes))):
        stmt = sa.select(
            BlockingKey.key_hash, BlockingKey.source_key, BlockingKey.record_id
        ).where(
            BlockingKey.tenant_key == scope.tenant,
            BlockingKey.key_hash.in_(part),
        )
        for key, source_key, record_id in scope.session.execute(stmt):
            out[key].append((source_key, record_id))
    return dict(out)
