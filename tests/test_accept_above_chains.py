"""Accept all above a score never chains two different people into one.

A registration with no birth date can match a father and his namesake son, both
at a high score; accepting both pairs in bulk would make them one person, whose
disclosure would then hand the son's data to the father. The bulk accept links the
first and leaves the second pending, with the reason, for a person to decide.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from demo.models import db
from tenant_privacy.models import MatchSuggestion
from tenant_privacy.services import duplicates
from tenant_privacy.services import linking
from tests.conftest import seed
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_suggestion
from tests.linking_helpers import grouping
from tests.linking_helpers import scope_of

OFFICER = "officer@fjord.test"
HOUSE = {"street": "Lia 4", "postcode": "3710", "city": "Skien"}


@pytest.fixture
def app(make_app):
    """The seeded demo without automatic matching: no suggestions but ours."""
    return seed(make_app(TENANT_PRIVACY_AUTO_MATCH=False))


@pytest.fixture
def family(app):
    """Father and son, a registration matching both, and two plain duplicates."""
    with app.app_context():
        father = add_contact(
            "fjord", "Ola", "Haugen", birth_date=dt.date(1950, 4, 2), **HOUSE
        )
        son = add_contact(
            "fjord", "Ola", "Haugen", birth_date=dt.date(1982, 9, 30), **HOUSE
        )
        bridge = add_contact("fjord", "Ola", "Haugen", **HOUSE)
        kari = add_contact("fjord", "Kari", "Berg", email="kari.berg@example.no")
        kari2 = add_contact("fjord", "Kari", "Berg", email="kari.berg@example.no")
        ids = {
            "father": add_suggestion("fjord", bridge, father, 0.97).id,
            "son": add_suggestion("fjord", bridge, son, 0.96).id,
            "kari": add_suggestion("fjord", kari, kari2, 0.95).id,
        }
        db.session.commit()
        return {
            "father": father,
            "son": son,
            "bridge": bridge,
            "kari": kari,
            "kari2": kari2,
            "ids": ids,
        }


def _status(suggestion_id: int) -> str:
    return db.session.get(MatchSuggestion, suggestion_id).status


def test_bulk_accept_holds_the_link_that_would_chain_father_and_son(app, family):
    ids = family["ids"]
    with app.app_context():
        scope = scope_of(app, "fjord")
        planned = duplicates.plan_above(scope, 0.9)
        assert planned.accept == (ids["father"], ids["kari"])
        assert planned.hold == (ids["son"],)
        done = duplicates.accept_above(scope, "user:1", 0.9)
        db.session.commit()
        assert done == planned
        assert _status(ids["father"]) == _status(ids["kari"]) == "accepted"
        assert _status(ids["son"]) == "pending"
        groups = grouping(db.session, "fjord")
        assert groups[family["bridge"]] == groups[family["father"]]
        assert groups.get(family["son"]) != groups[family["father"]]
        assert groups[family["kari"]] == groups[family["kari2"]]
        # held, not lost: a person can still link it on the review page
        assert duplicates.plan_above(scope, 0.9).hold == (ids["son"],)


def test_a_link_made_earlier_counts_too(app, family):
    ids = family["ids"]
    with app.app_context():
        scope = scope_of(app, "fjord")
        # the bridge was linked to the son by hand; now the father's pair is held
        linking.link_records(scope, "user:1", [family["bridge"], family["son"]])
        db.session.execute(
            sa.update(MatchSuggestion)
            .where(MatchSuggestion.id == ids["son"])
            .values(status="accepted")
        )
        db.session.commit()
        planned = duplicates.plan_above(scope, 0.9)
        assert planned.hold == (ids["father"],)
        assert planned.accept == (ids["kari"],)


def test_the_confirmation_says_how_many_are_held(app, family, login):
    client = app.test_client()
    assert login(client, OFFICER).status_code == 302
    page = client.post(
        "/privacy/duplicates/accept-above", data={"min_score": "0.9"}
    ).get_data(as_text=True)
    assert 'id="tp-accept-count" data-count="2"' in page
    assert re.search(r'id="tp-accept-held" data-count="1"', page)
    page = client.post(
        "/privacy/duplicates/accept-above",
        data={"min_score": "0.9", "confirm": "1"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "2 suggestions accepted." in page
    assert "1 were left for you to review" in page
    with app.app_context():
        assert _status(family["ids"]["son"]) == "pending"


def test_cli_names_the_suggestions_it_leaves_pending(app, family):
    runner = app.test_cli_runner()
    args = ["privacy", "duplicates", "accept", "--tenant", "fjord"]
    result = runner.invoke(args=[*args, "--above", "0.9", "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 suggestion(s) accepted" in result.stdout
    held = family["ids"]["son"]
    assert "1 left pending for review" in result.stderr and f"({held})" in result.stderr


def test_the_page_runs_the_bulk_accept_as_a_job(app, family, login):
    client = app.test_client()
    assert login(client, OFFICER).status_code == 302
    data = {"min_score": "0.9", "confirm": "1"}
    client.post("/privacy/duplicates/accept-above", data=data)
    with app.app_context():
        job = duplicates.latest_accept_run(scope_of(app, "fjord"))
        assert (job.status, job.accepted, job.held) == ("done", 2, 1)
        assert job.actor.startswith("user:") and job.min_score == 0.9
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    assert 'id="tp-accept-job"' in page and "2 linked, 1 left for review" in page
    status = client.get(f"/privacy/duplicates/accepts/{job.id}").get_json()
    assert status == {"status": "done", "accepted": 2, "held": 1}


def test_a_failed_bulk_accept_links_nothing_and_says_so(
    app, family, login, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(linking, "link_records", boom)
    client = app.test_client()
    assert login(client, OFFICER).status_code == 302
    data = {"min_score": "0.9", "confirm": "1"}
    page = client.post(
        "/privacy/duplicates/accept-above", data=data, follow_redirects=True
    ).get_data(as_text=True)
    assert "Linking failed; nothing was linked." in page
    assert "failed, nothing was linked" in page
    with app.app_context():
        job = duplicates.latest_accept_run(scope_of(app, "fjord"))
        assert (job.status, job.error) == ("failed", "RuntimeError")
        assert not grouping(db.session, "fjord")
        assert {_status(i) for i in family["ids"].values()} == {"pending"}


def test_another_tenants_job_is_not_found(app, family, login):
    with app.app_context():
        job = duplicates.start_accept(scope_of(app, "fjord"), "user:1", 0.9)
        db.session.commit()
        job_id = job.id
    client = app.test_client()
    assert login(client, "officer@nordlys.test").status_code == 302
    assert client.get(f"/privacy/duplicates/accepts/{job_id}").status_code == 404


def test_a_job_past_its_timeout_shows_as_failed(app, login):
    with app.app_context():
        job = duplicates.start_accept(scope_of(app, "fjord"), "user:1", 0.9)
        job.status = "running"
        job.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
        db.session.commit()
    client = app.test_client()
    assert login(client, OFFICER).status_code == 302
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    assert 'data-status="failed"' in page and "failed, nothing was linked" in page
    assert "/privacy/duplicates/accepts/" not in page  # nothing left to poll


def test_long_id_lists_are_read_in_bounded_pieces(app, family, monkeypatch):
    from tenant_privacy.store import scope as scope_module

    with app.app_context():
        scope = scope_of(app, "fjord")
        linking.link_records(scope, "user:1", [family["bridge"], family["son"]])
        db.session.commit()
        whole = duplicates.plan_above(scope, 0.9)
        refs = [family[k] for k in ("father", "son", "bridge", "kari", "kari2")]
        links = scope.links_of(refs)
        members = scope.subject_links({link.subject_id for link in links.values()})
        monkeypatch.setattr(scope_module, "MAX_IN", 2)
        assert duplicates.plan_above(scope, 0.9) == whole
        assert scope.links_of(refs) == links
        assert scope.subject_links({lk.subject_id for lk in links.values()}) == members
