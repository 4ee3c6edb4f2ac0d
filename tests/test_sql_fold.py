"""The SQLite fold function gives exactly what the SQL replace() chain gives."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tenant_privacy.services import sql_fold

SAMPLES = [
    "Bjørn SÆTHER",
    "BRAATHEN",
    "Øystein Bråthen",
    "José Müller",
    "ÓLAFUR Ænes",
    "Sue Boe",
    "",
    None,
    "+47 (0) 912-34.567 / 22",
]


@pytest.fixture
def session():
    engine = sa.create_engine("sqlite://")
    with Session(engine) as s:
        sql_fold.prepare(s)
        yield s


@pytest.mark.parametrize("text", SAMPLES)
def test_the_registered_function_equals_the_replace_chain(session, text) -> None:
    value = sa.literal(text, sa.String)
    chain = session.scalar(sa.select(sql_fold.fold_sql(value, "postgresql")))
    registered = session.scalar(sa.select(sql_fold.fold_sql(value, "sqlite")))
    assert registered == chain
    digits_chain = session.scalar(sa.select(sql_fold.digits_sql(value, "postgresql")))
    digits = session.scalar(sa.select(sql_fold.digits_sql(value, "sqlite")))
    assert digits == digits_chain


def test_folded_names_meet_their_ascii_spellings(session) -> None:
    value = sa.literal("Bjørn Sæther", sa.String)
    assert session.scalar(sa.select(sql_fold.fold_sql(value, "sqlite"))) == (
        "bjorn sather"
    )
