"""``privacy subject show|link|undo``: output, exit codes, audit, tenants; finding
the people of an ``--email`` writes nothing until a command acts on them."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tenant_privacy.models import AuditEvent
from tenant_privacy.models import MergeRecord
from tenant_privacy.models import Subject
from tenant_privacy.models import SubjectRecord
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_invoice
from tests.linking_helpers import add_lead
from tests.linking_helpers import grouping

EMAIL = "Synnove.Lokken@Example.no"


@pytest.fixture
def people(app):
    """Fjord: a contact and a lead with the same address (two subjects until linked),
    a family address shared by two people, and the same address in nordlys."""
    from demo.models import db

    with app.app_context():
        contact = add_contact("fjord", "Synnøve", "Løkken", email=EMAIL)
        lead = add_lead(
            "fjord", "Synnove", "Lokken", email=" synnove.lokken@example.NO "
        )
        add_invoice("fjord", contact, "99.90", "S-1")
        mum = add_contact("fjord", "Turid", "Berg", email="berg.family@example.no")
        kid = add_contact("fjord", "Emma", "Berg", email="berg.family@example.no")
        elsewhere = add_contact("nordlys", "Synnøve", "Løkken", email=EMAIL)
        db.session.commit()
        return {
            "contact": contact,
            "lead": lead,
            "mum": mum,
            "kid": kid,
            "elsewhere": elsewhere,
        }


def _ref(ref):
    return f"{ref[0]}:{ref[1]}"


def test_link_show_undo(app, runner, people) -> None:
    contact, lead = _ref(people["contact"]), _ref(people["lead"])
    # before linking, the address belongs to two subjects: ambiguous
    result = runner.invoke(
        args=["privacy", "subject", "show", "--tenant", "fjord", "--email", EMAIL]
    )
    assert result.exit_code == 3, result.output
    assert contact in result.output and lead in result.output
    with app.app_context():
        from demo.models import db

        before = grouping(db.session, "fjord")

    result = runner.invoke(
        args=["privacy", "subject", "link", "--tenant", "fjord", contact, lead, "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "Linked into subject" in result.output

    result = runner.invoke(
        args=["privacy", "subject", "show", "--tenant", "fjord", "--email", EMAIL]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "registrations: 2" in out
    assert f"contact (1): {contact}" in out and f"lead (1): {lead}" in out
    assert "invoice (1): invoice:" in out
    assert "Synn" not in out  # ids and counts only

    with app.app_context():
        from demo.models import db

        merge = db.session.scalars(sa.select(MergeRecord)).one()
        assert merge.actor == "operator"
        viewed = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "subject.viewed")
        ).all()
        assert [e.actor for e in viewed] == ["operator"]
        assert viewed[0].subject_id == merge.subject_id
        merge_id = merge.id

    result = runner.invoke(
        args=["privacy", "subject", "undo", "--tenant", "fjord", str(merge_id), "--yes"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        from demo.models import db

        after = grouping(db.session, "fjord")
    # as before the link: each record a person of its own (the show made no rows)
    assert before == {}
    assert after.keys() == {people["contact"], people["lead"]}
    assert len(set(after.values())) == 2
    result = runner.invoke(
        args=["privacy", "subject", "undo", "--tenant", "fjord", str(merge_id), "--yes"]
    )
    assert result.exit_code == 1
    assert "already undone" in result.output


def test_show_json(runner, people) -> None:
    result = runner.invoke(
        args=[
            "privacy",
            "subject",
            "show",
            "--tenant",
            "nordlys",
            "--email",
            EMAIL.upper(),
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["refs"] == [_ref(people["elsewhere"])]
    assert data["tenant"] == "nordlys"


def test_family_address_is_ambiguous_unless_all(runner, people) -> None:
    args = [
        "privacy",
        "subject",
        "show",
        "--tenant",
        "fjord",
        "--email",
        "berg.family@example.no",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 3
    assert _ref(people["mum"]) in result.output and _ref(people["kid"]) in result.output
    result = runner.invoke(args=[*args, "--all"])
    assert result.exit_code == 0, result.output
    assert "Acting on all 2 data subjects" in result.output
    assert result.output.count("registrations: 1") == 2


@pytest.mark.parametrize(
    "args, code",
    [
        (["show", "--tenant", "fjord", "--email", "nobody@example.no"], 2),
        (["show", "--tenant", "nosuch", "--email", EMAIL], 2),
        (["show", "--tenant", "fjord", "--email", "not-an-address"], 1),
        (["link", "--tenant", "fjord", "contact:1", "--yes"], 1),
        (["link", "--tenant", "fjord", "contact", "lead:1", "--yes"], 1),
        (["link", "--tenant", "fjord", "contact:1", "contact:99999", "--yes"], 2),
        (["link", "--tenant", "nosuch", "contact:1", "contact:2", "--yes"], 2),
        (["undo", "--tenant", "fjord", "99999", "--yes"], 2),
    ],
)
def test_bad_input_exit_codes(runner, people, args, code) -> None:
    result = runner.invoke(args=["privacy", "subject", *args])
    assert result.exit_code == code, result.output


def test_link_across_tenants_is_refused(app, runner, people) -> None:
    args = [
        "privacy",
        "subject",
        "link",
        "--tenant",
        "fjord",
        _ref(people["contact"]),
        _ref(people["elsewhere"]),
        "--yes",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    with app.app_context():
        from demo.models import db

        assert db.session.scalar(sa.select(sa.func.count(MergeRecord.id))) == 0


def test_link_without_yes_asks_and_changes_nothing(app, runner, people) -> None:
    args = [
        "privacy",
        "subject",
        "link",
        "--tenant",
        "fjord",
        _ref(people["contact"]),
        _ref(people["lead"]),
    ]
    result = runner.invoke(args=args, input="n\n")
    assert result.exit_code == 1
    with app.app_context():
        from demo.models import db

        assert db.session.scalar(sa.select(sa.func.count(MergeRecord.id))) == 0


# -- reading creates no subject --------------------------------------------------
def _subject_rows(app) -> tuple[int, int]:
    from demo.models import db

    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(Subject)),
            db.session.scalar(sa.select(sa.func.count()).select_from(SubjectRecord)),
        )


def _show(runner, tenant: str, email: str, *extra: str):
    return runner.invoke(
        args=[
            "privacy",
            "subject",
            "show",
            "--tenant",
            tenant,
            "--email",
            email,
            *extra,
        ]
    )


def test_show_of_records_without_a_subject_writes_no_subject_and_says_the_same(
    app, runner, people
) -> None:
    before = _subject_rows(app)
    alone = _show(runner, "nordlys", EMAIL)
    family = _show(runner, "fjord", "berg.family@example.no", "--all")
    as_json = _show(runner, "nordlys", EMAIL, "--json")
    ambiguous = _show(runner, "fjord", EMAIL)
    assert [r.exit_code for r in (alone, family, as_json)] == [0, 0, 0]
    assert ambiguous.exit_code == 3
    assert _subject_rows(app) == before  # no subject, no link row
    elsewhere = _ref(people["elsewhere"])
    head, *details = alone.output.splitlines()
    assert head == f"record {elsewhere}, no data subject yet (active) in tenant nordlys"
    assert f"  {_ref(people['mum'])} (no data subject yet)" in family.output
    assert f"{_ref(people['contact'])} (no data subject yet)" in ambiguous.output
    assert json.loads(as_json.output)["subject_id"] is None
    with app.app_context():  # each read was audited, naming the record
        from demo.models import db

        viewed = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "subject.viewed")
        ).all()
        assert len(viewed) == 4 and viewed[0].record_refs == [list(people["elsewhere"])]
    # once the records have subjects (a link, an erasure...), show says the same
    with app.app_context():
        from demo.models import db
        from tests.conftest import scope_of

        scope = scope_of(app, "nordlys")
        sid = scope.subject_of(people["elsewhere"]).id
        for ref in (people["mum"], people["kid"]):
            scope_of(app, "fjord").subject_of(ref)
        db.session.commit()
    linked = _show(runner, "nordlys", EMAIL)
    assert linked.output.splitlines() == [
        f"subject {sid} (active) in tenant nordlys",
        *details,
    ]
    again = _show(runner, "fjord", "berg.family@example.no", "--all")
    assert _bodies(again.output) == _bodies(family.output)
    now = json.loads(_show(runner, "nordlys", EMAIL, "--json").output)
    then = json.loads(as_json.output)
    assert then["history"] == []  # as a subject made for the read had none
    for changed in ("subject_id", "created_at", "compiled_at", "history"):
        now.pop(changed), then.pop(changed)  # the text show above is in history
    assert now == then


def _bodies(output: str) -> list[str]:
    """The lines of ``show`` output but the ones naming a subject or a record."""
    return [
        line
        for line in output.splitlines()
        if not line.startswith(("subject ", "record ", "  subject ", "  contact:"))
    ]


#: Commands given the fjord address of two people without subjects, that do not
#: act: ambiguous, a dry run, answered "no", or nothing to do.
NOT_ACTING = [
    (["erase", "--email", EMAIL, "--dry-run"], None, 3),
    (["erase", "--email", EMAIL, "--all", "--dry-run"], None, 0),
    (["erase", "--email", EMAIL, "--all"], "n\n", 1),
    (["visibility", "set", "--email", EMAIL, "--all", "--hide", "phone"], "n\n", 1),
    (["visibility", "clear", "--email", EMAIL, "--all", "--yes"], None, 0),
    (["export", "request", "--email", EMAIL, "--all"], "n\n", 1),
]


@pytest.mark.parametrize("args, answer, code", NOT_ACTING)
def test_an_email_command_that_does_not_act_writes_no_subject(
    app, runner, people, args, answer, code
) -> None:
    before = _subject_rows(app)
    command = args[:2] if args[0] in ("visibility", "export") else args[:1]
    result = runner.invoke(
        args=["privacy", *command, "--tenant", "fjord", *args[len(command) :]],
        input=answer,
    )
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert _subject_rows(app) == before
