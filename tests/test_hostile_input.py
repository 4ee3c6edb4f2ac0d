"""No 500 for any input (issue 12, item 6): random and hostile values posted to every
route of the module and of the demo, on SQLite and on PostgreSQL.

Routes are walked from ``app.url_map``; :data:`ROUTE_INPUTS` names the query
parameters and form fields each endpoint reads, and a route missing from it fails
the walk, so a new route cannot escape. Each request is checked for:

- no 5xx response;
- a refused request (4xx) changes nothing: the row counts of the module's and the
  demo's tables stay as they were (audit events aside: reads are audited);
- tenants stay apart: nordlys holds a person with the name of a fjord person and
  marker values (email, street); no response to a fjord user, nor to the public
  form, shows a marker.

One seeded app per database for the whole module (building one per example would
take minutes); ``derandomize=True`` keeps CI stable.
"""

from __future__ import annotations

import csv
import io
import re
import typing as t
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.conftest import seed

#: Values every slot (URL part, query parameter, form field) is tried with.
HOSTILE: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "1\x00",
    "%00",
    "x" * 10_000,
    "é" * 300,
    str(2**63),
    str(2**63 - 1),
    str(2**64),
    "9" * 40,
    "-1",
    "0",
    "１２３",  # full-width digits
    "٥",  # an Arabic-Indic five
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e",  # RTL and LTR marks
    "' OR '1'='1",
    "1; DROP TABLE contact; --",
    "%' OR 1=1 --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "../../etc/passwd",
    "NaN",
    "1e308",
    "user:\x00",
    "a\tb\nc\r\n",
    "\x1b[31m",
    "😀" * 50,
)

#: The nordlys person that shares a fjord person's name, and the values of theirs
#: that must never show to fjord.
SHARED_FIRST, SHARED_LAST = "Ingrid", "Markussen"
MARKERS = ("qz.nordlys.marker@example.test", "Markørgata 77 Nordlys")

