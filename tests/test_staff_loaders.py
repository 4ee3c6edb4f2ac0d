"""Staff are asked for what a page needs (issue 18, defect 4): labels of given
ids, one user by email, a searched page; never the whole user table when the host
gives the narrow loaders, and ``staff_loader`` still serves as the fallback."""

from __future__ import annotations

import pytest

from tenant_privacy import Actor
from tenant_privacy.host import HostDirectory


def _boom(tenant: str) -> list[Actor]:
    raise AssertionError("the whole staff list was read")


def test_pages_never_read_the_whole_staff_list(app, login) -> None:
    app.extensions["tenant_privacy"].host.staff_loader = _boom
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    assert officer.get("/privacy/audit").status_code == 200
    admin = app.test_client()
    login(admin, "admin@fjord.test")
    page = admin.get("/privacy/officers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-officer="' in html  # the current officers, named
    found = admin.get("/privacy/officers?q=STAFF@fjord").get_data(as_text=True)
    assert "staff@fjord.test" in found and "admin@fjord.test" not in found
    assert "staff@nordlys.test" not in found
    none = admin.get("/privacy/officers?q=%25").get_data(as_text=True)
    assert "No staff user matches." in none  # % is searched literally
    assert admin.get("/privacy/officers?page=0").status_code == 400
    result = app.test_cli_runner().invoke(
        args=["privacy", "officer", "grant", "--tenant", "fjord"]
        + ["--email", "staff@fjord.test", "--yes"]
    )
    assert result.exit_code == 0, result.output


def test_audit_page_names_the_actors_on_it(app, login) -> None:
    client = app.test_client()
    login(client, "officer@fjord.test")
    client.get("/privacy/search?q=a")  # an event by the officer
    html = client.get("/privacy/audit").get_data(as_text=True)
    with app.app_context():
        from demo.models import User

        name = User.query.filter_by(email="officer@fjord.test").one().name
    assert name in html


def _small_host() -> HostDirectory:
    host = HostDirectory()
    host.staff_loader = lambda tenant: [
        Actor(id="1", tenant="a", label="Ann Berg", email="ann@a.test"),
        Actor(id="2", tenant="a", label="", email="bo@a.test"),
        Actor(id="3", tenant="b", label="Cid", email="cid@b.test"),
    ]
    return host


def test_staff_loader_alone_answers_every_question() -> None:
    host = _small_host()
    assert host.labels("a", ["1", "2", "3", "9"]) == {"1": "Ann Berg", "2": "2"}
    assert host.find_staff("a", " ANN@a.test ").id == "1"
    assert host.find_staff("a", "cid@b.test") is None
    assert host.is_staff("a", "2") and not host.is_staff("a", "3")
    page, total = host.staff_page("a", "", 1, 1)
    assert total == 2 and [a.id for a in page] == ["2"]
    assert host.staff_page("a", "berg", 0, 10)[1] == 1


@pytest.mark.parametrize("wrong_tenant", ["b", None])
def test_narrow_loaders_cannot_hand_out_another_tenants_user(wrong_tenant) -> None:
    host = HostDirectory()
    other = Actor(id="3", tenant=wrong_tenant, label="Cid", email="cid@b.test")
    host.staff_by_email_loader = lambda tenant, email: other
    host.staff_page_loader = lambda tenant, search, offset, limit: ([other], 1)
    host.staff_labels_loader = lambda tenant, ids: {"3": "Cid", "4": "Not asked"}
    assert host.find_staff("a", "cid@b.test") is None
    assert host.staff_page("a", "", 0, 10)[0] == []
    assert host.labels("a", ["3"]) == {"3": "Cid"}  # keys not asked for are dropped


def test_demo_staff_page_counts_every_page_right(app) -> None:
    """The demo's loader counts only when the page is full (issue 18: the roles
    search at 100,000 users); every page still reports the same total."""
    host = app.extensions["tenant_privacy"].host
    with app.app_context():
        everyone, total = host.staff_page("fjord", "", 0, 1000)
        assert total == len(everyone) >= 3
        ids = [a.id for a in everyone]
        for offset, limit in ((0, 1), (1, 2), (total - 1, 5), (total, 5), (99, 5)):
            page, counted = host.staff_page("fjord", "", offset, limit)
            assert counted == total
            assert [a.id for a in page] == ids[offset : offset + limit]
        found, counted = host.staff_page("fjord", "STAFF@Fjord", 0, 50)
        assert counted == 1 and [a.email for a in found] == ["staff@fjord.test"]
        assert host.staff_page("fjord", "50%", 0, 50) == ([], 0)
