"""Disclosure through a real SMTP server (aiosmtpd on a free port): the mail that
arrives carries the link, and the link downloads the person's zip."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import zipfile

import pytest
from aiosmtpd.controller import Controller

from demo.models import db
from tests import linking_helpers as lh
from tests.conftest import seed
from tests.infra import free_port

pytestmark = pytest.mark.smtp


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_the_mail_arrives_over_smtp_and_its_link_downloads(make_app, login, smtp):
    controller, inbox = smtp
    app = seed(
        make_app(
            TENANT_PRIVACY_AUTO_MATCH=False,
            TENANT_PRIVACY_MAIL_SERVER="127.0.0.1",
            TENANT_PRIVACY_MAIL_PORT=controller.port,
            TENANT_PRIVACY_MAIL_SENDER="personvern@fjord.test",
        )
    )
    with app.app_context():
        kari = lh.add_contact("fjord", "Kari", "Smtp", email="kari.smtp@example.no")
        lh.add_note("fjord", kari, "Note that must arrive")
        subject_id = lh.scope_of(app, "fjord").subject_of(kari).id
        db.session.commit()
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    resp = officer.post(
        f"/privacy/subjects/{subject_id}/disclose",
        data={"recipient": "kari.smtp@example.no"},
    )
    assert resp.status_code == 302
    (mail,) = inbox.messages
    assert mail["To"] == "kari.smtp@example.no"
    assert mail["From"] == "personvern@fjord.test"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/privacy/download/\S+)", body).group(1)
    download = app.test_client().get(path)
    assert download.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("data.json"))
    notes = {s["key"]: s for s in data["sources"]}["note"]["records"]
    assert [n["fields"]["body"] for n in notes] == ["Note that must arrive"]


def test_a_persons_own_request_is_confirmed_from_the_smtp_mail(make_app, smtp):
    from tenant_privacy.models import PrivacyRequest

    controller, inbox = smtp
    app = seed(
        make_app(
            TENANT_PRIVACY_MAIL_SERVER="127.0.0.1",
            TENANT_PRIVACY_MAIL_PORT=controller.port,
        )
    )
    client = app.test_client()
    resp = client.post("/privacy/request/fjord", data={"email": "ask@example.no"})
    assert resp.status_code == 200
    (mail,) = inbox.messages
    assert mail["To"] == "ask@example.no"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/privacy/request/fjord/confirm/\S+)", body)
    with app.app_context():  # nothing stored before the person confirms
        assert db.session.scalars(db.select(PrivacyRequest)).all() == []
    assert client.post(path.group(1)).status_code == 200
    with app.app_context():
        (row,) = db.session.scalars(db.select(PrivacyRequest)).all()
        assert (row.channel, row.recipient) == ("person", "ask@example.no")
