"""Every demo role in headless Chromium: follow each link its menus show, in both
languages. Each page answers 200, passes axe-core without a serious or critical
violation, shows no ``source:id`` reference and is keyboard-reachable; screenshots
of the main pages go to ``build/screenshots/`` (not committed).
"""

from __future__ import annotations

import pathlib
import re

import pytest

from tests.test_review_browser import ARGS
from tests.test_review_browser import CHROMIUM
from tests.test_review_browser import live_url  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = pathlib.Path(__file__).resolve().parent.parent / "build" / "screenshots"
ROLES = (
    "admin@fjord.test",
    "officer@fjord.test",
    "staff@fjord.test",
    "officer@nordlys.test",
    "operator@saas.test",
)
LANGUAGES = ("en", "nb")
#: A record reference as the module stores it, never for people to read.
REF = re.compile(r"\b(contact|lead|user|invoice|note):\d+\b")
MENUS = "header nav a, nav.tp-nav a"


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


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_menu_link_of_every_role(live_url, browser, language):  # noqa: F811
    base, _app = live_url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    seen_module_pages = 0
    for email in ROLES:
        context = browser.new_context(locale=language)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            _login(page, base, email)
            page.goto(f"{base}/")
            links = _menu_links(page, base)
            # the module's own navigation, where the host's menu leads into it
            for url in list(links):
                if "/privacy" in url:
                    page.goto(url)
                    links = sorted(set(links) | set(_menu_links(page, base)))
            for url in links:
                response = page.goto(url)
                path = url.removeprefix(base)
                where = f"{email} [{language}] {path}"
                if response is None or response.status != 200:
                    status = response.status if response else None
                    problems.append(f"{where}: answered {status}")
                    continue
                text = page.inner_text("body")
                if REF.search(text):
                    problems.append(f"{where}: shows {REF.search(text).group(0)}")
                for violation in _axe(page):
                    problems.append(f"{where}: axe {violation}")
                if path.startswith("/privacy"):
                    seen_module_pages += 1
                    name = f"{email.split('@')[0]}-{email.split('@')[1].split('.')[0]}"
                    slug = path.strip("/").replace("/", "-") or "home"
                    page.screenshot(
                        path=str(SCREENSHOTS / f"{name}-{slug}-{language}.png"),
                        full_page=True,
                    )
        finally:
            context.close()
    assert seen_module_pages >= 6, "the menus led to too few module pages"
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
