"""Every demo role in headless Chromium, and an anonymous visitor: follow each link
its menus show, in both languages, and from every module page the first link to
each module page not opened yet (a list's first row: a suggestion, a request, a
purpose review, a person, their erasure preview). Each page answers 200, passes
axe-core without a serious or critical violation, shows no ``source:id``
reference and is keyboard-reachable; every GET page of the module's blueprint
must be reached (bar :data:`NOT_WALKED`). Screenshots of the module's pages go to
``build/screenshots/`` (not committed).
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from urllib.parse import quote
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.test_review_browser import ARGS
from tests.test_review_browser import CHROMIUM
from tests.test_review_browser import live_url  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = pathlib.Path(__file__).resolve().parent.parent / "build" / "screenshots"
#: Who walks: the demo's roles by login, and a visitor who is not logged in.
ANONYMOUS = "anonymous"
ROLES = (
    "admin@fjord.test",
    "officer@fjord.test",
    "staff@fjord.test",
    "officer@nordlys.test",
    "operator@saas.test",
    ANONYMOUS,
)
LANGUAGES = ("en", "nb")
#: A record reference as the module stores it, never for people to read.
REF = re.compile(r"\b(contact|lead|user|invoice|note):\d+\b")
#: The host's header (its menu and the user menu) and the module's own menu.
MENUS = "header a, nav.tp-nav a"
#: The module's blueprint (its endpoints are ``tenant_privacy.<name>``).
BLUEPRINT = "tenant_privacy"
#: GET endpoints of the blueprint the walk does not open, and why; it must reach
#: every other one.
NOT_WALKED = {
    "audit_export": "a CSV or JSON file, not a page",
    "download": "a zip behind an emailed link, not a page",
    "scan_status": "JSON the duplicates page polls",
    "accept_status": "JSON the duplicates page polls",
}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in"


def _menu_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(MENUS, "els => els.map(e => e.href)")
    return sorted({h for h in hrefs if h.startswith(base)})


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _real_data(app) -> dict[str, list[str]]:
    """What the seed does not make, so that each page opened from a list has a row
    to open: a purpose review in fjord (two seeded leads aged past their period,
    so it is never empty) and a disclosure request, sent. Returns extra paths to
    start from by role: a search that finds people, the public request form and
    its emailed confirmation link (pages no menu leads to)."""
    from demo.models import Contact
    from demo.models import Lead
    from demo.models import db
    from tenant_privacy.services import disclosure
    from tenant_privacy.services import erasure

    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1200)
    with app.app_context():
        privacy = app.extensions["tenant_privacy"]
        scope = privacy.scope("fjord")
        leads = db.session.scalars(
            db.select(Lead).where(Lead.tenant_key == "fjord").order_by(Lead.id)
        ).all()[:2]
        for lead in leads:
            lead.created_at = old
        review, _batch = erasure.propose_review(scope, "operator")
        assert review is not None, "the aged leads are past their purpose"
        contact = db.session.scalars(
            db.select(Contact)
            .where(Contact.tenant_key == "fjord", Contact.email.is_not(None))
            .order_by(Contact.id.desc())
        ).first()
        subject = scope.subject_of(("contact", str(contact.id)))
        _request, export = disclosure.request_disclosure(
            scope, "operator", subject.id, contact.email
        )
        db.session.commit()
        privacy.jobs.enqueue("build_export", tenant="fjord", export_id=export.id)
        token = disclosure.sign_request(
            app.secret_key, "fjord", "someone@example.test", "erasure"
        )
        return {
            "officer@fjord.test": [f"/privacy/search?q={quote(contact.last_name)}"],
            ANONYMOUS: [
                "/privacy/request/fjord",
                f"/privacy/request/fjord/confirm/{token}",
            ],
        }


def _endpoint(app, base: str, url: str) -> str | None:
    """The endpoint of the module that *url* opens (None: another, or none)."""
    if not url.startswith(base):
        return None
    try:
        name, _args = app.url_map.bind("localhost").match(
            urlsplit(url).path, method="GET"
        )
    except HTTPException:  # not found, not a GET route, or a redirect
        return None
    return name if name.startswith(f"{BLUEPRINT}.") else None


def _check_page(page, url: str, where: str, problems: list[str]) -> bool:
    """Open *url*; note what is wrong with it in *problems*. True when it opened."""
    response = page.goto(url)
    if response is None or response.status != 200:
        status = response.status if response else None
        problems.append(f"{where}: answered {status}")
        return False
    text = page.inner_text("body")
    if REF.search(text):
        problems.append(f"{where}: shows {REF.search(text).group(0)}")
    for violation in _axe(page):
        problems.append(f"{where}: axe {violation}")
    return True


def _start(page, base: str, email: str, extra: list[str]) -> list[str]:
    """Log in as *email* and return where the walk starts: every link of the host's
    menu and of the module's own, and the *extra* paths."""
    if email != ANONYMOUS:
        _login(page, base, email)
    page.goto(f"{base}/")
    links = _menu_links(page, base)
    # the module's own navigation, where the host's menu leads into it
    for url in list(links):
        if "/privacy" in url:
            page.goto(url)
            links = sorted(set(links) | set(_menu_links(page, base)))
    return links + [base + path for path in extra]


