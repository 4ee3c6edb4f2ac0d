"""Module rights with Casbin: "none or all" per tenant.

A staff member either holds the ``privacy_officer`` role in their tenant's domain,
which grants every action of the module, or holds nothing. The policy is one global
line plus one grouping line per officer (see ``tenant_privacy/casbin/model.conf``)::

    p, privacy_officer, *, privacy, *
    g, u:<user id>, privacy_officer, t:<tenant key>

Rules live in :class:`~tenant_privacy.models.CasbinRule` and are loaded **per tenant**
(``p`` lines whose domain ``v1`` is ``*`` or the tenant, ``g`` lines whose domain
``v2`` is the tenant) into one small enforcer per tenant, built lazily and kept in an
LRU. One enforcer per tenant rather than one shared enforcer with filtered loads:
Casbin's ``load_filtered_policy`` clears the live model before it refills it, so a
shared enforcer would briefly deny everyone in every tenant on each reload, and its
cost would grow with the number of tenants loaded. Here a reload builds a fresh
enforcer off to the side and swaps it in; each enforcer is used under its own
``threading.Lock`` (concurrent ``enforce()`` raises ``SystemError`` on CPython 3.11).

Whether a user holds the role is answered in one place, :func:`holds_officer_role`
(one indexed query on the grouping line), for every reader that does not go
through an enforcer (the visibility hot path, a grant's "already there?");
the guard asks :meth:`RightsManager.is_officer`, whose enforcer reads the same
lines (``tests/test_rights.py`` checks that both answers agree).

Every change bumps the tenant's policy version: the ``PolicyVersion`` row in the same
transaction, and, when ``TENANT_PRIVACY_REDIS_URL`` is set, the Redis key
``tenant_privacy:policy_version:<tenant>`` right after the commit. Each check
compares the version with the one its enforcer was loaded at (one ``GET`` or one
indexed ``SELECT``; the guard checks once per request) and reloads that tenant when
they differ, so every web and worker process sees a change by its next request.
"""

from __future__ import annotations

import copy
import logging
import pathlib
import threading
import time
import typing as t
from collections import OrderedDict
from dataclasses import dataclass
from dataclasses import field

import casbin
import sqlalchemy as sa
from casbin.persist.adapter import Adapter
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from ..config import config_value
from ..errors import NotFound
from ..errors import UnknownTenant
from ..models import CasbinRule
from ..models import PolicyVersion
from . import audit

if t.TYPE_CHECKING:
    from ..host import HostDirectory

log = logging.getLogger(__name__)

#: The module's only role.
ROLE = "privacy_officer"
#: The Casbin object every rule of the module is about.
OBJECT = "privacy"
#: The one global policy line: the role may do everything in every domain.
GLOBAL_POLICY = (ROLE, "*", OBJECT, "*")
#: Packaged Casbin model (``TENANT_PRIVACY_CASBIN_MODEL`` may name another file).
MODEL_PATH = pathlib.Path(__file__).parent.parent / "casbin" / "model.conf"
#: Redis key of a tenant's policy version (``%s`` is the tenant key).
REDIS_KEY = "tenant_privacy:policy_version:%s"
#: How many tenants' enforcers a process keeps (least recently used go first).
MAX_CACHED_TENANTS = 1024

_PENDING = "_tenant_privacy_policy_pending"


def casbin_subject(user_id: str) -> str:
    """The Casbin subject of a user id (opaque: ``u:<id>``)."""
    return f"u:{user_id}"


def casbin_domain(tenant: str) -> str:
    """The Casbin domain of a tenant key (``t:<key>``)."""
    return f"t:{tenant}"


def holds_officer_role(session: orm.Session, tenant: str, user_id: str) -> bool:
    """True when *user_id* has the grouping line of the privacy-officer role in
    *tenant*'s domain, as *session* sees it (its own uncommitted changes too).

    One indexed query (``g``, subject, role, domain), no enforcer: for readers
    without a :class:`RightsManager`. It agrees with
    :meth:`RightsManager.is_officer` (the guard's check through Casbin).
    """
    c = CasbinRule
    found = session.scalar(
        sa.select(c.id)
        .where(
            c.ptype == "g",
            c.v0 == casbin_subject(str(user_id)),
            c.v1 == ROLE,
            c.v2 == casbin_domain(tenant),
        )
        .limit(1)
    )
    return found is not None


