"""The module's navigation, the host's entry, the links between host and module,
the dashboard, the operator's confirmation and the error pages."""

from __future__ import annotations

import pathlib
import re

import pytest

from tenant_privacy.services import audit

NB = {"Accept-Language": "nb"}
NAV = re.compile(r'<nav class="tp-nav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')

EXPECTED = {
    "officer@fjord.test": {
        "/privacy/",
        "/privacy/search",
        "/privacy/duplicates",
        "/privacy/requests",
        "/privacy/reviews",
        "/privacy/audit",
        "/privacy/me",
    },
    "admin@fjord.test": {"/privacy/officers", "/privacy/me"},
    "operator@saas.test": {"/privacy/operator/tenants"},
}


@pytest.mark.parametrize("email", sorted(EXPECTED))
def test_the_menu_shows_only_what_opens(app, login, email):
    client = app.test_client()
    login(client, email)
    home = client.get("/").get_data(as_text=True)
    (entry,) = re.findall(r'class="privacy-menu" href="([^"]+)"', home)
    page = client.get(entry)
    assert page.status_code == 200
    nav = NAV.search(page.get_data(as_text=True))
    assert nav, "a module page without the module's navigation"
    links = set(HREF.findall(nav.group(0)))
    assert links == EXPECTED[email]
    for url in links:
        assert client.get(url).status_code == 200, url


def test_staff_see_no_module_entry(app, login):
    client = app.test_client()
    login(client, "staff@fjord.test")
    assert 'class="privacy-menu"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["staff@fjord.test", "officer@fjord.test"])
def test_user_menu_links_my_privacy_in_both_languages(app, login, email):
    client = app.test_client()
    login(client, email)
    home = client.get("/").get_data(as_text=True)
    assert '<a class="privacy-self" href="/privacy/me">My privacy</a>' in home
    page = client.get("/privacy/me")
    assert page.status_code == 200
    nav = NAV.search(page.get_data(as_text=True))
    assert nav and "/privacy/me" in HREF.findall(nav.group(0))
    client.post("/settings", data={"language": "nb"})
    home = client.get("/").get_data(as_text=True)
    assert '<a class="privacy-self" href="/privacy/me">Mitt personvern</a>' in home


def test_operator_has_no_my_privacy_link(app, login):
    client = app.test_client()
    login(client, "operator@saas.test")
    assert 'class="privacy-self"' not in client.get("/").get_data(as_text=True)


def test_dashboard_shows_what_needs_attention(app, login):
    client = app.test_client()
    login(client, "officer@fjord.test")
    client.post("/privacy/duplicates/scan")
    page = client.get("/privacy/", headers=NB).get_data(as_text=True)
    assert "Personvernoversikt" in page
    assert 'id="tp-dash-duplicates"' in page and "Siste gjennomsøk:" in page
    assert "startet et gjennomsøk etter duplikater" in page
    assert 'action="/privacy/search"' in page
    assert "shown inside the demo" not in page and "vises inne i" not in page


def test_contact_page_links_to_the_privacy_overview_for_officers_only(app, login):
    from demo.models import Contact
    from demo.models import db

    with app.app_context():
        contact = db.session.scalar(
            db.select(Contact.id).where(Contact.tenant_key == "fjord").limit(1)
        )
    officer, staff = app.test_client(), app.test_client()
    login(officer, "officer@fjord.test")
    login(staff, "staff@fjord.test")
    page = officer.get(f"/contacts/{contact}").get_data(as_text=True)
    link = f'href="/privacy/records/contact/{contact}"'
    assert link in page
    assert link not in staff.get(f"/contacts/{contact}").get_data(as_text=True)
    overview = officer.get(f"/privacy/records/contact/{contact}", follow_redirects=True)
    assert f'href="/contacts/{contact}"' in overview.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "path", "status", "words"),
    [
        ("staff@fjord.test", "/privacy/", 403, "Du har ikke tilgang til denne siden"),
        ("officer@fjord.test", "/privacy/subjects/987654321", 404, "Fant ikke siden"),
        ("officer@fjord.test", "/privacy/audit?page=x", 400, "heltall"),
        ("staff@fjord.test", "/contacts/987654321", 404, "Fant ikke siden"),
    ],
)
def test_error_pages_in_the_host_layout_in_bokmaal(
    app, login, email, path, status, words
):
    client = app.test_client()
    login(client, email)
    response = client.get(path, headers=NB)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert words in text
    assert "Logg ut" in text  # the CRM's layout around it
    assert 'href="/"' in text  # a way back


def test_a_500_is_a_page_of_ours(make_app, login):
    from tests.conftest import seed

    app = seed(make_app(PROPAGATE_EXCEPTIONS=False))

    def boom():
        raise RuntimeError("boom")

    app.view_functions["tenant_privacy.search"] = boom
    client = app.test_client()
    login(client, "officer@fjord.test")
    response = client.get("/privacy/search", headers=NB)
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.get_data(as_text=True)


def test_the_action_filter_lists_what_the_module_writes():
    package = pathlib.Path(audit.__file__).resolve().parent.parent
    named = set()
    for path in package.rglob("*.py"):
        if path.name == "audit.py" and path.parent.name == "services":
            continue
        named |= set(re.findall(r"Action\.([A-Z_]+)", path.read_text("utf-8")))
    assert {a.name for a in audit.WRITTEN} == named


def test_a_405_is_a_page_of_ours_with_its_allow_header(app, login):
    client = app.test_client()
    login(client, "officer@fjord.test")
    response = client.get("/privacy/duplicates/scan", headers=NB)  # POST only
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    text = response.get_data(as_text=True)
    assert "Logg ut" in text and 'href="/"' in text
