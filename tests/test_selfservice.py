"""Self-service ("My privacy", /privacy/me): a user sees what the system holds about
them (and of rows they wrote, only what is about them), gets a copy of their data
mailed to their login email, and deletes themselves; each only for their own
subject, audited with the user as actor, CSRF-protected, the password check rate
limited."""

from __future__ import annotations

import email
import email.policy
import io
import json
import pathlib
import re
import zipfile

import pytest
import sqlalchemy as sa

from demo.models import Note
from demo.models import User
from demo.models import db
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import ExportJob
from tenant_privacy.models import PrivacyRequest
from tenant_privacy.models import Subject
from tenant_privacy.services import linking
from tests import linking_helpers as lh
from tests.conftest import scope_of
from tests.conftest import seed
from tests.test_erasure import _file_texts
from tests.test_erasure import _leaks
from tests.test_erasure import _text_values

STAFF = "staff@fjord.test"
NAME, EMAIL_AT_WORK = "Ottilie Brakstad-Vinje", "ottilie.bv@example.no"
PHONE = "+47 934 11 278"
#: the staff user's values as stored anywhere, and the forms they are stored in
FORMER = [NAME, "Ottilie", "Brakstad-Vinje", STAFF, EMAIL_AT_WORK, PHONE, "93411278"]
#: a contact the user wrote a note about: never shown as the user's data
OTHER_FIRST, OTHER_LAST = "Gudbrand", "Ekornsæter"
NOTE_BODY = f"{OTHER_FIRST} {OTHER_LAST} wants a call back on Monday."


@pytest.fixture
def app(make_app):
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


def _user(app, email: str = STAFF) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def _setup(app) -> dict:
    """The staff user: renamed to a unique name, linked to their own contact
    record (with a phone), author of one note about another contact."""
    with app.app_context():
        user = _user(app)
        user.name = NAME
        own = lh.add_contact(
            "fjord", "Ottilie", "Brakstad-Vinje", email=EMAIL_AT_WORK, phone=PHONE
        )
        other = lh.add_contact("fjord", OTHER_FIRST, OTHER_LAST)
        note = Note(
            tenant_key="fjord",
            contact_id=int(other[1]),
            author_id=user.id,
            body=NOTE_BODY,
        )
        db.session.add(note)
        db.session.flush()
        scope = scope_of(app, "fjord")
        linking.link_records(scope, "user:1", [("user", str(user.id)), own])
        subject_id = scope.subject_of(own).id
        db.session.commit()
        return {
            "user": user.id,
            "own": own,
            "other": other,
            "note": note.id,
            "subject": subject_id,
        }


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(
                sa.select(sa.func.count()).select_from(model)
            )
            for model in (PrivacyRequest, ExportJob, Subject, User, Note)
        }


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action))
        )


def _staff(app, login, email: str = STAFF):
    client = app.test_client()
    login(client, email)
    return client


# -- what the system holds about me ----------------------------------------------
def test_my_page_shows_my_records_and_of_my_notes_only_what_is_about_me(app, login):
    p = _setup(app)
    page = _staff(app, login).get("/privacy/me")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert NAME in text and EMAIL_AT_WORK in text and PHONE in text
    assert 'data-kind="authored"' in text and "Notes written by this person" in text
    assert f'data-ref="note:{p["note"]}"' in text
    # the note is about someone else: neither its text nor that person shows
    assert OTHER_LAST not in text and "call back" not in text
    (event,) = _events(app, "self.viewed")
    assert event.actor == f"user:{p['user']}" and event.subject_id == p["subject"]
    # the officer's overview of the same person holds the same, no more
    officer = _staff(app, login, "officer@fjord.test")
    overview = officer.get(f"/privacy/subjects/{p['subject']}").get_data(as_text=True)
    assert "Notes written by this person" in overview
    assert OTHER_LAST not in overview and "call back" not in overview


def test_an_author_column_must_allow_none():
    from demo.models import Invoice
    from tenant_privacy import RegistryError
    from tenant_privacy import TenantPrivacy

    privacy = TenantPrivacy(db=db)
    with pytest.raises(RegistryError, match="must allow None"):
        privacy.related_source(
            key="invoice",
            label="Invoices",
            model=Invoice,
            person_refs={"contact": "contact_id"},
            author_refs={"contact": "contact_id"},
        )
    with pytest.raises(RegistryError, match="author field"):
        privacy.related_source(
            key="note",
            label="Notes",
            model=Note,
            person_refs={"contact": "contact_id"},
            author_refs={"user": "author_id"},
            author_fields=["no_such_field"],
        )


