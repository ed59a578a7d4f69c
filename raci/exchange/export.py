"""Writing a matrix as CSV, XLSX and JSON, and the download a page or endpoint serves."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from frameworks.schemes import Scheme, get_scheme
from raci.exchange.formats import (
    CSV_CONTENT_TYPE,
    LEGEND_SHEET,
    STAGE_HEADING,
    TASK_HEADING,
    XLSX_CONTENT_TYPE,
    ExchangeError,
    formula_quote,
)
from raci.exchange.workbook import (
    FINDINGS_SHEET,
    PEOPLE_SHEET,
    add_findings_sheet,
    add_people_sheet,
    style_legend,
    style_matrix_sheet,
)
from raci.rules.engine import evaluate
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow

# Characters Excel forbids in a sheet title, and what stands in for each.
_SHEET_TITLE_SUBSTITUTES = str.maketrans(
    {"/": "-", "\\": "-", "[": "(", "]": ")", ":": " ", "*": " ", "?": " "}
)
_SHEET_TITLE_MAX = 31
_XML_UNSAFE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def export_rows(grid: MatrixGrid) -> list[list[str]]:
    """The table both file formats write: a header, then one row per task in grid order."""
    header = [STAGE_HEADING, TASK_HEADING, *(role.code for role in grid.roles)]
    rows = [header]
    for task in grid.tasks:
        letters = (_spell(grid.letters(task.id, role.code)) for role in grid.roles)
        rows.append([task.stage, task.name, *letters])
    return rows


def export_csv(grid: MatrixGrid) -> bytes:
    """The matrix as CSV: UTF-8 with a BOM (so Excel detects the encoding), CRLF line endings."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in export_rows(grid):
        writer.writerow([formula_quote(value) for value in row])
    # "replace" only matters for a lone surrogate, which no database column should hold.
    return out.getvalue().encode("utf-8-sig", errors="replace")


def export_xlsx(grid: MatrixGrid) -> bytes:
    """The matrix as an XLSX workbook people present and import back: the table on the first sheet
    (coloured by letter, stages grouped, set up to print), the scheme's letters on "Legend", then
    the rules engine's findings and who holds each role (``workbook``). Only the first sheet is
    read on import, and nothing on it but the table."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(grid.name)
    rows = export_rows(grid)
    for row in rows:
        sheet.append([_xlsx_text(formula_quote(value)) for value in row])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "C2"
    for index, width in enumerate(_column_widths(rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    legend = workbook.create_sheet(LEGEND_SHEET)
    legend.append(["Letter", "Name", "Meaning"])
    for cell in legend[1]:
        cell.font = bold
    for letter in grid.scheme.letters:
        legend.append([letter.code, letter.name, _xlsx_text(letter.meaning)])
    legend.append([])
    legend.append([_xlsx_text(f"{grid.scheme.name}: {_combinations_note(grid.scheme)}")])
    if grid.scheme.rule_notes:
        legend.append([_xlsx_text(grid.scheme.rule_notes)])
    legend.column_dimensions["A"].width = 8
    legend.column_dimensions["B"].width = 18
    legend.column_dimensions["C"].width = 70
    style_matrix_sheet(sheet, grid)
    style_legend(legend, grid.scheme)
    add_findings_sheet(workbook, grid, evaluate(grid), _xlsx_text)
    add_people_sheet(workbook, grid, _xlsx_text)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_json(grid: MatrixGrid) -> dict[str, Any]:
    """The API's grid document; ``cells`` lists non-empty cells by task order, then role column order."""
    return {
        "id": grid.id,
        "name": grid.name,
        "version": grid.version,
        "scheme": grid.scheme.key,
        "roles": [{"id": role.id, "code": role.code, "name": role.name} for role in grid.roles],
        "tasks": [
            {"id": task.id, "name": task.name, "stage": task.stage, "order": task.order}
            for task in grid.tasks
        ],
        "cells": _filled_cells(grid),
    }


