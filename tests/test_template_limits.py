"""Templates a clinic writes (`--templates DIR`) run within limits: includes only from their
own folder, no endless recursion, bounded loop steps, sizes and output. A template past a
limit is refused with its file and line and exit 2, never a hang or an internal error."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SMALL_TEMPLATES, Cli, Clock, WriteTemplates, child_env

TEXT = "summary.txt.j2"
LINE = SMALL_TEMPLATES[TEXT].count("\n") + 1  # the line added at the end of the text template

# (what is added to the text template, what the message says)
RUNAWAY = [
    ("{% include 'summary.txt.j2' %}", "it includes or calls itself without end"),
    ("{% for i in range(10**10) %}x{% endfor %}", "it asks for a count or width over 2,000,000"),
    ("{% for i in range(2000000) %}{% endfor %}", "its loops take more than 1,000,000 steps"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "its loops take more than 1,000,000 steps"),
    ("{% set s = 'ab' * 1000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
     "its loops take more than 1,000,000 steps"),
    ("{% for a in s.sections recursive %}{{ loop(s.sections) }}{% endfor %}",
     "it includes or calls itself without end"),
    ("{{ 'x' * 10**10 }}", "it makes a value longer than 2,000,000 characters"),
    ("{{ [1] * 10**10 }}", "it makes a value longer than 2,000,000 characters"),
    ("{{ 10 ** 100000 }}", "it makes a number too large"),
    ("{{ 'x' | center(10**10) }}", "it asks for a count or width over 2,000,000"),
    ("{{ 'x' | center(9999999999) }}", "it asks for a count or width over 2,000,000"),
    ("{{ 'x'.ljust(9999999999) }}", "it asks for a count or width over 2,000,000"),
    ("{{ '%99999999d' % 1 }}", "it asks for a count or width over 2,000,000"),
    ("{{ 'x' | leader(10**10) }}", "it asks for a count or width over 2,000,000"),
    ("{{ lipsum(10**9) }}", "it asks for a count or width over 2,000,000"),
    ("{% set ns = namespace(x='x') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}"
     "{% endfor %}", "it makes a value longer than 2,000,000 characters"),
    ("{% for i in range(100) %}{{ 'y' * 100000 }}{% endfor %}",
     "it writes more than 2,000,000 characters"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "it includes or calls itself without end"),
    ("{% include '../outside.j2' %}", "'../outside.j2' is outside the templates folder"),
    ("{% include '/etc/passwd' %}", "no such template"),
]  # fmt: skip


@pytest.mark.parametrize(("added", "words"), RUNAWAY)
def test_a_runaway_template_is_refused_at_its_line(
    cli: Cli,
    clock: Clock,
    write_templates: WriteTemplates,
    kinds_dir: Path,
    kinds_answers: Path,
    added: str,
    words: str,
) -> None:
    text = SMALL_TEMPLATES[TEXT].rstrip() + "\n        " + added + "\n"
    folder = write_templates(**{TEXT: text})
    (folder.parent / "outside.j2").write_text("outside\n")
    args = ["--answers", str(kinds_answers), "--rules", str(kinds_dir), "--templates", str(folder)]
    code, out, err = cli("summary", *args)
    assert code == 2, err
    assert out == "" and "internal error" not in err
    assert words in err
    if "no such template" not in words:
        assert err.startswith(f"screening: {folder / TEXT}:{LINE}: not used: "), err


Make = Callable[[Path], None]


def _link_out(folder: Path) -> None:
    (folder.parent / "secret.txt").write_text("not a template\n")
    (folder / "linked.j2").symlink_to(folder.parent / "secret.txt")


def _pipe(folder: Path) -> None:
    os.mkfifo(folder / "linked.j2")


def _device(folder: Path) -> None:
    (folder / "linked.j2").symlink_to("/dev/zero")


def _large(folder: Path) -> None:
    (folder / "linked.j2").write_text("x" * 1_000_001)


INCLUDED: list[tuple[str, Make, str]] = [
    ("link out of the folder", _link_out, "'linked.j2' is outside the templates folder"),
    ("pipe", _pipe, "'linked.j2' is not a regular file"),
    ("device", _device, "'linked.j2' is outside the templates folder"),
    ("too large", _large, "'linked.j2' is larger than 1 MB"),
]


@pytest.mark.parametrize(("make", "words"), [i[1:] for i in INCLUDED], ids=[i[0] for i in INCLUDED])
def test_an_included_file_that_is_not_a_template_of_the_folder(
    write_templates: WriteTemplates,
    kinds_dir: Path,
    kinds_answers: Path,
    tmp_path: Path,
    make: Make,
    words: str,
) -> None:
    text = SMALL_TEMPLATES[TEXT].rstrip() + "\n        {% include 'linked.j2' %}\n"
    folder = write_templates(**{TEXT: text})
    make(folder)
    # A real process: a pipe must be refused, not waited on.
    done = subprocess.run(
        [sys.executable, "-m", "screening", "summary", "--answers", str(kinds_answers),
         "--rules", str(kinds_dir), "--templates", str(folder)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=child_env(tmp_path / "data"),
        timeout=30,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"screening: {folder / TEXT}:{LINE}: not used: {words}\n" or (
        words in done.stderr and done.stderr.startswith(f"screening: {folder / TEXT}:{LINE}:")
    )


def test_a_main_template_that_is_a_pipe(
    write_templates: WriteTemplates, kinds_dir: Path, kinds_answers: Path, tmp_path: Path
) -> None:
    folder = write_templates()
    (folder / TEXT).unlink()
    os.mkfifo(folder / TEXT)
    for args in (
        ["check", "--rules", str(kinds_dir)],
        ["summary", "--answers", str(kinds_answers), "--rules", str(kinds_dir)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "screening", *args, "--templates", str(folder)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=child_env(tmp_path / "data"),
            timeout=30,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "summary.txt.j2" in done.stderr and "is not a regular file" in done.stderr


def test_templates_within_the_limits_still_render(
    cli: Cli, write_templates: WriteTemplates, kinds_dir: Path, kinds_answers: Path
) -> None:
    added = (
        "{% include 'part.j2' %}{% for i in range(3) %}{{ loop.index }}/{{ loop.length }} "
        "{% endfor %}{{ 'ab' * 3 }} {{ 'x' ~ 'y' }} {{ 2 ** 10 }} {{ 'x' | center(5) }}|"
    )
    text = SMALL_TEMPLATES[TEXT].rstrip() + "\n        " + added + "\n"
    folder = write_templates(**{TEXT: text})
    (folder / "part.j2").write_text("[part]")
    code, out, err = cli(
        "summary", "--answers", str(kinds_answers), "--rules", str(kinds_dir),
        "--templates", str(folder),
    )  # fmt: skip
    assert code == 0, err
    assert out.rstrip().endswith("[part]1/3 2/3 3/3 ababab xy 1024   x  |")
