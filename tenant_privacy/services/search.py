"""Person search across every person source of a tenant: the entry point of the module.

The query is read as an email address (it holds an ``@``), a phone number (it is
digits and phone punctuation) or a name. The database narrows each source to a
bounded candidate set with ``LIKE`` on folded text (Norwegian letters and their ASCII
spellings agree: "Bjørn Sæther", "Bjorn Saether", "BJOERN SATHER"); Python ranks the
candidates with rapidfuzz. Hits are grouped by data subject; a record with no subject
yet is a hit of its own (a search creates no subject: it runs on a GET). The search
is audited with its hit count only, never with the query text.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from rapidfuzz import fuzz

from ..errors import InvalidInput
from ..i18n import gettext
from ..labels import display_name
from ..matching.normalize import canon_text
from ..matching.normalize import mailbox
from ..matching.normalize import normalize_email
from ..matching.normalize import normalize_phone
from ..store.refs import RecordRef
from . import audit
from . import tenants
from .sql_fold import digits_sql
from .sql_fold import fold_sql
from .sql_fold import prepare as prepare_sql

if t.TYPE_CHECKING:
    from ..registry import PersonSource
    from ..store.scope import TenantScope


__all__ = [
    "MIN_QUERY",
    "EmailOwner",
    "SearchHit",
    "SearchResult",
    "owners_by_email",
    "refs_by_email",
    "search_people",
    "subject_ids_of",
    "subjects_by_email",
]

#: Shortest accepted query (after trimming).
MIN_QUERY = 2
#: Longest accepted query.
MAX_QUERY = 200
#: Candidate rows read per source and pass before ranking.
CANDIDATES = 500
#: Lowest fuzzy name score (0-100) that counts as a hit.
NAME_CUTOFF = 70.0

NAME_FIELDS = ("first_name", "last_name", "full_name")
_PHONE_CHARS = re.compile(r"^[\d\s+\-().\/]+$")


@dataclass
class SearchHit:
    """One data subject found by a search.

    :param subject_id: the data subject, or None for a record that has none yet
        (then *refs* is that one record).
    :param refs: the matching person records of that subject, best first.
    :param label: display name of the best matching record (for the page only).
    :param matched: what matched: ``"email"``, ``"phone"`` or ``"name"``.
    :param score: best score in [0, 1].
    :param sources: source key -> number of matching records.
    """

    subject_id: int | None
    refs: list[RecordRef]
    label: str
    matched: str
    score: float
    sources: dict[str, int] = field(default_factory=dict)


@dataclass
class SearchResult:
    """What a search found: the first *limit* subjects, and whether there were
    more (the page then says so and how to narrow the search).

    :param hits: the subjects found, best first, at most the search's limit.
    :param more: True when more subjects matched than *hits* holds.
    """

    hits: list[SearchHit]
    more: bool = False


@dataclass(frozen=True)
class _Found:
    score: float
    matched: str
    ref: RecordRef
    label: str


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(expr: t.Any, text: str) -> t.Any:
    return expr.like(f"%{_like_escape(text)}%", escape="\\")


def _canon(value: t.Any) -> str:
    return " ".join(canon_text(str(value))) if value else ""


def _label(source: PersonSource, row: t.Any) -> str:
    return display_name(source, row)


def _rows(
    scope: TenantScope, source: PersonSource, where: t.Any, seen: set[t.Any]
) -> list[t.Any]:
    id_col = source.column(source.id_column)
    stmt = scope.source_select(source).where(where).order_by(id_col).limit(CANDIDATES)
    rows = []
    for row in scope.session.scalars(stmt):
        key = getattr(row, source.id_column)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def _ref(source: PersonSource, row: t.Any) -> RecordRef:
    return (source.key, str(getattr(row, source.id_column)))


def _reaches(email: str | None, box: str) -> bool:
    """True when the normalised address *email* reaches the mailbox *box* for
    certain (as written, with a "+tag", or at googlemail.com for gmail.com)."""
    if not email:
        return False
    return mailbox(email, guess=False) == box


def _mailbox_filter(column: t.Any, box: str) -> t.Any:
    """A SQL pre-filter for addresses that may reach *box*: they contain its
    local part followed by "@" or "+" (then checked by :func:`_reaches`)."""
    local = _like_escape(box.partition("@")[0])
    lowered = sa.func.lower(column)
    return sa.or_(
        lowered.like(f"%{local}@%", escape="\\"),
        lowered.like(f"%{local}+%", escape="\\"),
    )


def _by_email(scope: TenantScope, source: PersonSource, query: str) -> list[_Found]:
    attr = source.identity["email"]
    column = source.column(attr)
    address = normalize_email(query)
    wanted = address or query.strip().lower()
    where = sa.func.lower(column).like(_like_escape(wanted) + "%", "\\")
    box = None
    if address is not None:
        # a whole address also finds the registrations reaching its mailbox
        box = mailbox(address, guess=False)
        where = sa.or_(where, _mailbox_filter(column, box))
    found = []
    for row in _rows(scope, source, where, set()):
        value = normalize_email(getattr(row, attr)) or ""
        if value == wanted or (box and _reaches(value, box)):
            score = 1.0
        elif value.startswith(wanted):
            score = 0.9 if "@" in wanted else 0.8
        else:
            continue
        found.append(_Found(score, "email", _ref(source, row), _label(source, row)))
    return found


def _by_phone(
    scope: TenantScope, source: PersonSource, query: str, region: str
) -> list[_Found]:
    attr = source.identity["phone"]
    parsed = normalize_phone(query, region)
    digits = re.sub(r"\D", "", query)
    if parsed is not None:
        wanted, _ = parsed
        national = re.sub(r"\D", "", wanted)
        tail = national[-8:] if len(digits) >= 8 else digits
    else:
        wanted, tail = "", digits
    tail = tail[-8:]
    where = _contains(digits_sql(source.column(attr), scope.dialect), tail)
    found = []
    for row in _rows(scope, source, where, set()):
        raw = getattr(row, attr)
        if not raw:
            continue
        other = normalize_phone(str(raw), region)
        row_digits = re.sub(r"\D", "", str(raw))
        if wanted and other is not None and other[0] == wanted:
            score = 1.0
        elif row_digits.endswith(tail):
            score = 0.85
        elif tail in row_digits:
            score = 0.7
        else:
            continue
        found.append(_Found(score, "phone", _ref(source, row), _label(source, row)))
    return found


def _by_name(scope: TenantScope, source: PersonSource, query: str) -> list[_Found]:
    attrs = [source.identity[n] for n in NAME_FIELDS if n in source.identity]
    tokens = [tok for tok in canon_text(query) if tok]
    if not attrs or not tokens:
        return []
    joined: t.Any = sa.func.coalesce(source.column(attrs[0]), "")
    for attr in attrs[1:]:
        joined = joined + " " + sa.func.coalesce(source.column(attr), "")
    haystack = fold_sql(joined, scope.dialect)
    prefixes = [tok[:3] for tok in tokens]
    # one pass reads the rows holding every token's start, those holding every
    # whole token first; a second, only when that finds few, any token's start
    # (a typo early in one word)
    every_token = sa.and_(*[_contains(haystack, tok) for tok in tokens])
    id_col = source.column(source.id_column)
    first = (
        scope.source_select(source)
        .where(sa.and_(*[_contains(haystack, p) for p in prefixes]))
        .order_by(sa.case((every_token, 0), else_=1), id_col)
        .limit(CANDIDATES)
    )
    rows = list(scope.session.scalars(first))
    if len(rows) < CANDIDATES:
        seen = {getattr(row, source.id_column) for row in rows}
        any_start = sa.or_(*[_contains(haystack, p) for p in prefixes])
        rows.extend(_rows(scope, source, any_start, seen))
    wanted = " ".join(tokens)
    found = []
    for row in rows:
        name = _canon(" ".join(str(getattr(row, a) or "") for a in attrs))
        if not name:
            continue
        score = max(fuzz.token_set_ratio(wanted, name), fuzz.WRatio(wanted, name))
        if score >= NAME_CUTOFF:
            found.append(
                _Found(score / 100.0, "name", _ref(source, row), _label(source, row))
            )
    return found


def _email_local(scope: TenantScope, source: PersonSource, query: str) -> list[_Found]:
    text = query.strip().lower()
    if " " in text or len(text) < 3:
        return []
    return _by_email(scope, source, text)


def search_people(
    scope: TenantScope, query: str, *, limit: int = 50, actor: str = audit.SYSTEM
) -> SearchResult:
    """Find the data subjects of this tenant matching *query*, best first.

    Searches every person source by email (normalised; exact or prefix), phone
    (any format; the tenant's phone region; E.164 or trailing digits) and name
    (fuzzy, Norwegian spellings folded). Creates nothing: a record without a subject
    is a hit of its own. Writes a ``search`` audit event holding the number of hits
    only.

    :param query: what the officer typed.
    :param limit: at most this many subjects; :attr:`SearchResult.more` says
        whether there were more.
    :param actor: audit ref of who searches.
    :raises InvalidInput: if the query is empty, shorter than two characters or
        too long, or *limit* is not positive.
    """
    text = " ".join(str(query or "").split())
    if len(text) < MIN_QUERY:
        raise InvalidInput(gettext("Type at least two characters to search."))
    if len(text) > MAX_QUERY:
        raise InvalidInput(gettext("The search text is too long."))
    if limit < 1:
        raise InvalidInput("limit must be positive")
    region = tenants.settings_of(scope).phone_region or "NO"
    prepare_sql(scope.session)
    digits = re.sub(r"\D", "", text)
    is_email = "@" in text
    is_phone = not is_email and bool(_PHONE_CHARS.match(text)) and len(digits) >= 5
    found: list[_Found] = []
    for source in scope.registry.person_sources():
        ident = source.identity
        if is_email:
            if "email" in ident:
                found.extend(_by_email(scope, source, text))
            continue
        if is_phone:
            if "phone" in ident:
                found.extend(_by_phone(scope, source, text, region))
            continue
        found.extend(_by_name(scope, source, text))
        if "email" in ident:
            found.extend(_email_local(scope, source, text))
    hits = _group(scope, found, limit + 1)  # one more: were there more?
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SEARCH,
        data={"hits": min(len(hits), limit)},
    )
    return SearchResult(hits[:limit], more=len(hits) > limit)


def _group(scope: TenantScope, found: list[_Found], limit: int) -> list[SearchHit]:
    best: dict[RecordRef, _Found] = {}
    for item in found:
        if item.ref not in best or item.score > best[item.ref].score:
            best[item.ref] = item
    ranked = sorted(best.values(), key=lambda f: (-f.score, f.label, f.ref))
    links = scope.links_of([f.ref for f in ranked])
    hits: dict[int | RecordRef, SearchHit] = {}
    for item in ranked:
        link = links.get(item.ref)
        # a record without a subject yet is a subject of its own
        key: int | RecordRef = link.subject_id if link is not None else item.ref
        hit = hits.get(key)
        if hit is None:
            if len(hits) >= limit:
                continue
            hit = hits[key] = SearchHit(
                subject_id=link.subject_id if link is not None else None,
                refs=[],
                label=item.label,
                matched=item.matched,
                score=round(item.score, 3),
            )
        hit.refs.append(item.ref)
        hit.sources[item.ref[0]] = hit.sources.get(item.ref[0], 0) + 1
    return list(hits.values())


def refs_by_email(scope: TenantScope, address: str) -> list[RecordRef]:
    """Every person record of this tenant whose email reaches *address*'s mailbox.

    Addresses are compared normalised (case, spaces, "Name <address>") and as
    the mailbox they certainly reach: "kari+crm@gmail.com" and
    "kari@googlemail.com" are "kari@gmail.com". A mistyped domain is never
    read as another: what this finds may be disclosed or erased.

    :raises InvalidInput: if *address* is not an email address.
    """
    wanted = normalize_email(address)
    if wanted is None:
        raise InvalidInput(gettext("That is not an email address."))
    box = mailbox(wanted, guess=False)
    refs: list[RecordRef] = []
    for source in scope.registry.person_sources():
        attr = source.identity.get("email")
        if attr is None:
            continue
        where = _mailbox_filter(source.column(attr), box)
        stmt = scope.source_select(source).where(where)
        for row in scope.session.scalars(stmt):
            if _reaches(normalize_email(getattr(row, attr)), box):
                refs.append(_ref(source, row))
    return sorted(refs)


@dataclass(frozen=True)
class EmailOwner:
    """Who owns registrations carrying an address: a subject, or a registration
    with no subject row yet, which is a subject of its own (``subject_id`` None,
    its one ref in ``refs``)."""

    subject_id: int | None
    refs: tuple[RecordRef, ...]


def owners_by_email(scope: TenantScope, address: str) -> list[EmailOwner]:
    """The owners of every registration carrying *address*, reading only: the
    linked subjects by id, then each registration without a subject in ref order.
    Empty if no registration has the address.

    :raises InvalidInput: if *address* is not an email address.
    """
    refs = refs_by_email(scope, address)
    links = scope.links_of(refs)
    linked: dict[int, list[RecordRef]] = {}
    alone: list[EmailOwner] = []
    for ref in refs:
        link = links.get(ref)
        if link is None:
            alone.append(EmailOwner(None, (ref,)))
        else:
            linked.setdefault(link.subject_id, []).append(ref)
    owners = [EmailOwner(sid, tuple(found)) for sid, found in sorted(linked.items())]
    return owners + alone


def subjects_by_email(scope: TenantScope, address: str) -> dict[int, list[RecordRef]]:
    """The data subjects of every registration carrying *address*, with those refs.

    Subjects are created for records that have none yet (flushed, not committed).
    The result is ordered by subject id; empty if no registration has the address.

    :raises InvalidInput: if *address* is not an email address.
    """
    owners = owners_by_email(scope, address)
    ids = subject_ids_of(scope, owners)
    return dict(sorted((sid, list(o.refs)) for sid, o in zip(ids, owners, strict=True)))


def subject_ids_of(scope: TenantScope, owners: t.Sequence[EmailOwner]) -> list[int]:
    """The subject id of each of *owners*, in order, making in bulk
    (:meth:`~tenant_privacy.store.scope.TenantScope.links_or_new`) the subject row
    of each registration that has none. Flushed; the caller commits."""
    alone = [o.refs[0] for o in owners if o.subject_id is None]
    made = scope.links_or_new(alone) if alone else {}
    return [
        o.subject_id
        if o.subject_id is not None
        else made[scope.ref(*o.refs[0])].subject_id
        for o in owners
    ]
