"""Enabling the module per tenant: CLI, operator page, 404 and menu when disabled."""

from __future__ import annotations

import sqlalchemy as sa

from tenant_privacy.models import TenantSettings


def _states(app) -> dict[str, bool]:
    from demo.models import db

    with app.app_context():
        rows = db.session.scalars(sa.select(TenantSettings))
        return {row.tenant_key: row.enabled for row in rows}


def _audit_count(app) -> int:
    from demo.models import db
    from tenant_privacy.models import AuditEvent

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_seed_enables_both_tenants_and_list_shows_them(app, runner):
    assert _states(app) == {"fjord": True, "nordlys": True}
    result = runner.invoke(args=["privacy", "tenant", "list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert "fjord\tenabled\tFjord Regnskap AS" in lines
    assert "nordlys\tenabled\tNordlys Handel AS" in lines


def test_disable_and_enable_one_tenant_by_cli(app, runner):
    result = runner.invoke(args=["privacy", "tenant", "disable", "fjord", "--yes"])
    assert result.exit_code == 0, result.output
    assert "fjord: disabled" in result.output
    assert _states(app) == {"fjord": False, "nordlys": True}
    again = runner.invoke(args=["privacy", "tenant", "disable", "fjord", "--yes"])
    assert "already disabled" in again.output
    result = runner.invoke(args=["privacy", "tenant", "enable", "fjord", "--yes"])
    assert result.exit_code == 0 and "fjord: enabled" in result.output
    assert _states(app) == {"fjord": True, "nordlys": True}


def test_unknown_tenant_exits_2_and_changes_nothing(app, runner):
    before, audit_before = _states(app), _audit_count(app)
    for command in ("enable", "disable"):
        result = runner.invoke(args=["privacy", "tenant", command, "nowhere", "--yes"])
        assert result.exit_code == 2
        assert "unknown tenant 'nowhere'" in result.output
    assert _states(app) == before
    assert _audit_count(app) == audit_before


def _tenant_routes(app):
    """Module routes of the tenant levels, with dummy values for their arguments."""
    from tenant_privacy.views.guard import view_level

    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("tenant_privacy."):
                continue
            level = view_level(rule.endpoint)
            if level in ("operator", "static", "token", "public"):  # tenant in the URL
                continue
            url = rule.rule
            for arg in rule.arguments:
                url = url.replace(f"<{arg}>", "1")
                for converter in ("int", "string", "path"):
                    url = url.replace(f"<{converter}:{arg}>", "1")
            method = "GET" if "GET" in rule.methods else sorted(rule.methods)[0]
            yield method, url


def test_disabled_tenant_gets_404_everywhere_and_no_menu(app, client, login, runner):
    login(client, "officer@fjord.test")
    assert client.get("/privacy/").status_code == 200
    assert 'class="privacy-menu"' in client.get("/").get_data(as_text=True)

    runner.invoke(args=["privacy", "tenant", "disable", "fjord", "--yes"])
    routes = list(_tenant_routes(app))
    assert ("GET", "/privacy/") in routes
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)
    assert 'class="privacy-menu"' not in client.get("/").get_data(as_text=True)

    admin = app.test_client()
    login(admin, "admin@fjord.test")
    assert 'class="privacy-menu"' not in admin.get("/").get_data(as_text=True)

    other = app.test_client()
    login(other, "officer@nordlys.test")
    assert other.get("/privacy/").status_code == 200
    assert 'class="privacy-menu"' in other.get("/").get_data(as_text=True)


def test_operator_page_toggles_a_tenant(app, client, login):
    login(client, "operator@saas.test")
    page = client.get("/privacy/operator/tenants")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Fjord Regnskap AS" in text and "Nordlys Handel AS" in text
    asked = client.post("/privacy/operator/tenants/nordlys", data={"enabled": "0"})
    assert asked.status_code == 200  # switching off asks first, naming the tenant
    question = asked.get_data(as_text=True)
    assert "Switch the privacy module off for Nordlys Handel AS?" in question
    assert 'name="confirm" value="1"' in question
    assert _states(app) == {"fjord": True, "nordlys": True}
    response = client.post(
        "/privacy/operator/tenants/nordlys", data={"enabled": "0", "confirm": "1"}
    )
    assert response.status_code == 302
    assert _states(app) == {"fjord": True, "nordlys": False}
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The privacy module is now off for Nordlys Handel AS." in listing
    client.post("/privacy/operator/tenants/nordlys", data={"enabled": "1"})
    assert _states(app) == {"fjord": True, "nordlys": True}
    assert (
        client.post(
            "/privacy/operator/tenants/nowhere", data={"enabled": "0"}
        ).status_code
        == 404
    )
    bad = client.post("/privacy/operator/tenants/fjord", data={"enabled": "maybe"})
    assert bad.status_code == 400
    assert _states(app) == {"fjord": True, "nordlys": True}


def test_only_the_operator_may_open_the_operator_page(app, client, login):
    login(client, "admin@fjord.test")
    assert client.get("/privacy/operator/tenants").status_code == 403
    response = client.post("/privacy/operator/tenants/nordlys", data={"enabled": "0"})
    assert response.status_code == 403
    assert _states(app) == {"fjord": True, "nordlys": True}


def test_operator_toggle_needs_a_csrf_token(make_app):
    from tests.conftest import seed

    app = seed(make_app(WTF_CSRF_ENABLED=True))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    login = client.post(
        "/login",
        data={"email": "operator@saas.test", "password": "demo", "csrf_token": token},
    )
    assert login.status_code == 302
    refused = client.post("/privacy/operator/tenants/fjord", data={"enabled": "0"})
    assert refused.status_code == 400
    assert _states(app)["fjord"] is True
    accepted = client.post(
        "/privacy/operator/tenants/fjord",
        data={"enabled": "0", "confirm": "1", "csrf_token": token},
    )
    assert accepted.status_code == 302
    assert _states(app)["fjord"] is False
