"""Duplicate review pages: list, scan, side by side, accept, reject, accept-above."""

from __future__ import annotations

import re

import pytest

from demo.models import db
from tenant_privacy.models import ScanJob
from tests import duplicates_helpers as h
from tests.conftest import seed
from tests.linking_helpers import add_suggestion

OFFICER = "officer@fjord.test"


@pytest.fixture
def officer(client, login):
    """A client logged in as the privacy officer of fjord."""
    assert login(client, OFFICER).status_code == 302
    return client


def test_review_page_lists_suggestions_best_first(app, officer):
    h.scan(app, "fjord")
    response = officer.get("/privacy/duplicates")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    scores = [float(s) for s in re.findall(r'class="tp-score">([0-9.]+)<', page)]
    assert scores and scores == sorted(scores, reverse=True)
    assert 'name="csrf_token"' in page
    assert "tp-progress" in page


@pytest.mark.parametrize("host_shows_flashes", [True, False])
def test_a_flashed_message_is_shown_once(make_app, login, host_shows_flashes):
    # the demo's base template shows flashes; with the packaged base the module does
    config = {"TENANT_PRIVACY_SHOW_FLASHES": not host_shows_flashes}
    if not host_shows_flashes:
        config["TENANT_PRIVACY_BASE_TEMPLATE"] = "tenant_privacy/base.html"
    app = seed(make_app(**config))
    with app.test_client() as officer:
        assert login(officer, OFFICER).status_code == 302
        response = officer.post("/privacy/duplicates/scan", follow_redirects=True)
        page = response.get_data(as_text=True)
        # the inline runner has finished the scan: it says so, not "started"
        assert len(re.findall(r"Scan finished: \d+ suggestions?\.", page)) == 1
        assert "Scan started." not in page


def test_scan_button_runs_a_scan_and_reports_progress(app, officer):
    response = officer.post("/privacy/duplicates/scan")
    assert response.status_code == 302
    with app.app_context():
        scan = db.session.scalars(
            db.select(ScanJob).where(ScanJob.tenant_key == "fjord")
        ).first()
        scan_id = scan.id
    status = officer.get(f"/privacy/duplicates/scans/{scan_id}").get_json()
    assert status["status"] == status["phase"] == status["phase_label"] == "done"
    assert status["progress"] == status["total"] > 0
    assert status["suggestions"] >= 1


def test_suggestion_page_shows_agreement_per_field(app, officer):
    h.scan(app, "fjord")
    top = h.suggestions(app, "fjord")[0]
    response = officer.get(f"/privacy/duplicates/{top.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "tp-agree" in page
    # each record column names its record and links to the record's page
    assert f'href="/privacy/records/{top.a_source}/{top.a_id}"' in page
    assert f'href="/privacy/records/{top.b_source}/{top.b_id}"' in page
    assert f"{top.a_source}:{top.a_id}</" not in page


def test_accept_links_and_goes_to_the_subject(app, officer):
    h.scan(app, "fjord")
    top = h.suggestions(app, "fjord")[0]
    response = officer.post(f"/privacy/duplicates/{top.id}/accept")
    assert response.status_code == 302
    assert "/privacy/subjects/" in response.headers["Location"]
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == top.id]
    assert row.status == "accepted"
    again = officer.post(f"/privacy/duplicates/{top.id}/accept")
    assert again.status_code == 302  # already decided: a message, no second link


def test_reject_hides_the_suggestion(app, officer):
    h.scan(app, "fjord")
    top = h.suggestions(app, "fjord", "pending")[0]
    response = officer.post(f"/privacy/duplicates/{top.id}/reject")
    assert response.status_code == 302
    page = officer.get("/privacy/duplicates").get_data(as_text=True)
    assert f'data-suggestion="{top.id}"' not in page


def _next_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" id="tp-next"', page)
    return found.group(1) if found else None


