"""Module rights: Casbin, "none or all" per tenant, synced across processes."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from demo.models import db
from tenant_privacy.errors import NotFound
from tenant_privacy.errors import UnknownTenant
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import CasbinRule
from tenant_privacy.services import rights as rights_mod
from tests.conftest import seed


def _user_id(email: str) -> str:
    from demo.models import User
    from demo.models import db

    return str(db.session.scalar(sa.select(User.id).where(User.email == email)))


def _rights(app):
    return app.extensions["tenant_privacy"].rights


def test_seed_grants_officer_only(app, app_ctx) -> None:
    rights = _rights(app)
    officer = _user_id("officer@fjord.test")
    assert rights.is_officer(db.session, "fjord", officer)
    assert not rights.is_officer(db.session, "fjord", _user_id("staff@fjord.test"))
    assert not rights.is_officer(db.session, "fjord", _user_id("admin@fjord.test"))
    assert not rights.is_officer(db.session, "nordlys", officer)
    assert rights.officers(db.session, "fjord") == [officer]


def test_grant_and_revoke_are_audited_and_idempotent(app) -> None:
    from demo.models import db

    with app.app_context():
        rights = _rights(app)
        staff = _user_id("staff@fjord.test")
        assert rights.grant(db.session, "fjord", "user:1", staff) is True
        assert rights.grant(db.session, "fjord", "user:1", staff) is False
        db.session.commit()
        assert rights.is_officer(db.session, "fjord", staff)
        assert rights.revoke(db.session, "fjord", "operator", staff) is True
        assert rights.revoke(db.session, "fjord", "operator", staff) is False
        db.session.commit()
        assert not rights.is_officer(db.session, "fjord", staff)
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.tenant_key == "fjord", AuditEvent.action.like("role.%"))
            .order_by(AuditEvent.seq)
        ).all()
        assert [(e.action, e.actor, e.record_refs) for e in events[-2:]] == [
            ("role.granted", "user:1", [["user", staff]]),
            ("role.revoked", "operator", [["user", staff]]),
        ]


def test_grant_checks_membership(app, app_ctx) -> None:
    from demo.models import db

    rights = _rights(app)
    with pytest.raises(NotFound):
        rights.grant(db.session, "fjord", "operator", _user_id("staff@nordlys.test"))
    with pytest.raises(UnknownTenant):
        rights.grant(db.session, "nowhere", "operator", "1")
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CasbinRule)
            .where(CasbinRule.v0 == "u:" + _user_id("staff@nordlys.test"))
        )
        == 0
    )


def test_rolled_back_grant_leaves_nothing(app, app_ctx) -> None:
    from demo.models import db

    rights = _rights(app)
    staff = _user_id("staff@fjord.test")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    rights.grant(db.session, "fjord", "operator", staff)
    assert rights.is_officer(
        db.session, "fjord", staff
    )  # this transaction sees its change
    db.session.rollback()
    assert not rights.is_officer(db.session, "fjord", staff)
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after == before
    assert rights.officers(db.session, "fjord") == [_user_id("officer@fjord.test")]


def _other_process_sees_grant(db_url: str | None, make_app, **config) -> None:
    """Two app instances (as two processes would) share one database."""
    from demo.models import db

    first = seed(make_app(db_url, **config))
    url = str(first.config["SQLALCHEMY_DATABASE_URI"])
    second = make_app(url, **config)
    with second.app_context():
        staff = _user_id("staff@fjord.test")
        assert not _rights(second).is_officer(
            db.session, "fjord", staff
        )  # loaded, cached
    with first.app_context():
        assert _rights(first).grant(db.session, "fjord", "operator", staff)
        db.session.commit()
    with second.app_context():
        assert _rights(second).is_officer(db.session, "fjord", staff)
    with first.app_context():
        assert _rights(first).revoke(db.session, "fjord", "operator", staff)
        db.session.commit()
    with second.app_context():
        assert not _rights(second).is_officer(db.session, "fjord", staff)


def test_policy_version_in_database_syncs_apps(make_app) -> None:
    _other_process_sees_grant(None, make_app)


@pytest.mark.redis
def test_policy_version_in_redis_syncs_apps(make_app, redis_server) -> None:
    _other_process_sees_grant(None, make_app, TENANT_PRIVACY_REDIS_URL=redis_server.url)


def test_unknown_ids_never_reach_casbin(app, app_ctx) -> None:
    rights = _rights(app)
    rights.is_officer(db.session, "fjord", _user_id("officer@fjord.test"))
    entry = rights._entries["fjord"]
    calls: list[tuple] = []
    real = entry.enforcer.enforce
    entry.enforcer.enforce = lambda *r: calls.append(r) or real(*r)
    for i in range(200):
        assert not rights.is_officer(db.session, "fjord", f"ghost{i}")
    assert calls == []


def test_adapter_keeps_commas_and_filters_by_tenant(app, app_ctx) -> None:
    from demo.models import db

    db.session.add(CasbinRule(ptype="g", v0="u:a,b", v1="privacy_officer", v2="t:x"))
    db.session.add(CasbinRule(ptype="g", v0="u:c", v1="privacy_officer", v2="t:y"))
    db.session.commit()
    rules = rights_mod.load_rules(db.session, "x")
    assert ("g", ["u:a,b", "privacy_officer", "t:x"]) in rules
    assert all(v[2] != "t:y" for p, v in rules if p == "g")
    entry = _rights(app)._build(rules, "test")
    assert entry.enforcer.enforce("u:a,b", "t:x", "privacy", "use")
    assert not entry.enforcer.enforce("u:a,b", "t:y", "privacy", "use")


def test_concurrent_checks_are_safe(app) -> None:
    errors: list[BaseException] = []
    officer_email = "officer@fjord.test"
    with app.app_context():
        officer = _user_id(officer_email)
        staff = _user_id("staff@fjord.test")

    def work() -> None:
        try:
            with app.app_context():
                rights = _rights(app)
                for _ in range(150):
                    assert rights.is_officer(db.session, "fjord", officer)
                    assert not rights.is_officer(db.session, "fjord", staff)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# -- page and CLI ---------------------------------------------------------------------


def test_officer_page_grant_and_revoke(app, login) -> None:
    client = app.test_client()
    login(client, "admin@fjord.test")
    with app.app_context():
        staff = _user_id("staff@fjord.test")
        nordlys = _user_id("staff@nordlys.test")
    page = client.get("/privacy/officers")
    assert page.status_code == 200 and b"staff@fjord.test" in page.data
    assert b"nordlys" not in page.data
    assert client.post(f"/privacy/officers/{staff}/grant").status_code == 302
    with app.app_context():
        assert staff in _rights(app).officers(db.session, "fjord")
    assert client.post(f"/privacy/officers/{staff}/revoke").status_code == 302
    with app.app_context():
        assert staff not in _rights(app).officers(db.session, "fjord")
    assert client.post(f"/privacy/officers/{nordlys}/grant").status_code == 404
    assert client.post("/privacy/officers/nope/grant").status_code == 404
    other = app.test_client()
    login(other, "officer@fjord.test")
    assert other.get("/privacy/officers").status_code == 403
    assert other.post(f"/privacy/officers/{staff}/grant").status_code == 403


def test_officer_page_needs_csrf_token(make_app, login) -> None:
    app = seed(make_app(WTF_CSRF_ENABLED=True))
    client = app.test_client()
    with app.app_context():
        staff = _user_id("staff@fjord.test")
    page = client.get("/login")
    import re

    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data)
    data = {"email": "admin@fjord.test", "password": "demo"}
    if token:
        data["csrf_token"] = token.group(1).decode()
    client.post("/login", data=data)
    assert client.post(f"/privacy/officers/{staff}/grant").status_code == 400
    page = client.get("/privacy/officers")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1)
    response = client.post(
        f"/privacy/officers/{staff}/grant", data={"csrf_token": token.decode()}
    )
    assert response.status_code == 302


def test_cli_officer_commands(app, runner) -> None:
    def run(*args: str, **kwargs):
        return runner.invoke(args=["privacy", "officer", *args], **kwargs)

    def name_of(email: str) -> str:
        from demo.models import User

        with app.app_context():
            return db.session.scalar(sa.select(User.name).filter_by(email=email))

    with app.app_context():
        officer_id = _user_id("officer@fjord.test")
    listed = run("list", "--tenant", "fjord")
    officer = f"{officer_id}\t{name_of('officer@fjord.test')}"
    assert listed.exit_code == 0 and officer in listed.output
    granted = run("grant", "--tenant", "fjord", "--email", "STAFF@fjord.test", "--yes")
    assert granted.exit_code == 0 and "granted" in granted.output
    assert name_of("staff@fjord.test") in run("list", "--tenant", "fjord").output
    again = run("grant", "--tenant", "fjord", "--email", "staff@fjord.test", "--yes")
    assert "already" in again.output
    revoked = run("revoke", "--tenant", "fjord", "--email", "staff@fjord.test", "--yes")
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert run("list", "--tenant", "nowhere").exit_code == 2
    wrong = run("grant", "--tenant", "fjord", "--email", "staff@nordlys.test", "--yes")
    assert wrong.exit_code == 2 and "no staff user" in wrong.output
    refused = run(
        "grant", "--tenant", "fjord", "--email", "staff@fjord.test", input="n\n"
    )
    assert refused.exit_code != 0
    with app.app_context():
        assert _user_id("staff@fjord.test") not in _rights(app).officers(
            db.session, "fjord"
        )


_PEOPLE = [
    f"{who}@{tenant}.test"
    for tenant in ("fjord", "nordlys")
    for who in ("admin", "officer", "staff")
]


def _answers(app) -> dict[tuple[str, str], bool]:
    """For every seeded user in both tenants: the enforcer's answer (the guard's)
    and :func:`holds_officer_role`'s must agree; returns the agreed answers."""
    rights = _rights(app)
    agreed: dict[tuple[str, str], bool] = {}
    for tenant in ("fjord", "nordlys"):
        for email in _PEOPLE:
            user_id = _user_id(email)
            by_enforcer = rights.is_officer(db.session, tenant, user_id)
            by_query = rights_mod.holds_officer_role(db.session, tenant, user_id)
            assert by_enforcer == by_query, (tenant, email)
            agreed[(tenant, email)] = by_query
    return agreed


def _holders(app) -> set[tuple[str, str]]:
    return {key for key, yes in _answers(app).items() if yes}


def test_holds_officer_role_agrees_with_the_enforcer(app, app_ctx) -> None:
    rights = _rights(app)
    seeded = {("fjord", "officer@fjord.test"), ("nordlys", "officer@nordlys.test")}
    # granted, never granted, and members of the other tenant (each officer is
    # asked about the other tenant too)
    assert _holders(app) == seeded
    staff = _user_id("staff@fjord.test")
    assert rights.grant(db.session, "fjord", "operator", staff)
    # this transaction's own grant, before the commit
    assert _holders(app) == seeded | {("fjord", "staff@fjord.test")}
    db.session.commit()
    assert _holders(app) == seeded | {("fjord", "staff@fjord.test")}
    # revoked in this process, whose enforcer of fjord is cached: the policy
    # version makes it reload, and both answers drop the user together
    assert rights.revoke(db.session, "fjord", "operator", staff)
    db.session.commit()
    assert _holders(app) == seeded
