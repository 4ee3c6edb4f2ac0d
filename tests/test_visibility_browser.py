"""Headless Chromium: the officer hides a contact's email on the person overview;
the staff user's contact page no longer shows it, the officer's still does."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.test_pages_browser import _axe
from tests.test_pages_browser import _login
from tests.test_pages_browser import browser  # noqa: F401 - fixture
from tests.test_review_browser import live_url  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _contact_with_email(app) -> tuple[int, str]:
    from demo.models import Contact
    from demo.models import db

    with app.app_context():
        row = db.session.scalars(
            sa.select(Contact)
            .where(Contact.tenant_key == "fjord", Contact.email.is_not(None))
            .order_by(Contact.id)
        ).first()
        return row.id, row.email


def test_officer_hides_an_email_and_staff_no_longer_see_it(live_url, browser):  # noqa: F811
    base, app = live_url
    contact_id, email = _contact_with_email(app)
    officer = browser.new_context().new_page()
    officer.set_default_timeout(20_000)
    _login(officer, base, "officer@fjord.test")
    officer.goto(f"{base}/contacts/{contact_id}")
    assert email in officer.inner_text("dd.email")
    officer.click("a.privacy-overview")
    officer.wait_for_load_state()
    assert not _axe(officer), _axe(officer)
    form = officer.locator("section.tp-visibility form").first
    form.locator("input[name=hide][value=email]").check()
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    assert "Saved" in officer.inner_text("body")
    assert officer.locator("section.tp-visibility li[data-group=email]").count() == 1

    staff = browser.new_context().new_page()
    staff.set_default_timeout(20_000)
    _login(staff, base, "staff@fjord.test")
    staff.goto(f"{base}/contacts/{contact_id}")
    shown = staff.inner_text("dd.email")
    assert email not in staff.content() and shown == "Hidden"
    staff.goto(f"{base}/contacts?q={email.split('@')[0]}")
    assert email not in staff.content()

    officer.goto(f"{base}/contacts/{contact_id}")
    assert email in officer.inner_text("dd.email")
