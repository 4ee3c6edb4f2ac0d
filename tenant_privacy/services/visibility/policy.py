"""How visibility rules are written as Casbin policy lines (the shipped model is
``tenant_privacy/casbin/visibility.conf``).

A restriction of group ``G`` on subject ``S`` in tenant ``T`` is one deny line and
one grouping line per exempt user or role::

    vp: x:S:G, t:T, s:S, G, deny          (Casbin "p")
    vg: u:<id> | r:<role>, x:S:G, t:T     (Casbin "g")

The ptypes ``vp``/``vg`` keep the lines out of the rights loader, which reads only
``p*``/``g*``; :func:`casbin_rows` turns them back into ``p``/``g`` for an enforcer.
The fast path (:mod:`.decide`) reads the same rows with SQL and decides in Python;
:func:`enforcer` builds the Casbin enforcer it must agree with (the property test
checks that it does).
"""

from __future__ import annotations

import pathlib
import typing as t

import casbin
import sqlalchemy as sa
from sqlalchemy import orm

from ...models import CasbinRule
from ..rights import ROLE
from ..rights import RuleListAdapter
from ..rights import casbin_domain
from ..rights import casbin_subject

#: The shipped Casbin model of visibility rules.
MODEL_PATH = pathlib.Path(__file__).parent.parent.parent / "casbin" / "visibility.conf"
#: The group name that stands for the whole person.
PERSON = "person"
#: Stored ptypes of deny lines and of exemption lines.
DENY = "vp"
EXEMPT = "vg"
#: Longest role name or user id a rule may name (the column holds 255).
MAX_NAME = 200


#: The prefix of a data subject's Casbin object.
OBJECT_PREFIX = "s:"


def casbin_object(subject_id: int) -> str:
    """The Casbin object of a data subject (``s:<id>``)."""
    return f"{OBJECT_PREFIX}{int(subject_id)}"


def object_sql(subject_id: t.Any) -> sa.ColumnElement[str]:
    """:func:`casbin_object` in SQL, of an integer column or expression."""
    return sa.literal(OBJECT_PREFIX, sa.String) + sa.cast(subject_id, sa.String)


def subject_sql(obj: t.Any) -> sa.ColumnElement[int]:
    """:func:`subject_of_object` in SQL, of a column holding objects."""
    return sa.cast(sa.func.substr(obj, len(OBJECT_PREFIX) + 1), sa.Integer)


def exemption_group(subject_id: int, group: str) -> str:
    """The Casbin subject of a deny line: the exemption group ``x:<sid>:<group>``."""
    return f"x:{int(subject_id)}:{group}"


def role_member(role: str) -> str:
    """The Casbin name of a host role (``r:<role>``)."""
    return f"r:{role}"


def viewer_members(user_id: str, roles: t.Iterable[str]) -> list[str]:
    """The Casbin names a viewer acts as: the user and each of their roles."""
    return [casbin_subject(str(user_id)), *sorted(role_member(r) for r in roles)]


def subject_of_object(obj: str) -> int:
    """The subject id of a Casbin object ``s:<id>``."""
    return int(obj.removeprefix(OBJECT_PREFIX))


Row = tuple[str, list[str]]


def casbin_rows(session: orm.Session, tenant: str) -> list[Row]:
    """Every visibility line and officer line of *tenant*, as Casbin ``p``/``g``
    rows of the visibility model."""
    dom = casbin_domain(tenant)
    c = CasbinRule
    stmt = sa.select(c.ptype, c.v0, c.v1, c.v2, c.v3, c.v4).where(
        sa.or_(
            sa.and_(c.ptype == DENY, c.v1 == dom),
            sa.and_(c.ptype == EXEMPT, c.v2 == dom),
            sa.and_(c.ptype == "g", c.v1 == ROLE, c.v2 == dom),
        )
    )
    rows: list[Row] = []
    for ptype, v0, v1, v2, v3, v4 in session.execute(stmt):
        if ptype == DENY:
            rows.append(("p", [v0, v1, v2, v3, v4]))
        else:
            rows.append(("g", [v0, v1, v2]))
    return rows


def enforcer(
    rows: t.Iterable[Row],
    tenant: str,
    roles: t.Mapping[str, t.Iterable[str]] | None = None,
) -> casbin.Enforcer:
    """A Casbin enforcer of the shipped model over *rows* (see :func:`casbin_rows`),
    with each user of *roles* (user id -> the host's role names) holding those
    roles in *tenant*. For tests, tools and audits: the hot path never calls
    ``enforce()`` (see :mod:`.decide`)."""
    lines = list(rows)
    dom = casbin_domain(tenant)
    for user_id, names in (roles or {}).items():
        for role in names:
            lines.append(("g", [casbin_subject(str(user_id)), role_member(role), dom]))
    return casbin.Enforcer(str(MODEL_PATH), RuleListAdapter(lines))
