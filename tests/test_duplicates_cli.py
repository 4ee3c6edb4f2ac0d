"""``privacy duplicates scan|list|accept|reject``."""

from __future__ import annotations

from tests import duplicates_helpers as h


def test_scan_shows_progress_and_stores_suggestions(app, runner):
    result = runner.invoke(args=["privacy", "duplicates", "scan", "--tenant", "fjord"])
    assert result.exit_code == 0, result.output
    assert "Scanning" in result.output
    assert "pending suggestions" in result.output
    assert h.suggestions(app, "fjord", "pending")


def test_list_prints_best_first_and_filters(app, runner):
    h.scan(app, "fjord")
    result = runner.invoke(args=["privacy", "duplicates", "list", "--tenant", "fjord"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines() if "\t" in line]
    scores = [float(line[1]) for line in lines]
    assert scores and scores == sorted(scores, reverse=True)
    result = runner.invoke(
        args=["privacy", "duplicates", "list", "--tenant", "fjord", "--min-score", "2"]
    )
    assert result.exit_code == 2  # out of range


def test_accept_and_reject_by_id(app, runner):
    h.scan(app, "fjord")
    first, second = h.suggestions(app, "fjord", "pending")[:2]
    args = ["privacy", "duplicates", "accept", "--tenant", "fjord", str(first.id)]
    result = runner.invoke(args=args, input="n\n")
    assert result.exit_code == 1
    assert [r.status for r in h.suggestions(app, "fjord") if r.id == first.id] == [
        "pending"
    ]
    result = runner.invoke(args=[*args, "--yes"])
    assert result.exit_code == 0, result.output
    assert f"suggestion {first.id}: accepted" in result.output
    result = runner.invoke(
        args=[
            "privacy",
            "duplicates",
            "reject",
            "--tenant",
            "fjord",
            str(second.id),
            "--yes",
        ]
    )
    assert result.exit_code == 0, result.output
    statuses = {r.id: r.status for r in h.suggestions(app, "fjord")}
    assert statuses[first.id] == "accepted" and statuses[second.id] == "rejected"


def test_accept_above(app, runner):
    h.scan(app, "fjord")
    expected = sum(1 for r in h.suggestions(app, "fjord", "pending") if r.score >= 0.9)
    result = runner.invoke(
        args=[
            "privacy",
            "duplicates",
            "accept",
            "--tenant",
            "fjord",
            "--above",
            "0.9",
            "--yes",
        ]
    )
    assert result.exit_code == 0, result.output
    assert f"{expected} suggestion(s) accepted" in result.output


def test_unknown_tenant_and_other_tenants_ids(app, runner):
    result = runner.invoke(args=["privacy", "duplicates", "list", "--tenant", "nope"])
    assert result.exit_code == 2
    h.scan(app, "nordlys")
    theirs = h.suggestions(app, "nordlys")[0]
    result = runner.invoke(
        args=[
            "privacy",
            "duplicates",
            "reject",
            "--tenant",
            "fjord",
            str(theirs.id),
            "--yes",
        ]
    )
    assert result.exit_code == 2
    assert [r.status for r in h.suggestions(app, "nordlys") if r.id == theirs.id] == [
        "pending"
    ]


def test_accept_needs_ids_or_above(app, runner):
    result = runner.invoke(
        args=["privacy", "duplicates", "accept", "--tenant", "fjord", "--yes"]
    )
    assert result.exit_code == 2


def test_scan_refuses_while_another_runs(app, runner):
    from demo.models import db
    from tenant_privacy.models import ScanJob

    with app.app_context():
        db.session.add(ScanJob(tenant_key="fjord", status="running", actor="t"))
        db.session.commit()
    result = runner.invoke(args=["privacy", "duplicates", "scan", "--tenant", "fjord"])
    assert result.exit_code == 1
    assert "already running" in result.output


def test_a_failed_scan_says_so_and_is_marked_failed(app, runner, monkeypatch):
    from tenant_privacy.services import duplicates

    def boom(*args, **kwargs):
        raise RuntimeError("no personal data here")

    monkeypatch.setattr(duplicates, "run_scan", boom)
    result = runner.invoke(args=["privacy", "duplicates", "scan", "--tenant", "fjord"])
    assert result.exit_code == 1
    assert "failed: RuntimeError" in result.stderr
    with app.app_context():
        scan = duplicates.latest_scan(h.scope(app, "fjord"))
        assert (scan.status, scan.error) == ("failed", "RuntimeError")
        assert scan.finished_at is not None
