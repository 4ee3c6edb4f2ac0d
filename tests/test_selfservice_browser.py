"""Self-service in headless Chromium: a user opens "My privacy" from the user
menu, gets a copy of their data from the mail (a real SMTP server, aiosmtpd) and
downloads it; a user deletes themselves and cannot log in afterwards. Every page
on the way passes axe-core (no serious or critical violation)."""

from __future__ import annotations

import io
import json
import re
import threading
import typing as t
import zipfile

import pytest
from werkzeug.serving import make_server

from tests import infra
from tests.conftest import seed
from tests.test_disclosure_browser import _check
from tests.test_disclosure_smtp import smtp  # noqa: F401 - fixture
from tests.test_pages_browser import _login
from tests.test_pages_browser import browser  # noqa: F401 - fixture
from tests.test_review_browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.smtp]

STAFF = "staff@fjord.test"


@pytest.fixture
def live(make_app, smtp) -> t.Iterator[tuple[str, t.Any, t.Any]]:  # noqa: F811
    """The seeded demo (CSRF on, mail over SMTP) served by a werkzeug thread."""
    import os

    if not os.path.exists(CHROMIUM):
        infra.missing("chromium", "chromium")
    controller, inbox = smtp
    app = seed(
        make_app(
            WTF_CSRF_ENABLED=True,
            TENANT_PRIVACY_AUTO_MATCH=False,
            TENANT_PRIVACY_MAIL_SERVER="127.0.0.1",
            TENANT_PRIVACY_MAIL_PORT=controller.port,
        )
    )
    server = make_server("127.0.0.1", infra.free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, inbox
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _my_privacy(page, base: str, problems: list[str]) -> None:
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator("a.privacy-self").click()
    assert page.url == f"{base}/privacy/me", page.url
    _check(page, "my privacy", problems)


@pytest.mark.parametrize("language", ("en", "nb"))
def test_a_user_downloads_their_data_from_the_mail(live, browser, language):  # noqa: F811
    base, app, inbox = live
    page = browser.new_context(locale=language, accept_downloads=True).new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    _login(page, base, STAFF)
    _my_privacy(page, base, problems)
    with page.expect_navigation():
        page.locator("section.tp-self-copy button[type=submit]").click()
    _check(page, "copy asked for", problems)
    (mail,) = inbox.messages
    assert mail["To"] == STAFF
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/privacy/download/\S+", body).group(0)
    link = re.sub(r"^https?://[^/]+", base, link)
    with page.expect_download() as info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url;"
            " document.body.appendChild(a); a.click(); }",
            link,
        )
    data = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    bundle = json.loads(data.read("data.json"))
    users = {s["key"]: s for s in bundle["sources"]}["user"]["records"]
    assert [u["fields"]["email"] for u in users] == [STAFF]
    assert not problems, "\n".join(problems)


def test_a_user_deletes_themselves_and_cannot_log_in_again(live, browser):  # noqa: F811
    base, app, _inbox = live
    page = browser.new_context(locale="nb").new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    _login(page, base, STAFF)
    _my_privacy(page, base, problems)
    with page.expect_navigation():
        page.locator("section.tp-self-delete a").click()
    assert page.url == f"{base}/privacy/me/delete", page.url
    _check(page, "delete preview", problems)
    page.fill("input[name=password]", "demo")
    page.fill("input[name=word]", "SLETT")
    with page.expect_navigation():
        page.locator("form button.tp-danger").click()
    assert "Kontoen din er slettet" in page.inner_text("body")
    _check(page, "deleted", problems)
    page.goto(f"{base}/privacy/me")
    assert "/login" in page.url, page.url
    page.fill("input[name=email]", STAFF)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" in page.url, "the deleted user logged in"
    assert not problems, "\n".join(problems)


def test_a_user_hides_their_phone_and_a_colleague_no_longer_sees_it(live, browser):  # noqa: F811
    from tests.test_selfservice import PHONE
    from tests.test_selfservice import _setup

    base, app, _inbox = live
    p = _setup(app)
    contact_url = f"{base}/contacts/{p['own'][1]}"
    colleague = browser.new_context(locale="en").new_page()
    colleague.set_default_timeout(20_000)
    _login(colleague, base, "admin@fjord.test")
    colleague.goto(contact_url)
    assert colleague.inner_text("dd.phone") == PHONE
    page = browser.new_context(locale="en").new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    _login(page, base, STAFF)
    _my_privacy(page, base, problems)
    page.get_by_role("group", name="Phone").get_by_label(
        "Nobody but me and privacy officers"
    ).check()
    with page.expect_navigation():
        page.locator("section.tp-self-visibility button[type=submit]").click()
    _check(page, "visibility saved", problems)
    assert page.locator("#tp-level-phone-me").is_checked()
    colleague.goto(contact_url)
    assert PHONE not in colleague.inner_text("body")
    assert colleague.inner_text("dd.phone") == "Hidden"
    page.goto(contact_url)  # the user still sees their own phone
    assert page.inner_text("dd.phone") == PHONE
    assert not problems, "\n".join(problems)
