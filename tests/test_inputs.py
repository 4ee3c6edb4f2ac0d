"""The input layer (tenant_privacy.inputs) and the edge checks of the demo: each case
here answered 500 (or crashed a command) before (issue 12, item 5)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from tenant_privacy import inputs
from tenant_privacy.errors import InvalidInput


@pytest.mark.parametrize("raw", ["1", "007", 5, str(2**63 - 1)])
def test_int_id_accepts_ascii_digits_in_range(raw) -> None:
    assert inputs.int_id(raw) == int(raw)


@pytest.mark.parametrize(
    "raw", ["0", "-1", "+1", " 1", "１", "٥", "1.0", "", str(2**63), "9" * 10_000, True]
)
def test_int_id_refuses_the_rest(raw) -> None:
    with pytest.raises(InvalidInput, match="whole number from 1 to"):
        inputs.int_id(raw)


def test_date_arg_is_bounded_so_a_day_more_never_overflows() -> None:
    assert inputs.date_arg("2024-12-31") == dt.date(2024, 12, 31)
    assert inputs.date_arg(" ") is None
    assert inputs.MAX_DATE + dt.timedelta(days=1)  # does not overflow
    for raw in ("9999-12-31", "0001-01-01", "1899-12-31"):
        with pytest.raises(InvalidInput, match="from 1900-01-01 to 9998-12-31"):
            inputs.date_arg(raw)
    for raw in ("2024-02-30", "20241231", "2024-W01-1", "２０２４-01-01", "x\x00"):
        with pytest.raises(InvalidInput, match="like 2024-12-31"):
            inputs.date_arg(raw)


def test_text_arg_refuses_controls_trims_and_caps() -> None:
    assert inputs.text_arg("  a\tb\r\nc  ", 10) == "a\tb\nc"
    assert inputs.text_arg("\u202eabc\u200f", 10) == "\u202eabc\u200f"  # RTL marks
    assert inputs.text_arg(None, 3) == ""
    assert inputs.text_arg(" k ", 3, trim=False) == " k "
    for raw in ("a\x00b", "\x1b[31m", "a\x7f", "\udcff"):
        with pytest.raises(InvalidInput, match="not allowed"):
            inputs.text_arg(raw, 100)
    with pytest.raises(InvalidInput, match="at most 3 characters"):
        inputs.text_arg("abcd", 3)


def test_column_length_follows_the_table() -> None:
    from tenant_privacy.models import AuditEvent
    from tenant_privacy.models import SubjectRecord

    assert inputs.column_length(SubjectRecord, "record_id") == 64
    assert inputs.column_length(AuditEvent, "record_refs") is None


def test_ids_past_a_database_integer_are_404_on_every_id_route(app, login) -> None:
    """SQLite raised OverflowError for 2**63 on the scan and accept-job routes."""
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    staff = app.test_client()
    login(staff, "admin@fjord.test")
    for raw in (str(2**63), str(2**64), "１"):
        for client, url in (
            (officer, f"/privacy/duplicates/scans/{raw}"),
            (officer, f"/privacy/duplicates/accepts/{raw}"),
            (officer, f"/privacy/subjects/{raw}"),
            (staff, f"/contacts/{raw}"),
            (staff, f"/companies/{raw}"),
            (staff, f"/api/contacts/{raw}"),
        ):
            assert client.get(url).status_code == 404, url


def test_audit_until_the_last_day_is_400_with_the_reason(app, login) -> None:
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    response = officer.get("/privacy/audit?until=9999-12-31")
    assert response.status_code == 400
    assert "9998-12-31" in response.get_data(as_text=True)
    assert officer.get("/privacy/audit?actor=user:%00").status_code == 400


def test_the_demo_pages_overflowed_on_a_huge_page_number(app, login) -> None:
    admin = app.test_client()
    login(admin, "admin@fjord.test")
    assert admin.get(f"/contacts?page={2**63 - 1}").status_code == 200


@pytest.mark.postgres
def test_nul_bytes_and_long_values_are_400_on_postgresql(pg_app, login) -> None:
    """PostgreSQL refuses NUL in text and values longer than a VARCHAR: both were
    500s (search, notes, the lead form, the login)."""
    from demo.models import Lead
    from demo.models import db
    from tests.conftest import seed

    app = seed(pg_app)
    with app.app_context():
        leads = db.session.scalar(sa.select(sa.func.count()).select_from(Lead))
    officer = app.test_client()
    login(officer, "officer@fjord.test")
    assert officer.get("/privacy/search?q=ab%00cd").status_code == 400
    assert officer.get("/privacy/records/lead/1%00").status_code == 400
    anonymous = app.test_client()
    for form in (
        {"first_name": "Ola\x00", "last_name": "N", "email": "o@n.no"},
        {"first_name": "O" * 101, "last_name": "N", "email": "o@n.no"},
    ):
        response = anonymous.post("/forms/fjord/lead", data=form)
        assert response.status_code == 400
        assert "First name" in response.get_data(as_text=True)
    assert anonymous.get("/forms/fj%00ord/lead").status_code == 404
    assert login(anonymous, "a\x00@fjord.test").status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == leads


def test_csv_import_refuses_long_values_row_by_row_and_writes_nothing(
    app, login
) -> None:
    from demo.models import Contact
    from demo.models import db

    admin = app.test_client()
    login(admin, "admin@fjord.test")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
    text = (
        "first_name,last_name,city\n"
        "Ola,Nordmann,Oslo\n"
        f"Kari,{'N' * 101},Bergen\n"
        "Per,Hansen,Tromsø\x00\n"
    )
    response = admin.post(
        "/import",
        data={"file": (io.BytesIO(text.encode()), "c.csv")},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3: last_name is too long: at most 100 characters." in page
    assert "Line 4: city contains characters that are not allowed." in page
    assert "Nothing was imported." in page
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))
    assert after == before


def test_a_request_over_the_limit_is_413_with_a_clear_page(make_app, login) -> None:
    from tests.conftest import seed

    app = seed(make_app(DEMO_UPLOAD_MAX_BYTES=1000))
    admin = app.test_client()
    login(admin, "admin@fjord.test")
    response = admin.post(
        "/import", data={"file": (io.BytesIO(b"x" * 200_000), "big.csv")}
    )
    assert response.status_code == 413
    assert "Send at most" in response.get_data(as_text=True)


def test_cli_refuses_hostile_arguments_before_the_database(app, runner) -> None:
    for args in (
        ["privacy", "tenant", "enable", "fj\x00ord", "--yes"],
        ["privacy", "subject", "show", "--tenant", "fjord", "--email", "a\x00@b.no"],
        ["privacy", "subject", "undo", "--tenant", "fjord", str(2**63), "--yes"],
        ["privacy", "duplicates", "reject", "--tenant", "fjord", "-1", "--yes"],
        ["privacy", "duplicates", "list", "--tenant", "fjord", "--limit", "9" * 30],
        ["privacy", "audit", "export", "--tenant", "fjord", "--output", "a\x00"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
