"""Headless Chromium reviews a suggestion, accepts it, then undoes the link."""

from __future__ import annotations

import os
import threading
import typing as t

import pytest
from werkzeug.serving import make_server

from tests import duplicates_helpers as h
from tests import infra
from tests.conftest import seed

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_url(make_app) -> t.Iterator[tuple[str, t.Any]]:
    """The seeded demo (CSRF on) served by a real werkzeug server thread."""
    if not os.path.exists(CHROMIUM):
        infra.missing("chromium", "chromium")
    app = seed(make_app(WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", infra.free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(live_url):
    """A fresh Chromium page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context()
            yield context.new_page()
        finally:
            browser.close()


def test_review_accept_and_undo(live_url, page):
    base, app = live_url
    page.set_default_timeout(20_000)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "officer@fjord.test")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/privacy/duplicates")
    if page.locator("tr[data-suggestion]").count() == 0:
        page.click("#tp-scan-start")
        page.wait_for_selector("tr[data-suggestion]")
    first = page.locator("tr[data-suggestion]").first
    suggestion_id = int(first.get_attribute("data-suggestion"))
    first.locator("a").click()
    page.wait_for_selector("table.tp-compare")
    assert page.locator("table.tp-compare tr.tp-agree").count() >= 1
    (row,) = [r for r in h.suggestions(app, "fjord") if r.id == suggestion_id]
    a_ref, b_ref = f"{row.a_source}:{row.a_id}", f"{row.b_source}:{row.b_id}"

    page.click("#tp-accept")
    page.wait_for_url("**/privacy/subjects/*")
    subject_url = page.url
    assert page.locator(f'tr[data-ref="{a_ref}"]').count() == 1
    assert page.locator(f'tr[data-ref="{b_ref}"]').count() == 1
    assert [r.status for r in h.suggestions(app, "fjord") if r.id == suggestion_id] == [
        "accepted"
    ]

    page.locator("tr[data-merge] form button").first.click()
    page.wait_for_load_state()
    page.goto(subject_url)
    on_page = {
        ref
        for ref in (a_ref, b_ref)
        if page.locator(f'tr[data-ref="{ref}"]').count() == 1
    }
    assert len(on_page) == 1  # the grouping before the link is back
    with app.app_context():
        scope = h.scope(app, "fjord")
        link_a = scope.link_of((row.a_source, row.a_id))
        link_b = scope.link_of((row.b_source, row.b_id))
        assert link_a.subject_id != link_b.subject_id
    assert [r.status for r in h.suggestions(app, "fjord") if r.id == suggestion_id] == [
        "pending"
    ]
    page.goto(f"{base}/privacy/duplicates/{suggestion_id}")
    assert page.locator("#tp-accept").count() == 1  # reviewable again
