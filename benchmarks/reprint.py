"""Reprinting stored records to text: records per second, and the ratio to rendering the same
template directly with Jinja2 (views built beforehand) in the same run. Target: within 2x.

Run: .venv/bin/python benchmarks/reprint.py [--records N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import jinja2

from screening import rendering, resources
from screening.answers_file import read_answers
from screening.records import Reprinter
from screening.report import summary_view
from screening.sessions import new_record, with_answers
from screening.snapshot import take_snapshot
from screening.store import COMPLETE, Store

PATIENTS = Path(__file__).resolve().parents[1] / "tests" / "patients"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    count = parser.parse_args().records
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        snapshot = take_snapshot(resources.rules_dir(), resources.templates_dir())
        key = store.keep_snapshot(snapshot)
        reprinter = Reprinter(store, resources.templates_dir())
        defs, _ = reprinter.definitions(new_record("staff", key))
        import datetime as dt

        today = dt.date.today()
        samples = [read_answers(p, defs.questionnaire, today) for p in sorted(PATIENTS.iterdir())]
        for n in range(count):
            answers = samples[n % len(samples)]
            store.put(with_answers(new_record("staff", key), answers, list(answers),
                                   status=COMPLETE))
        records = store.records()

        start = time.perf_counter()
        for record in records:
            reprinter.summary(record, "text")
        ours = time.perf_counter() - start

        # Plain Jinja2, as a template author would call it: no sandbox, no guard (text only).
        env = jinja2.Environment(  # noqa: S701
            loader=jinja2.FileSystemLoader(str(resources.templates_dir())),
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters.update(wrap=rendering.wrap, leader=rendering.leader)
        template = env.get_template("summary.txt.j2")
        views = [summary_view(defs, samples[n % len(samples)], today) for n in range(count)]
        start = time.perf_counter()
        for view in views:
            template.render(s=view)
        direct = time.perf_counter() - start
        store.close()
    print(f"reprint {count} records to text: {ours:.2f} s = {count / ours:,.0f} records/s")
    print(f"direct Jinja2 render of the same template: {direct:.2f} s = "
          f"{count / direct:,.0f} renders/s")
    ratio = ours / direct
    print(f"ratio: {ratio:.2f}x (target <= 2x)  {'ok' if ratio <= 2 else 'OVER'}")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
