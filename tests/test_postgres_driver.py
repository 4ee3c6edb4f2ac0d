"""``DATABASE_URL=postgresql://...`` as the README writes it works end to end.

SQLAlchemy 2.1 reads a plain ``postgresql://`` URL as psycopg 3, which the
``postgres`` extra installs; ``postgresql+psycopg2://`` keeps working for hosts that
install psycopg2 themselves.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres


def _plain_url(server, driver: str = "") -> str:
    """A fresh database of *server* as ``postgresql[+driver]://...``."""
    url = sa.engine.make_url(server.create_database())
    name = "postgresql" + (f"+{driver}" if driver else "")
    return url.set(drivername=name).render_as_string(hide_password=False)


@pytest.mark.parametrize("driver", ["", "psycopg2"])
def test_database_url_without_driver_runs_the_demo(
    postgres_server, tmp_path, monkeypatch, driver
) -> None:
    from demo import create_app
    from demo.models import Contact
    from demo.models import db
    from demo.seed import seed_demo
    from tenant_privacy.services import audit

    url = _plain_url(postgres_server, driver)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "test-driver")
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    try:
        assert app.config["SQLALCHEMY_DATABASE_URI"] == url
        result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            expected = "psycopg" if sa.__version__ >= "2.1" else "psycopg2"
            assert db.engine.dialect.driver == (driver or expected)
            # the seed writes audit events (the prepared append) and contacts
            seed_demo(contacts_per_tenant=5)
            count = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Contact)
                .where(Contact.tenant_key == "fjord")
            )
            assert count and count >= 5
            assert audit.verify(db.session, "fjord") > 0
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