Row = tuple[str, list[str]]


def load_rules(session: orm.Session, tenant: str) -> list[Row]:
    """The rules of *tenant* as ``(ptype, values)``: global and tenant ``p`` lines,
    tenant ``g`` lines. Two indexed filters, because the domain is ``v1`` in ``p``
    lines and ``v2`` in ``g`` lines."""
    dom = casbin_domain(tenant)
    c = CasbinRule
    stmt = sa.select(c.ptype, c.v0, c.v1, c.v2, c.v3, c.v4, c.v5).where(
        sa.or_(
            # the model has no p2/g2: equality keeps both on an index (a LIKE
            # read every line of every tenant, visibility lines included)
            sa.and_(c.ptype == "p", c.v1.in_(("*", dom))),
            sa.and_(c.ptype == "g", c.v2 == dom),
        )
    )
    rules: list[Row] = []
    for ptype, *values in session.execute(stmt):
        while values and values[-1] is None:
            values.pop()
        rules.append((ptype, [v or "" for v in values]))
    return rules


class RuleListAdapter(Adapter):  # type: ignore[misc]
    """A Casbin adapter over rows already read from our table (no CSV parsing, so
    values may hold commas). Writes go through :class:`RightsManager`, never here."""

    def __init__(self, rules: t.Iterable[Row]) -> None:
        self.rules = list(rules)

    def load_policy(self, model: t.Any) -> None:
        """Add every row to *model* (unknown ptypes are skipped)."""
        for ptype, values in self.rules:
            sec = ptype[:1]
            if sec in model.model and ptype in model.model[sec]:
                model.add_policy(sec, ptype, list(values))


@dataclass
class _TenantEnforcer:
    enforcer: casbin.Enforcer
    version: str
    #: Subjects with a ``g`` line here; others are denied without asking Casbin, so
    #: unknown names never enter (and grow) its role manager.
    subjects: frozenset[str]
    checked_at: float
    lock: threading.Lock = field(default_factory=threading.Lock)