def test_a_user_without_a_subject_row_sees_their_record_and_nothing_is_created(
    app, login
):
    before = _counts(app)
    client = _staff(app, login, "officer@fjord.test")
    assert client.get("/privacy/me").status_code == 200
    assert client.get("/privacy/me/delete").status_code == 200
    assert _counts(app) == before


# -- a copy of my data -------------------------------------------------------------
def test_my_copy_goes_to_my_login_email_one_at_a_time_audited_as_self_service(
    app, login
):
    p = _setup(app)
    client = _staff(app, login)
    resp = client.post("/privacy/me/copy", data={"subject": str(p["subject"])})
    assert resp.status_code == 302
    with app.app_context():
        (req,) = db.session.scalars(sa.select(PrivacyRequest)).all()
        assert req.channel == "self_service" and req.handler == f"user:{p['user']}"
        assert req.recipient == STAFF and req.state == "sent"
        assert req.subject_id == p["subject"]
    (event,) = _events(app, "self.exported")
    assert event.actor == f"user:{p['user']}"
    # the second while the first link is unused: a clear message, nothing new
    again = client.post(
        "/privacy/me/copy", data={"subject": str(p["subject"])}, follow_redirects=True
    )
    assert "still on its way" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PrivacyRequest.id))) == 1
    outbox = pathlib.Path(app.instance_path) / "outbox"
    (mail_file,) = outbox.glob("*.eml")
    mail = email.message_from_bytes(mail_file.read_bytes(), policy=email.policy.default)
    assert mail["To"] == STAFF
    body = mail.get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/privacy/download/\S+)", body).group(1)
    download = app.test_client().get(path)
    assert download.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(download.data)).read("data.json"))
    sources = {s["key"]: s for s in data["sources"]}
    written = sources["note-authored"]["records"]
    assert str(p["note"]) in {r["id"] for r in written}
    assert all(set(r["fields"]) == {"id", "created_at"} for r in written)
    assert OTHER_LAST not in json.dumps(data, ensure_ascii=False)
    # once downloaded, a new copy may be asked for
    client.post("/privacy/me/copy", data={"subject": str(p["subject"])})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PrivacyRequest.id))) == 2


# -- only my own subject -------------------------------------------------------------
def test_a_form_naming_another_subject_gives_404_and_changes_nothing(app, login):
    p = _setup(app)
    with app.app_context():
        other = scope_of(app, "fjord").subject_of(p["other"]).id
        elsewhere = lh.add_contact("nordlys", "Ottilie", "Brakstad-Vinje")
        abroad = scope_of(app, "nordlys").subject_of(elsewhere).id
        db.session.commit()
    client = _staff(app, login)
    before = _counts(app)
    for url, data in (
        ("/privacy/me/copy", {"subject": str(other)}),
        ("/privacy/me/copy", {"subject": str(abroad)}),
        ("/privacy/me/copy", {}),
        ("/privacy/me/visibility", {"subject": str(abroad), "level-phone": "me"}),
        (
            "/privacy/me/delete",
            {"subject": str(other), "password": "demo", "word": "DELETE"},
        ),
    ):
        assert client.post(url, data=data).status_code == 404, url
    # the officer's pages about another subject stay closed
    assert client.get(f"/privacy/subjects/{other}").status_code == 403
    assert client.post(f"/privacy/subjects/{other}/erase").status_code == 403
    assert _counts(app) == before
    assert client.get("/privacy/me").status_code == 200  # still logged in


def test_every_form_needs_its_csrf_token(make_app, login):
    app = seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False, WTF_CSRF_ENABLED=True))
    p = _setup(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"email": STAFF, "password": "demo", "csrf_token": token}
    )
    before = _counts(app)
    for url, data in (
        ("/privacy/me/copy", {"subject": str(p["subject"])}),
        (
            "/privacy/me/delete",
            {"subject": str(p["subject"]), "password": "demo", "word": "DELETE"},
        ),
    ):
        assert client.post(url, data=data).status_code == 400, url
    assert _counts(app) == before
    assert client.get("/privacy/me").status_code == 200


# -- delete me ------------------------------------------------------------------------
def _delete(client, subject, password="demo", word="DELETE"):
    return client.post(
        "/privacy/me/delete",
        data={"subject": str(subject), "password": password, "word": word},
    )


def test_the_preview_lists_removed_anonymised_and_kept(app, login):
    p = _setup(app)
    page = _staff(app, login).get("/privacy/me/delete").get_data(as_text=True)
    assert f'data-ref="user:{p["user"]}" data-action="anonymised"' in page
    assert f'data-ref="note:{p["note"]}" data-action="anonymised"' in page
    assert 'data-field="author_id" data-action="removed"' in page
    assert 'name="password"' in page and "Type DELETE to confirm" in page
    (event,) = _events(app, "erasure.previewed")
    assert event.actor == f"user:{p['user']}"


