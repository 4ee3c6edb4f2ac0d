"""``bench/fingerprint.py`` still runs, and its digests are stable between runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "bench/fingerprint.py", "--sets", "norwegian-7000"]
        + ["--size", "300", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (line,) = [json.loads(x) for x in done.stdout.splitlines() if x.strip()]
    return line


def test_fingerprint_bench_prints_the_same_digests_twice() -> None:
    first, second = _run(), _run()
    assert first["records"] == 300 and first["blocked_pairs"] > 0
    assert first["digests"] == second["digests"]
    assert set(first["digests"]) == {"records", "keys", "readings", "pairs"}