def test_a_reviewer_goes_through_the_suggestions_one_by_one(app, officer):
    h.scan(app, "fjord")
    queue = sorted(
        h.suggestions(app, "fjord", "pending"), key=lambda r: (-r.score, r.id)
    )
    assert len(queue) >= 3
    first, second, third = queue[:3]
    # "next" skips on in the list's order, and from the last back to the top
    page = officer.get(f"/privacy/duplicates/{first.id}").get_data(as_text=True)
    assert _next_link(page) == f"/privacy/duplicates/{second.id}"
    page = officer.get(f"/privacy/duplicates/{queue[-1].id}").get_data(as_text=True)
    assert _next_link(page) == f"/privacy/duplicates/{first.id}"
    # rejecting opens the next pending one
    response = officer.post(f"/privacy/duplicates/{second.id}/reject")
    assert response.headers["Location"].endswith(f"/privacy/duplicates/{third.id}")
    page = officer.get(f"/privacy/duplicates/{first.id}").get_data(as_text=True)
    assert _next_link(page) == f"/privacy/duplicates/{third.id}"
    # with nothing else pending, back to the list
    for row in queue:
        if row.id not in (first.id, second.id):
            officer.post(f"/privacy/duplicates/{row.id}/reject")
    page = officer.get(f"/privacy/duplicates/{first.id}").get_data(as_text=True)
    assert _next_link(page) is None
    response = officer.post(f"/privacy/duplicates/{first.id}/reject")
    assert response.headers["Location"].endswith("/privacy/duplicates")


