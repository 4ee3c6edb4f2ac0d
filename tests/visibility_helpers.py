"""Helpers of the visibility tests (not fixtures)."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from tenant_privacy import Actor
from tests.conftest import scope_of

Ref = tuple[str, str]


def demo_user(tenant: str, login: str) -> t.Any:
    """The demo user ``<login>@<tenant>.test``."""
    from demo.models import User
    from demo.models import db

    return db.session.scalars(
        sa.select(User).where(User.email == f"{login}@{tenant}.test")
    ).one()


def actor(tenant: str, login: str) -> Actor:
    """The module's Actor of a demo user."""
    from demo.privacy_setup import actor_of

    return actor_of(demo_user(tenant, login))


def subject_id(app: t.Any, tenant: str, ref: Ref) -> int:
    """The subject of *ref* (created if needed)."""
    return int(scope_of(app, tenant).subject_of(ref).id)
