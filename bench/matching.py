"""Benchmark of tenant_privacy.matching: quality, scale, incremental speed, peers.

Run from the project root::

    .venv/bin/python bench/matching.py [--quick]
    .venv/bin/python bench/matching.py --data path/to/myset   # myset.records.jsonl
                                                          # + myset.pairs.csv

Prints one JSON line per measurement. Peers (recordlinkage, splink) run when
importable (``pip install recordlinkage splink``, the ``bench`` extra); otherwise
their line carries an "error". Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devdata.synthetic import generate_registrations  # noqa: E402
from tenant_privacy.matching import blocking_keys  # noqa: E402
from tenant_privacy.matching import clear_caches  # noqa: E402
from tenant_privacy.matching import find_duplicates  # noqa: E402
from tenant_privacy.matching import match_one  # noqa: E402
from tenant_privacy.matching import normalize_record  # noqa: E402
from tenant_privacy.matching import transitive_closure  # noqa: E402
from tenant_privacy.matching.blocking import candidate_pairs  # noqa: E402

FEBRL = Path(os.environ.get("FEBRL_DIR", "/work/shared/datasets/febrl"))
Pair = frozenset[str]


def emit(obj: dict[str, Any]) -> None:
    """Print one JSON line and flush."""
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def load_data_set(
    prefix: Path, *, national_id: bool = True
) -> tuple[list[dict[str, Any]], set[Pair]]:
    """Records and true pairs of a data set in the FEBRL files' form.

    ``PREFIX.records.jsonl`` holds one record a line (the matching contract of
    DESIGN.md section 4), ``PREFIX.pairs.csv`` the true pairs (``id_a,id_b``,
    header first). Without ``national_id`` the field is dropped on reading.
    """
    records = []
    with open(f"{prefix}.records.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if not national_id:
                rec.pop("national_id", None)
            records.append(rec)
    with open(f"{prefix}.pairs.csv", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        next(rows)
        truth = {frozenset(row) for row in rows if row}
    return records, truth


def prf(pred: set[Pair], truth: set[Pair]) -> dict[str, float]:
    """Pairwise precision, recall and F1 rounded to 4 places."""
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def closure_pairs(pairs: Iterable[tuple[str, str]]) -> set[Pair]:
    """All pairs implied by merging the given pairs transitively."""
    out: set[Pair] = set()
    for cluster in transitive_closure(pairs):
        for x, y in itertools.combinations(sorted(cluster, key=str), 2):
            out.add(frozenset((x, y)))
    return out


def quality(pairs: list[tuple[str, str]], truth: set[Pair]) -> dict[str, Any]:
    """Pairwise and after-closure figures for suggested pairs."""
    pred = {frozenset(p) for p in pairs}
    return {
        "suggested": len(pred),
        "pairwise": prf(pred, truth),
        "closure": prf(closure_pairs(pairs), truth),
    }


Matched = tuple[list[tuple[str, str]], dict[str, Any]]
Loaded = tuple[Any, ...]
Matcher = Callable[[list[dict[str, Any]], set[Pair]], Matched]


class Stopwatch:
    """Wall-clock and CPU seconds of one timed run (``with Stopwatch() as t``).

    CPU time is the steadier figure on a shared machine (time other processes
    take is not counted); wall time is what a user waits. Splink runs DuckDB on
    several threads, so its CPU seconds exceed its wall seconds.
    """

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._wall
        self.cpu_seconds = time.process_time() - self._cpu

    def figures(self) -> dict[str, float]:
        """{"seconds": wall, "cpu_seconds": cpu} of the finished run."""
        return {"seconds": self.seconds, "cpu_seconds": self.cpu_seconds}


def match_ours(records: list[dict[str, Any]], truth: set[Pair]) -> Matched:
    """find_duplicates, timed (the caller empties the caches first)."""
    with Stopwatch() as watch:
        pairs = find_duplicates(records)
    return [(p.a, p.b) for p in pairs], watch.figures()


def ours_extras(
    records: list[dict[str, Any]], pairs: list[tuple[str, str]], truth: set[Pair]
) -> dict[str, Any]:
    """What only our line carries: blocking recall and findable-pair recall."""
    return {
        "true_pairs": len(truth),
        "blocking_recall": blocking_recall(records, truth),
        **findable(pairs, records, truth),
    }


def compare_matchers(
    dataset: str,
    records: list[dict[str, Any]],
    truth: set[Pair],
    matchers: dict[str, Matcher],
    rounds: int,
) -> None:
    """Run every matcher ``rounds`` times, alternating, and print one line each.

    Alternating rounds keep a busy minute on a shared machine from favouring one
    matcher; "seconds" (wall) and "cpu_seconds" are medians of the rounds,
    "seconds_runs" and "cpu_seconds_runs" every round, after one untimed
    warm-up each on 200 records. Every timed run starts from empty normaliser
    caches. The quality figures are those of the last round. A matcher that
    fails prints its error and leaves the rounds. When ours and recordlinkage
    both ran every round, a last line gives our median time as a share of
    recordlinkage's.
    """
    runs: dict[str, list[float]] = {name: [] for name in matchers}
    cpu: dict[str, list[float]] = {name: [] for name in matchers}
    for match in matchers.values():
        # untimed warm-up on a slice: imports and one-off set-up of each library
        with contextlib.suppress(Exception):
            match(records[:200], truth)
    last: dict[str, Matched] = {}
    failed: set[str] = set()
    for _ in range(rounds):
        for name, match in matchers.items():
            if name in failed:
                continue
            # every matcher starts cold, as a fresh scan in a fresh worker:
            # the peers' frames come from our normaliser, whose memo caches
            # the previous matcher's run would otherwise have filled for them
            clear_caches()
            try:
                last[name] = match(records, truth)
            except Exception as exc:  # noqa: BLE001 - a peer failing must not stop us
                failed.add(name)
                emit(
                    {
                        "bench": "matching",
                        "dataset": dataset,
                        "matcher": name,
                        "error": f"{type(exc).__name__}: {exc}"[:300],
                    }
                )
                continue
            runs[name].append(last[name][1]["seconds"])
            cpu[name].append(last[name][1]["cpu_seconds"])
    for name in matchers:
        if name in failed:
            continue
        pairs, info = last[name]
        line = {
            "bench": "matching",
            "dataset": dataset,
            "matcher": name,
            "records": len(records),
            **quality(pairs, truth),
            **{k: v for k, v in info.items() if k not in ("seconds", "cpu_seconds")},
        }
        if name == "tenant_privacy":
            line.update(ours_extras(records, pairs, truth))
        line["seconds"] = round(statistics.median(runs[name]), 3)
        line["cpu_seconds"] = round(statistics.median(cpu[name]), 3)
        if rounds > 1:
            line["seconds_runs"] = [round(t, 3) for t in runs[name]]
            line["cpu_seconds_runs"] = [round(t, 3) for t in cpu[name]]
        emit(line)
    if all(
        m in matchers and m not in failed for m in ("tenant_privacy", "recordlinkage")
    ):
        ours, theirs = runs["tenant_privacy"], runs["recordlinkage"]
        ours_cpu, theirs_cpu = cpu["tenant_privacy"], cpu["recordlinkage"]
        emit(
            {
                "bench": "matching",
                "dataset": dataset,
                "time_vs_recordlinkage": _share(ours, theirs),
                "cpu_time_vs_recordlinkage": _share(ours_cpu, theirs_cpu),
                "faster_in_rounds": sum(
                    a < b for a, b in zip(ours, theirs, strict=True)
                ),
                "rounds": rounds,
            }
        )


def _share(ours: list[float], theirs: list[float]) -> float:
    """Our median time as a share of theirs, two places."""
    return round(statistics.median(ours) / statistics.median(theirs), 2)


def _evidence(nr: Any) -> set[str]:
    vals = {f"e{nr.email}", f"p{nr.phone}", f"b{nr.birth_date}", f"i{nr.national_id}"}
    if nr.street and nr.postcode:
        vals.add(f"s{nr.street}|{nr.postcode}")
    return {v for v in vals if not v.endswith("None")}


def findable(
    pairs: list[tuple[str, str]], records: list[dict[str, Any]], truth: set[Pair]
) -> dict[str, Any]:
    """True pairs sharing an identifying value besides the name, and their recall.

    A pair of registrations that share only a (common) name cannot be told from
    namesakes by any matcher; they stay in the truth (real data has them) but
    this figure shows how much of the miss is unavoidable.
    """
    ev = {r["id"]: _evidence(normalize_record(r)) for r in records}
    ok = {p for p in truth if _shares(p, ev)}
    cl = closure_pairs(pairs)
    return {
        "findable_true_pairs": len(ok),
        "closure_recall_findable": round(len(cl & ok) / len(ok), 4) if ok else 1.0,
    }


def _shares(pair: Pair, ev: dict[Any, set[str]]) -> bool:
    x, y = tuple(pair)
    return bool(ev[x] & ev[y])


def blocking_recall(records: list[dict[str, Any]], truth: set[Pair]) -> float:
    """Share of true pairs that blocking ever offers to the scorer (4 places)."""
    nrs = [normalize_record(r) for r in records]
    cands = {frozenset((nrs[i].id, nrs[j].id)) for i, j in candidate_pairs(nrs)}
    return round(len(truth & cands) / len(truth), 4) if truth else 1.0


# ---------------------------------------------------------------- peers
_PEER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "street",
    "postcode",
    "city",
    "national_id",
)


def _frame(records: list[dict[str, Any]]) -> Any:
    """The peers' input: our normalised values (inside their timed run, printed
    apart as "frame_seconds" so that their matching alone can be read off)."""
    import pandas as pd

    rows = []
    for rec in records:
        nr = normalize_record(rec)
        # peers get the same cleaned values we use (fair comparison of matching)
        rows.append(
            {
                "unique_id": str(rec["id"]),
                "first_name": " ".join(nr.first) or None,
                "last_name": " ".join(nr.last) or None,
                "email": nr.email,
                "phone": nr.phone,
                "birth_date": nr.birth_date,
                "street": " ".join((*nr.house, nr.street or "")).strip() or None,
                "postcode": nr.postcode,
                "city": nr.city,
                "national_id": nr.national_id,
            }
        )
    return pd.DataFrame(rows)


def _present(df: Any) -> list[str]:
    return [c for c in _PEER_FIELDS if c in df and df[c].notna().any()]


def match_recordlinkage(records: list[dict[str, Any]], truth: set[Pair]) -> Matched:
    """The classic recordlinkage pipeline: multi-key blocking, JW, ECM."""
    import recordlinkage as rl

    with Stopwatch() as watch:
        with Stopwatch() as framing:
            df = _frame(records).set_index("unique_id")
        cols = _present(df)
        df["fi"] = df["first_name"].str[:1]
        df["li"] = df["last_name"].str[:1]
        links = None
        blocks = [
            ["first_name", "last_name"],
            ["birth_date", "fi"],
            ["birth_date", "li"],
            ["postcode", "li"],
        ]
        blocks += [[c] for c in ("email", "phone", "national_id") if c in cols]
        for keys in blocks:
            indexer = rl.Index()
            indexer.block(keys)
            got = indexer.index(df)
            links = got if links is None else links.union(got)
        comp = rl.Compare()
        for c in ("first_name", "last_name", "street", "city"):
            if c in cols:
                comp.string(c, c, method="jarowinkler", threshold=0.85, label=c)
        for c in ("birth_date", "postcode", "email", "phone", "national_id"):
            if c in cols:
                comp.exact(c, c, label=c)
        features = comp.compute(links, df)
        ecm = rl.ECMClassifier(binarize=None)
        matches = ecm.fit_predict(features)
        pairs = [(str(a), str(b)) for a, b in matches]
    return pairs, {
        "candidates": len(links),
        "frame_seconds": round(framing.seconds, 3),
        **watch.figures(),
    }


def match_splink(records: list[dict[str, Any]], truth: set[Pair]) -> Matched:
    """Splink (DuckDB): block rules, standard comparisons, u sampling + EM."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI
    from splink import Linker
    from splink import SettingsCreator
    from splink import block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    with Stopwatch() as watch:
        with Stopwatch() as framing:
            df = _frame(records)
        cols = _present(df)
        comparisons = [cl.NameComparison("first_name"), cl.NameComparison("last_name")]
        if "birth_date" in cols:
            comparisons.append(cl.LevenshteinAtThresholds("birth_date", [1, 2]))
        for c in ("street", "city"):
            if c in cols:
                comparisons.append(cl.JaroWinklerAtThresholds(c, [0.9, 0.8]))
        for c in ("postcode", "email", "phone", "national_id"):
            if c in cols:
                comparisons.append(cl.ExactMatch(c))
        rules = [
            block_on("first_name", "last_name"),
            block_on("birth_date"),
            block_on("postcode", "substr(last_name, 1, 1)"),
        ]
        rules += [block_on(c) for c in ("email", "phone", "national_id") if c in cols]
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=rules,
        )
        db_api = DuckDBAPI()
        linker = Linker(db_api.register(df), settings, log_level=logging.ERROR)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "last_name", "birth_date")], recall=0.7
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("birth_date")
        )
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode")
        )
        pred = linker.inference.predict(
            threshold_match_probability=0.5
        ).as_pandas_dataframe()
        pairs = list(
            zip(
                pred["unique_id_l"].astype(str),
                pred["unique_id_r"].astype(str),
                strict=True,
            )
        )
    return pairs, {"frame_seconds": round(framing.seconds, 3), **watch.figures()}


