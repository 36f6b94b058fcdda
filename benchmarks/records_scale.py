"""`records list` and `records export --all` on a large store: time and peak memory.

Each command runs as a child process of a small wrapper that reports the child's peak
resident memory (resource.getrusage(RUSAGE_CHILDREN)) and its wall time. Runs are
interleaved with a floor measured in the same run: a bare Python that selects the same
columns with sqlite3 and prints them, so the ratio says what the tool adds.

Targets (issue 9): list at 100,000 records under 1 s; list and export each under 100 MiB
peak, and flat in the number of records (compared with a store a tenth the size).

Run: .venv/bin/python benchmarks/records_scale.py [--records N] [--runs N] [--no-export]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from screening.adapters import locations
from screening.adapters.answers_file import read_answers
from screening.adapters.definition_files import load_definitions, take_snapshot
from screening.adapters.store import Store
from screening.core.answers import stored_form

PATIENTS = Path(__file__).resolve().parents[1] / "tests" / "patients"
LIST_TARGET_S = 1.0
MEMORY_TARGET_MIB = 100.0

# Runs argv with its output thrown away; prints the child's wall time and peak RSS (KiB).
WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

FLOOR = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
out = sys.stdout
for row in conn.execute(
    "SELECT id, created, status, mode, (SELECT count(*) FROM json_each(answers)), "
    "json_extract(answers, '$.patient_name'), json_extract(answers, '$.patient_id') "
    "FROM records ORDER BY created, rowid"
):
    out.write("  ".join(map(str, row)) + "\\n")
"""


def make_store(path: Path, count: int) -> None:
    """A store of ``count`` complete records, made from the sample patients, one transaction."""
    now = dt.datetime.now(dt.UTC)
    with Store.open(path) as store:
        key = store.keep_snapshot(take_snapshot(locations.rules_dir(), locations.templates_dir()))
    defs = load_definitions(locations.rules_dir())
    samples = [
        json.dumps(stored_form(read_answers(p, defs.questionnaire, now.date())))
        for p in sorted(PATIENTS.iterdir())
    ]
    conn = sqlite3.connect(path)
    rows = []
    for n in range(count):
        moment = now - dt.timedelta(minutes=count - n)
        stamp = moment.isoformat(timespec="seconds")
        answers = samples[n % len(samples)]
        rows.append(
            (
                f"{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}",
                stamp,
                stamp,
                "staff",
                "complete",
                answers,
                json.dumps(list(json.loads(answers))),
                key,
                1,
                len(json.loads(answers)),
            )
        )
    conn.executemany(
        "INSERT INTO records (id, created, updated, mode, status, answers, asked, "
        "definitions_hash, version, answer_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()


def measure(argv: list[str]) -> tuple[float, float]:
    """(seconds, peak MiB) of one run of ``argv`` as a child process."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *argv], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def screening(*args: str) -> list[str]:
    return [sys.executable, "-m", "screening", *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-export", action="store_true", help="skip the (long) export")
    options = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SCREENING_DATA_DIR"] = str(Path(tmp) / "data")
        sizes = {"small": max(1, options.records // 10), "large": options.records}
        stores = {}
        for name, count in sizes.items():
            stores[name] = Path(tmp) / name / "s.db"
            make_store(stores[name], count)
        peaks: dict[tuple[str, str], float] = {}
        for name, store in stores.items():
            lists, floors, list_peak = [], [], 0.0
            for _ in range(options.runs):  # interleaved: tool, floor, tool, floor...
                seconds, peak = measure(screening("records", "list", "--store", str(store)))
                lists.append(seconds)
                list_peak = max(list_peak, peak)
                floors.append(measure([sys.executable, "-c", FLOOR, str(store)])[0])
            peaks[(name, "list")] = list_peak
            tool, floor = statistics.median(lists), statistics.median(floors)
            print(
                f"records list, {sizes[name]:>7,} records: {tool:.2f} s, peak {list_peak:.0f} MiB; "
                f"floor (bare sqlite3 select and print) {floor:.2f} s, ratio {tool / floor:.2f}x"
            )
            if name == "large" and tool >= LIST_TARGET_S:
                ok = False
            if not options.no_export:
                seconds, peak = measure(
                    screening("records", "export", "--all", "--store", str(store))
                )
                peaks[(name, "export")] = peak
                print(
                    f"records export --all, {sizes[name]:>7,} records: {seconds:.1f} s, "
                    f"peak {peak:.0f} MiB ({sizes[name] / seconds:,.0f} records/s)"
                )
    for command in ("list", "export"):
        if (("large", command)) not in peaks:
            continue
        large, small = peaks[("large", command)], peaks[("small", command)]
        flat = large <= small * 1.25 + 5
        ok = ok and flat and large < MEMORY_TARGET_MIB
        print(
            f"{command}: peak {small:.0f} MiB at {sizes['small']:,} records, {large:.0f} MiB at "
            f"{sizes['large']:,} (target < {MEMORY_TARGET_MIB:.0f} MiB, flat): "
            f"{'ok' if flat and large < MEMORY_TARGET_MIB else 'OVER'}"
        )
    print(
        f"list at {options.records:,} under {LIST_TARGET_S:.0f} s: {'ok' if ok else 'check above'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
