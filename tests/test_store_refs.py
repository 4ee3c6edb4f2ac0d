"""Record refs have one canonical form (issue 12, item 1).

``int()`` accepts ``05``, ``0_5``, `` 5``, ``+5`` and ``５``; when the raw string was
stored, each of those spellings of contact 5 became a subject of its own. Every way
a ref comes in (pages, linking, the CLI, matching) now goes through
:func:`tenant_privacy.store.refs.canonical_id`, and the database refuses a record id
that is empty or padded with whitespace.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tenant_privacy.errors import InvalidInput
from tenant_privacy.errors import NotFound
from tenant_privacy.models import BlockingKey
from tenant_privacy.models import MatchRecord
from tenant_privacy.models import Subject
from tenant_privacy.models import SubjectRecord
from tenant_privacy.services import duplicates
from tenant_privacy.services import linking
from tenant_privacy.store.refs import MAX_INT_ID
from tenant_privacy.store.refs import canonical_id
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_lead
from tests.linking_helpers import scope_of

OFFICER = "officer@fjord.test"

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def variants(record_id: str) -> list[str]:
    """Spellings of *record_id* that ``int()`` reads as the same number."""
    return [
        "0" + record_id,
        "00" + record_id,
        f"0_{record_id}",
        " " + record_id,
        record_id + " ",
        "+" + record_id,
        record_id.translate(FULL_WIDTH),
        f"\t{record_id}\n",
    ]


@pytest.fixture
def contact(any_db_app) -> tuple[str, str]:
    """A fresh fjord contact that has no subject yet."""
    from demo.models import db

    with any_db_app.app_context():
        ref = add_contact("fjord", "Kari", "Nordmann", email="kari@example.no")
        db.session.commit()
    return ref


@pytest.fixture
def officer(any_db_app, login):
    client = any_db_app.test_client()
    assert login(client, OFFICER).status_code == 302
    return client


def _links_of_contact(app, record_id: str) -> list[tuple[str, int]]:
    """``(stored record_id, subject_id)`` of every link row that means *record_id*."""
    from demo.models import db

    with app.app_context():
        rows = db.session.execute(
            sa.select(SubjectRecord.record_id, SubjectRecord.subject_id).where(
                SubjectRecord.tenant_key == "fjord",
                SubjectRecord.source_key == "contact",
            )
        ).all()
    out = []
    for stored, subject_id in rows:
        try:
            same = int(stored) == int(record_id)
        except ValueError:
            same = False
        if same:
            out.append((stored, subject_id))
    return out


def _subject_count(app) -> int:
    from demo.models import db

    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Subject)
            .where(Subject.tenant_key == "fjord")
        )


# -- the probe of the issue: pages -------------------------------------------------
def _give_subject(app, ref) -> None:
    from demo.models import db

    with app.app_context():
        app.extensions["tenant_privacy"].scope("fjord").subject_of(ref)
        db.session.commit()


def test_spellings_of_one_record_never_make_a_second_subject(
    any_db_app, officer, contact
) -> None:
    record_id = contact[1]
    before = _subject_count(any_db_app)
    for raw in [record_id, *variants(record_id)]:  # a GET creates no subject at all
        resp = officer.get(f"/privacy/records/contact/{quote(raw)}")
        assert resp.status_code in (200, 404), (raw, resp.status_code)
    assert _subject_count(any_db_app) == before
    _give_subject(any_db_app, contact)
    subject_urls = set()
    for raw in [record_id, *variants(record_id)]:
        resp = officer.get(f"/privacy/records/contact/{quote(raw)}")
        assert resp.status_code in (302, 404), (raw, resp.status_code)
        if resp.status_code == 302:
            subject_urls.add(resp.headers["Location"])
    assert len(subject_urls) == 1
    assert _links_of_contact(any_db_app, record_id) == [
        (record_id, _links_of_contact(any_db_app, record_id)[0][1])
    ]
    assert _subject_count(any_db_app) == before + 1


def test_leading_zeros_lead_to_the_same_subject(any_db_app, officer, contact):
    _give_subject(any_db_app, contact)
    first = officer.get(f"/privacy/records/contact/{contact[1]}")
    again = officer.get(f"/privacy/records/contact/00{contact[1]}")
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]


@pytest.mark.parametrize(
    "raw",
    [
        str(2**63),
        str(2**64),
        "99999999999999999999",
        "-1",
        "-0",
        "0x5",
        "5.0",
        "1e3",
        "",
        "５",
        "٥",  # an Arabic-Indic five
        "²",
        "0" * 70 + "5",
    ],
)
def test_ids_no_integer_column_holds_are_404(any_db_app, officer, raw) -> None:
    before = _subject_count(any_db_app)
    resp = officer.get(f"/privacy/records/contact/{quote(raw)}")
    assert resp.status_code == 404
    assert _subject_count(any_db_app) == before


@pytest.mark.parametrize("subject_id", [str(2**63), "99999999999999999999"])
def test_subject_ids_beyond_the_column_are_404(officer, subject_id) -> None:
    assert officer.get(f"/privacy/subjects/{subject_id}").status_code == 404


# -- the store -----------------------------------------------------------------------
def test_canonical_id_of_an_integer_key(app) -> None:
    with app.app_context():
        source = scope_of(app, "fjord").person_source("contact")
    assert canonical_id(source, "5") == "5"
    assert canonical_id(source, "0") == "0"
    assert canonical_id(source, "000") == "0"
    assert canonical_id(source, "007") == "7"
    assert canonical_id(source, 7) == "7"
    assert canonical_id(source, str(MAX_INT_ID)) == str(MAX_INT_ID)
    for raw in [*variants("5")[2:], "", "-5", str(MAX_INT_ID + 1), True, 5.0, -1]:
        with pytest.raises(NotFound):
            canonical_id(source, raw)


def test_scope_reads_and_links_by_the_canonical_ref(app) -> None:
    from demo.models import db

    with app.app_context():
        contact = add_contact("fjord", "Ola", "Nordmann")
        scope = scope_of(app, "fjord")
        subject = scope.subject_of(("contact", "0" + contact[1]))
        assert scope.subject_of(contact).id == subject.id
        assert scope.link_of(("contact", "00" + contact[1])).subject_id == subject.id
        assert scope.link_of(("contact", " " + contact[1])) is None
        links = scope.links_of([("contact", "0" + contact[1]), ("contact", "-1")])
        assert list(links) == [contact]
        assert scope.ref("contact", "0" + contact[1]) == contact
        assert scope.record("contact", "0" + contact[1]).id == int(contact[1])
        rows = scope.records(scope.person_source("contact"), ["0" + contact[1], "x"])
        assert list(rows) == [contact[1]]
        with pytest.raises(NotFound):
            scope.subject_of(("contact", "+" + contact[1]))
        db.session.rollback()


def test_linking_stores_the_canonical_ref(app) -> None:
    from demo.models import db

    with app.app_context():
        contact = add_contact("fjord", "Per", "Hansen")
        lead = add_lead("fjord", "Per", "Hansen")
        scope = scope_of(app, "fjord")
        merge = linking.link_records(
            scope, "user:1", [f"contact:0{contact[1]}", ("lead", "00" + lead[1])]
        )
        assert sorted((p[0], p[1]) for p in merge.previous) in ([contact], [lead])
        refs = scope.subject_refs(scope.subject_of(contact))
        assert refs == sorted([contact, lead])
        with pytest.raises(InvalidInput):
            linking.link_records(
                scope, "user:1", [contact, ("contact", "0" + contact[1])]
            )
        with pytest.raises(NotFound):
            linking.link_records(scope, "user:1", [contact, ("lead", f" {lead[1]}")])
        assert linking.unlink_record(scope, "user:1", ("lead", "0" + lead[1]))
        db.session.rollback()


def test_cli_link_canonicalises_and_dedupes(app, runner) -> None:
    from demo.models import db

    with app.app_context():
        contact = add_contact("fjord", "Liv", "Berg")
        lead = add_lead("fjord", "Liv", "Berg")
        db.session.commit()
    args = ["privacy", "subject", "link", "--tenant", "fjord", "--yes"]
    same = runner.invoke(
        args=[*args, f"contact:{contact[1]}", f"contact:0{contact[1]}"]
    )
    assert same.exit_code == 1, same.output
    bad = runner.invoke(args=[*args, f"contact:{contact[1]}", "lead:٥"])
    assert bad.exit_code == 2, bad.output
    result = runner.invoke(args=[*args, f"contact:0{contact[1]}", f"lead:0{lead[1]}"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db.session.scalars(
            sa.select(SubjectRecord.record_id).where(
                SubjectRecord.tenant_key == "fjord",
                SubjectRecord.source_key.in_(["contact", "lead"]),
                SubjectRecord.record_id.in_([contact[1], lead[1]]),
            )
        ).all()
        assert sorted(stored) == sorted([contact[1], lead[1]])


def test_match_record_indexes_the_canonical_ref(app) -> None:
    from demo.models import db

    with app.app_context():
        contact = add_contact("fjord", "Siri", "Dahl", email="siri@example.no")
        scope = scope_of(app, "fjord")
        duplicates.match_record(scope, "contact", "0" + contact[1])
        for model in (BlockingKey, MatchRecord):
            ids = set(
                db.session.scalars(
                    sa.select(model.record_id).where(
                        model.tenant_key == "fjord", model.source_key == "contact"
                    )
                )
            )
            assert "0" + contact[1] not in ids
        assert duplicates.match_record(scope, "contact", "+" + contact[1]) == []
        db.session.rollback()


# -- the database ------------------------------------------------------------------
@pytest.mark.parametrize("record_id", ["", " 5", "5 ", "\t5", "5\n"])
def test_the_database_refuses_a_padded_or_empty_record_id(
    any_db_app, record_id
) -> None:
    from demo.models import db

    with any_db_app.app_context():
        subject = Subject(tenant_key="fjord", state="active")
        db.session.add(subject)
        db.session.flush()
        db.session.add(
            SubjectRecord(
                tenant_key="fjord",
                source_key="contact",
                record_id=record_id,
                subject_id=subject.id,
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_one_record_has_one_link_row(any_db_app, contact) -> None:
    from demo.models import db

    with any_db_app.app_context():
        scope = scope_of(any_db_app, "fjord")
        subject = scope.subject_of(contact)
        other = Subject(tenant_key="fjord", state="active")
        db.session.add(other)
        db.session.flush()
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.insert(SubjectRecord.__table__).values(
                    tenant_key="fjord",
                    source_key=contact[0],
                    record_id=contact[1],
                    subject_id=other.id,
                    linked_at=subject.created_at,
                )
            )
        db.session.rollback()
