"""A matrix as a file: export to CSV, XLSX and JSON, and read CSV or XLSX back.

Pure module: no Django, no database. Exports take a ``raci.grid.MatrixGrid``; imports return plain
dataclasses that a service applies. The API's import endpoint calls ``read_import`` then
``diff_import`` and answers a dry run with ``ImportDiff.to_dict()``.

The table layout, the same for CSV and XLSX, is deliberately minimal so that it round-trips::

    Stage, Task, <role code>, <role code>, ...
    Plan,  Roadmap, A/R, C, ...

Letters are written with slashes (``A/R``); an empty cell is an empty string. Reading accepts any
spelling ``Scheme.normalize`` accepts (``ra``, ``a, r``).

Formula injection. A value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return would be
run as a formula by a spreadsheet, so every such value is written with one extra leading single
quote (``=Plan`` -> ``'=Plan``), in CSV and in XLSX alike. A value that already starts with quotes
followed by one of those characters gets one more quote too (``'=x`` -> ``''=x``), so that the
importer can remove exactly one leading quote from any value of the form ``'...'<char>...`` and the
round trip is exact. Values that start with a quote followed by anything else are left alone.

Reading rules worth knowing:

- ``line`` in every issue and row is the row number a spreadsheet shows: the header is line 1, and
  a quoted CSV cell spanning several physical lines still counts as one.
- Values are trimmed; blank rows are skipped; only the first worksheet of a workbook is read
  (the "Legend" sheet we write is ignored).
- Tasks are matched by name ignoring case and runs of whitespace (``name_key``).
- Import never archives or deletes a task: tasks in the matrix but absent from the file are
  reported as ``missing_tasks`` and left alone. Role columns absent from the file are untouched.
- XLSX is XML: it cannot carry a carriage return (it comes back as a line feed), other control
  characters or the noncharacters U+FFFE/U+FFFF (dropped on export). Names free of control
  characters other than tab and line feed round-trip exactly through both formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from raci.grid import MatrixGrid, TaskRow
from raci.schemes import LettersError, Scheme

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STAGE_HEADING = "Stage"
TASK_HEADING = "Task"
LEGEND_SHEET = "Legend"

# Limits on what an import reads; anything larger is refused before validation.
MAX_ROWS = 10_000  # data rows that are not blank
MAX_COLUMNS = 200
# Blank rows are cheap but not free: a file with this many rows, blank ones included, is refused.
MAX_LINES = 100_000
# An XLSX is a zip; refuse one that would inflate past this (a zip bomb) before parsing it.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024

# Mirrors of the database's column sizes (raci.models.Task), checked here so a plan that
# validates can be applied without a database error.
TASK_NAME_MAX_LENGTH = 200
STAGE_MAX_LENGTH = 120

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the pre-2007 binary .xls format
_XLSX_SUFFIXES = (".xlsx", ".xlsm")

# A value a spreadsheet would treat as a formula, possibly already behind our quotes.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
# Characters Excel forbids in a sheet title, and what stands in for each.
_SHEET_TITLE_SUBSTITUTES = str.maketrans(
    {"/": "-", "\\": "-", "[": "(", "]": ")", ":": " ", "*": " ", "?": " "}
)
_SHEET_TITLE_MAX = 31
_XML_UNSAFE = re.compile("[\ud800-\udfff\ufffe\uffff]")


class ExchangeError(ValueError):
    """A file that cannot be read as a table at all, with a message a manager understands."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --------------------------------------------------------------------------------------------
# Export


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
        writer.writerow([_quote(value) for value in row])
    # "replace" only matters for a lone surrogate, which no database column should hold.
    return out.getvalue().encode("utf-8-sig", errors="replace")


def export_xlsx(grid: MatrixGrid) -> bytes:
    """The matrix as an XLSX workbook: the table on the first sheet, the scheme's letters on "Legend"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(grid.name)
    rows = export_rows(grid)
    for row in rows:
        sheet.append([_xlsx_text(_quote(value)) for value in row])
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
        "cells": [
            {"task": task.id, "role": role.code, "letters": letters}
            for task in grid.tasks
            for role in grid.roles
            if (letters := grid.letters(task.id, role.code))
        ],
    }


def sheet_title(name: str) -> str:
    """``name`` as a worksheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    title = _xlsx_text(name)
    title = title.translate(_SHEET_TITLE_SUBSTITUTES)
    title = " ".join(title.split())
    # Excel refuses a title that starts or ends with an apostrophe.
    title = title.strip("'")[:_SHEET_TITLE_MAX].rstrip().strip("'")
    if not title:
        return "Matrix"
    # "History" is reserved by Excel; "Legend" is our second sheet.
    if title.casefold() in {"history", LEGEND_SHEET.casefold()}:
        return f"{title} (matrix)"
    return title


