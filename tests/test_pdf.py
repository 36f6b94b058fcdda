"""The summary printed to PDF: paper sizes, tags and fonts, a file only when asked, nothing
fetched, and one line saying what to install when WeasyPrint, Pango or the font is missing."""

from __future__ import annotations

import sys
import textwrap
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from screening.adapters import pdf
from screening.core import guard
from screening.core.errors import MissingDependency
from tests.conftest import Cli, WriteTemplates, needed

pypdf = pytest.importorskip("pypdf")

PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}


@pytest.fixture
def printing() -> None:
    """WeasyPrint and Pango are here (CI installs them); else skip, or fail in CI."""
    try:
        pdf.weasyprint()
    except MissingDependency as exc:
        needed("PDF printing", False, exc.message)


def read_pdf(path: Path) -> Any:
    return pypdf.PdfReader(BytesIO(path.read_bytes()))


def page_text(reader: Any) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def font_names(reader: Any) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.usefixtures("printing")
@pytest.mark.parametrize("paper", ["a4", "letter", None])
def test_pdf_on_each_paper(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path, paper: str | None
) -> None:
    out = tmp_path / "summary.pdf"
    options = ["--paper", paper] if paper else []
    code, _, err = cli(
        "summary", "--answers", str(kinds_answers), "--format", "pdf", "--output", str(out),
        *options, *kinds_args,
    )  # fmt: skip
    assert code == 0, err
    assert err == f"Summary written to {out}\n"
    assert out.stat().st_mode & 0o777 == 0o600
    reader = read_pdf(out)
    sizes = {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }
    assert sizes == {PAGE_SIZES[paper or "a4"]}
    text = page_text(reader)
    assert guard.NEXT_STEP in text and guard.DISCLAIMER in text
    assert "Sleeps badly." in text  # a typed answer, printed as written
    # Tagged for screen readers, and set in the one named font, embedded.
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert font_names(reader) == {"Liberation-Sans", "Liberation-Sans-Bold"}


@pytest.mark.usefixtures("printing")
def test_pdf_reprints_a_stored_record(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "s.db")
    code, record_id, err = cli(
        "records", "add", "--answers", str(kinds_answers), "--store", db, *kinds_args
    )
    assert code == 0, err
    out = tmp_path / "again.pdf"
    code, _, err = cli(
        "summary", record_id.strip(), "--format", "pdf", "--output", str(out), "--store", db
    )
    assert code == 0, err
    assert guard.NEXT_STEP in page_text(read_pdf(out))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "pdf"], "--format pdf writes a file: add --output FILE"),
        (["--paper", "letter"], "--paper goes with --format pdf"),
        (
            ["--format", "html", "--paper", "a4", "--output", "x.html"],
            "--paper goes with --format pdf",
        ),
    ],
)
def test_pdf_options_that_do_not_fit(
    cli: Cli, kinds_args: list[str], kinds_answers: Path, options: list[str], message: str
) -> None:
    code, out, err = cli("summary", "--answers", str(kinds_answers), *options, *kinds_args)
    assert (code, out, err) == (2, "", f"screening: {message}\n")


def _fake_weasyprint(folder: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A weasyprint package that fails on import, first on the path."""
    package = folder / "weasyprint"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(body)
    monkeypatch.syspath_prepend(str(folder))
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("raise ImportError('No module named weasyprint')", pdf.NEEDS_WEASYPRINT),
        ("raise OSError(\"cannot load library 'libpango-1.0-0'\")", pdf.NEEDS_PANGO),
    ],
    ids=["no weasyprint", "no pango"],
)
def test_pdf_says_what_to_install(
    cli: Cli,
    kinds_args: list[str],
    kinds_answers: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    message: str,
) -> None:
    _fake_weasyprint(tmp_path / "fake", body, monkeypatch)
    out = tmp_path / "summary.pdf"
    code, stdout, err = cli(
        "summary", "--answers", str(kinds_answers), "--format", "pdf", "--output", str(out),
        *kinds_args,
    )  # fmt: skip
    assert (code, stdout, err) == (2, "", f"screening: {message}\n")
    assert not out.exists()


def test_pdf_without_the_python_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what Python does when it is absent
    with pytest.raises(MissingDependency) as caught:
        pdf.weasyprint()
    assert caught.value.lines() == ["PDF needs WeasyPrint: pip install 'screening[pdf]'"]


@pytest.mark.usefixtures("printing")
def test_pdf_refuses_to_stand_in_another_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "FONT", "No Such Font Sans")
    with pytest.raises(MissingDependency) as caught:
        pdf.render_pdf("<html lang=en><title>t</title><p>Hello</p></html>", "a4")
    assert caught.value.lines() == [pdf.NEEDS_FONT]


@pytest.mark.usefixtures("printing")
def test_printing_fetches_nothing(
    cli: Cli,
    write_defs: Any,
    write_templates: WriteTemplates,
    kinds_answers: Path,
    tmp_path: Path,
) -> None:
    """A template that links a style sheet or an image gets neither: no file or network read.
    The same rule written inside the template does show, so the test can see a fetch."""
    from tests.conftest import KINDS_QUESTIONNAIRE, KINDS_RULES, SMALL_TEMPLATES

    sheet = tmp_path / "sheet.css"
    sheet.write_text('body::before { content: "FETCHED SHEET"; }')
    rules = str(write_defs(KINDS_QUESTIONNAIRE, KINDS_RULES, name="k"))
    base = textwrap.dedent(SMALL_TEMPLATES["summary.html.j2"])
    texts = {}
    for name, head in [
        ("linked", f'<link rel="stylesheet" href="{sheet.as_uri()}"><img src="{sheet.as_uri()}">'),
        ("inline", '<style>body::before { content: "FETCHED SHEET"; }</style>'),
    ]:
        templates = write_templates(
            **{"summary.html.j2": base.replace("<!doctype html>", f"<!doctype html>{head}")}
        )
        out = tmp_path / f"{name}.pdf"
        code, _, err = cli(
            "summary", "--answers", str(kinds_answers), "--format", "pdf", "--output", str(out),
            "--rules", rules, "--templates", str(templates),
        )  # fmt: skip
        assert code == 0, err
        texts[name] = page_text(read_pdf(out))
    assert "FETCHED SHEET" in texts["inline"]
    assert "FETCHED SHEET" not in texts["linked"]
