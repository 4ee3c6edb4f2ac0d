"""Fingerprints of what the matcher computes, and the time of its comparison step.

Run from the project root::

    .venv/bin/python bench/fingerprint.py [--sets febrl3 norwegian-7000 ...]

For each data set, one JSON line with sha256 digests of

- ``records``: every normalised record (``repr`` of each :class:`NormalizedRecord`);
- ``keys``: every record's sorted blocking keys;
- ``readings``: every blocked pair's ``compare_readings`` (log-odds ``repr``, the
  evidence in its order, the household flag), in both household readings;
- ``pairs``: what ``find_duplicates`` returns;

and the median of ``--rounds`` timings of ``compare_readings`` over all blocked
pairs (µs a pair, warm caches). Two versions of the matcher that print the same
digests compute the same scores and evidence bit for bit on that set. Not a test:
nothing here asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from devdata.synthetic import generate_registrations  # noqa: E402
from tenant_privacy.matching import blocking_keys  # noqa: E402
from tenant_privacy.matching import find_duplicates  # noqa: E402
from tenant_privacy.matching import normalize_record  # noqa: E402
from tenant_privacy.matching.blocking import candidate_pairs  # noqa: E402
from tenant_privacy.matching.scoring import compare_readings  # noqa: E402

FEBRL = Path(os.environ.get("FEBRL_DIR", "/work/shared/datasets/febrl"))
SETS = ("febrl1", "febrl3", "norwegian-7000", "norwegian-stress-7000", "faker-7000")


def load(name: str, size: int | None) -> list[dict[str, Any]]:
    """The records of the data set ``name`` (``size`` overrides the generated size)."""
    if name.startswith("febrl"):
        with open(FEBRL / f"{name}.records.jsonl", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        return records[:size] if size else records
    n = size or int(name.rsplit("-", 1)[1])
    if name.startswith("faker"):
        from faker_norway import generate

        return list(generate(n, seed=7)[0])
    stress = "stress" in name
    return list(generate_registrations(0, seed=1, n_registrations=n, stress=stress)[0])


def _digest(parts: list[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


def fingerprint(
    name: str, records: list[dict[str, Any]], rounds: int
) -> dict[str, Any]:
    """Digests and the comparison time of one data set (see the module docstring)."""
    nrs = [normalize_record(r) for r in records]
    pairs = sorted(candidate_pairs(nrs))
    readings = []
    for i, j in pairs:
        a, b = nrs[i], nrs[j]
        for households in (True, False):
            total, ev, sensitive = compare_readings(a, b, households=households)
            readings.append(f"{i} {j} {total!r} {list(ev.items())!r} {sensitive}")
    found = find_duplicates(records)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i, j in pairs:
            compare_readings(nrs[i], nrs[j])
        times.append(time.perf_counter() - start)
    return {
        "bench": "fingerprint",
        "dataset": name,
        "records": len(records),
        "blocked_pairs": len(pairs),
        "suggested": len(found),
        "digests": {
            "records": _digest([repr(nr) for nr in nrs]),
            "keys": _digest([repr(sorted(blocking_keys(nr))) for nr in nrs]),
            "readings": _digest(readings),
            "pairs": _digest([repr(p.to_dict()) for p in found]),
        },
        "compare_us_per_pair": round(
            statistics.median(times) / max(len(pairs), 1) * 1e6, 3
        ),
        "compare_us_runs": [round(s / max(len(pairs), 1) * 1e6, 3) for s in times],
    }


def main() -> None:
    """Parse arguments and print one line per data set."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    ap.add_argument("--size", type=int, help="records per set (default: all)")
    ap.add_argument("--rounds", type=int, default=5, help="timed comparison rounds")
    args = ap.parse_args()
    for name in args.sets:
        if name.startswith("febrl") and not (FEBRL / f"{name}.records.jsonl").exists():
            continue
        line = fingerprint(name, load(name, args.size), args.rounds)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
