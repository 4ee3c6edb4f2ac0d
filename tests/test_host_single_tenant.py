"""The main flows against a second host unlike the demo (issue 18):
``tests/hosts/single_tenant``, a blog without tenants whose users are the data
subjects. Tables, enabling, the officer role, a scan, the overview (declared fields
only), linking and undo, the audit trail, and a host test suite without our tables.
"""

from __future__ import annotations

import logging
import re
import typing as t

import pytest
import sqlalchemy as sa
from flask import Flask

from tenant_privacy.models import MergeRecord
from tenant_privacy.models import SubjectRecord
from tests.hosts.single_tenant import Post
from tests.hosts.single_tenant import User
from tests.hosts.single_tenant import create_app
from tests.hosts.single_tenant import db

SECRET_HASH = "pbkdf2:sha256:600000$SECRETHASH"
TOKEN = "TOKEN-8d1f0c"


def _blog(tmp_path: t.Any, create_ours: bool = True) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'blog.sqlite3'}",
        }
    )
    with app.app_context():
        db.create_all()
        if create_ours:
            app.extensions["blog_privacy"].create_all()
    return app


def _people(app: Flask) -> dict[str, int]:
    with app.app_context():
        users = [
            User(username="boss", email="boss@blog.test", is_admin=True),
            User(username="Kari Nordmann", email="kari.nordmann@blog.test"),
            User(username="kari nordmann", email="KARI.NORDMANN@blog.test"),
            User(username="Ola Hansen", email="ola@blog.test"),
        ]
        for user in users:
            user.password_hash = SECRET_HASH
            user.api_token = TOKEN
        db.session.add_all(users)
        db.session.flush()
        db.session.add(Post(author_id=users[1].id, title="Fjords in May", body="..."))
        db.session.commit()
        return {u.username: u.id for u in users}


@pytest.fixture
def blog(tmp_path: t.Any) -> Flask:
    app = _blog(tmp_path)
    app.ids = _people(app)  # type: ignore[attr-defined]
    return app


def _token(page: t.Any) -> dict[str, str]:
    """The CSRF field of a page's form (this host has no CSRFProtect: the module
    checks its forms itself)."""
    found = re.search(rb'name="csrf_token" value="([^"]+)"', page.data)
    assert found is not None
    return {"csrf_token": found.group(1).decode()}


def _cli(app: Flask, *args: str) -> t.Any:
    return app.test_cli_runner().invoke(args=["privacy", *args])


def test_main_flows_of_a_single_tenant_host(blog: Flask) -> None:
    ids = blog.ids  # type: ignore[attr-defined]
    # the module is off: the CLI says so and refuses, as the pages answer 404
    off = _cli(
        blog,
        "officer",
        "grant",
        "--tenant",
        "main",
        "--email",
        "boss@blog.test",
        "--yes",
    )
    assert off.exit_code == 2 and "off for tenant 'main'" in off.output
    assert _cli(blog, "tenant", "enable", "main", "--yes").exit_code == 0
    granted = _cli(
        blog,
        "officer",
        "grant",
        "--tenant",
        "main",
        "--email",
        "BOSS@blog.test",
        "--yes",
    )
    assert granted.exit_code == 0, granted.output
    scanned = _cli(blog, "duplicates", "scan", "--tenant", "main")
    assert scanned.exit_code == 0, scanned.output
    assert "4 records" in scanned.output
    listed = _cli(blog, "duplicates", "list", "--tenant", "main")
    pair = {f"user:{ids['Kari Nordmann']}", f"user:{ids['kari nordmann']}"}
    assert any(pair <= set(line.split()) for line in listed.output.splitlines())

    client = blog.test_client()
    client.post(f"/test-login/{ids['boss']}")
    home = client.get("/")
    assert home.status_code == 200 and b'class="privacy-menu"' in home.data
    assert client.get("/privacy/officers").status_code == 200

    # link the two Karis (the suggestion's accept), see one overview, undo
    suggestion = re.search(
        rb'href="/privacy/duplicates/(\d+)"', client.get("/privacy/duplicates").data
    )
    assert suggestion is not None
    number = int(suggestion.group(1))
    form = _token(client.get(f"/privacy/duplicates/{number}"))
    accepted = client.post(f"/privacy/duplicates/{number}/accept", data=form)
    assert accepted.status_code in (302, 303)
    with blog.app_context():
        merge = db.session.scalars(sa.select(MergeRecord)).one()
        subject_id, merge_id = merge.subject_id, merge.id
        linked = db.session.scalars(
            sa.select(SubjectRecord.record_id).where(
                SubjectRecord.subject_id == subject_id
            )
        ).all()
    assert sorted(linked) == sorted(
        [str(ids["Kari Nordmann"]), str(ids["kari nordmann"])]
    )
    page = client.get(f"/privacy/subjects/{subject_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Fjords in May" in html and "kari.nordmann@blog.test" in html
    assert "Username" in html  # the column's own name, not "Full name"
    assert SECRET_HASH not in html and TOKEN not in html
    assert "password" not in html.lower()
    # the base has no {% block title %}: the title comes through tp_page_title
    assert "<title>Kari Nordmann · Blog</title>" in html
    undone = client.post(f"/privacy/merges/{merge_id}/undo", data=_token(page))
    assert undone.status_code in (302, 303)
    with blog.app_context():
        assert db.session.get(MergeRecord, merge_id).undone_at is not None
    audit_page = client.get("/privacy/audit")
    assert audit_page.status_code == 200 and "boss" in audit_page.get_data(as_text=True)

    shown = _cli(
        blog,
        "subject",
        "show",
        "--tenant",
        "main",
        "--email",
        "ola@blog.test",
        "--json",
    )
    assert shown.exit_code == 0, shown.output
    assert "ola@blog.test" in shown.output and SECRET_HASH not in shown.output
    verified = _cli(blog, "audit", "verify", "--tenant", "main")
    assert verified.exit_code == 0, verified.output


def test_a_host_suite_without_our_tables_gets_one_clear_message(
    tmp_path: t.Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a migration test earlier in this process ran Alembic's fileConfig, which
    # disables every logger that existed then; a host's own suite has no such step
    from tenant_privacy.store import tables

    monkeypatch.setattr(tables.log, "disabled", False)
    app = _blog(tmp_path, create_ours=False)
    caplog.set_level(logging.WARNING)
    ids = _people(app)  # a commit of person rows: the matching hook runs
    with app.app_context():
        db.session.add(User(username="Per", email="per@blog.test"))
        db.session.commit()
    client = app.test_client()
    client.post(f"/test-login/{ids['boss']}")
    home = client.get("/")
    assert home.status_code == 200 and b"privacy-menu" not in home.data
    warnings = [r for r in caplog.records if "tables" in r.getMessage()]
    assert len(warnings) == 1, caplog.text
    assert "privacy.create_all()" in warnings[0].getMessage()
    assert "Traceback" not in caplog.text and not any(
        r.exc_info for r in caplog.records
    )
    # creating them later is noticed
    with app.app_context():
        app.extensions["blog_privacy"].create_all()
    assert _cli(app, "tenant", "enable", "main", "--yes").exit_code == 0
    assert (
        _cli(
            app,
            "officer",
            "grant",
            "--tenant",
            "main",
            "--email",
            "boss@blog.test",
            "--yes",
        ).exit_code
        == 0
    )
    assert b"privacy-menu" in client.get("/").data