def test_accept_above_asks_with_the_count_first(app, officer):
    h.scan(app, "fjord")
    pending = h.suggestions(app, "fjord", "pending")
    expected = sum(1 for r in pending if r.score >= 0.9)
    response = officer.post(
        "/privacy/duplicates/accept-above", data={"min_score": "0.9"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'data-count="{expected}"' in page
    assert len(h.suggestions(app, "fjord", "pending")) == len(pending)  # asked only
    response = officer.post(
        "/privacy/duplicates/accept-above", data={"min_score": "0.9", "confirm": "1"}
    )
    assert response.status_code == 302
    left = [r for r in h.suggestions(app, "fjord", "pending") if r.score >= 0.9]
    assert not left
    assert len(h.suggestions(app, "fjord", "accepted")) == expected


@pytest.mark.parametrize("value", ["", "abc", "-0.1", "1.01", "nan", "inf"])
def test_accept_above_bad_score_is_400(app, officer, value):
    response = officer.post(
        "/privacy/duplicates/accept-above", data={"min_score": value}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "x", "999999999"])
def test_bad_page_is_400(app, officer, page):
    assert officer.get(f"/privacy/duplicates?page={page}").status_code == 400


def test_other_tenants_suggestions_and_scans_are_404(app, officer):
    scan_id = h.scan(app, "nordlys")
    theirs = h.suggestions(app, "nordlys")[0]
    before = [(r.id, r.status) for r in h.suggestions(app, "nordlys")]
    assert officer.get(f"/privacy/duplicates/{theirs.id}").status_code == 404
    assert officer.post(f"/privacy/duplicates/{theirs.id}/accept").status_code == 404
    assert officer.post(f"/privacy/duplicates/{theirs.id}/reject").status_code == 404
    assert officer.get(f"/privacy/duplicates/scans/{scan_id}").status_code == 404
    assert [(r.id, r.status) for r in h.suggestions(app, "nordlys")] == before


def test_staff_without_the_role_gets_403(app, client, login):
    login(client, "staff@fjord.test")
    for url in ("/privacy/duplicates", "/privacy/duplicates/1"):
        assert client.get(url).status_code == 403
    assert client.post("/privacy/duplicates/scan").status_code == 403


def _add_scan(app, tenant: str, status: str, minutes_ago: float) -> int:
    """A scan row of *tenant* whose job last showed life *minutes_ago*."""
    import datetime as dt

    seen = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    with app.app_context():
        row = ScanJob(
            tenant_key=tenant,
            status=status,
            actor="t",
            created_at=seen,
            heartbeat_at=seen,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_a_running_scan_blocks_a_second_one(app, officer):
    running = _add_scan(app, "fjord", "running", minutes_ago=1)
    page = officer.get("/privacy/duplicates").get_data(as_text=True)
    assert re.search(r'id="tp-scan-start"[^>]*disabled', page)
    response = officer.post("/privacy/duplicates/scan", follow_redirects=True)
    assert response.status_code == 200
    assert "A scan is already running" in response.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(
            db.select(ScanJob).where(ScanJob.tenant_key == "fjord")
        ).all()
        assert [(r.id, r.status) for r in rows] == [(running, "running")]


def test_another_tenants_running_scan_does_not_block(app, officer):
    _add_scan(app, "nordlys", "running", minutes_ago=1)
    page = officer.get("/privacy/duplicates").get_data(as_text=True)
    assert not re.search(r'id="tp-scan-start"[^>]*disabled', page)
    assert officer.post("/privacy/duplicates/scan").status_code == 302
    with app.app_context():
        statuses = db.session.scalars(
            db.select(ScanJob.status).where(ScanJob.tenant_key == "fjord")
        ).all()
    assert statuses == ["done"]


def test_a_stale_scan_is_marked_failed_and_a_new_one_runs(app, officer):
    stale = _add_scan(app, "fjord", "running", minutes_ago=120)
    page = officer.get("/privacy/duplicates").get_data(as_text=True)
    assert "stopped without finishing" in page
    assert not re.search(r'id="tp-scan-start"[^>]*disabled', page)
    response = officer.post("/privacy/duplicates/scan")
    assert response.status_code == 302
    row = h.scan_row(app, stale)
    assert row.status == "failed" and row.error == "stale"
    with app.app_context():
        newest = db.session.scalars(
            db.select(ScanJob)
            .where(ScanJob.tenant_key == "fjord")
            .order_by(ScanJob.id.desc())
        ).first()
        assert newest.id != stale and newest.status == "done"
        assert newest.heartbeat_at is not None


def _chain(app) -> tuple[int, dict[str, str]]:
    """A father linked with a registration of his, and a suggestion that pairs
    that registration with his namesake son: linking it would join them all."""
    import datetime as dt

    from demo.models import Contact
    from tenant_privacy.services import linking

    def contact(**fields: object) -> str:
        row = Contact(tenant_key="fjord", first_name="Kjell", last_name="Sandvik")
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.add(row)
        db.session.flush()
        return str(row.id)

    with app.app_context():
        father = contact(birth_date=dt.date(1950, 3, 1), phone="22 11 33 44")
        his = contact(phone="22113344", street="Fjordveien 9")
        son = contact(birth_date=dt.date(1985, 6, 2), street="Fjordveien 9")
        scope = h.scope(app, "fjord")
        linking.link_records(scope, "user:1", [("contact", father), ("contact", his)])
        s = add_suggestion("fjord", ("contact", his), ("contact", son), 0.62)
        db.session.commit()
        return s.id, {"father": father, "his": his, "son": son}


def test_review_page_warns_what_else_linking_joins(app, officer):
    from tenant_privacy.services.duplicates import link_preview

    suggestion_id, ids = _chain(app)
    with app.app_context():
        scope = h.scope(app, "fjord")
        from tenant_privacy.models import MatchSuggestion

        preview = link_preview(scope, db.session.get(MatchSuggestion, suggestion_id))
    assert preview.joined == (("contact", ids["father"]),)
    assert [(c.left, c.right, c.fields) for c in preview.conflicts] == [
        (("contact", ids["father"]), ("contact", ids["son"]), ("birth_date",))
    ]
    page = officer.get(f"/privacy/duplicates/{suggestion_id}").get_data(as_text=True)
    assert 'id="tp-link-joined"' in page and 'id="tp-link-conflicts"' in page
    assert f'href="/privacy/records/contact/{ids["father"]}"' in page
    assert "Contact Kjell Sandvik" in page and "Birth date" in page


def test_review_page_of_two_lone_records_shows_no_join_warning(app, officer):
    h.scan(app, "fjord")
    top = h.suggestions(app, "fjord")[0]
    page = officer.get(f"/privacy/duplicates/{top.id}").get_data(as_text=True)
    assert 'id="tp-link-joined"' not in page
    assert 'id="tp-link-conflicts"' not in page


def _text(page: str) -> str:
    """The page's visible text: tags dropped, spaces (non-breaking too) collapsed."""
    import html

    text = re.sub(r"<(script|style).*?</\1>|<[^>]+>", " ", page, flags=re.S)
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def _pair(app, a_fields, b_fields, evidence, score=0.95):
    from demo.models import Contact

    with app.app_context():
        refs = []
        for fields in (a_fields, b_fields):
            row = Contact(tenant_key="fjord", **fields)
            db.session.add(row)
            db.session.flush()
            refs.append(("contact", str(row.id)))
        s = add_suggestion("fjord", *refs, score, evidence=evidence)
        db.session.commit()
        return s.id


def _agreements(page: str) -> dict[str, str]:
    rows = re.findall(
        r'data-field="(\w+)">.*?data-agreement="\w+">([^<]*)</td>', page, re.S
    )
    return dict(rows)


def test_evidence_tells_exact_from_normalised_from_typo(app, officer):
    suggestion_id = _pair(
        app,
        {
            "first_name": "Kari",
            "last_name": "Løvås",
            "email": "kari.lovas@gmail.com",
            "street": "Løvåsveien 53",
            "phone": "+47 915 55 123",
        },
        {
            "first_name": "KARI",
            "last_name": "Lovaas",
            "email": "kari.lovas@gmial.com",
            "street": "lovasveien 53",
            "phone": "91555123",
        },
        # what the matcher says of the normalised values
        {
            "first_name": 1.0,
            "last_name": 1.0,
            "name": 1.0,
            "email": 1.0,
            "street": 1.0,
            "phone": 1.0,
        },
    )
    page = officer.get(f"/privacy/duplicates/{suggestion_id}").get_data(as_text=True)
    assert _agreements(page) == {
        "first_name": "same",
        "last_name": "same after normalising",
        "email": "close (typo)",
        "phone": "same after normalising",
        "street": "same after normalising",
    }
    assert "agree (1.00)" not in page


def test_the_list_names_records_and_says_where_suggestions_come_from(app, officer):
    suggestion_id = _pair(
        app,
        {"first_name": "Kari", "last_name": "Løvås"},
        {"first_name": "Kari", "last_name": "Lovaas"},
        {"name": 1.0},
        score=0.95,
    )
    page = officer.get(
        "/privacy/duplicates", headers={"Accept-Language": "nb"}
    ).get_data(as_text=True)
    text = _text(page)
    # no scan has run: the suggestions came from matching records on save
    assert "No scan has run yet" not in text and "Ingen skanning" not in text
    assert 'id="tp-no-scan"' in page
    row = re.search(rf'data-suggestion="{suggestion_id}">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = _text(row.group(1))
    # the score in the reader's language (matching on save re-scored the pair)
    assert re.match(r"[01],\d\d ", cells)
    assert "Løvås" in cells and "Lovaas" in cells
    assert not re.search(r"contact:\d", cells)


def test_the_last_scan_shows_when_it_ran(app, officer):
    h.scan(app, "fjord")
    page = officer.get("/privacy/duplicates").get_data(as_text=True)
    state = re.search(r'id="tp-scan-state".*?</p>', page, re.S).group(0)
    assert re.search(r"<time datetime=\"\d{4}-\d{2}-\d{2}T", state)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", _text(state))
    assert 'id="tp-no-scan"' not in page
