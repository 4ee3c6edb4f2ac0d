"""One comparison gives one result in every process, whatever the hash seed.

Python randomises string hashes per process (``PYTHONHASHSEED``), so anything
that follows the iteration order of a set of strings may differ between a
scan's worker and the web process. Each case runs in subprocesses under
several seeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: "ivarlo" holds "ivar" + "lo" and overlaps "arlo": taking "arlo" out first
#: leaves "iv", taking "ivar" out first leaves nothing. Before the words were
#: ordered by (length, word), the answer and the email weight followed the seed.
PROBE = """
from tenant_privacy.matching import normalize_record
from tenant_privacy.matching.scoring import compare_readings
from tenant_privacy.matching.similarity import local_is_the_name

a = normalize_record(
    {"id": 1, "first_name": "Ivar", "last_name": "Lo", "email": "ivarlo@gmail.com"}
)
b = normalize_record(
    {"id": 2, "first_name": "Arlo", "last_name": "Lo", "email": "ivarlo@hotmail.com"}
)
print(local_is_the_name("ivarlo", a, b), repr(compare_readings(a, b)))
"""


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_email_local_part_reading_does_not_follow_the_hash_seed() -> None:
    # seeds 0 and 1 gave different answers before (False / True); the rest
    # make it near certain that any other set-order dependence shows too
    results = {seed: _run(seed) for seed in ("0", "1", "2", "3", "7")}
    assert len(set(results.values())) == 1, results
