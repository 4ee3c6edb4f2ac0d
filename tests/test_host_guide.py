"""The host guide's code runs (issue 18): every Python block of
``docs/host-guide.md`` marked ``<!-- test: NAME -->`` is put, with the other blocks
of that NAME in order, into one module, which is imported and used here. An API
change that the guide does not follow fails this test."""

from __future__ import annotations

import re
import types
import typing as t
from pathlib import Path

import pytest
import sqlalchemy as sa

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "host-guide.md"
BLOCK = re.compile(r"<!-- test: (\w+) -->\s*```python\n(.*?)```", re.DOTALL)


def guide_modules() -> dict[str, str]:
    """``{name: source}`` of the guide's marked blocks."""
    sources: dict[str, list[str]] = {}
    for name, code in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        sources.setdefault(name, []).append(code)
    return {name: "\n\n".join(parts) for name, parts in sources.items()}


def load(name: str) -> t.Any:
    """The guide's blocks *name* as a fresh module."""
    module = types.ModuleType(f"host_guide_{name}")
    module.__file__ = str(GUIDE)
    exec(compile(guide_modules()[name], f"{GUIDE}:{name}", "exec"), module.__dict__)
    return module


def test_the_guide_has_both_example_hosts() -> None:
    assert set(guide_modules()) == {"guide_host", "single_host"}


def test_the_guide_host_starts_and_answers_the_module(tmp_path: Path) -> None:
    guide = load("guide_host")
    app = guide.make_test_app()
    privacy = app.extensions["my_privacy"]
    assert {s.key for s in privacy.registry} == {"contact", "user", "invoice"}
    with app.app_context():
        guide.db.session.add_all(
            [
                guide.Tenant(key="t1", name="T1"),
                guide.User(id=1, tenant_key="t1", email="Ann@x.test", name="Ann"),
                guide.User(id=2, tenant_key="t2", email="bob@x.test", name="Bob"),
            ]
        )
        guide.db.session.commit()
        host = privacy.host
        assert host.labels("t1", ["1", "2", "x"]) == {"1": "Ann"}
        assert host.find_staff("t1", "ann@x.test").id == "1"
        assert host.find_staff("t1", "bob@x.test") is None
        actors, total = host.staff_page("t1", "an", 0, 10)
        assert total == 1 and actors[0].label == "Ann"
        assert [i.key for i in host.tenants()] == ["t1"]
        # the user source shows id, name and email: no password hash
        from tenant_privacy.services.fields import exported_columns

        assert exported_columns(privacy.registry.get("user")) == ["id", "name", "email"]
        inspector = sa.inspect(guide.db.engine)
        assert inspector.has_table("tenant_privacy_tenant_settings")


def test_the_single_tenant_host_of_the_guide_starts() -> None:
    single = load("single_host")
    app = single.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    privacy = app.extensions["my_privacy"]
    assert privacy.registry.get("member").tenant_column is None
    with app.app_context():
        single.db.create_all()
        privacy.create_all()
        single.db.session.add(single.Member(username="ann", email="a@x.test"))
        single.db.session.commit()
        assert [i.key for i in privacy.host.tenants()] == ["main"]
        assert privacy.host.find_staff("main", "A@x.test").label == "ann"
        scope = app.extensions["tenant_privacy"].scope("main")
        assert (
            len(
                scope.session.scalars(
                    scope.source_select(scope.person_source("member"))
                ).all()
            )
            == 1
        )
        other = app.extensions["tenant_privacy"].scope("elsewhere")
        assert (
            other.session.scalars(
                other.source_select(other.person_source("member"))
            ).all()
            == []
        )


@pytest.mark.parametrize("name", ["guide_host", "single_host"])
def test_guide_blocks_compile(name: str) -> None:
    compile(guide_modules()[name], name, "exec")
