"""The presentation layer of the XLSX export: colours, stage groups, print set-up, and the sheets
after the matrix (legend colours, findings, people).

Pure module. ``export.export_xlsx`` writes the table first, exactly as the importer reads it
(nothing here adds a row or changes a value on the first sheet), then calls these functions, so
the workbook people present is the workbook they can import back without loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import Outline, PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from frameworks.schemes import Scheme
from raci.exchange.presentation import TONE_COLOURS, letter_tone, people_by_role, stage_runs
from raci.rules.findings import Finding
from raci.rules.grid import MatrixGrid

FINDINGS_SHEET = "Findings"
PEOPLE_SHEET = "People"

_BOLD = Font(bold=True)
_CENTRE = Alignment(horizontal="center", vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _fills() -> dict[str, PatternFill]:
    return {
        tone: PatternFill("solid", start_color=colour, end_color=colour)
        for tone, colour in TONE_COLOURS.items()
    }


def style_matrix_sheet(sheet: Worksheet, grid: MatrixGrid) -> None:
    """Colour every filled cell by its tone (the letters stay written), group each stage's rows
    under its first task, and set the sheet up to print: landscape, one page wide, the header
    row and the Stage and Task columns on every page."""
    fills = _fills()
    scheme = grid.scheme
    # Row 1 is the header; task i is on row i + 2, role column j in column j + 3.
    for row_index, task in enumerate(grid.tasks, start=2):
        for column_index, role in enumerate(grid.roles, start=3):
            letters = grid.cells.get((task.id, role.code), "")
            if letters:
                cell = sheet.cell(row=row_index, column=column_index)
                cell.fill = fills[letter_tone(scheme, letters)]
                cell.alignment = _CENTRE

    # Excel groups rows by outline level; a stage's first task is the group's summary row, so
    # two stages next to each other stay two groups (equal levels side by side would merge).
    sheet.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=False)
    row_index = 2
    for _stage, tasks in stage_runs(grid):
        for offset in range(1, len(tasks)):
            sheet.row_dimensions[row_index + offset].outlineLevel = 1
        row_index += len(tasks)

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:B"


def style_legend(sheet: Worksheet, scheme: Scheme) -> None:
    """Colour the letters of the legend (rows 2… hold the scheme's letters in order)."""
    fills = _fills()
    for row_index, letter in enumerate(scheme.letters, start=2):
        cell = sheet.cell(row=row_index, column=1)
        cell.fill = fills[letter_tone(scheme, letter.code)]
        cell.alignment = _CENTRE


def add_findings_sheet(
    workbook: Workbook, grid: MatrixGrid, findings: Sequence[Finding], text: Callable[[str], str]
) -> None:
    """One row per finding of the rules engine, errors first, with the task and role it is about."""
    sheet = workbook.create_sheet(FINDINGS_SHEET)
    sheet.append(["Severity", "Code", "Task", "Role", "Finding", "How to fix"])
    task_names = {task.id: task.name for task in grid.tasks}
    for finding in findings:
        sheet.append(
            [
                text(str(finding.severity)),
                text(finding.code),
                text(task_names.get(finding.task_id, "") if finding.task_id is not None else ""),
                text(finding.role_code or ""),
                text(finding.message),
                text(finding.hint),
            ]
        )
    if not findings:
        sheet.append(["", "", "", "", "The rules engine has nothing to report.", ""])
    _header(sheet, widths=(10, 22, 40, 8, 70, 60))


def add_people_sheet(workbook: Workbook, grid: MatrixGrid, text: Callable[[str], str]) -> None:
    """Who holds each role of the matrix: a person's responsibilities come from their roles."""
    sheet = workbook.create_sheet(PEOPLE_SHEET)
    sheet.append(["Role", "Name", "People"])
    for role, names in people_by_role(grid):
        sheet.append([text(role.code), text(role.name), text(", ".join(names) or "(nobody)")])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = _WRAP
    _header(sheet, widths=(10, 30, 80))


def _header(sheet: Worksheet, *, widths: Sequence[int]) -> None:
    for cell in sheet[1]:
        cell.font = _BOLD
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
