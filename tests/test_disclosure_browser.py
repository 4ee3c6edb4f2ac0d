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


def test_the_other_module_pages_pass_axe(live_url, browser):  # noqa: F811
    """Pages no menu leads to directly: a suggestion, the erasure preview, the
    public request form (anonymous), in Bokmål."""
    base, app = live_url
    with app.app_context():
        from demo.models import Contact
        from demo.models import db

        contact = db.session.scalars(
            db.select(Contact).where(Contact.tenant_key == "fjord").order_by(Contact.id)
        ).first()
        subject = (
            app.extensions["tenant_privacy"]
            .scope("fjord")
            .subject_of(("contact", str(contact.id)))
        )
        db.session.commit()
        subject_id = subject.id
    problems: list[str] = []
    page = browser.new_context(locale="nb").new_page()
    page.set_default_timeout(20_000)
    _login(page, base, "officer@fjord.test")
    page.goto(f"{base}/privacy/duplicates")
    links = page.locator("a[href*='/privacy/duplicates/']")
    assert links.count(), "the seeded demo has suggestions to review"
    links.first.click()
    page.wait_for_load_state()
    _check(page, "suggestion", problems)
    response = page.goto(f"{base}/privacy/subjects/{subject_id}/erase")
    assert response is not None and response.status == 200
    _check(page, "erasure preview", problems)
    anonymous = browser.new_context(locale="nb").new_page()
    response = anonymous.goto(f"{base}/privacy/request/fjord")
    assert response is not None and response.status == 200
    _check(anonymous, "public request form", problems)
    assert not problems, "\n".join(problems)