#: Query parameters and form fields per endpoint (``"file"``: a CSV upload).
ROUTE_INPUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # the module
    "tenant_privacy.index": ((), ()),
    "tenant_privacy.search": (("q",), ()),
    "tenant_privacy.subject": ((), ()),
    "tenant_privacy.subject_unlink": ((), ("source_key", "record_id")),
    "tenant_privacy.visibility_save": (
        (),
        ("hide", "except_roles", "except_users", "keep_users"),
    ),
    "tenant_privacy.visibility_clear": ((), ()),
    "tenant_privacy.record_visibility_save": (
        (),
        ("hide", "except_roles", "except_users", "keep_users"),
    ),
    "tenant_privacy.undo_merge": ((), ()),
    "tenant_privacy.record_subject": ((), ()),
    "tenant_privacy.duplicates": (("page",), ()),
    "tenant_privacy.scan_start": ((), ()),
    "tenant_privacy.scan_status": ((), ()),
    "tenant_privacy.accept_above": ((), ("min_score", "confirm")),
    "tenant_privacy.accept_status": ((), ()),
    "tenant_privacy.suggestion": ((), ()),
    "tenant_privacy.suggestion_accept": ((), ()),
    "tenant_privacy.suggestion_reject": ((), ()),
    "tenant_privacy.officers": ((), ()),
    "tenant_privacy.officer_grant": ((), ()),
    "tenant_privacy.officer_revoke": ((), ()),
    "tenant_privacy.operator_tenants": ((), ()),
    "tenant_privacy.operator_tenant_toggle": ((), ("enabled",)),
    "tenant_privacy.audit_log": (
        ("action", "actor", "since", "until", "subject", "page"),
        (),
    ),
    "tenant_privacy.audit_export": (("format",), ()),
    "tenant_privacy.requests": (("state", "kind"), ()),
    "tenant_privacy.request": ((), ()),
    "tenant_privacy.request_retry": ((), ()),
    "tenant_privacy.request_extend": ((), ("months", "reason")),
    "tenant_privacy.disclose": ((), ()),
    "tenant_privacy.disclose_post": (
        (),
        ("recipient", "other_recipient", "exclude", "reason-note:1", "exclude_field"),
    ),
    "tenant_privacy.download": ((), ()),
    "tenant_privacy.record_disclose": ((), ()),
    "tenant_privacy.person_request": ((), ()),
    "tenant_privacy.person_request_post": ((), ("email", "kind")),
    "tenant_privacy.person_request_confirm": ((), ()),
    "tenant_privacy.person_request_confirm_post": ((), ()),
    "tenant_privacy.erase": ((), ()),
    "tenant_privacy.erase_post": ((), ("confirm",)),
    "tenant_privacy.erasure_retry": ((), ()),
    "tenant_privacy.reviews": ((), ()),
    "tenant_privacy.review_settings": ((), ("months_lead", "months_contact", "auto")),
    "tenant_privacy.review_start": ((), ()),
    "tenant_privacy.review": ((), ()),
    "tenant_privacy.review_approve": ((), ("keep", "item", "reason")),
    "tenant_privacy.me": ((), ()),
    "tenant_privacy.me_copy": ((), ("subject",)),
    "tenant_privacy.me_visibility": (
        (),
        ("subject", "level-email", "level-phone", "level-address", "level-balance"),
    ),
    "tenant_privacy.me_delete": ((), ()),
    "tenant_privacy.me_delete_post": ((), ("subject", "password", "word")),
    # the demo
    "demo.dashboard": ((), ()),
    "demo.contacts": (("q", "page"), ()),
    "demo.contact": ((), ()),
    "demo.add_note": ((), ("body",)),
    "demo.company": ((), ()),
    "demo.leads": ((), ()),
    "demo.invoices": (("unpaid",), ()),
    "demo.import_csv": ((), ("file",)),
    "demo.lead_form": (
        (),
        ("first_name", "last_name", "email", "phone", "company_name", "message"),
    ),
    "api.contacts": (("q", "limit"), ()),
    "api.contact": ((), ()),
    "auth.login": (("next",), ("email", "password")),
    "auth.settings": ((), ("language",)),
}
#: Walked elsewhere: logging out ends the shared session of the walk.
SKIPPED = {"auth.logout", "static", "tenant_privacy.static"}
#: Tables a refused read may still write: reads are audited.
AUDIT_TABLES = {"tenant_privacy_audit_event", "tenant_privacy_audit_head"}
#: URL arguments never filled with a real key: switching fjord's module off or
#: revoking the walking officer's role would turn the rest of the walk into 404s.
NO_REAL_VALUE = {"tenant"}

_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class Walk(t.NamedTuple):
    """One seeded app and everything a request of the walk needs."""

    app: Flask
    clients: dict[str, FlaskClient]
    #: URL argument name -> real values (fjord's and nordlys' objects).
    real: dict[str, tuple[str, ...]]
    #: ``(endpoint, method, rule)`` of every walked route.
    routes: tuple[tuple[str, str, str], ...]
    #: ``"last"``: the row counts after a refused request, which nothing has
    #: changed since (the next request's "before"; saves a query per request).
    counts: dict[str, dict[str, int]]