def _spell(letters: str) -> str:
    return "/".join(letters)


def _quote(value: str) -> str:
    return f"'{value}" if _NEEDS_QUOTE.match(value) else value


def _unquote(value: str) -> str:
    return value[1:] if _QUOTED.match(value) else value


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


# --------------------------------------------------------------------------------------------
# Reading a table


def parse_table(
    data: bytes, *, filename: str | None = None, content_type: str | None = None
) -> list[list[str]]:
    """The rows of a CSV or XLSX file as strings, exactly as stored (not trimmed, quotes kept).

    XLSX is recognised by its zip signature; anything else must be UTF-8 text (a BOM is allowed)
    and is read as CSV, with ``;`` or tab as the delimiter when the header has no comma. Empty
    cells are ``""`` and trailing empty cells are dropped, so a blank row is ``[]``. Raises
    ``ExchangeError`` for a file that is not a table or is over the limits.
    """
    if data.startswith(_ZIP_MAGIC):
        rows: Iterable[list[str]] = _xlsx_rows(data)
    elif data.startswith(_OLE_MAGIC):
        raise ExchangeError(
            "This is an old-style Excel .xls file, which cannot be read; save it as .xlsx or as CSV UTF-8."
        )
    elif _looks_like_xlsx(filename, content_type):
        raise ExchangeError(f"{filename or 'The file'} is not a valid XLSX workbook; it may be damaged.")
    else:
        rows = _csv_rows(data)
    return _within_limits(rows)