def _filled_cells(grid: MatrixGrid) -> list[dict[str, Any]]:
    """The non-empty cells in task order, then column order, from the filled cells alone: a sparse
    5,000 x 100 matrix has far fewer of them than positions."""
    task_position = {task.id: i for i, task in enumerate(grid.tasks)}
    role_position = {role.code: i for i, role in enumerate(grid.roles)}
    placed = [
        (task_position[task_id], role_position[code], task_id, code, letters)
        for (task_id, code), letters in grid.cells.items()
        if letters and task_id in task_position and code in role_position
    ]
    placed.sort()
    return [{"task": task_id, "role": code, "letters": letters} for _t, _r, task_id, code, letters in placed]


def grid_from_json(document: Mapping[str, Any], **extra: Any) -> MatrixGrid:
    """The inverse of ``export_json``: a grid document (a revision's frozen snapshot) as a
    ``MatrixGrid``. ``extra`` sets what the document does not carry (people, settings, headcount)."""
    return MatrixGrid(
        id=document["id"],
        name=document["name"],
        version=document["version"],
        scheme=get_scheme(document["scheme"]),
        roles=tuple(RoleColumn(id=r["id"], code=r["code"], name=r["name"]) for r in document["roles"]),
        tasks=tuple(
            TaskRow(id=t["id"], name=t["name"], stage=t["stage"], order=t["order"]) for t in document["tasks"]
        ),
        cells={(c["task"], c["role"]): c["letters"] for c in document["cells"]},
        **extra,
    )


def sheet_title(name: str) -> str:
    """``name`` as a worksheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    title = _xlsx_text(name)
    title = title.translate(_SHEET_TITLE_SUBSTITUTES)
    title = " ".join(title.split())
    # Excel refuses a title that starts or ends with an apostrophe.
    title = title.strip("'")[:_SHEET_TITLE_MAX].rstrip().strip("'")
    if not title:
        return "Matrix"
    # "History" is reserved by Excel; the other sheets of the workbook have their own names.
    if title.casefold() in {
        "history",
        *(name.casefold() for name in (LEGEND_SHEET, FINDINGS_SHEET, PEOPLE_SHEET)),
    }:
        return f"{title} (matrix)"
    return title


def _spell(letters: str) -> str:
    return "/".join(letters)


def _xlsx_text(value: str) -> str:
    # XML cannot hold most control characters (openpyxl would raise on them), nor the
    # noncharacters U+FFFE/U+FFFF and lone surrogates (the workbook would be unreadable).
    return _XML_UNSAFE.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))


def _column_widths(rows: Sequence[Sequence[str]]) -> list[float]:
    caps = [30, 60]  # Stage, Task; role columns are capped at 12
    widths: list[float] = []
    for index in range(len(rows[0])):
        longest = max(max((len(line) for line in row[index].split("\n")), default=0) for row in rows)
        cap = caps[index] if index < len(caps) else 12
        floor = 10 if index < len(caps) else 6
        widths.append(min(max(longest + 2, floor), cap))
    return widths


def _combinations_note(scheme: Scheme) -> str:
    if not scheme.combinations:
        return "each cell holds one letter."
    pairs = ", ".join(sorted("+".join(scheme.order(c)) for c in scheme.combinations))
    return f"letters that may share a cell: {pairs}."


def export_file(grid: MatrixGrid, kind: str, *, tag: str | None = None) -> tuple[bytes, str, str]:
    """The grid as a CSV or XLSX download: (content, content type, file name).

    The file name is the matrix's name made safe, then ``tag`` (default ``v<version>``; a revision
    passes ``r<number>``). Raises ExchangeError for any other kind.
    """
    exporters = {"csv": (export_csv, CSV_CONTENT_TYPE), "xlsx": (export_xlsx, XLSX_CONTENT_TYPE)}
    if kind not in exporters:
        raise ExchangeError("Export as csv or xlsx.")
    export, content_type = exporters[kind]
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in grid.name).strip("-")[:60] or "matrix"
    return export(grid), content_type, f"{stem}-{tag or f'v{grid.version}'}.{kind}"