def _build(app: Flask) -> Walk:
    from demo.models import Company
    from demo.models import Contact
    from demo.models import Lead
    from demo.models import User
    from demo.models import db
    from tenant_privacy.models import metadata

    seed(app, contacts_per_tenant=12)
    state = app.extensions["tenant_privacy"]
    real: dict[str, set[str]] = {}
    with app.app_context():
        for tenant in ("fjord", "nordlys"):
            db.session.add(
                Contact(
                    tenant_key=tenant,
                    first_name=SHARED_FIRST,
                    last_name=SHARED_LAST,
                    email=MARKERS[0] if tenant == "nordlys" else "ingrid@fjord.test",
                    street=MARKERS[1] if tenant == "nordlys" else "Fjordgata 1",
                )
            )
        db.session.add(
            Lead(
                tenant_key="nordlys",
                first_name=SHARED_FIRST,
                last_name=SHARED_LAST,
                email=MARKERS[0],
            )
        )
        db.session.commit()
        for tenant in ("fjord", "nordlys"):
            contact = db.session.scalar(
                sa.select(Contact.id)
                .where(Contact.tenant_key == tenant)
                .order_by(Contact.id)
            )
            state.scope(tenant).subject_of(("contact", str(contact)))
            for name, model in (("contact_id", Contact), ("company_id", Company)):
                row = db.session.scalar(
                    sa.select(model.id).where(model.tenant_key == tenant).limit(1)
                )
                real.setdefault(name, set()).add(str(row))
            real.setdefault("record_id", set()).add(str(contact))
            staff = db.session.scalar(
                sa.select(User.id).where(User.email == f"staff@{tenant}.test")
            )
            real.setdefault("user_id", set()).add(str(staff))
        db.session.commit()
        # ids of our tables, both tenants (nordlys' must answer 404 to fjord)
        for name, table_name in (
            ("subject_id", "subject"),
            ("suggestion_id", "match_suggestion"),
            ("merge_id", "merge"),
            ("scan_id", "scan_job"),
            ("job_id", "accept_job"),
        ):
            table = metadata.tables[f"tenant_privacy_{table_name}"]
            for (row_id,) in db.session.execute(
                sa.select(table.c.id).order_by(table.c.id).limit(6)
            ):
                real.setdefault(name, set()).add(str(row_id))
        real["source_key"] = {"contact", "lead", "user"}

    clients = {}
    for name, email in (
        ("officer", "officer@fjord.test"),
        ("admin", "admin@fjord.test"),
        ("staff", "staff@fjord.test"),
        ("operator", "operator@saas.test"),
    ):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": "demo"})
        assert response.status_code == 302, email
        clients[name] = client
    clients["anonymous"] = app.test_client()

    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        assert rule.endpoint in ROUTE_INPUTS, (
            f"{rule.endpoint} is not in ROUTE_INPUTS: name the query parameters "
            "and form fields it reads"
        )
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return Walk(
        app,
        clients,
        {k: tuple(sorted(v)) for k, v in real.items()},
        tuple(sorted(routes)),
        {},
    )


def _new_app(db_url: str | None, folder: t.Any) -> Flask:
    from demo import create_app
    from demo.models import db

    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": db_url or f"sqlite:///{folder / 'db.sqlite3'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "TENANT_PRIVACY_JOBS_INLINE": True,
            "TENANT_PRIVACY_AUTO_MATCH": True,
            # a failure is a 500 response naming the request, not an exception
            "PROPAGATE_EXCEPTIONS": False,
            # hostile logins must not lock the walk out
            "DEMO_LOGIN_LIMIT_ACCOUNT": "100000 per minute",
            "DEMO_LOGIN_LIMIT_IP": "100000 per minute",
        }
    )
    with app.app_context():
        db.create_all()
        app.extensions["tenant_privacy"].extension.create_all()
    return app


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def walk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> t.Iterator[Walk]:
    """The seeded demo and its logged-in clients, once per database."""
    from demo.models import db

    db_url = None
    if request.param == "postgresql":
        # fails under CI=true when PostgreSQL is missing (tests/infra.py)
        db_url = request.getfixturevalue("postgres_server").create_database()
    app = _new_app(db_url, tmp_path_factory.mktemp("hostile"))
    yield _build(app)
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _client_for(walk: Walk, endpoint: str) -> FlaskClient:
    from tenant_privacy.views import guard

    if endpoint in ("auth.login", "demo.lead_form"):
        return walk.clients["anonymous"]
    if endpoint.startswith("tenant_privacy."):
        with walk.app.test_request_context():
            level = guard.view_level(endpoint)
        return walk.clients[
            {
                guard.TENANT_ADMIN: "admin",
                guard.OPERATOR: "operator",
                guard.SELF: "staff",
            }.get(level, "officer")
        ]
    if endpoint == "auth.settings":
        return walk.clients["staff"]
    return walk.clients["admin"]


def _row_counts(app: Flask) -> dict[str, int]:
    """Rows per table of the module and the demo (audit trail aside), in one query."""
    from demo.models import db
    from tenant_privacy.models import metadata

    tables = [
        table
        for table in (*metadata.sorted_tables, *db.metadata.sorted_tables)
        if table.name not in AUDIT_TABLES
    ]
    stmt = sa.select(
        *(
            sa.select(sa.func.count())
            .select_from(table)
            .scalar_subquery()
            .label(f"n{i}")
            for i, table in enumerate(tables)
        )
    )
    with app.app_context():
        row = db.session.execute(stmt).one()
        db.session.rollback()
    return {table.name: int(n) for table, n in zip(tables, row, strict=True)}


