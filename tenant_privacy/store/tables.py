"""Whether the module's tables exist in the database the host's session uses.

A host's own test suite often builds its schema with ``db.create_all()``, which does
not create our tables (they live on our own ``MetaData``). Rather than a traceback
from every commit (automatic matching) and every page that shows the module's menu,
the module says once, in the log, what to do, and stands aside: the menu is empty and
automatic matching is skipped until the tables exist.
"""

from __future__ import annotations

import logging
import typing as t
import weakref

import sqlalchemy as sa

from ..models import TenantSettings
from ..models import metadata

if t.TYPE_CHECKING:
    from sqlalchemy import orm

log = logging.getLogger(__name__)

__all__ = ["MISSING_TABLES_MESSAGE", "tables_missing"]

#: What the log says, once per database, when our tables are missing.
MISSING_TABLES_MESSAGE = (
    "tenant_privacy: the module's tables (tenant_privacy_*) are missing from the "
    "database %s. Create them: in tests call privacy.create_all() after "
    "db.create_all(); otherwise run the migrations (flask db upgrade heads). Until "
    "then the module's menu is empty and automatic matching is skipped."
)

_present: weakref.WeakSet[sa.Engine] = weakref.WeakSet()
_warned: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


def tables_missing(session: orm.Session) -> bool:
    """True when any of the module's tables is missing from *session*'s database;
    logs :data:`MISSING_TABLES_MESSAGE` the first time for that database.

    A database found complete is remembered (no further look-ups); a missing one is
    looked at again on the next call, so creating the tables later is noticed.
    """
    engine = session.get_bind(mapper=sa.inspect(TenantSettings))
    if not isinstance(engine, sa.Engine):  # bound to a connection: trust it
        engine = engine.engine
    if engine in _present:
        return False
    inspector = sa.inspect(engine)
    missing = [name for name in metadata.tables if not inspector.has_table(name)]
    if not missing:
        _present.add(engine)
        return False
    if engine not in _warned:
        _warned.add(engine)
        log.warning(MISSING_TABLES_MESSAGE, engine.url.render_as_string())
    return True