def _screenshot(page, email: str, path: str, language: str) -> None:
    name = re.sub(r"[^\w]+", "-", email.split(".")[0])
    slug = re.sub(r"[^\w]+", "-", path.strip("/")).strip("-") or "home"
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}-{slug}-{language}.png"), full_page=True
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_role(live_url, browser, language):  # noqa: F811
    base, app = live_url
    extra = _real_data(app)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    reached: set[str] = set()
    for email in ROLES:
        context = browser.new_context(locale=language)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            queue = _start(page, base, email, extra.get(email, []))
            queued = {_endpoint(app, base, url) for url in queue} - {None}
            while queue:
                url = queue.pop(0)
                path = url.removeprefix(base)
                if not _check_page(page, url, f"{email} [{language}] {path}", problems):
                    continue
                reached.add(str(_endpoint(app, base, url)))
                if not path.startswith("/privacy"):
                    continue
                _screenshot(page, email, path, language)
                # each list's first row, each page's first link to a new page
                hrefs = page.eval_on_selector_all(
                    "a[href]", "els => els.map(e => e.href)"
                )
                for href in hrefs:
                    name = _endpoint(app, base, href)
                    if (
                        name
                        and name not in queued
                        and name.split(".")[1] not in NOT_WALKED
                    ):
                        queued.add(name)
                        queue.append(href)
        finally:
            context.close()
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{BLUEPRINT}.")
        and "GET" in rule.methods
        and not rule.endpoint.endswith(".static")
        and rule.endpoint.split(".")[1] not in NOT_WALKED
    }
    assert pages - reached == set(), "the walk never reached these pages"
    assert not problems, "\n".join(problems)


def test_module_navigation_works_by_keyboard(live_url, browser):  # noqa: F811
    base, _app = live_url
    page = browser.new_context(locale="nb").new_page()
    page.set_default_timeout(20_000)
    _login(page, base, "officer@fjord.test")
    page.goto(f"{base}/privacy/")
    target = page.locator("nav.tp-nav a", has_text="Revisjonslogg")
    for _ in range(40):  # tab through the page until the audit-log link has focus
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the audit-log link of the module menu never got focus")
    page.keyboard.press("Enter")
    page.wait_for_url("**/privacy/audit")
    assert page.locator('nav.tp-nav a[aria-current="page"]').inner_text() == (
        "Revisjonslogg"
    )
    # the search box of the audit log filters is labelled and takes typing
    page.get_by_label("Person", exact=True).fill("zz-nobody-zz")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "person=zz-nobody-zz" in page.url


@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("staff@fjord.test", "/privacy/"),
        ("officer@fjord.test", "/privacy/subjects/987654321"),
        ("operator@saas.test", "/privacy/audit"),
    ],
)
def test_error_pages_pass_axe_in_bokmaal(live_url, browser, email, path):  # noqa: F811
    base, _app = live_url
    page = browser.new_context(locale="nb").new_page()
    page.set_default_timeout(20_000)
    _login(page, base, email)
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status in (403, 404)
    assert page.locator("header nav").count() == 1  # inside the CRM's layout
    assert "Gå til startsiden" in page.inner_text("body")
    assert not _axe(page)
