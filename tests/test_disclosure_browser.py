"""The disclosure wizard in headless Chromium, from the search to the request's
page: every page on the way passes axe-core (no serious or critical violation)
and shows no ``source:id`` reference."""

from __future__ import annotations

import pytest

from tests.test_pages_browser import REF
from tests.test_pages_browser import SCREENSHOTS
from tests.test_pages_browser import _axe
from tests.test_pages_browser import _login
from tests.test_pages_browser import browser  # noqa: F401 - fixture
from tests.test_review_browser import live_url  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _check(page, where: str, problems: list[str]) -> None:
    text = page.inner_text("body")
    if REF.search(text):
        problems.append(f"{where}: shows {REF.search(text).group(0)}")
    problems.extend(f"{where}: axe {v}" for v in _axe(page))


@pytest.mark.parametrize("language", ("en", "nb"))
def test_the_wizard_from_search_to_the_request(live_url, browser, language):  # noqa: F811
    base, app = live_url
    with app.app_context():
        from demo.models import Contact
        from demo.models import db

        contact = db.session.scalars(
            db.select(Contact)
            .where(Contact.tenant_key == "fjord", Contact.email.is_not(None))
            .order_by(Contact.id)
        ).first()
        name = f"{contact.first_name} {contact.last_name}"
    page = browser.new_context(locale=language).new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _login(page, base, "officer@fjord.test")
    page.goto(f"{base}/privacy/search")
    page.locator("input[name=q]").fill(name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _check(page, "search", problems)
    page.locator("table a").first.click()
    page.wait_for_load_state()
    _check(page, "overview", problems)
    page.locator(".tp-button").first.click()  # send a copy of their data
    page.wait_for_load_state()
    assert "/disclose" in page.url, page.url
    _check(page, "wizard", problems)
    page.screenshot(path=str(SCREENSHOTS / f"wizard-{language}.png"), full_page=True)
    page.locator("input[name=recipient]").first.check()
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    assert "/privacy/requests/" in page.url, page.url
    assert page.locator("dd[data-state]").get_attribute("data-state") == "sent"
    _check(page, "request", problems)
    page.screenshot(path=str(SCREENSHOTS / f"request-{language}.png"), full_page=True)
    page.goto(f"{base}/privacy/requests")
    _check(page, "requests", problems)
    assert not problems, "\n".join(problems)
