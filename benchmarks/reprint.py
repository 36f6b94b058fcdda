"""Reprinting stored records to text: records per second (the main figure), and beside it the
ratio to rendering the same template directly with Jinja2 (views built beforehand) in the same
run. The ratio is context only: it moves the wrong way when a filter both sides share gets
faster.

Run: .venv/bin/python benchmarks/reprint.py [--records N] (in a shell that sets
PYTHONDONTWRITEBYTECODE, as a user's install runs: env -u PYTHONDONTWRITEBYTECODE ...)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import jinja2

from screening.adapters import locations as resources
from screening.adapters import rendering
from screening.adapters.answers_file import read_answers
from screening.adapters.definition_files import take_snapshot
from screening.adapters.store import Store
from screening.app.summaries import Reprinter, stored_definitions
from screening.core.answers import stored_form
from screening.core.records import COMPLETE, new_record, with_answers
from screening.core.summary import summarise as summary_view

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
        defs, _ = stored_definitions(store, key, resources.templates_dir())
        import datetime as dt

        now = dt.datetime.now(dt.UTC)
        today = now.astimezone().date()
        samples = [read_answers(p, defs.questionnaire, today) for p in sorted(PATIENTS.iterdir())]
        for n in range(count):
            answers = samples[n % len(samples)]
            # A second apart, as records are made: ids share their time only within a second,
            # and ten thousand random tokens in one second would collide.
            made = now - dt.timedelta(seconds=n)
            store.insert(
                with_answers(
                    new_record("staff", key, made),
                    stored_form(answers),
                    list(answers),
                    made,
                    status=COMPLETE,
                )
            )
        records = store.records()

        start = time.perf_counter()
        for record in records:
            reprinter.summary(record, "text")
        ours = time.perf_counter() - start

        # Plain Jinja2, as a template author would call it: no sandbox, no guard (text only).
        env = jinja2.Environment(  # noqa: S701
            loader=jinja2.FileSystemLoader(str(resources.templates_dir())),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(wrap=rendering.wrap, leader=rendering.leader, pack=rendering.pack)
        template = env.get_template("summary.txt.j2")
        views = [summary_view(defs, samples[n % len(samples)], today) for n in range(count)]
        start = time.perf_counter()
        for view in views:
            template.render(s=view)
        direct = time.perf_counter() - start
        store.close()
    print(f"reprint: {count / ours:,.0f} records/s ({count} records to text in {ours:.2f} s)")
    print(
        f"  beside it, a direct Jinja2 render of the same template: {count / direct:,.0f}/s "
        f"(ratio {ours / direct:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
