"""PDF exports with WeasyPrint: the matrix (a cover with state, sign-off, legend and findings, then
pages cut by ``raci.exchange.presentation.matrix_pages``) and one card per person.

WeasyPrint needs pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0, installed by
.ci/run); it is imported on first use so the rest of the site runs without it, and
``pdf_unavailable()`` says why a PDF cannot be made here.

The matrix is laid out by us, not by WeasyPrint's table layout: rows of fixed height with each
filled cell placed at its column's position. That is what makes a 1,000 x 50 matrix render in
seconds (a table of 50,000 cells takes WeasyPrint several times longer), and pages are rendered
in chunks so a background job can report progress.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

from raci.exchange.presentation import (
    PDF_ROLES_PER_PAGE,
    TONE_COLOURS,
    findings_summary,
    legend,
    matrix_pages,
    people_by_role,
    person_cards,
)
from raci.exports.selectors import Presentation

PDF_CONTENT_TYPE = "application/pdf"
# Matrix pages rendered per WeasyPrint document: the unit of progress.
CHUNK_PAGES = 24
# A4 landscape less margins, in millimetres; the task column, then equal role columns.
_TASK_COLUMN_MM = 78
_ROLE_COLUMN_MM = 7.9

Progress = Callable[[int], None]


def pdf_unavailable() -> str | None:
    """Why WeasyPrint cannot render here (its system libraries are missing), or None."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # cffi could not load pango
        return f"WeasyPrint cannot load its system libraries (install pango): {error}"
    return None


def _refuse_fetch(url: str, *args, **kwargs):
    # Everything a PDF shows is in its HTML; a name that smuggled in a URL fetches nothing.
    raise ValueError(f"PDF exports load nothing: {url[:80]}")


@cache
def _stylesheet_text() -> str:
    """pdf.css, then a class per role column position (``.c0`` …) and per tone (``.tone-accountable``
    …). Given to WeasyPrint as a stylesheet: the HTML templates carry no style, like every page."""
    width = f"{_ROLE_COLUMN_MM:.2f}mm"
    positions = "".join(
        f".c{index} {{ left: {_TASK_COLUMN_MM + index * _ROLE_COLUMN_MM:.2f}mm; width: {width}; }}\n"
        for index in range(PDF_ROLES_PER_PAGE)
    )
    tones = "".join(f".tone-{tone} {{ background: #{colour}; }}\n" for tone, colour in TONE_COLOURS.items())
    return (Path(__file__).with_name("pdf.css")).read_text() + positions + tones


@cache
def _stylesheet():
    import weasyprint

    # Parsed once per process, not once per chunk of pages.
    return weasyprint.CSS(string=_stylesheet_text(), url_fetcher=_refuse_fetch)


def _document(html: str):
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).render(stylesheets=[_stylesheet()])


def _common(presentation: Presentation) -> dict:
    return {
        "p": presentation,
        "grid": presentation.grid,
        "legend": legend(presentation.grid.scheme),
    }


def render_matrix_pdf(presentation: Presentation, *, progress: Progress | None = None) -> bytes:
    grid = presentation.grid
    pages = matrix_pages(grid)
    context = _common(presentation)
    cover = _document(
        render_to_string(
            "exports/matrix_cover.pdf.html",
            {
                **context,
                "summary": findings_summary(presentation.findings),
                "people": people_by_role(grid),
            },
        )
    )
    # The cover takes a page or more (many roles); every grid page is exactly one sheet (its lines
    # are counted to fit), so the numbers are known before the grid is laid out.
    offset = len(cover.pages)
    context["total"] = offset + len(pages)
    documents = [cover]
    chunks = [pages[i : i + CHUNK_PAGES] for i in range(0, len(pages), CHUNK_PAGES)]
    for done, chunk in enumerate(chunks, start=1):
        numbered = [(offset + page.number, page) for page in chunk]
        html = render_to_string("exports/matrix_pages.pdf.html", {**context, "pages": numbered})
        documents.append(_document(html))
        if progress:
            progress(5 + 85 * done // len(chunks))
    every_page = [page for document in documents for page in document.pages]
    return documents[0].copy(every_page).write_pdf()


def render_cards_pdf(presentation: Presentation, *, progress: Progress | None = None) -> bytes:
    cards = person_cards(presentation.grid)
    html = render_to_string("exports/cards.pdf.html", {**_common(presentation), "cards": cards})
    if progress:
        progress(50)
    return _document(html).write_pdf()
