"""After an upgrade that changes the blocking keys, the product asks for a new scan."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.models import db
from tenant_privacy import matching
from tenant_privacy.models import ScanJob
from tenant_privacy.services import duplicates
from tests import duplicates_helpers as h

OFFICER = "officer@fjord.test"
NOTICE = 'id="tp-index-outdated"'


def _age_last_scan(app, tenant: str, version: int | None) -> None:
    """Make the tenant's last scan look written by a build with other keys."""
    with app.app_context():
        scan = duplicates.last_finished_scan(h.scope(app, tenant))
        scan.keys_version = version
        db.session.commit()


def test_a_scan_records_the_version_of_the_keys_it_stored(app):
    with app.app_context():
        assert not duplicates.index_outdated(h.scope(app, "fjord"))  # never scanned
    scan_id = h.scan(app, "fjord")
    assert h.scan_row(app, scan_id).keys_version == matching.KEYS_VERSION
    with app.app_context():
        assert not duplicates.index_outdated(h.scope(app, "fjord"))


@pytest.mark.parametrize("older", [None, matching.KEYS_VERSION - 1])
def test_the_review_page_asks_for_a_scan_until_one_ran(app, client, login, older):
    assert login(client, OFFICER).status_code == 302
    h.scan(app, "fjord")
    assert NOTICE not in client.get("/privacy/duplicates").get_data(as_text=True)
    _age_last_scan(app, "fjord", older)
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    assert NOTICE in page and "Scan again" in page
    # a scan that fails leaves the index as old as it was
    with app.app_context():
        failed = ScanJob(tenant_key="fjord", status="failed", actor="user:1")
        db.session.add(failed)
        db.session.commit()
    assert NOTICE in client.get("/privacy/duplicates").get_data(as_text=True)
    # while the new scan runs, the page shows its progress instead
    with app.app_context():
        running = ScanJob(tenant_key="fjord", status="running", actor="user:1")
        running.heartbeat_at = running.created_at = dt.datetime.now(dt.UTC)
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    assert NOTICE not in client.get("/privacy/duplicates").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(ScanJob, running_id))
        db.session.commit()
    assert client.post("/privacy/duplicates/scan").status_code == 302
    assert NOTICE not in client.get("/privacy/duplicates").get_data(as_text=True)


def test_cli_warns_and_lists_the_tenants_to_scan_again(app, runner):
    for tenant in ("fjord", "nordlys"):
        h.scan(app, tenant)
    outdated = ["privacy", "duplicates", "outdated"]
    result = runner.invoke(args=outdated)
    assert result.exit_code == 0 and result.stdout == ""
    _age_last_scan(app, "nordlys", None)
    result = runner.invoke(args=outdated)
    assert result.exit_code == 0 and result.stdout.split() == ["nordlys"]
    listing = ["privacy", "duplicates", "list", "--tenant"]
    result = runner.invoke(args=[*listing, "nordlys"])
    assert result.exit_code == 0 and "scanned again" in result.stderr
    assert "scanned again" not in runner.invoke(args=[*listing, "fjord"]).stderr
    runner.invoke(args=["privacy", "duplicates", "scan", "--tenant", "nordlys"])
    assert runner.invoke(args=outdated).stdout == ""
