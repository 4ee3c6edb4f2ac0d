"""The benchmarks under ``bench/`` still run and print their figures.

Each script runs in a subprocess at a tiny size (its figures mean nothing there);
the test checks that every JSON line it promises comes out, well formed. A bench
that no longer runs after an API change would otherwise only show at ``make bench``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_bench(*args: str, timeout: float = 300) -> list[dict[str, t.Any]]:
    """Run ``python bench/<args>`` from the project root; its JSON lines."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _is_fraction(value: t.Any) -> bool:
    return isinstance(value, float | int) and 0.0 <= value <= 1.0


def test_matching_bench_prints_quality_scale_and_incremental_lines() -> None:
    lines = run_bench("bench/matching.py", "--smoke", "--no-peers")
    ours = {d["dataset"]: d for d in lines if d.get("matcher") == "tenant_privacy"}
    assert {"norwegian-600", "norwegian-stress-600", "faker-norway-600"} <= set(ours)
    for d in ours.values():
        for part in ("pairwise", "closure"):
            assert all(_is_fraction(v) for v in d[part].values()), d
        assert d["seconds"] >= 0 and d["suggested"] > 0
    # a matcher that finds nothing would still print lines: the figures must be real
    assert ours["norwegian-600"]["closure"]["f1"] > 0.9
    scale = [d for d in lines if d["bench"] == "matching-scale"]
    assert [d["records"] for d in scale] == [1000]
    assert scale[0]["peak_rss_mb"] > 0
    (incremental,) = [d for d in lines if d["bench"] == "matching-incremental"]
    assert incremental["stored"] == 1000 and incremental["median_ms"] > 0