def _csv(values: t.Mapping[str, str]) -> bytes:
    from demo.views import IMPORT_COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    row = {c: values.get("file", "") for c in IMPORT_COLUMNS}
    row["first_name"] = row["first_name"] or "Ola"
    row["last_name"] = row["last_name"] or "Nordmann"
    writer.writerow(row)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _request(
    walk: Walk,
    endpoint: str,
    method: str,
    rule: str,
    path_values: t.Mapping[str, str],
    query: t.Mapping[str, str],
    form: t.Mapping[str, str],
) -> None:
    """Send one request and check the three properties."""
    url = _ARG.sub(lambda m: quote(path_values[m.group(1)], safe=""), rule)
    client = _client_for(walk, endpoint)
    data: dict[str, t.Any] | None = None
    if method == "POST":
        data = dict(form)
        if "file" in data:
            data["file"] = (io.BytesIO(_csv(form)), "contacts.csv")
    before = walk.counts.get("last") or _row_counts(walk.app)
    walk.counts.clear()
    response = client.open(url, method=method, query_string=dict(query), data=data)
    status = response.status_code
    shown = f"{method} {url[:120]} query={dict(query)!r:.200} form={dict(form)!r:.200}"
    assert status < 500, f"{status}: {shown}"
    if 400 <= status < 500:
        after = _row_counts(walk.app)
        assert after == before, f"refused ({status}) but wrote: {shown}"
        walk.counts["last"] = after  # the counts before the next request
    if client is not walk.clients["operator"]:
        body = response.get_data(as_text=True)
        sent = " ".join([url, *query.values(), *form.values()])
        for marker in MARKERS:
            if marker not in sent:
                assert marker not in body, f"nordlys data in fjord's page: {shown}"


def _args(rule: str) -> list[str]:
    return _ARG.findall(rule)


# -- every hostile value in every slot of every route -------------------------------


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v)[:24] for v in HOSTILE])
def test_every_route_survives_each_hostile_value(walk: Walk, value: str) -> None:
    """Each hostile value at once in every URL part, parameter and field."""
    for endpoint, method, rule in walk.routes:
        query_names, form_names = ROUTE_INPUTS[endpoint]
        _request(
            walk,
            endpoint,
            method,
            rule,
            {a: value for a in _args(rule)},
            {n: value for n in query_names},
            {n: value for n in form_names},
        )


# -- random mixtures: hypothesis ----------------------------------------------------

_text = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=40
)  # lone surrogates cannot be sent in a URL or form at all
_hostile = st.sampled_from(HOSTILE)
_shared = st.sampled_from(
    [SHARED_FIRST, SHARED_LAST, f"{SHARED_FIRST} {SHARED_LAST}", "ingrid", "marku"]
)


@st.composite
def _requests(draw: st.DrawFn, walk: Walk) -> tuple[t.Any, ...]:
    endpoint, method, rule = draw(st.sampled_from(walk.routes))
    query_names, form_names = ROUTE_INPUTS[endpoint]
    path_values = {}
    for name in _args(rule):
        real = () if name in NO_REAL_VALUE else walk.real.get(name, ())
        options = [_hostile, _text, st.integers(-1, 2**64).map(str)]
        if real:
            options.append(st.sampled_from(real))
        path_values[name] = draw(st.one_of(options))
    slot = st.one_of(_hostile, _text, _shared, st.integers(-(2**64), 2**64).map(str))
    query = {n: draw(slot) for n in query_names if draw(st.booleans())}
    form = {n: draw(slot) for n in form_names if draw(st.booleans())}
    return endpoint, method, rule, path_values, query, form


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_random_requests_never_fail_nor_leak(walk: Walk, data: st.DataObject) -> None:
    """Random mixtures of hostile, random, shared and real values on random routes."""
    _request(walk, *data.draw(_requests(walk)))


def test_walk_covers_every_route(walk: Walk) -> None:
    """The walk knows every route of the module and of the demo."""
    endpoints = {e for e, _m, _r in walk.routes}
    assert endpoints == set(ROUTE_INPUTS), set(ROUTE_INPUTS) ^ endpoints
