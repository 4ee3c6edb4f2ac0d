"""Subject pages: search, overview, unlink, undo, record redirect; tenants, rights."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tenant_privacy.models import AuditEvent
from tenant_privacy.models import MergeRecord
from tenant_privacy.services import linking
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_invoice
from tests.linking_helpers import add_lead
from tests.linking_helpers import grouping
from tests.linking_helpers import scope_of

OFFICER = "officer@fjord.test"
OTHER_OFFICER = "officer@nordlys.test"


@pytest.fixture
def data(app):
    """Fjord: a contact with an invoice and a lead of the same person, linked."""
    from demo.models import db

    with app.app_context():
        contact = add_contact(
            "fjord", "Ingeborg", "Åsheim", email="ingeborg.asheim@example.no"
        )
        lead = add_lead("fjord", "Ingeborg", "Aasheim", phone="+47 934 56 789")
        other = add_contact("fjord", "Ingeborg", "Aasheim", email="ia@example.no")
        add_invoice("fjord", contact, "1250.50", "T-1")
        scope = scope_of(app, "fjord")
        merge = linking.link_records(scope, "user:1", [contact, lead])
        db.session.commit()
        return {
            "contact": contact,
            "lead": lead,
            "other": other,
            "subject": merge.subject_id,
            "merge": merge.id,
        }


@pytest.fixture
def officer(client, login):
    assert login(client, OFFICER).status_code == 302
    return client


def test_start_page_has_the_search_form(officer) -> None:
    page = officer.get("/privacy/").get_data(as_text=True)
    assert 'action="/privacy/search"' in page and 'name="q"' in page


def test_search_finds_the_person_and_links_to_the_overview(officer, data) -> None:
    resp = officer.get("/privacy/search?q=ingeborg+aasheim")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'href="/privacy/subjects/{data["subject"]}"' in page
    assert "Ingeborg Åsheim" in page


@pytest.mark.parametrize("query", ["", "a", " ", "x" * 300])
def test_search_bad_input_is_400(officer, query) -> None:
    resp = officer.get("/privacy/search", query_string={"q": query})
    assert resp.status_code == 400


def test_search_page_without_query_shows_the_form(officer) -> None:
    resp = officer.get("/privacy/search")
    assert resp.status_code == 200
    assert 'name="q"' in resp.get_data(as_text=True)


def test_overview_page_groups_sources_and_is_audited(app, officer, data) -> None:
    resp = officer.get(f"/privacy/subjects/{data['subject']}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'data-source="contact" data-count="1"' in page
    assert 'data-source="lead" data-count="1"' in page
    assert 'data-source="invoice" data-count="1"' in page
    # the tenant's currency, in the reader's language
    assert re.search(r"NOK\s?1,250\.50", page.replace("\xa0", " "))
    assert f'data-merge="{data["merge"]}"' in page
    with app.app_context():
        from demo.models import db

        viewed = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.tenant_key == "fjord",
                AuditEvent.action == "subject.viewed",
                AuditEvent.subject_id == data["subject"],
            )
        ).all()
        assert len(viewed) == 1
        assert "Ingeborg" not in repr([(e.detail, e.record_refs) for e in viewed])


def test_unlink_and_undo_from_the_page(app, officer, data) -> None:
    with app.app_context():
        from demo.models import db

        before = grouping(db.session, "fjord")
    resp = officer.post(
        f"/privacy/subjects/{data['subject']}/unlink",
        data={"source_key": "lead", "record_id": data["lead"][1]},
    )
    assert resp.status_code == 302
    with app.app_context():
        from demo.models import db

        groups = grouping(db.session, "fjord")
        assert groups[data["lead"]] != groups[data["contact"]]
        unlink = db.session.scalars(
            sa.select(MergeRecord).order_by(MergeRecord.id.desc())
        ).first()
    resp = officer.post(f"/privacy/merges/{unlink.id}/undo")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/privacy/subjects/{data['subject']}")
    with app.app_context():
        from demo.models import db

        assert grouping(db.session, "fjord") == before


def test_undo_conflict_is_a_message_not_a_500(app, officer, data) -> None:
    with app.app_context():
        from demo.models import db

        scope = scope_of(app, "fjord")
        later = linking.unlink_record(scope, "user:1", data["lead"])
        db.session.commit()
        later_id = later.id
    resp = officer.post(f"/privacy/merges/{data['merge']}/undo", follow_redirects=True)
    assert resp.status_code == 200
    assert "Undo the later change first" in resp.get_data(as_text=True)
    with app.app_context():
        from demo.models import db

        assert db.session.get(MergeRecord, data["merge"]).undone_at is None
    # undone already: also a message
    officer.post(f"/privacy/merges/{later_id}/undo")
    officer.post(f"/privacy/merges/{data['merge']}/undo")
    resp = officer.post(f"/privacy/merges/{data['merge']}/undo")
    assert resp.status_code == 302


@pytest.mark.parametrize(
    "form",
    [{}, {"source_key": "lead"}, {"source_key": "contact", "record_id": "999999"}],
)
def test_unlink_bad_input_is_400(officer, data, form) -> None:
    resp = officer.post(f"/privacy/subjects/{data['subject']}/unlink", data=form)
    assert resp.status_code == 400


def test_record_link_redirects_to_its_subject(officer, data) -> None:
    resp = officer.get(f"/privacy/records/lead/{data['lead'][1]}")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/privacy/subjects/{data['subject']}")
    resp = officer.get(f"/privacy/records/contact/{data['other'][1]}")
    assert resp.status_code == 200  # no subject yet: the record on its own
    for url in ("/privacy/records/nosuch/1", "/privacy/records/contact/abc"):
        assert officer.get(url).status_code == 404


def test_other_tenants_subjects_merges_records_are_404(app, client, login, data):
    assert login(client, OTHER_OFFICER).status_code == 302
    with app.app_context():
        from demo.models import db

        before = grouping(db.session, "fjord")
    assert client.get(f"/privacy/subjects/{data['subject']}").status_code == 404
    assert client.post(f"/privacy/merges/{data['merge']}/undo").status_code == 404
    resp = client.post(
        f"/privacy/subjects/{data['subject']}/unlink",
        data={"source_key": "lead", "record_id": data["lead"][1]},
    )
    assert resp.status_code == 404
    url = f"/privacy/records/contact/{data['contact'][1]}"
    assert client.get(url).status_code == 404
    page = client.get("/privacy/search?q=ingeborg").get_data(as_text=True)
    assert f'/privacy/subjects/{data["subject"]}"' not in page
    with app.app_context():
        from demo.models import db

        assert grouping(db.session, "fjord") == before
        assert db.session.get(MergeRecord, data["merge"]).undone_at is None


def test_staff_without_the_role_gets_403(client, login, data) -> None:
    assert login(client, "staff@fjord.test").status_code == 302
    assert client.get("/privacy/search?q=ingeborg").status_code == 403
    assert client.get(f"/privacy/subjects/{data['subject']}").status_code == 403
    assert client.post(f"/privacy/merges/{data['merge']}/undo").status_code == 403
    url = f"/privacy/records/lead/{data['lead'][1]}"
    assert client.get(url).status_code == 403


def _subject_rows(app) -> tuple[int, int]:
    from demo.models import db
    from tenant_privacy.models import Subject
    from tenant_privacy.models import SubjectRecord

    with app.app_context():
        count = sa.select(sa.func.count())
        return (
            db.session.scalar(count.select_from(Subject)),
            db.session.scalar(count.select_from(SubjectRecord)),
        )


def test_record_link_creates_no_subject(app, officer, data) -> None:
    """A GET (a link in a mail, a cross-site image) writes no rows in the officer's
    name: a record with no subject yet is shown on its own, audited as viewed."""
    before = _subject_rows(app)
    resp = officer.get(f"/privacy/records/contact/{data['other'][1]}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'data-ref="contact:{data["other"][1]}"' in page
    assert 'data-source="contact" data-count="1"' in page
    assert "ia@example.no" in page
    assert "/unlink" not in page
    assert _subject_rows(app) == before
    with app.app_context():
        from demo.models import db

        viewed = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.tenant_key == "fjord",
                AuditEvent.action == "subject.viewed",
            )
        ).all()
        assert [e.record_refs for e in viewed] == [[["contact", data["other"][1]]]]
        assert viewed[0].subject_id is None


def test_search_creates_no_subjects(app, officer, data) -> None:
    before = _subject_rows(app)
    resp = officer.get("/privacy/search?q=ingeborg+aasheim")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'href="/privacy/subjects/{data["subject"]}"' in page
    # the record without a subject links to its own overview
    assert f'href="/privacy/records/contact/{data["other"][1]}"' in page
    assert _subject_rows(app) == before


def test_other_tenants_record_without_subject_is_404(app, client, login, data):
    assert login(client, OTHER_OFFICER).status_code == 302
    before = _subject_rows(app)
    url = f"/privacy/records/contact/{data['other'][1]}"
    assert client.get(url).status_code == 404
    assert _subject_rows(app) == before


def _text(page: str) -> str:
    """The page's visible text: tags dropped, spaces (non-breaking too) collapsed."""
    import html
    import re

    text = re.sub(r"<(script|style).*?</\1>|<[^>]+>", " ", page, flags=re.S)
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def test_overview_names_people_and_records_not_ids(app, officer, data) -> None:
    page = officer.get(f"/privacy/subjects/{data['subject']}").get_data(as_text=True)
    text = _text(page)
    # the heading names the person by their most complete name
    assert re.search(r"<h1>Ingeborg (Åsheim|Aasheim) <small>", page)
    assert "#" + str(data["subject"]) not in text
    # records by their source's singular label and name, linked to their page
    assert "Contact Ingeborg Åsheim" in text and "Lead Ingeborg Aasheim" in text
    lead_url = f'/privacy/records/lead/{data["lead"][1]}'
    assert f'href="{lead_url}"' in page
    # no internal refs, actor refs or ISO timestamps anywhere a person reads
    assert not re.search(r"\b(contact|lead|user|invoice):\d", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text)
    assert "Records moved" in text and "from #" not in text


def test_overview_in_bokmaal_formats_money_and_dates(app, officer, data) -> None:
    resp = officer.get(
        f"/privacy/subjects/{data['subject']}", headers={"Accept-Language": "nb"}
    )
    text = _text(resp.get_data(as_text=True))
    assert "1 250,50 kr" in text
    assert "1250.50" not in text and "2025-03-01" not in text
    assert "1. mars 2025" in text  # the invoice's due date


def test_a_record_without_a_name_is_named_by_its_source(app, officer) -> None:
    from demo.models import db

    with app.app_context():
        lead = add_lead("fjord", "", "", email="anon@example.no")
        db.session.commit()
    page = officer.get(f"/privacy/records/lead/{lead[1]}").get_data(as_text=True)
    text = _text(page)
    assert "Lead (no name)" in text
    assert f"lead:{lead[1]}" not in text
