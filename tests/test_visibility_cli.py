"""``privacy visibility set|clear|list``: rules from the command line."""

from __future__ import annotations

from tenant_privacy.services import visibility as vis
from tests.conftest import scope_of
from tests.linking_helpers import add_contact


def _person(app, tenant="fjord", email="vilde.cli@example.no"):
    from demo.models import db

    with app.app_context():
        ref = add_contact(tenant, "Vilde", "Klisjé", email=email)
        sid = scope_of(app, tenant).subject_of(ref).id
        db.session.commit()
        return sid


def _rules(app, sid, tenant="fjord"):
    with app.app_context():
        return vis.restrictions_of(scope_of(app, tenant), sid)


def test_set_list_clear(app, runner):
    sid = _person(app)
    _person(app, "nordlys")
    result = runner.invoke(
        args=[
            "privacy",
            "visibility",
            "set",
            "--tenant",
            "fjord",
            "--email",
            "Vilde.Cli@example.no",
            "--hide",
            "email,balance",
            "--except-role",
            "admin",
            "--except-user",
            "staff@fjord.test",
            "--yes",
        ]
    )
    assert result.exit_code == 0, result.output
    assert f"subject {sid}:" in result.output and "Kari Nordmann" in result.output
    rules = _rules(app, sid)
    assert set(rules) == {"email", "balance"}
    assert rules["email"].except_roles == frozenset({"admin"})
    listed = runner.invoke(args=["privacy", "visibility", "list", "--tenant", "fjord"])
    assert listed.exit_code == 0 and f"subject {sid} (contact:" in listed.output
    other = runner.invoke(args=["privacy", "visibility", "list", "--tenant", "nordlys"])
    assert "no visibility rules" in other.output
    person = runner.invoke(
        args=[
            "privacy",
            "visibility",
            "set",
            "--tenant",
            "fjord",
            "--email",
            "vilde.cli@example.no",
            "--hide-person",
            "--yes",
        ]
    )
    assert person.exit_code == 0, person.output
    assert set(_rules(app, sid)) == {"person"}
    cleared = runner.invoke(
        args=[
            "privacy",
            "visibility",
            "clear",
            "--tenant",
            "fjord",
            "--email",
            "vilde.cli@example.no",
            "--yes",
        ]
    )
    assert cleared.exit_code == 0 and "rules removed" in cleared.output
    assert _rules(app, sid) == {}


def test_bad_input_and_exit_codes(app, runner):
    sid = _person(app)
    base = ["privacy", "visibility", "set", "--tenant", "fjord", "--yes"]
    cases = [
        (["--email", "vilde.cli@example.no", "--hide", "shoe_size"], 2),
        (["--email", "vilde.cli@example.no"], 2),
        (["--email", "vilde.cli@example.no", "--hide", "email", "--hide-person"], 2),
        (["--email", "nobody@example.no", "--hide", "email"], 2),
        (
            [
                "--email",
                "vilde.cli@example.no",
                "--hide",
                "email",
                "--except-user",
                "x@y.no",
            ],
            2,
        ),
    ]
    for extra, code in cases:
        result = runner.invoke(args=base + extra)
        assert result.exit_code == code, (extra, result.output)
        assert "Traceback" not in result.output
    unknown = runner.invoke(
        args=["privacy", "visibility", "list", "--tenant", "nowhere"]
    )
    assert unknown.exit_code == 2
    assert _rules(app, sid) == {}


def test_two_subjects_need_all(app, runner):
    from demo.models import db

    with app.app_context():
        add_contact("fjord", "Anna", "Delt", email="shared.vis@example.no")
        add_contact("fjord", "Bror", "Delt", email="shared.vis@example.no")
        db.session.commit()
    args = [
        "privacy",
        "visibility",
        "set",
        "--tenant",
        "fjord",
        "--email",
        "shared.vis@example.no",
        "--hide",
        "phone",
        "--yes",
    ]
    assert runner.invoke(args=args).exit_code == 3
    result = runner.invoke(args=[*args, "--all"])
    assert result.exit_code == 0 and result.output.count("phone") == 2
