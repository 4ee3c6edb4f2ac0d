"""Disclosure end to end (inline jobs, mail to the outbox folder): the wizard makes
a request, the build writes a zip, the mail carries the link, the link downloads
the person's data and nobody else's, and ends when it should."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
import json
import pathlib
import re
import zipfile

import jsonschema
import pytest
import sqlalchemy as sa

from demo.models import db
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import ExportJob
from tenant_privacy.models import PrivacyRequest
from tests import linking_helpers as lh
from tests.conftest import seed

SCHEMA = json.loads(
    (
        pathlib.Path(__file__).parent.parent
        / "tenant_privacy/schemas/export-v1.schema.json"
    ).read_text()
)
LINK = re.compile(r"https?://\S+/privacy/download/([A-Za-z0-9_\-]+)")


@pytest.fixture
def app(make_app):
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


@pytest.fixture
def person(app):
    """Kari in fjord (contact + lead + invoice + note, linked), her namesake in
    fjord (not linked) and in nordlys; returns Kari's subject id."""
    with app.app_context():
        kari = lh.add_contact(
            "fjord", "Kari", "Nordmann", email="kari.n@example.no", phone="91234567"
        )
        lead = lh.add_lead("fjord", "Kari", "Nordmann", email="kari.n@example.no")
        lh.add_invoice("fjord", kari, "1250.50", "INV-KARI-1")
        lh.add_note("fjord", kari, "Kari prefers mail in the morning")
        other = lh.add_contact(
            "fjord", "Kari", "Nordmann", email="other.kari@example.no"
        )
        lh.add_note("fjord", other, "NAMESAKE-SECRET note")
        far = lh.add_contact("nordlys", "Kari", "Nordmann", email="kari.n@example.no")
        from demo.models import User

        user = User(
            tenant_key="fjord",
            email="kari.n@fjord.test",
            password_hash="x",
            name="Kari Nordmann",
            role="staff",
        )
        db.session.add(user)
        db.session.flush()
        lh.add_note("nordlys", far, "OTHER-TENANT-SECRET note")
        scope = lh.scope_of(app, "fjord")
        from tenant_privacy.services import linking

        linking.link_records(scope, "user:1", [kari, lead, ("user", str(user.id))])
        subject_id = scope.subject_of(kari).id
        db.session.commit()
        return subject_id


@pytest.fixture
def officer(app, login):
    client = app.test_client()
    login(client, "officer@fjord.test")
    return client


def _outbox(app) -> list[email.message.Message]:
    folder = pathlib.Path(app.instance_path) / "outbox"
    return [
        email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))
    ]


