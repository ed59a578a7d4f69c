"""Slides (PPTX, python-pptx): a title slide, the grid stage by stage (cut into parts of at most
``SLIDE_ROWS`` tasks and ``SLIDE_ROLES`` roles, never shrunk), the open findings, and the overlap
of the two roles that keep each other honest (PM and PMM by default) as a two-circle diagram."""

from __future__ import annotations

import io
from collections.abc import Callable

from pptx import Presentation as Deck
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from raci.exchange.presentation import TONE_COLOURS, findings_summary, legend, stage_slides
from raci.exports.selectors import Presentation
from raci.rules import AnalysisError, overlap
from raci.rules.grid import MatrixGrid

PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# Tasks listed per area of the overlap diagram before "and N more".
VENN_TASKS = 9
_TITLE_ONLY = 5  # the default template's "Title Only" layout
_WIDE = (Inches(13.333), Inches(7.5))


def render_pptx(presentation: Presentation, *, progress: Callable[[int], None] | None = None) -> bytes:
    deck = Deck()
    deck.slide_width, deck.slide_height = _WIDE
    grid = presentation.grid
    _title_slide(deck, presentation)
    slides = stage_slides(grid)
    for done, part in enumerate(slides, start=1):
        title = part.stage or "(no stage)"
        if part.parts > 1:
            title += f" ({part.part} of {part.parts})"
        slide = _slide(deck, title)
        _grid_table(slide, part)
        if progress and done % 20 == 0:
            progress(5 + 85 * done // len(slides))
    _findings_slide(deck, presentation)
    _overlap_slide(deck, grid)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY])
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(28)
    return slide


def _text(slide, left, top, width, height, lines: list[str], *, size: int = 14, bold_first: bool = False):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold_first and index == 0
    return frame


def _title_slide(deck, presentation: Presentation) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = presentation.grid.name
    grid = presentation.grid
    slide.placeholders[1].text = (
        f"{presentation.organization} · {presentation.state}\n"
        f"Sign-off: {presentation.signoff} · {presentation.generated_at:%d %b %Y}\n"
        f"{len(grid.tasks)} tasks · {len(grid.roles)} roles · {grid.scheme.name}"
        f" · health {presentation.health}/100"
    )
    left = Inches(1.2)
    for index, (code, name, _meaning, tone) in enumerate(legend(grid.scheme)):
        box = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, left + Inches(2.2) * index, Inches(6.3), Inches(2), Inches(0.5)
        )
        _fill(box, tone)
        box.text_frame.text = f"{code}  {name}"
        box.text_frame.paragraphs[0].font.size = Pt(14)
        box.text_frame.paragraphs[0].font.color.rgb = RGBColor(0, 0, 0)


def _fill(shape, tone: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(TONE_COLOURS[tone])
    shape.line.color.rgb = RGBColor(0x99, 0x99, 0x99)


def _grid_table(slide, part) -> None:
    rows, columns = len(part.rows) + 1, len(part.roles) + 1
    left, top = Inches(0.4), Inches(1.35)
    task_width = Inches(4.2)
    role_width = Emu(int((Inches(12.5) - task_width) / max(len(part.roles), 1)))
    height = Inches(0.42) * rows
    table = slide.shapes.add_table(
        rows, columns, left, top, task_width + role_width * len(part.roles), height
    ).table
    table.columns[0].width = task_width
    for index in range(1, columns):
        table.columns[index].width = role_width
    _cell(table.cell(0, 0), "Task", bold=True)
    for index, role in enumerate(part.roles, start=1):
        _cell(table.cell(0, index), role.code, bold=True, centre=True)
    for row_index, (task, cells) in enumerate(part.rows, start=1):
        _cell(table.cell(row_index, 0), task.name)
        for column_index, cell in enumerate(cells, start=1):
            target = table.cell(row_index, column_index)
            _cell(target, cell.written, centre=True)
            if cell.tone:
                target.fill.solid()
                target.fill.fore_color.rgb = RGBColor.from_string(TONE_COLOURS[cell.tone])
            else:
                target.fill.background()


def _cell(cell, text: str, *, bold: bool = False, centre: bool = False) -> None:
    cell.text = text
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.font.size = Pt(12)
    paragraph.font.bold = bold
    paragraph.font.color.rgb = RGBColor(0, 0, 0)
    if centre:
        paragraph.alignment = PP_ALIGN.CENTER
    if not bold:
        cell.fill.background()


def _findings_slide(deck, presentation: Presentation) -> None:
    summary = findings_summary(presentation.findings, limit=10)
    slide = _slide(deck, "Open findings")
    head = f"{summary.errors} errors · {summary.warnings} warnings · {summary.infos} notes"
    lines = [head] + [f"{finding.severity}: {finding.message}" for finding in summary.shown]
    if not summary.total:
        lines = ["The rules engine has nothing to report."]
    elif summary.more:
        lines.append(f"… and {summary.more} more (the XLSX export lists them all)")
    _text(slide, Inches(0.6), Inches(1.4), Inches(12), Inches(5.8), lines, size=14, bold_first=True)


def overlap_pair(grid: MatrixGrid) -> tuple[str, str] | None:
    """The two roles the overlap slide compares: PM and PMM, else the matrix's first split pair
    present, else its first two roles; None with fewer than two roles."""
    codes = [role.code for role in grid.roles]
    for a, b in (("PM", "PMM"), *grid.settings.split_pairs):
        if a in codes and b in codes and a != b:
            return a, b
    return (codes[0], codes[1]) if len(codes) >= 2 else None


def _overlap_slide(deck, grid: MatrixGrid) -> None:
    pair = overlap_pair(grid)
    if pair is None:
        return
    a, b = pair
    try:
        venn = overlap(grid, a, b)
    except AnalysisError:
        return
    slide = _slide(deck, f"Who owns what: {a} and {b}")
    names = {task.id: task.name for task in grid.tasks}
    for index, tone in enumerate(("accountable", "consulted")):
        circle = slide.shapes.add_shape(
            MSO_SHAPE.OVAL, Inches(1.6 + index * 4.6), Inches(1.5), Inches(5.6), Inches(5.6)
        )
        circle.fill.background()
        circle.line.color.rgb = RGBColor.from_string(TONE_COLOURS[tone])
        circle.line.width = Pt(6)

    def listing(title: str, ids: list[int]) -> list[str]:
        shown = [names.get(task_id, "?") for task_id in ids[:VENN_TASKS]]
        more = [f"and {len(ids) - VENN_TASKS} more"] if len(ids) > VENN_TASKS else []
        return [f"{title} ({len(ids)})", *shown, *more]

    _text(
        slide,
        Inches(2.0),
        Inches(2.3),
        Inches(3.1),
        Inches(4),
        listing(f"Only {a}", list(venn.only_a)),
        size=11,
        bold_first=True,
    )
    _text(
        slide,
        Inches(5.3),
        Inches(2.3),
        Inches(2.7),
        Inches(4),
        listing("Both", [t.task_id for t in venn.shared]),
        size=11,
        bold_first=True,
    )
    _text(
        slide,
        Inches(8.3),
        Inches(2.3),
        Inches(3.1),
        Inches(4),
        listing(f"Only {b}", list(venn.only_b)),
        size=11,
        bold_first=True,
    )
    _text(
        slide,
        Inches(0.6),
        Inches(6.9),
        Inches(12),
        Inches(0.4),
        [
            "A role owns a task when it is Accountable or Responsible for it; "
            f"{len(venn.neither)} tasks are owned by neither."
        ],
        size=11,
    )
