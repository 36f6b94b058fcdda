"""What a person typed never becomes a live link or a raw control character in a summary or
a listing: Markdown read by GitHub's own renderer, JSON as printed, every format's line
breaks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cmarkgfm
import pytest

from tests.conftest import Cli, Clock

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

LINKS = [
    "write to alex@example.com please",
    "mailto:alex@example.com",
    "xmpp:alex@example.com/home",
    "<alex@example.com>",
    "see www.example.com today",
    "https://example.com/x?y=1",
    "HTTP://EXAMPLE.COM",
    "ftp://example.org/file",
    "<https://example.com>",
    "[click](https://example.com)",
    "![img](https://example.com/a.png)",
    "a.b+c-d_e@sub.example.co.uk.",
]


def _answers(tmp_path: Path, notes: str) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"pain_duration_months": 3, "notes": notes, "patient_name": notes}))
    return path


@pytest.mark.parametrize("typed", LINKS)
def test_typed_addresses_are_not_links_in_markdown(
    cli: Cli, clock: Clock, kinds_args: list[str], tmp_path: Path, typed: str
) -> None:
    code, md, err = cli("summary", "--answers", str(_answers(tmp_path, typed)), "--format", "md",
                        *kinds_args)  # fmt: skip
    assert code == 0, err
    page = cmarkgfm.github_flavored_markdown_to_html(md)
    assert "<a " not in page and "<img" not in page
    text = re.sub(r"<[^>]+>", "", page).replace("\u2060", "")
    assert typed.replace("<", "&lt;").replace(">", "&gt;") in text  # shown as typed


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
@pytest.mark.parametrize("brk", ["\r", "\u2028", "\x85", "\x0b", "\r\n"])
def test_a_line_break_of_any_kind_never_glues_two_words(
    cli: Cli, clock: Clock, kinds_args: list[str], tmp_path: Path, fmt: str, brk: str
) -> None:
    typed = f"first{brk}second"
    code, out, err = cli("summary", "--answers", str(_answers(tmp_path, typed)), "--format", fmt,
                         *kinds_args)  # fmt: skip
    assert code == 0, err
    assert "firstsecond" not in out and "first" in out
    assert not CONTROLS.search(out.replace("\n", "")), repr(out)


HOSTILE_NAMES = [
    "Alex\u202eevil\u202c",  # a right-to-left override
    "Alex\u2066x\u2069",  # an isolate
    "Alex\x9b31mRed",  # a C1 control sequence introducer
    "Alex\x1b]52;c;aGk=\x07",  # OSC 52: write the reader's clipboard
    "Alex\x1b[2J\x85\x00",  # clear the screen, NEL, NUL
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize(
    "command",
    [
        ["records", "list", "--format", "json"],
        ["records", "list"],
        ["records", "export", "--all"],
        ["records", "show", "{id}"],
        ["summary", "{id}", "--format", "json"],
        ["summary", "{id}"],
    ],
)
def test_typed_names_never_print_raw_controls(
    cli: Cli, clock: Clock, kinds_args: list[str], tmp_path: Path, name: str, command: list[str]
) -> None:
    code, out, err = cli("records", "add", "--answers", str(_answers(tmp_path, name)), *kinds_args)
    assert code == 0, err
    record_id = out.strip()
    code, out, err = cli(*(c.format(id=record_id) for c in command))
    assert code == 0, err
    assert "Alex" in out
    assert not CONTROLS.search(out.replace("\n", "")), repr(out)
    if "json" in command or "export" in command:
        shown = json.dumps(json.loads(out.splitlines()[0] if "export" in command else out))
        assert not re.search(r"\\u(00[01][0-9a-f]|00[89][0-9a-f]|202[a-e]|206[6-9])", shown)
