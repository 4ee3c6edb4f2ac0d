"""Migrations: ``db upgrade heads`` on an empty database builds exactly the models,
on SQLite and on PostgreSQL (autogenerate then finds no difference)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import tenant_privacy
from demo import create_app
from demo.models import db


def _empty_app(tmp_path, db_url: str | None):
    return create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": db_url
            or f"sqlite:///{tmp_path / 'mig.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TENANT_PRIVACY_JOBS_INLINE": True,
        }
    )


def _diff(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                "render_as_batch": True,
            },
        )
        return compare_metadata(context, [db.metadata, tenant_privacy.metadata])


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request, tmp_path):
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_server").create_database()
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


def test_upgrade_then_autogenerate_finds_no_difference(tmp_path, empty_db_url):
    app = _empty_app(tmp_path, empty_db_url)
    try:
        assert _diff(app), "an empty database must differ from the models"
        result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        assert _diff(app) == []
        with app.app_context():
            tables = set(sa.inspect(db.engine).get_table_names())
            heads = db.session.execute(
                sa.text("SELECT version_num FROM alembic_version")
            )
            versions = {row[0] for row in heads}
        assert {"tenant", "user", "contact", "invoice"} <= tables
        assert "tenant_privacy_audit_event" in tables
        assert len(versions) == 2  # the demo's branch and the module's branch
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_migrated_database_runs_the_demo(tmp_path, empty_db_url):
    from demo.seed import seed_demo

    app = _empty_app(tmp_path, empty_db_url)
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade", "heads"]).exit_code == 0
        with app.app_context():
            seed_demo(contacts_per_tenant=10)
        client = app.test_client()
        client.post("/login", data={"email": "officer@fjord.test", "password": "demo"})
        assert client.get("/contacts").status_code == 200
        assert client.get("/privacy/").status_code == 200
        # the audit table is append-only in a migrated database too
        with app.app_context(), pytest.raises(sa.exc.DatabaseError):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM tenant_privacy_audit_event"))
        result = runner.invoke(args=["db", "downgrade", "base"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_tp_0002_marks_old_unlinks_and_indexes_merge_subjects(tmp_path, empty_db_url):
    app = _empty_app(tmp_path, empty_db_url)
    try:
        runner = app.test_cli_runner()
        result = runner.invoke(args=["db", "upgrade", "tp_0001"])
        assert result.exit_code == 0, result.output
        merge = sa.table(
            "tenant_privacy_merge",
            sa.column("id", sa.Integer),
            sa.column("tenant_key", sa.String),
            sa.column("subject_id", sa.Integer),
            sa.column("actor", sa.String),
            sa.column("created_at", sa.DateTime(timezone=True)),
            sa.column("evidence", sa.JSON),
            sa.column("previous", sa.JSON),
        )
        import datetime as dt

        row = {
            "tenant_key": "t",
            "subject_id": 1,
            "actor": "operator",
            "created_at": dt.datetime.now(dt.UTC),
            "previous": [],
        }
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(
                merge.insert(),
                [
                    {
                        **row,
                        "id": 1,
                        "evidence": {"email": 1.0},
                        "previous": [["contact", "7", 3], ["lead", "2", 4]],
                    },
                    {
                        **row,
                        "id": 2,
                        "subject_id": 5,
                        "evidence": {"operation": "unlink"},
                        "previous": [["lead", "2", 1]],
                    },
                ],
            )
        result = runner.invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as conn:
            kinds = dict(
                conn.execute(
                    sa.text("SELECT id, kind FROM tenant_privacy_merge ORDER BY id")
                ).all()
            )
            touched = conn.execute(
                sa.text(
                    "SELECT merge_id, subject_id, tenant_key FROM"
                    " tenant_privacy_merge_subject ORDER BY merge_id, subject_id"
                )
            ).all()
        assert kinds == {1: "link", 2: "unlink"}
        assert [tuple(r) for r in touched] == [
            (1, 1, "t"),
            (1, 3, "t"),
            (1, 4, "t"),
            (2, 1, "t"),
            (2, 5, "t"),
        ]
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_demo_0002_gives_every_existing_user_a_session_token(tmp_path, empty_db_url):
    import datetime as dt

    app = _empty_app(tmp_path, empty_db_url)
    try:
        runner = app.test_cli_runner()
        result = runner.invoke(args=["db", "upgrade", "demo_0001"])
        assert result.exit_code == 0, result.output
        user = sa.table(
            "user",
            sa.column("id", sa.Integer),
            sa.column("email", sa.String),
            sa.column("password_hash", sa.String),
            sa.column("name", sa.String),
            sa.column("role", sa.String),
        )
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(
                user.insert(),
                [
                    {"id": n, "email": f"u{n}@x.test", "password_hash": "h"}
                    | {"name": f"U{n}", "role": "staff"}
                    for n in (1, 2, 3)
                ],
            )
            # a note written by a user: SQLite rebuilds "user" to alter it, which must
            # not trip over the foreign key from note.author_id
            conn.execute(sa.text("INSERT INTO tenant (key, name) VALUES ('t', 'T')"))
            conn.execute(
                sa.text(
                    "INSERT INTO contact (id, tenant_key, first_name, last_name,"
                    " created_at, origin) VALUES (1, 't', 'A', 'B', :now, 'manual')"
                ),
                {"now": dt.datetime(2026, 1, 1)},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO note (tenant_key, contact_id, author_id, body,"
                    " created_at) VALUES ('t', 1, 2, 'x', :now)"
                ),
                {"now": dt.datetime(2026, 1, 1)},
            )
        result = runner.invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as conn:
            tokens = conn.execute(sa.text('SELECT session_token FROM "user"')).all()
            assert conn.execute(sa.text("SELECT author_id FROM note")).scalar() == 2
        tokens = [row[0] for row in tokens]
        assert len(tokens) == 3 and len(set(tokens)) == 3
        assert all(token and len(token) >= 32 for token in tokens)
        result = runner.invoke(args=["db", "downgrade", "demo_0001"])
        assert result.exit_code == 0, result.output
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_tp_0008_refuses_padded_record_ids_and_downgrades(tmp_path, empty_db_url):
    app = _empty_app(tmp_path, empty_db_url)
    name = "ck_tenant_privacy_subject_record_record_id_trimmed"
    insert = sa.text(
        "INSERT INTO tenant_privacy_subject_record"
        " (tenant_key, source_key, record_id, subject_id, linked_at)"
        " VALUES ('t', 'contact', :rid, 1, CURRENT_TIMESTAMP)"
    )
    subject = sa.text(
        "INSERT INTO tenant_privacy_subject (id, tenant_key, created_at, state)"
        " VALUES (1, 't', CURRENT_TIMESTAMP, 'active')"
    )
    try:
        runner = app.test_cli_runner()
        result = runner.invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            checks = sa.inspect(db.engine).get_check_constraints(
                "tenant_privacy_subject_record"
            )
            # reflected, so a later batch migration of the table keeps it
            assert name in {c["name"] for c in checks}
            for rid in ("", " 5", "5\n"):
                with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                    conn.execute(subject)
                    conn.execute(insert, {"rid": rid})
            with db.engine.begin() as conn:
                conn.execute(subject)
                conn.execute(insert, {"rid": "5"})
        result = runner.invoke(args=["db", "downgrade", "tp_0007"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            checks = sa.inspect(db.engine).get_check_constraints(
                "tenant_privacy_subject_record"
            )
            assert name not in {c["name"] for c in checks}
            with db.engine.begin() as conn:
                conn.execute(insert, {"rid": " 5"})
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