class RightsManager:
    """Grants, revokes and checks the privacy-officer role; one per app.

    Needs no Flask app: every method takes the session it works in.

    :param config: reads ``TENANT_PRIVACY_CASBIN_MODEL``, ``..._REDIS_URL`` and
        ``..._POLICY_CHECK_SECONDS``.
    :param host: the host's directory, to check tenants and staff on a grant.
    """

    def __init__(self, config: t.Mapping[str, t.Any], host: HostDirectory) -> None:
        self.host = host
        self.model_path = str(config_value("CASBIN_MODEL", config) or MODEL_PATH)
        self.redis_url: str | None = config_value("REDIS_URL", config)
        self.check_seconds = float(config_value("POLICY_CHECK_SECONDS", config))
        self._model = casbin.Enforcer(self.model_path).get_model()
        self._entries: OrderedDict[str, _TenantEnforcer] = OrderedDict()
        self._lock = threading.Lock()
        self._redis: t.Any = None

    # -- checks ---------------------------------------------------------------------
    def is_officer(self, session: orm.Session, tenant: str, user_id: str) -> bool:
        """True when *user_id* holds the privacy-officer role in *tenant*.

        Callers must pass a member of *tenant* (the guard has checked that the actor
        belongs to the tenant); ids without a rule are denied before Casbin is asked.
        Call it once per request and keep the answer (the guard keeps it on ``g``).
        """
        subject = casbin_subject(str(user_id))
        if tenant in session.info.get(_PENDING, {}):
            # This transaction changed the tenant's rules: answer from what it sees,
            # without caching uncommitted rules for the whole process.
            entry = self._build(load_rules(session, tenant), "uncommitted")
        else:
            entry = self._entry(session, tenant)
        if subject not in entry.subjects:
            return False
        with entry.lock:
            return bool(
                entry.enforcer.enforce(subject, casbin_domain(tenant), OBJECT, "use")
            )

    def officers(self, session: orm.Session, tenant: str) -> list[str]:
        """User ids holding the role in *tenant*, sorted."""
        c = CasbinRule
        rows = session.scalars(
            sa.select(c.v0)
            .where(c.ptype == "g", c.v1 == ROLE, c.v2 == casbin_domain(tenant))
            .distinct()
        )
        return sorted(v.removeprefix("u:") for v in rows if v and v.startswith("u:"))

    # -- changes --------------------------------------------------------------------
    def grant(
        self, session: orm.Session, tenant: str, actor: str, user_id: str
    ) -> bool:
        """Give *user_id* the role in *tenant*; True if that changed anything.

        Writes a ``role.granted`` audit event and bumps the tenant's policy version in
        the caller's transaction (flushes, does not commit).

        :param actor: audit ref of who grants (``"user:<id>"``, ``"operator"``).
        :raises UnknownTenant: if the host has no such tenant.
        :raises NotFound: if *user_id* is not a staff member of *tenant*.
        """
        user_id = str(user_id)
        if self.host.tenant_info(tenant) is None:
            raise UnknownTenant(f"unknown tenant {tenant!r}")
        if not self.host.is_staff(tenant, user_id):
            raise NotFound(f"no staff user {user_id!r} in this tenant")
        if holds_officer_role(session, tenant, user_id):
            return False
        self._ensure_global_policy(session)
        session.add(
            CasbinRule(
                ptype="g",
                v0=casbin_subject(user_id),
                v1=ROLE,
                v2=casbin_domain(tenant),
            )
        )
        session.flush()
        audit.record(
            session,
            tenant,
            actor,
            audit.Action.ROLE_GRANTED,
            record_refs=[("user", user_id)],
        )
        self._bump(session, tenant)
        return True

    def revoke(
        self, session: orm.Session, tenant: str, actor: str, user_id: str
    ) -> bool:
        """Take the role in *tenant* from *user_id*; True if that changed anything.

        Writes a ``role.revoked`` audit event and bumps the policy version in the
        caller's transaction (flushes, does not commit).
        """
        user_id = str(user_id)
        c = CasbinRule
        result = session.execute(
            sa.delete(c).where(
                c.ptype == "g",
                c.v0 == casbin_subject(user_id),
                c.v1 == ROLE,
                c.v2 == casbin_domain(tenant),
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        audit.record(
            session,
            tenant,
            actor,
            audit.Action.ROLE_REVOKED,
            record_refs=[("user", user_id)],
        )
        self._bump(session, tenant)
        return True

    def invalidate(self, tenant: str | None = None) -> None:
        """Forget this process's enforcer of *tenant* (of every tenant if None)."""
        with self._lock:
            if tenant is None:
                self._entries.clear()
            else:
                self._entries.pop(tenant, None)

    def policy_version(self, session: orm.Session, tenant: str) -> str:
        """The tenant's current policy version, as an opaque string."""
        if self.redis_url:
            try:
                value = self._redis_client().get(REDIS_KEY % tenant)
                return "r" + (value.decode() if value else "0")
            except Exception:  # Redis down: the database row is bumped as well
                log.warning("policy version: Redis unavailable, using the database")
        value = session.scalar(
            sa.select(PolicyVersion.version).where(PolicyVersion.tenant_key == tenant)
        )
        return f"d{value or 0}"

    # -- internals ------------------------------------------------------------------
    def _ensure_global_policy(self, session: orm.Session) -> None:
        c = CasbinRule
        found = session.scalar(
            sa.select(c.id)
            .where(
                c.ptype == "p",
                c.v0 == GLOBAL_POLICY[0],
                c.v1 == GLOBAL_POLICY[1],
                c.v2 == GLOBAL_POLICY[2],
                c.v3 == GLOBAL_POLICY[3],
            )
            .limit(1)
        )
        if found is None:
            v0, v1, v2, v3 = GLOBAL_POLICY
            session.add(CasbinRule(ptype="p", v0=v0, v1=v1, v2=v2, v3=v3))

    def _build(self, rules: list[Row], version: str) -> _TenantEnforcer:
        enforcer = casbin.Enforcer(self._model_copy(), RuleListAdapter(rules))
        subjects = frozenset(v[0] for p, v in rules if p.startswith("g") and v)
        return _TenantEnforcer(enforcer, version, subjects, time.monotonic())

    def _model_copy(self) -> t.Any:
        return copy.deepcopy(self._model)

    def _entry(self, session: orm.Session, tenant: str) -> _TenantEnforcer:
        with self._lock:
            entry = self._entries.get(tenant)
            if entry is not None:
                self._entries.move_to_end(tenant)
        now = time.monotonic()
        if entry is not None and now - entry.checked_at < self.check_seconds:
            return entry
        # Version first, rules second: a change committed in between makes the
        # version we store too old, which only costs one more reload.
        version = self.policy_version(session, tenant)
        if entry is not None and entry.version == version:
            entry.checked_at = now
            return entry
        entry = self._build(load_rules(session, tenant), version)
        with self._lock:
            self._entries[tenant] = entry
            self._entries.move_to_end(tenant)
            while len(self._entries) > MAX_CACHED_TENANTS:
                self._entries.popitem(last=False)
        return entry

    def _redis_client(self) -> t.Any:
        if self._redis is None:
            # redis is an optional extra: imported only when REDIS_URL is set
            from redis import Redis

            self._redis = Redis.from_url(
                self.redis_url, socket_timeout=2, socket_connect_timeout=2
            )
        return self._redis

    def _bump(self, session: orm.Session, tenant: str) -> None:
        """Bump the version row now; Redis and this process's cache after commit."""
        _increment_version(session, tenant)
        real = session() if isinstance(session, orm.scoped_session) else session
        pending = real.info.setdefault(_PENDING, {})
        pending[tenant] = self
        if not sa.event.contains(real, "after_commit", _after_commit):
            sa.event.listen(real, "after_commit", _after_commit)
            sa.event.listen(real, "after_rollback", _after_rollback)

    def _published(self, tenant: str) -> None:
        self.invalidate(tenant)
        if self.redis_url:
            try:
                self._redis_client().incr(REDIS_KEY % tenant)
            except Exception:
                log.exception("policy version: Redis INCR failed for a tenant")


class _VersionPublisher:
    """Publishes a tenant's bumped version to Redis after commit, for a change
    made without a :class:`RightsManager` (visibility rules)."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url

    def _published(self, tenant: str) -> None:
        try:
            # redis is an optional extra: imported only when REDIS_URL is set
            from redis import Redis

            client = Redis.from_url(
                self.redis_url, socket_timeout=2, socket_connect_timeout=2
            )
            client.incr(REDIS_KEY % tenant)
        except Exception:
            log.exception("policy version: Redis INCR failed for a tenant")


def bump_version(
    session: orm.Session, tenant: str, config: t.Mapping[str, t.Any]
) -> None:
    """Bump *tenant*'s policy version in the caller's transaction (and in Redis
    after the commit, when ``TENANT_PRIVACY_REDIS_URL`` is set), for a change of
    Casbin rules made outside a :class:`RightsManager`: every process then reloads
    the tenant's enforcer by its next check. Every process's own manager drops
    its cached enforcer when the version differs."""
    _increment_version(session, tenant)
    redis_url = config_value("REDIS_URL", config)
    real = session() if isinstance(session, orm.scoped_session) else session
    pending = real.info.setdefault(_PENDING, {})
    if redis_url and tenant not in pending:
        pending[tenant] = _VersionPublisher(str(redis_url))
    if redis_url and not sa.event.contains(real, "after_commit", _after_commit):
        sa.event.listen(real, "after_commit", _after_commit)
        sa.event.listen(real, "after_rollback", _after_rollback)


def _increment_version(session: orm.Session, tenant: str) -> None:
    table = PolicyVersion.__table__
    dialect = session.get_bind(mapper=PolicyVersion).dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(table).values(tenant_key=tenant, version=1)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.tenant_key],
                set_={"version": table.c.version + 1},
            )
        )
        return
    updated = session.execute(
        sa.update(table)
        .where(table.c.tenant_key == tenant)
        .values(version=table.c.version + 1)
    )
    if not updated.rowcount:  # type: ignore[attr-defined]
        session.execute(sa.insert(table).values(tenant_key=tenant, version=1))


def _after_commit(session: orm.Session) -> None:
    pending = session.info.pop(_PENDING, None) or {}
    for tenant, manager in pending.items():
        manager._published(tenant)


def _after_rollback(session: orm.Session) -> None:
    session.info.pop(_PENDING, None)