def _looks_like_xlsx(filename: str | None, content_type: str | None) -> bool:
    if filename and filename.lower().endswith(_XLSX_SUFFIXES):
        return True
    return bool(content_type) and content_type.split(";")[0].strip().lower() == XLSX_CONTENT_TYPE


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExchangeError(
            "The file is neither an XLSX workbook nor UTF-8 text; "
            "upload .xlsx, or save the sheet as CSV UTF-8 (comma delimited)."
        ) from None
    if "\x00" in text:
        raise ExchangeError(
            "The file contains binary data, not CSV text; upload .xlsx or CSV UTF-8 (comma delimited)."
        )
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise ExchangeError(
            f"Line {reader.line_num} is not valid CSV: {error}.", line=reader.line_num
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    unreadable = (
        "The file is not a readable XLSX workbook; open it in a spreadsheet and save it again as .xlsx."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExchangeError(unreadable) from None
    if inflated > MAX_XLSX_UNCOMPRESSED:
        raise ExchangeError("The workbook is too large to import; split it or upload CSV instead.")
    workbook = None
    try:
        # read_only streams the sheet; data_only reads what a formula last showed, not the formula.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise ExchangeError("The workbook has no worksheet to import.")
        sheet = workbook.worksheets[0]
        # One column past the limit is enough to tell that a row is too wide.
        for values in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
            yield [_cell_text(value) for value in values]
    except ExchangeError:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise ExchangeError(unreadable) from None
    finally:
        if workbook is not None:
            workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _within_limits(rows: Iterable[list[str]]) -> list[list[str]]:
    table: list[list[str]] = []
    header_seen = False
    data_rows = 0
    for line, row in enumerate(rows, start=1):
        while row and row[-1] == "":
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise ExchangeError(
                f"Line {line} has more than {MAX_COLUMNS} columns; a matrix file may have at most "
                f"{MAX_COLUMNS}.",
                line=line,
            )
        blank = not any(value.strip() for value in row)
        if not blank and header_seen:
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise ExchangeError(
                    f"The file has more than {MAX_ROWS:,} rows of tasks; split it into smaller files.",
                    line=line,
                )
        header_seen = header_seen or not blank
        if line > MAX_LINES:
            raise ExchangeError(
                f"The file has more than {MAX_LINES:,} lines, blank ones included.", line=line
            )
        table.append(row)
    return table


# --------------------------------------------------------------------------------------------
# Validating an import


@dataclass(frozen=True)
class ImportIssue:
    """One problem in a file. ``line`` is None for the file as a whole; ``column`` is the column's
    heading (``Stage``, ``Task``, a role code) or, for a column without a heading, its letter."""

    line: int | None
    column: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ImportRow:
    """A task as the file gives it. ``cells`` has every valid role column of the file, ``""`` for an
    empty cell (which clears it); a cell whose letters are invalid is left out."""

    line: int
    stage: str
    task: str
    cells: dict[str, str]


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    # The valid role columns of the file, in header order, spelled as in ``known_roles``.
    roles: list[str] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def name_key(name: str) -> str:
    """What two task names must share to be the same task: case and runs of whitespace ignored."""
    return " ".join(name.split()).casefold()


def read_import(
    data: bytes,
    *,
    scheme: Scheme,
    known_roles: Iterable[str],
    filename: str | None = None,
    content_type: str | None = None,
) -> ImportPlan:
    """Read and validate a whole CSV or XLSX file against ``scheme`` and the organization's roles.

    Never raises for bad input: a file that cannot be read at all gives a plan with one error, and
    otherwise every problem in the file is collected in ``plan.errors``. Apply a plan only when
    ``plan.ok``.
    """
    try:
        table = parse_table(data, filename=filename, content_type=content_type)
    except ExchangeError as error:
        return ImportPlan(errors=[ImportIssue(error.line, None, error.message)])
    values = [[_unquote(value.strip()) for value in row] for row in table]
    return _validate(values, scheme=scheme, known_roles=known_roles)


def _validate(table: list[list[str]], *, scheme: Scheme, known_roles: Iterable[str]) -> ImportPlan:
    plan = ImportPlan()
    lines = [(line, row) for line, row in enumerate(table, start=1) if any(row)]
    if not lines:
        plan.errors.append(
            ImportIssue(
                None,
                None,
                "The file is empty; expected a header row: Stage, Task, then one role code per column.",
            )
        )
        return plan
    (header_line, header), body = lines[0], lines[1:]
    # Role column index -> role code; columns not in it are unknown, repeated or without heading.
    columns, header_ok = _read_header(header_line, header, known_roles, plan)
    if not header_ok:
        return plan

    first_seen: dict[str, int] = {}
    for line, row in body:
        stage = row[0] if row else ""
        task = row[1] if len(row) > 1 else ""
        row_ok = True

        # A value under no role code: past the header's end or under an empty heading.
        stray = next((i for i in range(2, len(row)) if row[i] and (i >= len(header) or not header[i])), None)
        if stray is not None:
            row_ok = False
            letter = get_column_letter(stray + 1)
            plan.errors.append(
                ImportIssue(
                    line,
                    letter,
                    f"Line {line} has a value in column {letter}, which has no role code in the header; "
                    "add the role code to the header or remove the value.",
                )
            )

        if not task:
            row_ok = False
            plan.errors.append(ImportIssue(line, TASK_HEADING, f"Line {line} has no task name."))
        elif len(task) > TASK_NAME_MAX_LENGTH:
            row_ok = False
            plan.errors.append(
                ImportIssue(
                    line,
                    TASK_HEADING,
                    f"The task name on line {line} is {len(task)} characters long; "
                    f"at most {TASK_NAME_MAX_LENGTH} are allowed.",
                )
            )
        else:
            key = name_key(task)
            if key in first_seen:
                row_ok = False
                plan.errors.append(
                    ImportIssue(
                        line,
                        TASK_HEADING,
                        f"Task '{task}' on line {line} repeats the task on line {first_seen[key]}; "
                        "each task may appear once.",
                    )
                )
            else:
                first_seen[key] = line
        if len(stage) > STAGE_MAX_LENGTH:
            row_ok = False
            plan.errors.append(
                ImportIssue(
                    line,
                    STAGE_HEADING,
                    f"The stage on line {line} is {len(stage)} characters long; "
                    f"at most {STAGE_MAX_LENGTH} are allowed.",
                )
            )

        cells: dict[str, str] = {}
        for index, code in columns.items():
            raw = row[index] if index < len(row) else ""
            try:
                cells[code] = scheme.normalize(raw)
            except LettersError as error:
                plan.errors.append(
                    ImportIssue(line, code, f"Line {line}, task '{task}', role {code}: {error}")
                )
        if row_ok:
            plan.rows.append(ImportRow(line=line, stage=stage, task=task, cells=cells))
    plan.roles = list(columns.values())
    return plan


def _read_header(
    line: int, header: list[str], known_roles: Iterable[str], plan: ImportPlan
) -> tuple[dict[int, str], bool]:
    header_ok = True
    for index, expected in enumerate((STAGE_HEADING, TASK_HEADING)):
        found = header[index] if index < len(header) else ""
        if found.casefold() != expected.casefold():
            header_ok = False
            letter = get_column_letter(index + 1)
            what = f"'{found}'" if found else "nothing"
            plan.errors.append(
                ImportIssue(
                    line,
                    letter,
                    f"Column {letter} of the header must be '{expected}' but is {what}; "
                    "the header is Stage, Task, then one role code per column.",
                )
            )

    known = {}
    for code in known_roles:
        known.setdefault(code.upper(), code)
    listed = ", ".join(known.values()) if known else "none yet"
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index in range(2, len(header)):
        heading = header[index]
        if not heading:
            continue
        letter = get_column_letter(index + 1)
        code = known.get(heading.upper())
        if code is None:
            plan.errors.append(
                ImportIssue(
                    line,
                    heading,
                    f"Column {letter} is headed '{heading}', which is not a role code of this organization; "
                    f"its roles are: {listed}.",
                )
            )
        elif code in seen:
            plan.errors.append(
                ImportIssue(
                    line,
                    code,
                    f"Role {code} heads two columns ({get_column_letter(seen[code] + 1)} and {letter}); "
                    "keep one.",
                )
            )
        else:
            seen[code] = index
            columns[index] = code
    return columns, header_ok


# --------------------------------------------------------------------------------------------
# What an import would change


@dataclass(frozen=True)
class NewTask:
    line: int
    name: str
    stage: str


@dataclass(frozen=True)
class TaskRename:
    """The file spells an existing task's name differently (case or spacing only)."""

    task_id: int
    old: str
    new: str


@dataclass(frozen=True)
class StageChange:
    task_id: int
    task: str
    old: str
    new: str


@dataclass(frozen=True)
class CellChange:
    # None for a cell of a task the import creates.
    task_id: int | None
    task: str
    role: str
    old: str
    new: str


@dataclass(frozen=True)
class MissingTask:
    task_id: int
    name: str
    stage: str


@dataclass(frozen=True)
class ImportDiff:
    """What applying a plan would change. ``missing_tasks`` are reported, never deleted or archived."""

    new_tasks: tuple[NewTask, ...] = ()
    renamed_tasks: tuple[TaskRename, ...] = ()
    stage_changes: tuple[StageChange, ...] = ()
    cell_changes: tuple[CellChange, ...] = ()
    # Role codes of the file that are not yet columns of the matrix.
    new_roles: tuple[str, ...] = ()
    missing_tasks: tuple[MissingTask, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when applying the plan would change nothing (missing tasks are not a change)."""
        return not (
            self.new_tasks or self.renamed_tasks or self.stage_changes or self.cell_changes or self.new_roles
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_empty": self.is_empty,
            "new_tasks": [{"line": t.line, "name": t.name, "stage": t.stage} for t in self.new_tasks],
            "renamed_tasks": [{"task": r.task_id, "old": r.old, "new": r.new} for r in self.renamed_tasks],
            "stage_changes": [
                {"task": s.task_id, "name": s.task, "old": s.old, "new": s.new} for s in self.stage_changes
            ],
            "cell_changes": [
                {"task": c.task_id, "name": c.task, "role": c.role, "old": c.old, "new": c.new}
                for c in self.cell_changes
            ],
            "new_roles": list(self.new_roles),
            "missing_tasks": [
                {"task": m.task_id, "name": m.name, "stage": m.stage} for m in self.missing_tasks
            ],
        }


def diff_import(grid: MatrixGrid, plan: ImportPlan) -> ImportDiff:
    """Compare ``plan`` with ``grid`` without changing either.

    A file row matches the grid task with exactly its name, else the first unmatched task with the
    same ``name_key``. Only the plan's role columns are compared; an empty cell in the file clears
    the cell.
    """
    by_name = {task.name: task for task in grid.tasks}
    by_key: dict[str, list[TaskRow]] = {}
    for task in grid.tasks:
        by_key.setdefault(name_key(task.name), []).append(task)
    grid_roles = {role.code for role in grid.roles}

    matched: set[int] = set()
    new_tasks: list[NewTask] = []
    renamed: list[TaskRename] = []
    stages: list[StageChange] = []
    cells: list[CellChange] = []
    for row in plan.rows:
        task = by_name.get(row.task)
        if task is None or task.id in matched:
            task = next((t for t in by_key.get(name_key(row.task), ()) if t.id not in matched), None)
        if task is None:
            new_tasks.append(NewTask(line=row.line, name=row.task, stage=row.stage))
            cells.extend(
                CellChange(None, row.task, role, "", letters)
                for role, letters in _in_order(row, plan)
                if letters
            )
            continue
        matched.add(task.id)
        if row.task != task.name:
            renamed.append(TaskRename(task.id, task.name, row.task))
        if row.stage != task.stage:
            stages.append(StageChange(task.id, row.task, task.stage, row.stage))
        for role, letters in _in_order(row, plan):
            old = grid.letters(task.id, role)
            if old != letters:
                cells.append(CellChange(task.id, row.task, role, old, letters))

    return ImportDiff(
        new_tasks=tuple(new_tasks),
        renamed_tasks=tuple(renamed),
        stage_changes=tuple(stages),
        cell_changes=tuple(cells),
        new_roles=tuple(code for code in plan.roles if code not in grid_roles),
        missing_tasks=tuple(
            MissingTask(task.id, task.name, task.stage) for task in grid.tasks if task.id not in matched
        ),
    )


def _in_order(row: ImportRow, plan: ImportPlan) -> Iterator[tuple[str, str]]:
    return ((role, row.cells[role]) for role in plan.roles if role in row.cells)


# --------------------------------------------------------------------------------------------
# Files to download


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