def _disclose(officer, subject_id: int, **form) -> int:
    data = {"recipient": "kari.n@example.no", **form}
    resp = officer.post(f"/privacy/subjects/{subject_id}/disclose", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _token(app) -> str:
    (mail,) = _outbox(app)
    body = mail.get_payload(decode=True).decode()
    return LINK.search(body).group(1)


def test_wizard_builds_mails_and_downloads_only_the_persons_data(app, person, officer):
    page = officer.get(f"/privacy/subjects/{person}/disclose")
    assert page.status_code == 200
    assert "kari.n@example.no" in page.get_data(as_text=True)
    request_id = _disclose(officer, person)
    shown = officer.get(f"/privacy/requests/{request_id}")
    assert shown.status_code == 200
    with app.app_context():
        row = db.session.get(PrivacyRequest, request_id)
        assert (row.state, row.kind, row.channel) == ("sent", "disclosure", "officer")
        assert row.due_at.date() > row.received_at.date()
    (mail,) = _outbox(app)
    assert mail["To"] == "kari.n@example.no"
    token = _token(app)
    with app.app_context():  # only the token's hash is stored
        export = db.session.scalars(sa.select(ExportJob)).one()
        assert export.token_hash and token not in export.token_hash
        stored_sha256 = export.sha256
        assert len(token) >= 22  # at least 128 bits, url-safe
    anonymous = app.test_client()
    resp = anonymous.get(f"/privacy/download/{token}")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(resp.data).hexdigest() == stored_sha256
    bundle = zipfile.ZipFile(io.BytesIO(resp.data))
    assert sorted(bundle.namelist()) == ["data.json", "index.html", "manifest.json"]
    data = json.loads(bundle.read("data.json"))
    jsonschema.validate(data, SCHEMA)
    by_key = {s["key"]: s for s in data["sources"]}
    assert {"contact", "lead", "user", "invoice", "note"} <= by_key.keys()
    assert data["subject_id"] == person and data["truncated"] is False
    invoice = by_key["invoice"]["records"][0]["fields"]
    assert invoice["amount"] == "1250.50" and invoice["number"] == "INV-KARI-1"
    html = bundle.read("index.html").decode()
    text = json.dumps(data) + html
    assert "Kari prefers mail in the morning" in html
    assert "NAMESAKE-SECRET" not in text and "OTHER-TENANT-SECRET" not in text
    assert "other.kari@example.no" not in text
    assert "<script" not in html and "http" not in html.split("</style>")[0]
    manifest = json.loads(bundle.read("manifest.json"))
    assert {f["name"] for f in manifest["files"]} == {"data.json", "index.html"}
    with app.app_context():
        row = db.session.get(PrivacyRequest, request_id)
        assert row.state == "downloaded"
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {
            "disclosure.requested",
            "disclosure.built",
            "disclosure.sent",
            "disclosure.downloaded",
        } <= actions


def test_unknown_tampered_used_up_and_expired_links(app, person, officer):
    _disclose(officer, person)
    token = _token(app)
    client = app.test_client()
    assert client.get("/privacy/download/" + token[:-1] + "x").status_code == 404
    assert client.get("/privacy/download/nope").status_code == 404
    for _ in range(5):
        assert client.get(f"/privacy/download/{token}").status_code == 200
    assert client.get(f"/privacy/download/{token}").status_code == 410
    _disclose(officer, person)
    second = _token_of_newest(app)
    with app.app_context():
        export = db.session.scalars(
            sa.select(ExportJob).order_by(ExportJob.id.desc())
        ).first()
        export.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.commit()
    assert client.get(f"/privacy/download/{second}").status_code == 410


def _token_of_newest(app) -> str:
    mails = _outbox(app)
    tokens = [LINK.search(m.get_payload(decode=True).decode()).group(1) for m in mails]
    with app.app_context():
        from tenant_privacy.services.disclosure.delivery import token_hash

        newest = db.session.scalars(
            sa.select(ExportJob.token_hash).order_by(ExportJob.id.desc())
        ).first()
    return next(t for t in tokens if token_hash(t) == newest)


def test_another_tenants_user_cannot_use_the_link(app, person, officer, login):
    _disclose(officer, person)
    token = _token(app)
    other = app.test_client()
    login(other, "staff@nordlys.test")
    assert other.get(f"/privacy/download/{token}").status_code == 404


def test_expire_deletes_files_and_marks_requests(app, person, officer):
    request_id = _disclose(officer, person)
    folder = pathlib.Path(app.instance_path) / "exports"
    assert len(list(folder.glob("*.zip"))) == 1
    with app.app_context():
        export = db.session.scalars(sa.select(ExportJob)).one()
        export.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "exports", "expire"])
    assert result.exit_code == 0, result.output
    assert list(folder.glob("*.zip")) == []
    with app.app_context():
        assert db.session.get(PrivacyRequest, request_id).state == "expired"


def test_a_failed_build_leaves_no_file_and_can_be_retried(
    app, person, officer, monkeypatch
):
    state = app.extensions["tenant_privacy"]

    def broken(message):
        raise OSError("mail server down")

    monkeypatch.setattr(state.mailer, "send", broken)
    request_id = _disclose(officer, person)
    folder = pathlib.Path(app.instance_path) / "exports"
    assert not folder.exists() or list(folder.iterdir()) == []  # no zip, no temp
    page = officer.get(f"/privacy/requests/{request_id}").get_data(as_text=True)
    with app.app_context():
        row = db.session.get(PrivacyRequest, request_id)
        assert row.state == "failed"
        export = db.session.scalars(sa.select(ExportJob)).one()
        assert (export.status, export.error) == ("failed", "OSError")
    assert "Start it again later" in page or "server log" in page
    monkeypatch.undo()
    resp = officer.post(f"/privacy/requests/{request_id}/retry")
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(PrivacyRequest, request_id).state == "sent"
    assert len(list(folder.glob("*.zip"))) == 1


