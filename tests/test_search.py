"""Person search: spellings, phone formats, email case, grouping, audit, tenants."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tenant_privacy.errors import InvalidInput
from tenant_privacy.models import AuditEvent
from tenant_privacy.services import linking
from tenant_privacy.services import search
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_lead
from tests.linking_helpers import scope_of


@pytest.fixture
def people(any_db_app):
    """The same human twice in fjord (contact and lead) and once in nordlys."""
    from demo.models import db

    app = any_db_app
    with app.app_context():
        contact = add_contact(
            "fjord",
            "Øystein",
            "Bråthen",
            email="Oystein.Brathen@Example.no",
            phone="+47 412 34 987",
        )
        lead = add_lead(
            "fjord", "OEYSTEIN", "BRAATHEN", email=None, phone="0047 41234987"
        )
        other = add_contact(
            "nordlys",
            "Øystein",
            "Bråthen",
            email="oystein.brathen@example.no",
            phone="412 34 987",
        )
        db.session.commit()
    return app, contact, lead, other


def _refs(hits):
    return {ref for hit in hits for ref in hit.refs}


@pytest.mark.parametrize(
    "query",
    [
        "Oystein Brathen",
        "oeystein braathen",
        "ØYSTEIN BRÅTHEN",
        "Øystein Bråthen",
        "Brathen Oystein",
        "Oystien Brathen",  # typo
    ],
)
def test_name_spellings_find_both_registrations(people, query) -> None:
    app, contact, lead, other = people
    with app.app_context():
        hits = search.search_people(scope_of(app, "fjord"), query).hits
        refs = _refs(hits)
        assert contact in refs and lead in refs
        assert other not in refs
        assert all(h.matched == "name" for h in hits if contact in h.refs)


@pytest.mark.parametrize(
    "query", ["41234987", "412 34 987", "+47 412 34 987", "0047 412-34-987"]
)
def test_phone_formats(people, query) -> None:
    app, contact, lead, other = people
    with app.app_context():
        hits = search.search_people(scope_of(app, "fjord"), query).hits
        refs = _refs(hits)
        assert {contact, lead} <= refs and other not in refs
        assert hits[0].matched == "phone" and hits[0].score == 1.0


@pytest.mark.parametrize(
    "query", ["oystein.brathen@example.no", "OYSTEIN.BRATHEN@EXAMPLE.NO", "oystein.b"]
)
def test_email_case_and_prefix(people, query) -> None:
    app, contact, _lead, other = people
    with app.app_context():
        hits = search.search_people(scope_of(app, "fjord"), query).hits
        assert contact in _refs(hits) and other not in _refs(hits)


def test_hits_are_grouped_by_subject(people) -> None:
    app, contact, lead, _other = people
    with app.app_context():
        scope = scope_of(app, "fjord")
        linking.link_records(scope, "user:1", [contact, lead])
        hits = search.search_people(scope, "Oystein Brathen").hits
        mine = [h for h in hits if contact in h.refs]
        assert len(mine) == 1
        assert set(mine[0].refs) >= {contact, lead}
        assert mine[0].sources == {"contact": 1, "lead": 1}
        assert mine[0].subject_id == scope.subject_of(contact).id


def test_search_is_audited_without_the_query(people) -> None:
    app, *_ = people
    with app.app_context():
        from demo.models import db

        scope = scope_of(app, "fjord")
        hits = search.search_people(scope, "Oystein Brathen", actor="user:9").hits
        db.session.commit()
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.tenant_key == "fjord", AuditEvent.action == "search")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event.actor == "user:9"
        assert event.data == {"hits": len(hits)} and event.detail == ""
        assert "ystein" not in repr((event.detail, event.record_refs, event.fields))


@pytest.mark.parametrize("query", ["", " ", "a", "x" * 201])
def test_bad_queries_are_refused(app, query) -> None:
    with app.test_request_context():
        with pytest.raises(InvalidInput):
            search.search_people(scope_of(app, "fjord"), query)


def test_subjects_by_email_normalises(people) -> None:
    app, contact, _lead, other = people
    with app.test_request_context():
        found = search.subjects_by_email(
            scope_of(app, "fjord"), "  OYSTEIN.brathen@example.NO "
        )
        assert [refs for refs in found.values()] == [[contact]]
        with pytest.raises(InvalidInput):
            search.subjects_by_email(scope_of(app, "fjord"), "nope")


@pytest.fixture
def one_mailbox(any_db_app):
    """Kari's gmail inbox written four ways in fjord, a typo'd domain, a
    namesake's address that merely contains hers, and the same in nordlys."""
    from demo.models import db

    app = any_db_app
    with app.app_context():
        same = [
            add_contact("fjord", "Kari", "Lie", email="kari.lie@gmail.com"),
            add_lead("fjord", "Kari", "Lie", email="Kari.Lie+nyhetsbrev@gmail.com"),
            add_lead("fjord", "K", "Lie", email="Kari Lie <KARI.LIE@googlemail.com>"),
        ]
        other = [
            add_contact("fjord", "Kari", "Lie", email="kari.lie@gmial.com"),
            add_contact("fjord", "Anne", "Lie", email="anne.kari.lie@gmail.com"),
            add_contact("nordlys", "Kari", "Lie", email="kari.lie@gmail.com"),
        ]
        db.session.commit()
    return app, same, other


@pytest.mark.parametrize(
    "query", ["kari.lie@gmail.com", "kari.lie+crm@gmail.com", "KARI.LIE@googlemail.com"]
)
def test_an_address_finds_every_registration_reaching_its_mailbox(
    one_mailbox, query
) -> None:
    """A sub-address or googlemail.com reaches the same inbox for certain; a
    mistyped domain is only a guess and must never widen a disclosure."""
    app, same, other = one_mailbox
    with app.test_request_context():
        scope = scope_of(app, "fjord")
        assert search.refs_by_email(scope, query) == sorted(same)
        hits = search.search_people(scope, query).hits
        exact = {ref for hit in hits if hit.score == 1.0 for ref in hit.refs}
        assert set(same) <= exact
        assert not exact & set(other)


def _add_namesakes(app, count: int) -> None:
    from demo.models import db

    with app.app_context():
        for i in range(count):
            add_contact("fjord", f"Tollef{chr(97 + i)}", "Kvernhusvik")
        db.session.commit()


@pytest.mark.parametrize(("count", "more"), [(3, False), (4, True)])
def test_the_service_says_when_there_were_more_than_the_limit(app, count, more):
    _add_namesakes(app, count)
    with app.app_context():
        result = search.search_people(scope_of(app, "fjord"), "Kvernhusvik", limit=3)
        assert len(result.hits) == 3
        assert result.more is more
        event = app.extensions["tenant_privacy"].session.scalars(
            sa.select(AuditEvent).order_by(AuditEvent.seq.desc())
        ).first()
        assert event.data == {"hits": 3}


def test_the_page_says_it_shows_only_the_first_ones(app, client, login):
    _add_namesakes(app, 4)
    app.config["TENANT_PRIVACY_SEARCH_LIMIT"] = 3
    assert login(client, "officer@fjord.test").status_code == 302
    page = client.get("/privacy/search?q=Kvernhusvik").get_data(as_text=True)
    assert 'id="tp-search-more"' in page
    assert "these are the first 3" in page and "narrow" in page
    app.config["TENANT_PRIVACY_SEARCH_LIMIT"] = 4  # all of them fit: no notice
    page = client.get("/privacy/search?q=Kvernhusvik").get_data(as_text=True)
    assert 'id="tp-search-more"' not in page and "Persons found: 4" in page