PEERS = {"recordlinkage": match_recordlinkage, "splink": match_splink}


# ---------------------------------------------------------------- scale
def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> float:
    """Reset the kernel's peak-RSS mark (Linux) and return the current RSS in MB."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS") or 0.0


def _peak_mb() -> float:
    """Peak RSS of this process in MB (VmHWM, else ru_maxrss)."""
    hwm = _status_mb("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_child(n: int) -> None:
    """Inside a fresh process: time find_duplicates on n registrations."""
    records, truth = generate_registrations(0, seed=n, n_registrations=n)
    _reset_peak()
    start = time.perf_counter()
    pairs = find_duplicates(records)
    elapsed = time.perf_counter() - start
    peak_mb = _peak_mb()
    emit(
        {
            "bench": "matching-scale",
            "records": n,
            "seconds": round(elapsed, 2),
            "peak_rss_mb": round(peak_mb, 1),
            "suggested": len(pairs),
            "us_per_record": round(elapsed / n * 1e6, 1),
            **quality([(p.a, p.b) for p in pairs], truth),
        }
    )


#: Limits of a peer run on a large data set (a child process): seconds, bytes.
PEER_LIMITS = (180, 8 * 1024**3)


#: Peers race us in-process on sets up to this size; above it they run bounded.
PEER_MAX_RECORDS = 10000


def _peer_set(kind: str, arg: str) -> tuple[str, list[dict[str, Any]], set[Pair]]:
    """The set a bounded peer child runs on: ``norwegian N`` or ``data PREFIX``."""
    if kind == "data":
        prefix = Path(arg)
        return (prefix.name, *load_data_set(prefix))
    n = int(arg)
    return (f"norwegian-{n}", *generate_registrations(0, seed=1, n_registrations=n)[:2])


def peer_child(matcher: str, kind: str, arg: str) -> None:
    """Inside a fresh process with a memory limit: one peer on one set."""
    label, records, truth = _peer_set(kind, arg)
    compare_matchers(label, records, truth, {matcher: PEERS[matcher]}, 1)


def run_peers_bounded(label: str, kind: str, arg: str) -> None:
    """Peers on one set in child processes, stopped at :data:`PEER_LIMITS`."""
    seconds, memory = PEER_LIMITS

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    for matcher in ("recordlinkage", "splink"):
        base = {"bench": "matching", "dataset": label, "matcher": matcher}
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--peer-child", matcher, kind, arg],
                check=False,
                timeout=seconds,
                preexec_fn=limit,
                capture_output=True,
                text=True,
            )
        except subprocess.TimeoutExpired:
            emit({**base, "error": f"not finished after {seconds} s"})
            continue
        lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
        if lines:
            line = json.loads(lines[-1])
            if "error" in line:
                elapsed = round(time.perf_counter() - start, 1)
                line["error"] += f" after {elapsed} s, limit {memory // 1024**3} GB"
            emit(line)
        else:
            elapsed = round(time.perf_counter() - start, 1)
            emit(
                {
                    **base,
                    "error": f"failed after {elapsed} s within {memory // 1024**3} GB"
                    f" (exit {done.returncode})",
                }
            )


def run_scale(sizes: list[int]) -> None:
    """One subprocess per size so peak memory is per size."""
    for n in sizes:
        subprocess.run([sys.executable, __file__, "--scale-child", str(n)], check=False)


def run_incremental(n: int, probes: int = 200) -> None:
    """Time match_one of new registrations against blocked candidates."""
    records, _ = generate_registrations(0, seed=99, n_registrations=n + probes)
    stored, new = records[:n], records[n:]
    index: dict[str, list[Any]] = {}
    start = time.perf_counter()
    normed = [normalize_record(r) for r in stored]
    for nr in normed:
        for key in blocking_keys(nr):
            index.setdefault(key, []).append(nr)
    build = time.perf_counter() - start
    times: list[float] = []
    found = 0
    cands_seen: list[int] = []
    for rec in new:
        t0 = time.perf_counter()
        nr = normalize_record(rec)
        cands: dict[Any, Any] = {}
        for key in blocking_keys(nr):
            for c in index.get(key, ()):
                cands[c.id] = c
        found += len(match_one(nr, cands.values()))
        times.append((time.perf_counter() - t0) * 1000)
        cands_seen.append(len(cands))
    times.sort()
    emit(
        {
            "bench": "matching-incremental",
            "stored": n,
            "probes": probes,
            "index_build_seconds": round(build, 2),
            "median_ms": round(statistics.median(times), 3),
            "p95_ms": round(times[int(0.95 * len(times)) - 1], 3),
            "max_ms": round(times[-1], 3),
            "median_candidates": statistics.median(cands_seen),
            "suggested": found,
        }
    )


def main() -> None:
    """Parse arguments and run the selected benchmarks."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, FEBRL1 only: the bench runs (its figures mean nothing)",
    )
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="timed rounds per matcher on sets up to 10k (alternating; median)",
    )
    ap.add_argument(
        "--only",
        nargs="+",
        metavar="DATA_SET",
        help="only these data sets (e.g. febrl3 norwegian-7000); no scale runs",
    )
    ap.add_argument(
        "--data",
        nargs="+",
        metavar="PREFIX",
        type=Path,
        help="only these data sets of your own: PREFIX.records.jsonl and "
        "PREFIX.pairs.csv, as the FEBRL files (with peers; no scale runs)",
    )
    ap.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--peer-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scale_child:
        scale_child(args.scale_child)
        return
    if args.peer_child:
        peer_child(*args.peer_child)
        return
    peers = {} if args.no_peers else PEERS
    rounds = 1 if args.smoke else args.rounds

    # (label, loader, where the peers run at scale): loaded only when selected;
    # peers race us on every set up to PEER_MAX_RECORDS
    sets: list[tuple[str, Callable[[], Loaded], tuple[str, str] | None]] = []
    for name in ("febrl1",) if args.smoke else ("febrl1", "febrl3"):
        if (FEBRL / f"{name}.records.jsonl").exists():
            for nid in (True, False):
                label = f"{name}{'' if nid else '-no-national-id'}"
                load = partial(load_data_set, FEBRL / name, national_id=nid)
                sets.append((label, load, None))
    sizes = [600] if args.smoke else [7000] if args.quick else [7000, 90000]
    # an independent generator (Faker no_NO, written apart from ours) so that
    # tuning to our own generator shows
    from faker_norway import generate as generate_faker_norway

    for n in sizes:
        ours = partial(generate_registrations, 0, seed=1, n_registrations=n)
        # peers above 10k: bounded, on this set only (minutes each)
        sets.append((f"norwegian-{n}", ours, ("norwegian", str(n))))
        # the same generator with twins and same-name sons ten times too common
        sets.append((f"norwegian-stress-{n}", partial(ours, stress=True), None))
    for n in sizes:
        sets.append(
            (f"faker-norway-{n}", partial(generate_faker_norway, n, seed=7), None)
        )
    if args.only:
        sets = [s for s in sets if s[0] in args.only]
        if not sets:
            ap.error("--only: no such data set")
    if args.data:
        sets = []
        for prefix in args.data:
            for part in ("records.jsonl", "pairs.csv"):
                if not Path(f"{prefix}.{part}").is_file():
                    ap.error(f"--data: {prefix}.{part} is not a file")
            load = partial(load_data_set, prefix)
            sets.append((prefix.name, load, ("data", str(prefix))))
    for label, load, at_scale in sets:
        recs, truth = load()[:2]
        matchers = {"tenant_privacy": match_ours}
        racing = len(recs) <= PEER_MAX_RECORDS
        if racing:
            matchers.update(peers)
        # above 10k one round of ours only: the figure there is scale, not a race
        compare_matchers(label, recs, truth, matchers, rounds if racing else 1)
        if racing:
            continue
        if peers and at_scale:
            # the peers at scale, each in a child stopped at PEER_LIMITS
            run_peers_bounded(label, *at_scale)
        else:
            for peer in peers:
                emit(
                    {
                        "bench": "matching",
                        "dataset": label,
                        "matcher": peer,
                        "skipped": "bounded: above 10k, peers run on norwegian-90000",
                    }
                )
    if args.only or args.data:
        return
    if args.smoke:
        run_scale([1000])
        run_incremental(1000, probes=20)
        return
    run_scale([10000] if args.quick else [10000, 30000, 100000])
    run_incremental(10000 if args.quick else 100000)


if __name__ == "__main__":
    main()
