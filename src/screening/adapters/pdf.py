"""The clinician's summary as a printed page: the HTML summary rendered to PDF by WeasyPrint.

Tagged (PDF/UA-1) so a screen reader can read it, on A4 or US Letter, in one named font
(Liberation Sans, which has Arial's measures) so the page looks the same on any machine: if
that font is missing the page is refused with what to install, not set in another font.
WeasyPrint is an optional extra and needs the system's Pango; it is imported here only.
Nothing is fetched while rendering: no file, no network.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from screening.core.errors import MissingDependency

if TYPE_CHECKING:
    from types import ModuleType

Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[Paper, str] = {"a4": "A4", "letter": "letter"}
FONT = "Liberation Sans"
FONT_PACKAGE = "fonts-liberation2"
NEEDS_WEASYPRINT = "PDF needs WeasyPrint: pip install 'screening[pdf]'"
NEEDS_PANGO = (
    "PDF needs the Pango library: on Debian or Ubuntu, "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0"
)
NEEDS_FONT = f"PDF needs the font {FONT}: on Debian or Ubuntu, apt-get install {FONT_PACKAGE}"
# The template's own @page and fonts are overridden: the paper is the person's choice and the
# font is the one named above. !important, because these are user stylesheets.
PAGE_CSS = """
@page {{ size: {size} !important; }}
html, body, body * {{ font-family: "{font}" !important; }}
"""


def weasyprint() -> ModuleType:
    """WeasyPrint, or one line saying what to install (exit 2)."""
    try:
        import weasyprint as module
    except ImportError:
        raise MissingDependency(NEEDS_WEASYPRINT) from None
    except OSError:  # the Python package is there, the system's Pango is not
        raise MissingDependency(NEEDS_PANGO) from None
    loaded: ModuleType = module
    return loaded


def render_pdf(html: str, paper: Paper) -> bytes:
    """The HTML summary as a tagged PDF on the paper given."""
    wp = weasyprint()
    from weasyprint.urls import URLFetcher

    style = wp.CSS(string=PAGE_CSS.format(size=PAPER_SIZES[paper], font=FONT))
    # An empty set of protocols: a template cannot make the printer read a file or the network.
    page = wp.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=frozenset()))
    with _quiet():
        document = page.render(stylesheets=[style])
        data: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    # Another font may stand in for a letter the named one lacks (a name in another script);
    # the named font itself must be there.
    if FONT not in _families(document):
        raise MissingDependency(NEEDS_FONT)
    return data


def _families(document: Any) -> set[str]:
    fonts = getattr(document, "fonts", None) or {}
    return {str(font.family) for font in fonts.values() if getattr(font, "family", None)}


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """WeasyPrint logs what it skips or finds missing in a template; that is for `screening
    check` and the template's author, not for the person printing, and a log is no place for
    a page's content."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