def test_a_wrong_password_or_word_changes_nothing(app, login):
    p = _setup(app)
    client = _staff(app, login)
    before = _counts(app)
    wrong = _delete(client, p["subject"], password="not-mine")
    assert wrong.status_code == 403
    assert "That is not your password" in wrong.get_data(as_text=True)
    word = _delete(client, p["subject"], word="yes")
    assert word.status_code == 400 and "Type DELETE" in word.get_data(as_text=True)
    assert _counts(app) == before
    assert _events(app, "self.deleted") == []
    with app.app_context():
        assert _user(app).name == NAME
    assert client.get("/privacy/me").status_code == 200


def test_the_password_check_is_rate_limited(make_app, login):
    app = seed(
        make_app(
            TENANT_PRIVACY_AUTO_MATCH=False, TENANT_PRIVACY_SELF_DELETE_LIMIT="2/hour"
        )
    )
    p = _setup(app)
    client = _staff(app, login)
    before = _counts(app)
    assert _delete(client, p["subject"], password="x1").status_code == 403
    assert _delete(client, p["subject"], password="x2").status_code == 403
    limited = _delete(client, p["subject"])  # the right one: still refused
    assert limited.status_code == 429
    assert "Too many wrong passwords" in limited.get_data(as_text=True)
    assert _counts(app) == before
    with app.app_context():
        assert _user(app).name == NAME


def test_the_last_admin_cannot_delete_themselves(app, login):
    with app.app_context():
        admins = db.session.scalars(
            sa.select(User).where(User.tenant_key == "fjord", User.role == "admin")
        ).all()
        assert [a.email for a in admins] == ["admin@fjord.test"]
    client = _staff(app, login, "admin@fjord.test")
    page = client.get("/privacy/me/delete").get_data(as_text=True)
    assert "Appoint another administrator first" in page
    assert 'name="password"' not in page
    before = _counts(app)
    resp = _delete(client, "")
    assert resp.status_code == 409
    assert "Appoint another administrator first" in resp.get_data(as_text=True)
    assert _counts(app) == before
    with app.app_context():  # with a second admin it works
        _user(app, STAFF).role = "admin"
        db.session.commit()
    assert _delete(client, "").status_code == 200


def test_deleting_myself_erases_me_everywhere_and_my_login_fails(app, login):
    p = _setup(app)
    client = _staff(app, login)
    client.post("/privacy/me/copy", data={"subject": str(p["subject"])})
    instance = pathlib.Path(app.instance_path)
    assert _leaks(_file_texts(instance / "outbox"), FORMER), "must see the mail"
    resp = _delete(client, p["subject"])
    assert resp.status_code == 200
    assert "Your account was deleted" in resp.get_data(as_text=True)
    assert 'data-erasure="done"' in resp.get_data(as_text=True)
    # my session ended, and my login fails
    assert client.get("/privacy/me").status_code == 302
    again = app.test_client()
    assert (
        again.post("/login", data={"email": STAFF, "password": "demo"}).status_code
        == 401
    )
    # nothing of my name, addresses or phone is left anywhere
    assert _leaks(_text_values(app), FORMER) == []
    assert _leaks(_file_texts(instance / "exports"), FORMER) == []
    assert _leaks(_file_texts(instance / "outbox"), FORMER) == []
    with app.app_context():
        note = db.session.get(Note, p["note"])
        assert note.author_id is None and note.body == NOTE_BODY  # not mine to erase
        (req,) = db.session.scalars(
            sa.select(PrivacyRequest).where(PrivacyRequest.kind == "erasure")
        ).all()
        assert req.channel == "self_service" and req.state == "done"
        assert req.handler == f"user:{p['user']}"
    (event,) = _events(app, "self.deleted")
    assert event.actor == f"user:{p['user']}" and event.subject_id == p["subject"]
    officer = _staff(app, login, "officer@fjord.test")
    contact = officer.get(f"/contacts/{p['other'][1]}").get_data(as_text=True)
    assert "Deleted user" in contact and "call back" in contact


