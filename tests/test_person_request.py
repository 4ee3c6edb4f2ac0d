"""A person's own request: the tenant's public form, the confirmation mail, the
request in the register only once confirmed, limits against a flood."""

from __future__ import annotations

import email
import pathlib
import re

import pytest
import sqlalchemy as sa

from demo.models import db
from tenant_privacy.models import PrivacyRequest
from tests import linking_helpers as lh
from tests.conftest import seed

CONFIRM = re.compile(r"https?://[^/\s]+(/privacy/request/\w+/confirm/\S+)")


@pytest.fixture
def app(make_app):
    app = seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))
    with app.app_context():
        from tenant_privacy.services import linking

        contact = lh.add_contact("fjord", "Ola", "Hansen", email="ola.h@example.no")
        lead = lh.add_lead("fjord", "Ola", "Hansen", email="ola.h@example.no")
        linking.link_records(lh.scope_of(app, "fjord"), "user:1", [contact, lead])
        db.session.commit()
    return app


def _mails(app) -> list[email.message.Message]:
    folder = pathlib.Path(app.instance_path) / "outbox"
    return [
        email.message_from_bytes(p.read_bytes())
        for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    ]


def _requests(app) -> list[PrivacyRequest]:
    with app.app_context():
        rows = db.session.scalars(sa.select(PrivacyRequest)).all()
        db.session.expunge_all()
        return rows


def _confirm_path(mail) -> str:
    return CONFIRM.search(mail.get_payload(decode=True).decode()).group(1)


def test_form_is_public_per_enabled_tenant(app):
    client = app.test_client()
    assert client.get("/privacy/request/fjord").status_code == 200
    assert client.get("/privacy/request/nowhere").status_code == 404
    app.config["TENANT_PRIVACY_AUTO_MATCH"] = False
    with app.app_context():
        app.extensions["tenant_privacy"].extension.enable_tenant("nordlys", False)
        db.session.commit()
    assert client.get("/privacy/request/nordlys").status_code == 404


def test_the_answer_never_says_whether_the_address_is_known(app):
    client = app.test_client()
    known = client.post("/privacy/request/fjord", data={"email": "ola.h@example.no"})
    unknown = client.post("/privacy/request/fjord", data={"email": "who@example.no"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert sorted(m["To"] for m in _mails(app)) == [
        "ola.h@example.no",
        "who@example.no",
    ]
    assert _requests(app) == []  # nothing is stored before confirmation


def test_only_a_confirmed_request_enters_the_register(app):
    client = app.test_client()
    client.post("/privacy/request/fjord", data={"email": "Ola.H@example.no"})
    path = _confirm_path(_mails(app)[0])
    assert client.get(path).status_code == 200
    assert _requests(app) == []  # opening the link alone changes nothing
    done = client.post(path)
    assert done.status_code == 200
    (row,) = _requests(app)
    assert (row.kind, row.channel, row.state) == ("disclosure", "person", "received")
    assert row.recipient == "ola.h@example.no" and row.subject_id is not None
    client.post(path)  # confirming twice registers nothing new
    assert len(_requests(app)) == 1


def test_an_unknown_address_is_registered_without_a_subject(app):
    client = app.test_client()
    client.post("/privacy/request/fjord", data={"email": "who@example.no"})
    client.post(_confirm_path(_mails(app)[0]))
    (row,) = _requests(app)
    assert row.subject_id is None and row.state == "received"


def test_forged_or_foreign_links_change_nothing(app):
    client = app.test_client()
    client.post("/privacy/request/fjord", data={"email": "ola.h@example.no"})
    path = _confirm_path(_mails(app)[0])
    assert client.post(path[:-3] + "abc").status_code == 400
    other = path.replace("/request/fjord/", "/request/nordlys/")
    assert client.post(other).status_code == 400
    assert _requests(app) == []


def test_bad_address_is_refused_with_a_message(app):
    resp = app.test_client().post("/privacy/request/fjord", data={"email": "nope"})
    assert resp.status_code == 400
    assert "not a valid email address" in resp.get_data(as_text=True)
    assert _mails(app) == []


def test_a_flood_is_limited_per_address_and_per_client(make_app):
    app = seed(make_app(TENANT_PRIVACY_REQUEST_LIMIT_IP="5 per hour"))
    client = app.test_client()
    codes = [
        client.post(
            "/privacy/request/fjord", data={"email": "x@example.no"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    more = [
        client.post(
            "/privacy/request/fjord", data={"email": f"p{i}@example.no"}
        ).status_code
        for i in range(3)
    ]
    assert more == [200, 429, 429]  # every post counts against the client's limit
    assert len(_mails(app)) == 4
    assert _requests(app) == []


def test_the_officer_builds_a_confirmed_request(app, login):
    client = app.test_client()
    client.post("/privacy/request/fjord", data={"email": "ola.h@example.no"})
    client.post(_confirm_path(_mails(app)[0]))
    (row,) = _requests(app)
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    assert officer.get(f"/privacy/requests/{row.id}").status_code == 200
    assert officer.post(f"/privacy/requests/{row.id}/retry").status_code == 302
    (row,) = _requests(app)
    assert row.state == "sent"
    assert _mails(app)[-1]["To"] == "ola.h@example.no"


def test_a_person_asks_for_erasure_and_an_officer_runs_it(app, login):
    from tenant_privacy.models import ErasureJob
    from tenant_privacy.models import Subject

    client = app.test_client()
    form = client.get("/privacy/request/fjord").get_data(as_text=True)
    assert 'name="kind" value="erasure"' in form
    bad = client.post(
        "/privacy/request/fjord", data={"email": "ola.h@example.no", "kind": "merge"}
    )
    assert bad.status_code == 400 and _mails(app) == []
    client.post(
        "/privacy/request/fjord", data={"email": "ola.h@example.no", "kind": "erasure"}
    )
    (mail,) = _mails(app)
    assert "to erase the personal data" in mail.get_payload(decode=True).decode()
    path = _confirm_path(mail)
    assert "to erase the personal data" in client.get(path).get_data(as_text=True)
    assert _requests(app) == []
    client.post(path)
    (row,) = _requests(app)
    assert (row.kind, row.channel, row.state) == ("erasure", "person", "received")
    with app.app_context():  # waiting for an officer: nothing erased yet
        assert db.session.get(Subject, row.subject_id).state == "active"
        assert not db.session.scalars(sa.select(ErasureJob)).first()
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    page = officer.get(f"/privacy/requests/{row.id}").get_data(as_text=True)
    assert f"/privacy/subjects/{row.subject_id}/erase" in page
    officer.post(f"/privacy/subjects/{row.subject_id}/erase", data={"confirm": "yes"})
    (done,) = _requests(app)  # the person's request is the one run, not a second
    assert (done.id, done.state, done.recipient) == (row.id, "done", None)
    with app.app_context():
        assert db.session.get(Subject, row.subject_id).state == "erased"