def test_leaving_out_a_record_needs_a_reason_and_keeps_it_out(app, person, officer):
    with app.app_context():
        note_id = db.session.scalars(
            sa.text("SELECT id FROM note WHERE body LIKE 'Kari prefers%'")
        ).one()
    value = f"note:{note_id}"
    resp = officer.post(
        f"/privacy/subjects/{person}/disclose",
        data={"recipient": "kari.n@example.no", "exclude": value},
    )
    assert resp.status_code == 400
    _disclose(
        officer, person, exclude=value, **{f"reason-{value}": "names a third party"}
    )
    token = _token(app)
    data = json.loads(
        zipfile.ZipFile(
            io.BytesIO(app.test_client().get(f"/privacy/download/{token}").data)
        ).read("data.json")
    )
    notes = {s["key"]: s for s in data["sources"]}.get("note", {"records": []})
    assert all(r["id"] != str(note_id) for r in notes["records"])
    assert data["excluded"] == [
        {
            "source": "note",
            "record_id": str(note_id),
            "field": None,
            "reason": "names a third party",
        }
    ]
    with app.app_context():  # the audit names what was left out, never the reason
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "disclosure.requested")
        ).one()
        assert ["note", str(note_id)] in [list(r) for r in event.record_refs]
        details = list(db.session.scalars(sa.select(AuditEvent.detail)))
        assert not any("third party" in (d or "") for d in details)


def test_bad_recipient_is_refused_with_a_message(app, person, officer):
    resp = officer.post(
        f"/privacy/subjects/{person}/disclose",
        data={"recipient": "__other__", "other_recipient": "not an address"},
    )
    assert resp.status_code == 400
    assert "not a valid email address" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(PrivacyRequest)).all() == []


def test_requests_register_lists_and_extends(app, person, officer):
    request_id = _disclose(officer, person)
    listing = officer.get("/privacy/requests").get_data(as_text=True)
    assert f"/privacy/requests/{request_id}" in listing
    assert officer.get("/privacy/requests?state=bogus").status_code == 400
    refused = officer.post(
        f"/privacy/requests/{request_id}/extend", data={"months": "3", "reason": "x"}
    )
    assert refused.status_code == 400
    no_reason = officer.post(
        f"/privacy/requests/{request_id}/extend", data={"months": "1", "reason": " "}
    )
    assert no_reason.status_code == 400
    ok = officer.post(
        f"/privacy/requests/{request_id}/extend",
        data={"months": "2", "reason": "many archived records to gather"},
    )
    assert ok.status_code == 302
    with app.app_context():
        row = db.session.get(PrivacyRequest, request_id)
        received = row.received_at
        assert (row.due_at.year * 12 + row.due_at.month) - (
            received.year * 12 + received.month
        ) == 3


def test_requests_register_pages_and_fails_dead_builds(app, person, officer):
    """The register pages through every request (none is cut off), keeps the
    filters on its page links, and a build whose worker died shows as failed."""
    ids = [_disclose(officer, person) for _ in range(3)]
    app.config["TENANT_PRIVACY_REQUEST_PAGE_SIZE"] = 2
    with app.app_context():
        stuck = db.session.get(PrivacyRequest, ids[0])
        stuck.state = "building"
        build = db.session.scalars(
            sa.select(ExportJob).where(ExportJob.request_id == ids[0])
        ).one()
        build.status = "running"
        build.heartbeat_at = dt.datetime(2020, 1, 1)
        db.session.commit()
    first = officer.get("/privacy/requests?kind=disclosure").get_data(as_text=True)
    second = officer.get("/privacy/requests?kind=disclosure&page=2").get_data(
        as_text=True
    )
    listed = set(re.findall(r"/privacy/requests/(\d+)\"", first + second))
    assert listed == {str(i) for i in ids}
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "/privacy/requests?page=2&amp;kind=disclosure" in first
    with app.app_context():
        assert db.session.get(PrivacyRequest, ids[0]).state == "failed"


def test_another_tenants_request_is_404(app, person, officer, login):
    request_id = _disclose(officer, person)
    other = app.test_client()
    login(other, "officer@nordlys.test")
    assert other.get(f"/privacy/requests/{request_id}").status_code == 404
    assert other.post(f"/privacy/requests/{request_id}/retry").status_code == 404