def test_an_erasure_that_fails_still_ends_my_access_and_waits_for_an_officer(
    app, login
):
    """Inline as on a worker (tests/test_erasure_rq.py): the request stands once
    registered, so the host is told whatever the erasure does; a failed one is in
    the register, and the officer's retry erases me."""
    p = _setup(app)
    with app.app_context():  # the host's database refuses writes of user names
        db.session.execute(
            sa.text(
                "CREATE TRIGGER users_frozen BEFORE UPDATE OF name ON user "
                "BEGIN SELECT RAISE(ABORT, 'directory sync running'); END"
            )
        )
        db.session.commit()
    client = _staff(app, login)
    resp = _delete(client, p["subject"])
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'data-erasure="failed"' in page
    assert "Erasing the personal data about you did not finish" in page
    assert client.get("/privacy/me").status_code == 302
    assert login(app.test_client(), STAFF).status_code == 401
    with app.app_context():
        assert _user(app).name == NAME  # nothing of the erasure happened
        (req,) = db.session.scalars(
            sa.select(PrivacyRequest).where(PrivacyRequest.kind == "erasure")
        ).all()
        assert req.state == "failed"
        request_id = req.id
    (failed,) = _events(app, "erasure.failed")
    assert failed.actor == "system" and failed.subject_id == p["subject"]
    assert failed.data["request"] == request_id
    with app.app_context():
        db.session.execute(sa.text("DROP TRIGGER users_frozen"))
        db.session.commit()
    officer = _staff(app, login, "officer@fjord.test")
    done = officer.post(
        f"/privacy/requests/{request_id}/erasure-retry", follow_redirects=True
    )
    assert 'data-state="done"' in done.get_data(as_text=True)
    assert _leaks(_text_values(app), FORMER) == []


# -- who sees what ---------------------------------------------------------------------
def _phone_seen_by(app, login, email: str, contact_id: str) -> bool:
    page = _staff(app, login, email).get(f"/contacts/{contact_id}")
    assert page.status_code == 200
    return PHONE in page.get_data(as_text=True)


def test_i_choose_who_sees_my_phone(app, login):
    p = _setup(app)
    client = _staff(app, login)
    page = client.get("/privacy/me").get_data(as_text=True)
    assert 'name="level-phone" value="all" checked' in page
    own = p["own"][1]
    assert _phone_seen_by(app, login, "admin@fjord.test", own)
    resp = client.post(
        "/privacy/me/visibility",
        data={"subject": str(p["subject"]), "level-phone": "me"},
    )
    assert resp.status_code == 302
    assert not _phone_seen_by(app, login, "admin@fjord.test", own)
    assert _phone_seen_by(app, login, "officer@fjord.test", own)
    assert _phone_seen_by(app, login, STAFF, own)
    (event,) = _events(app, "visibility.changed")
    assert event.actor == f"user:{p['user']}" and event.subject_id == p["subject"]
    assert event.fields == ["phone"]
    page = client.get("/privacy/me").get_data(as_text=True)
    assert 'name="level-phone" value="me" checked' in page
    client.post(
        "/privacy/me/visibility",
        data={"subject": str(p["subject"]), "level-phone": "officers"},
    )
    assert not _phone_seen_by(app, login, STAFF, own)
    assert _phone_seen_by(app, login, "officer@fjord.test", own)
    client.post(
        "/privacy/me/visibility",
        data={"subject": str(p["subject"]), "level-phone": "all"},
    )
    assert _phone_seen_by(app, login, "admin@fjord.test", own)
    assert len(_events(app, "visibility.changed")) == 3


def test_a_bad_level_or_another_subject_changes_no_rule(app, login):
    p = _setup(app)
    with app.app_context():
        other = scope_of(app, "fjord").subject_of(p["other"]).id
        db.session.commit()
    client = _staff(app, login)
    bad = client.post(
        "/privacy/me/visibility",
        data={"subject": str(p["subject"]), "level-phone": "everyone"},
    )
    assert bad.status_code == 400
    tampered = client.post(
        "/privacy/me/visibility", data={"subject": str(other), "level-phone": "me"}
    )
    assert tampered.status_code == 404
    assert _events(app, "visibility.changed") == []
    assert _phone_seen_by(app, login, "admin@fjord.test", p["own"][1])


@pytest.mark.postgres
def test_two_copies_asked_for_at_once_make_one_request(pg_app) -> None:
    """Two clicks at one moment (PostgreSQL, two transactions): the second waits
    for the first's lock, then is refused; one request is registered."""
    import threading
    import time

    from sqlalchemy import orm

    from demo.privacy_setup import actor_of
    from tenant_privacy.services import selfservice
    from tenant_privacy.store.scope import TenantScope

    seed(pg_app)
    state = pg_app.extensions["tenant_privacy"]
    with pg_app.app_context():
        engine = db.engine
        actor = actor_of(_user(pg_app))
        scope_of(pg_app, "fjord").subject_of(actor.person_ref)  # exists already
        db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask() -> None:
        with pg_app.app_context(), orm.Session(engine) as session:
            scope = TenantScope(session, "fjord", state.registry)
            barrier.wait(timeout=10)
            try:
                selfservice.request_own_copy(scope, actor)
                time.sleep(0.3)  # the other one must wait for this commit
                session.commit()
                outcomes.append("registered")
            except selfservice.OwnRequestOpen:
                session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert sorted(outcomes) == ["refused", "registered"]
    with orm.Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(PrivacyRequest.id))) == 1
