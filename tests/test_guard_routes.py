"""Every route of the module is guarded: walk ``app.url_map`` so none can escape.

For each rule of the module's blueprint, by its declared level (default officer):

- ``officer`` / ``tenant_admin``: staff@fjord gets 403 (404 once fjord is disabled);
  the level's holder in fjord passes the guard; nordlys users asking about fjord
  objects get 404;
- ``self``: any fjord user passes; 404 when fjord is disabled;
- ``operator``: only the operator passes;
- ``token``: no login needed, a bogus token is never served;
- ``static``: skipped.

URL parameters are filled with existing fjord objects where the name tells which
(``subject_id``, ``user_id``, ``tenant``, ``source_key``/``record_id``, or any
``<name>_id`` whose table of ours has a fjord row), else with ids nobody has.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import Flask

from tenant_privacy.views import guard as guard_mod

BP = "tenant_privacy."
NOBODY = "987654321"


def _fjord_objects(app: Flask) -> dict[str, str]:
    from demo.models import Contact
    from demo.models import User
    from demo.models import db
    from tenant_privacy.models import metadata

    state = app.extensions["tenant_privacy"]
    with app.app_context():
        contact = db.session.scalar(
            sa.select(Contact.id).where(Contact.tenant_key == "fjord").limit(1)
        )
        subject = state.scope("fjord").subject_of(("contact", str(contact)))
        staff = db.session.scalar(
            sa.select(User.id).where(User.email == "staff@fjord.test")
        )
        values = {
            "subject_id": str(subject.id),
            "user_id": str(staff),
            "tenant": "fjord",
            "source_key": "contact",
            "record_id": str(contact),
            "source": "contact",
        }
        for table in metadata.sorted_tables:
            if "id" not in table.c or "tenant_key" not in table.c:
                continue
            row = db.session.execute(
                sa.select(table.c.id).where(table.c.tenant_key == "fjord").limit(1)
            ).first()
            if row is not None:
                short = table.name.removeprefix("tenant_privacy_")
                values.setdefault(f"{short}_id", str(row[0]))
                values.setdefault(f"{short.split('_')[-1]}_id", str(row[0]))
        db.session.commit()
    return values


def _routes(app: Flask, objects: dict[str, str]) -> list[tuple[str, str, str, bool]]:
    """``(endpoint, method, url, has_fjord_object)`` for every module rule."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith(BP):
                continue
            level = guard_mod.view_level(rule.endpoint)
            if level == guard_mod.STATIC:
                continue
            params = {a: objects.get(a, NOBODY) for a in rule.arguments}
            known = any(a in objects for a in rule.arguments)
            url = app.url_for(rule.endpoint, **params)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url, known))
    assert routes, "the module registered no routes"
    return routes


def _client(app: Flask, login: t.Callable[..., t.Any], email: str | None):
    client = app.test_client()
    if email:
        response = login(client, email)
        assert response.status_code in (200, 302)
    return client


def _call(client, method: str, url: str) -> int:
    return int(client.open(url, method=method).status_code)