def test_cli_export_request_and_status(app, person):
    runner = app.test_cli_runner()
    missing = runner.invoke(
        args=[
            "privacy",
            "export",
            "request",
            "--tenant",
            "fjord",
            "--email",
            "nobody@example.no",
            "--yes",
        ]
    )
    assert missing.exit_code == 2
    made = runner.invoke(
        args=[
            "privacy",
            "export",
            "request",
            "--tenant",
            "fjord",
            "--email",
            "kari.n@example.no",
            "--yes",
        ]
    )
    assert made.exit_code == 0, made.output
    request_id = int(made.output.strip().splitlines()[-1])
    status = runner.invoke(
        args=["privacy", "export", "status", "--tenant", "fjord", str(request_id)]
    )
    assert status.exit_code == 0 and "sent" in status.output
    listed = runner.invoke(args=["privacy", "requests", "list", "--tenant", "fjord"])
    assert listed.output.startswith(f"{request_id}\tdisclosure\tsent")
    assert (
        runner.invoke(
            args=["privacy", "export", "status", "--tenant", "nordlys", str(request_id)]
        ).exit_code
        == 2
    )


def test_dashboard_and_menu_show_requests_overdue_first(app, person, officer):
    first = _disclose(officer, person)
    second = _disclose(officer, person)
    with app.app_context():
        for rid in (first, second):  # both still owe the person an answer
            db.session.get(PrivacyRequest, rid).state = "received"
        db.session.get(PrivacyRequest, second).due_at = dt.datetime(
            2020, 1, 1, tzinfo=dt.UTC
        )
        db.session.commit()
    page = officer.get("/privacy/").get_data(as_text=True)
    assert 'href="/privacy/requests"' in page  # in the menu and on the dashboard
    listed = re.findall(r"/privacy/requests/(\d+)", page)
    assert listed[:2] == [str(second), str(first)]  # overdue first
    assert "overdue" in page


def test_leaving_out_a_field_of_a_source(app, person, officer):
    _disclose(
        officer,
        person,
        exclude_field="invoice:amount",
        **{"reason-field-invoice:amount": "disputed amount, handled apart"},
    )
    data = json.loads(
        zipfile.ZipFile(
            io.BytesIO(app.test_client().get(f"/privacy/download/{_token(app)}").data)
        ).read("data.json")
    )
    (invoice,) = {s["key"]: s for s in data["sources"]}["invoice"]["records"]
    assert "amount" not in invoice["fields"] and invoice["fields"]["number"]
    assert data["excluded"][0]["field"] == "amount"


def test_a_registration_without_a_person_starts_the_wizard(app, officer):
    with app.app_context():
        lone = lh.add_contact("fjord", "Per", "Alene", email="per.alene@example.no")
        db.session.commit()
    page = officer.get(f"/privacy/records/contact/{lone[1]}")
    assert 'action="/privacy/records/contact/' in page.get_data(as_text=True)
    resp = officer.post(f"/privacy/records/contact/{lone[1]}/disclose")
    assert resp.status_code == 302 and "/disclose" in resp.headers["Location"]
    assert officer.post("/privacy/records/contact/99999999/disclose").status_code == 404


def test_an_export_over_its_size_limit_says_so(make_app, login):
    app = seed(
        make_app(TENANT_PRIVACY_AUTO_MATCH=False, TENANT_PRIVACY_EXPORT_MAX_BYTES=3000)
    )
    with app.app_context():
        kari = lh.add_contact("fjord", "Kari", "Stor", email="kari.stor@example.no")
        for i in range(60):
            lh.add_note("fjord", kari, f"Note number {i} with some words in it")
        subject_id = lh.scope_of(app, "fjord").subject_of(kari).id
        db.session.commit()
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    _disclose(officer, subject_id, recipient="kari.stor@example.no")
    bundle = zipfile.ZipFile(
        io.BytesIO(app.test_client().get(f"/privacy/download/{_token(app)}").data)
    )
    data = json.loads(bundle.read("data.json"))
    jsonschema.validate(data, SCHEMA)
    notes = {s["key"]: s for s in data["sources"]}["note"]["records"]
    assert data["truncated"] is True and 0 < len(notes) < 60
    assert "size limit" in bundle.read("index.html").decode()
    with app.app_context():
        assert db.session.scalars(sa.select(ExportJob)).one().truncated is True