def test_matching_bench_runs_on_a_data_set_of_ones_own(tmp_path: Path) -> None:
    from devdata.synthetic import generate_registrations

    records, truth = generate_registrations(0, seed=3, n_registrations=400)[:2]
    prefix = tmp_path / "mine"
    with open(f"{prefix}.records.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, default=str) + "\n" for r in records)
    pairs = sorted(tuple(sorted(p)) for p in truth)
    with open(f"{prefix}.pairs.csv", "w", encoding="utf-8") as fh:
        fh.write("id_a,id_b\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    args = ("bench/matching.py", "--data", str(prefix), "--no-peers", "--rounds", "1")
    (line,) = run_bench(*args)
    assert line["dataset"] == "mine" and line["records"] == 400
    assert line["true_pairs"] == len(truth) > 0
    assert line["closure"]["f1"] > 0.9


def test_matching_bench_refuses_a_data_set_without_its_pairs(tmp_path: Path) -> None:
    (tmp_path / "half.records.jsonl").write_text("{}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "bench/matching.py", "--data", str(tmp_path / "half")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "half.pairs.csv is not a file" in done.stderr


def test_faker_norway_bench_prints_its_figures() -> None:
    (line,) = run_bench("bench/faker_norway.py", "--sizes", "600")
    assert line["records"] == 600 and line["true_pairs"] > 0
    assert line["closure"]["f1"] > 0.9


def test_incremental_bench_times_matches_through_the_database() -> None:
    (line,) = run_bench("bench/incremental.py", "--records", "1000", "--runs", "5")
    assert line["records"] == 1000 and line["runs"] == 5
    assert line["blocking_keys"] > 1000 and line["scan_suggestions"] > 0
    assert 0 < line["median_ms"] <= line["max_ms"]


@pytest.mark.postgres
def test_audit_bench_appends_and_verifies_on_both_databases(postgres_server) -> None:
    lines = run_bench(
        "bench/audit.py",
        "--pg-url",
        postgres_server.create_database(),
        "--appends",
        "30",
        "--verify-events",
        "500",
        "--repeat",
        "1",
    )
    appends = [d for d in lines if d["bench"] == "audit_append"]
    assert {d["db"] for d in appends} == {"sqlite", "postgresql"}
    assert all(d["chain_verified"] for d in appends)
    verifies = [d for d in lines if d["bench"] == "audit_verify"]
    assert {d["db"] for d in verifies} == {"sqlite", "postgresql"}


def test_search_bench_times_every_kind_of_query() -> None:
    lines = run_bench("bench/search.py", "--records", "1000", "--queries", "3")
    kinds = {d["query"]: d for d in lines}
    assert set(kinds) == {
        "name",
        "name_misspelt",
        "email",
        "email_start",
        "phone",
        "refs_by_email",
    }
    for d in kinds.values():
        assert d["records"] == 1000 and 0 < d["median_ms"] <= d["max_ms"]
    # the queries are taken from stored registrations: each finds someone
    assert all(kinds[k]["mean_hits"] >= 1 for k in ("name", "email", "phone"))


def test_visibility_bench_renders_the_page_with_and_without_rules() -> None:
    (line,) = run_bench(
        "bench/visibility.py", "--contacts", "3000", "--rules", "300", "--runs", "2"
    )
    assert line["bench"] == "visibility" and line["rows_on_page"] == 1000
    assert line["plain_ms"] > 0 and line["rules_ms"] > 0 and line["ratio"] > 0
    # the rules were applied: some values on the page are masked
    assert line["masked_on_page"] > 0
    assert line["contacts_with_subject"] == 300


def test_visibility_bench_links_every_contact_when_asked() -> None:
    (line,) = run_bench(
        "bench/visibility.py",
        *("--contacts", "3000", "--rules", "300", "--runs", "1", "--linked"),
    )
    # the demo seed's own contacts may have subjects too, so at least all of ours
    assert line["contacts_with_subject"] >= 3000
    assert line["masked_on_page"] > 0 and line["rows_on_page"] == 1000


def test_export_bench_builds_and_measures_each_size() -> None:
    small, larger = run_bench("bench/export.py", "--sizes", "100", "400")
    assert (small["records"], larger["records"]) == (101, 401)
    assert 0 < small["zip_bytes"] < larger["zip_bytes"]
    assert larger["peak_rss_mb"] > 0 and larger["records_growth"] == 4.0


@pytest.mark.redis
def test_worker_bench_drains_records_through_a_real_worker(redis_server) -> None:
    (line,) = run_bench(
        "bench/worker.py", "--records", "40", "--stored", "300", "--noop-jobs", "3"
    )
    assert line["records"] == 40 and line["jobs"] == 1 and line["failed_jobs"] == 0
    assert line["records_per_s"] > 0 and line["per_job_overhead_ms"] > 0


def test_staff_bench_times_the_pages_that_name_staff() -> None:
    (line,) = run_bench("bench/staff.py", "--users", "300", "--runs", "2")
    assert line["bench"] == "staff" and line["users"] == 300
    for key in ("subject_ms", "audit_ms", "roles_ms", "roles_search_ms"):
        assert line[key] > 0


def test_erasure_bench_erases_one_large_subject_and_a_bulk_batch() -> None:
    large, bulk = run_bench("bench/erasure.py", "--records", "200", "--subjects", "20")
    assert large["bench"] == "erasure-large" and large["erased"] == 1
    assert large["related_per_subject"] == 200
    assert bulk["bench"] == "erasure-bulk" and bulk["erased"] == bulk["subjects"] == 20
    for line in (large, bulk):
        assert line["seconds_per_subject"] > 0 and line["subjects_per_s"] > 0
        assert line["peak_mb"] > 0


def test_purpose_bench_proposes_every_contact_past_its_purpose() -> None:
    (line,) = run_bench("bench/purpose.py", "--contacts", "300")
    assert line["bench"] == "purpose-review" and line["contacts"] == 300
    # none had a subject: the review made one for each, and proposed them all
    assert line["proposed"] == line["subject_links"] == 300
    assert line["seconds"] > 0 and line["statements"] > 0 and line["peak_mb"] > 0