def _stub_views(app: Flask) -> None:
    """Replace every module view with a stub: a 200 means the guard let it through."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(BP) and not endpoint.endswith(".static"):

            def stub(**kwargs: t.Any) -> str:
                return "passed the guard"

            level = getattr(view, "_tp_access", None)
            if level:
                stub._tp_access = level  # type: ignore[attr-defined]
            app.view_functions[endpoint] = stub


def _level(app: Flask, endpoint: str) -> str:
    with app.test_request_context():
        return guard_mod.view_level(endpoint)


def test_outsiders_get_403_and_other_tenants_404(app, login) -> None:
    objects = _fjord_objects(app)
    routes = _routes(app, objects)
    staff = _client(app, login, "staff@fjord.test")
    nordlys = {
        guard_mod.OFFICER: _client(app, login, "officer@nordlys.test"),
        guard_mod.TENANT_ADMIN: _client(app, login, "admin@nordlys.test"),
        guard_mod.SELF: _client(app, login, "staff@nordlys.test"),
    }
    anonymous = app.test_client()
    failures = []
    for endpoint, method, url, known in routes:
        level = _level(app, endpoint)
        if level in (guard_mod.OFFICER, guard_mod.TENANT_ADMIN, guard_mod.OPERATOR):
            status = _call(staff, method, url)
            if status != 403:
                failures.append(f"staff@fjord {method} {url}: {status}, not 403")
        if level == guard_mod.TOKEN:
            status = _call(anonymous, method, url)
            if status in (200, 201, 204, 302, 403):
                failures.append(f"bogus token {method} {url}: {status}")
            continue
        if known and level in nordlys:
            status = _call(nordlys[level], method, url)
            if status != 404:
                failures.append(f"nordlys {level} {method} {url}: {status}, not 404")
    assert not failures, "\n".join(failures)


def test_holders_pass_the_guard(app, login) -> None:
    objects = _fjord_objects(app)
    routes = _routes(app, objects)
    _stub_views(app)
    holders = {
        guard_mod.OFFICER: _client(app, login, "officer@fjord.test"),
        guard_mod.TENANT_ADMIN: _client(app, login, "admin@fjord.test"),
        guard_mod.SELF: _client(app, login, "staff@fjord.test"),
        guard_mod.OPERATOR: _client(app, login, "operator@saas.test"),
    }
    failures = []
    for endpoint, method, url, _known in routes:
        level = _level(app, endpoint)
        if level not in holders:
            continue
        status = _call(holders[level], method, url)
        if status != 200:
            failures.append(f"{level} {method} {url}: {status}, guard refused")
    assert not failures, "\n".join(failures)


def test_disabled_tenant_answers_404(app, login) -> None:
    from demo.models import db

    objects = _fjord_objects(app)
    routes = _routes(app, objects)
    with app.app_context():
        app.extensions["tenant_privacy"].extension.enable_tenant("fjord", False)
        db.session.commit()
    users = {
        guard_mod.OFFICER: _client(app, login, "officer@fjord.test"),
        guard_mod.TENANT_ADMIN: _client(app, login, "admin@fjord.test"),
        guard_mod.SELF: _client(app, login, "staff@fjord.test"),
    }
    staff = users[guard_mod.SELF]
    failures = []
    for endpoint, method, url, _known in routes:
        level = _level(app, endpoint)
        if level not in users:
            continue
        for client in (users[level], staff):
            status = _call(client, method, url)
            if status != 404:
                failures.append(f"{level} {method} {url}: {status}, not 404")
    assert not failures, "\n".join(failures)


def test_route_without_declared_level_is_officer_only(make_app, login) -> None:
    from tests.conftest import seed

    app = seed(make_app())

    def added_later() -> str:
        return "new feature"

    app.add_url_rule("/privacy/added-later", BP + "added_later", added_later)
    staff = _client(app, login, "staff@fjord.test")
    officer = _client(app, login, "officer@fjord.test")
    assert staff.get("/privacy/added-later").status_code == 403
    assert officer.get("/privacy/added-later").status_code == 200


@pytest.mark.parametrize("email", ["staff@fjord.test", "admin@fjord.test"])
def test_menu_hides_module_from_non_officers(app, login, email) -> None:
    with app.test_request_context():
        from flask_login import login_user

        from demo.models import User
        from demo.models import db

        user = db.session.scalar(sa.select(User).where(User.email == email))
        login_user(user)
        labels = [label for label, _url in guard_mod.menu_items()]
        assert "Privacy" not in labels


#: Tables a GET may write: reading is audited ("search", "subject.viewed").
AUDIT_TABLES = {"tenant_privacy_audit_event", "tenant_privacy_audit_head"}


def _row_counts(app: Flask) -> dict[str, int]:
    from demo.models import db
    from tenant_privacy.models import metadata

    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in metadata.sorted_tables
            if table.name not in AUDIT_TABLES
        }


def test_get_routes_write_no_rows(app, login) -> None:
    """A GET must not write (a link in a mail or a cross-site image would write in
    the officer's name): every GET route of the module, as its level's holder,
    leaves every table of ours but the audit trail as it was. The record route is
    given a record with no subject yet, the search a query that finds many."""
    from demo.models import Contact
    from demo.models import db
    from tenant_privacy.models import SubjectRecord

    objects = _fjord_objects(app)
    with app.app_context():
        linked = sa.select(SubjectRecord.record_id).where(
            SubjectRecord.tenant_key == "fjord", SubjectRecord.source_key == "contact"
        )
        unlinked = db.session.scalars(
            sa.select(Contact).where(
                Contact.tenant_key == "fjord",
                sa.cast(Contact.id, sa.String).not_in(linked),
            )
        ).first()
        assert unlinked is not None
        objects["record_id"] = str(unlinked.id)
        # query strings that make a GET do its work rather than show a blank form
        queries = {BP + "search": urlencode({"q": unlinked.last_name})}
    routes = _routes(app, objects)
    holders = {
        guard_mod.OFFICER: _client(app, login, "officer@fjord.test"),
        guard_mod.TENANT_ADMIN: _client(app, login, "admin@fjord.test"),
        guard_mod.SELF: _client(app, login, "staff@fjord.test"),
        guard_mod.OPERATOR: _client(app, login, "operator@saas.test"),
    }
    before = _row_counts(app)
    walked = []
    for endpoint, method, url, _known in routes:
        level = _level(app, endpoint)
        if method != "GET" or level not in holders:
            continue
        query = queries.get(endpoint)
        status = _call(holders[level], method, f"{url}?{query}" if query else url)
        assert status < 500, f"{method} {url}: {status}"
        walked.append(endpoint)
        assert _row_counts(app) == before, f"GET {url} wrote rows"
    assert BP + "record_subject" in walked and BP + "search" in walked
