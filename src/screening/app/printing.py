"""Printing: the HTML summary as a PDF page, on A4 or US Letter."""

from __future__ import annotations

from screening.adapters.pdf import Paper, render_pdf, weasyprint


def check_printing() -> None:
    """Fail early, with what to install, when PDF cannot be made here."""
    weasyprint()


def print_summary(html: str, paper: Paper) -> bytes:
    """The summary (HTML, already guarded) as a tagged PDF."""
    return render_pdf(html, paper)
