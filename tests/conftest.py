"""Shared fixtures: the demo host built in-process, and throw-away servers.

- ``postgres_server`` / ``redis_server`` (session): real servers from the system
  binaries (see :mod:`tests.infra`); skipped without them, failed under ``CI=true``.
- ``make_app(db_url=None, **config)``: a factory of demo apps with empty tables.
- ``app`` (SQLite, seeded small), ``client``, ``runner``, ``login``.
- ``any_db_app``: a seeded app on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import infra

if t.TYPE_CHECKING:
    from tenant_privacy.store.scope import TenantScope


@pytest.fixture(autouse=True)
def plain_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in a shell with the C locale, as in CI and most containers:
    CLI messages follow the shell's language, and a developer's Norwegian shell
    must not change what the tests see."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


SMALL_SEED = 30


@pytest.fixture(scope="session")
def postgres_server() -> t.Iterator[infra.PostgresServer]:
    """A throw-away PostgreSQL cluster: ``.url(name)``, ``.create_database()``."""
    server = infra.start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_server() -> t.Iterator[infra.RedisServer]:
    """A throw-away redis-server: ``.url``."""
    server = infra.start_redis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_app(
    tmp_path_factory: pytest.TempPathFactory,
) -> t.Iterator[t.Callable[..., Flask]]:
    """Factory ``make_app(db_url=None, **config) -> Flask`` with all tables created.

    Without *db_url* each app gets a fresh SQLite file. ``TESTING`` is on, CSRF is
    off unless ``WTF_CSRF_ENABLED=True`` is passed, jobs run inline unless
    overridden. Engines are disposed of at teardown.
    """
    from demo import create_app
    from demo.models import db

    apps: list[Flask] = []

    def factory(db_url: str | None = None, **config: t.Any) -> Flask:
        folder = tmp_path_factory.mktemp("app")
        settings: dict[str, t.Any] = {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": db_url or f"sqlite:///{folder / 'test.sqlite3'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "TENANT_PRIVACY_JOBS_INLINE": True,
            # the hook tests rely on it; fixtures that must not match pass False
            "TENANT_PRIVACY_AUTO_MATCH": True,
        }
        settings.update(config)
        app = create_app(settings)
        with app.app_context():
            db.create_all()
            app.extensions["tenant_privacy"].extension.create_all()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def scope_of(app: Flask, tenant: str) -> TenantScope:
    """A TenantScope of *tenant* over the app's session (needs an app context)."""
    return app.extensions["tenant_privacy"].scope(tenant)


def seed(app: Flask, contacts_per_tenant: int = SMALL_SEED) -> Flask:
    """Run the demo seed on *app*; return it."""
    from demo.seed import seed_demo

    with app.app_context():
        seed_demo(contacts_per_tenant=contacts_per_tenant)
    return app


@pytest.fixture
def app(make_app: t.Callable[..., Flask]) -> Flask:
    """The demo on SQLite, seeded with two small tenants."""
    return seed(make_app())


@pytest.fixture
def app_ctx(app: Flask) -> t.Iterator[None]:
    """An app context of ``app`` for the whole test (instead of nested blocks)."""
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> t.Any:
    """A CLI runner of ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def login() -> t.Callable[..., t.Any]:
    """``login(client, email, password="demo")``: post the login form; the response."""

    def do_login(client: FlaskClient, email: str, password: str = "demo") -> t.Any:
        return client.post("/login", data={"email": email, "password": password})

    return do_login


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(
    request: pytest.FixtureRequest, make_app: t.Callable[..., Flask]
) -> Flask:
    """The seeded demo, once on SQLite and once on PostgreSQL."""
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        return seed(make_app(server.create_database()))
    return seed(make_app())


@pytest.fixture
def pg_app(make_app: t.Callable[..., Flask], postgres_server: t.Any) -> Flask:
    """The demo on a fresh PostgreSQL database with one empty tenant, fjord."""
    app = make_app(postgres_server.create_database())
    with app.app_context():
        from demo.models import Tenant
        from demo.models import db

        db.session.add(Tenant(key="fjord", name="Fjord"))
        db.session.commit()
    return app
