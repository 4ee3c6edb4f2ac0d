"""``one_of``: a long list of strings as one parameter picks exactly the rows an
``IN`` list would, on SQLite, on PostgreSQL and in the plain ``IN`` form other
databases get."""

from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa

from tenant_privacy.store.scope import MAX_IN
from tenant_privacy.store.scope import one_of

#: Strings a JSON or array parameter must carry unchanged.
AWKWARD = [
    'say "hi"',
    "back\\slash",
    "it's",
    "{1,2}",
    "[1, 2]",
    "NULL",
    "null",
    "Bjørn Sæther",
    "emoji 🙂",
    "tab\there",
    "%_",
    "",
    " padded ",
]

_rows = sa.table("rows", sa.column("key", sa.String))


def _database(request: pytest.FixtureRequest, dialect: str) -> str:
    if dialect == "postgresql":
        return request.getfixturevalue("postgres_server").create_database()
    return "sqlite://"


@pytest.fixture(params=["sqlite", "postgresql", "default"])
def picked(request: pytest.FixtureRequest) -> t.Callable[[list[str]], set[str]]:
    """Runs ``one_of`` in the form of one dialect over a table of keys; the
    ``default`` form (IN lists) runs on SQLite."""
    dialect = request.param
    engine = sa.create_engine(_database(request, dialect))
    stored = [*AWKWARD, *(f"key-{n}" for n in range(3 * MAX_IN))]
    with engine.begin() as conn:
        conn.execute(sa.text('CREATE TABLE "rows" (key VARCHAR(64))'))
        conn.execute(sa.insert(_rows), [{"key": k} for k in stored])

    def pick(values: list[str]) -> set[str]:
        stmt = sa.select(_rows.c.key).where(one_of(_rows.c.key, values, dialect))
        with engine.connect() as conn:
            return set(conn.scalars(stmt))

    yield pick
    engine.dispose()


def test_long_list_picks_exactly_its_rows(picked) -> None:
    wanted = [f"key-{n}" for n in range(0, 3 * MAX_IN, 2)]  # 1,500: two IN lists
    assert picked([*wanted, "missing", "key-"]) == set(wanted)


def test_awkward_strings_arrive_unchanged(picked) -> None:
    assert picked(AWKWARD) == set(AWKWARD)
    assert picked(['say \\"hi\\"', "it''s", "{1", "Bjorn Saether"]) == set()


def test_an_empty_list_picks_nothing(picked) -> None:
    assert picked([]) == set()
