"""Validating an import: rows of a table into an ImportPlan, every problem with its line."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from frameworks.schemes import LettersError, Scheme
from orgs.text import first_control_character
from raci.exchange.formats import (
    STAGE_HEADING,
    STAGE_MAX_LENGTH,
    TASK_HEADING,
    TASK_NAME_MAX_LENGTH,
    ExchangeError,
    formula_unquote,
)
from raci.exchange.tables import parse_table


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
    values = [[formula_unquote(value.strip()) for value in row] for row in table]
    return _validate(values, scheme=scheme, known_roles=known_roles)


def _validate(
    table: list[list[str]], *, scheme: Scheme, known_roles: Iterable[str], inserted_columns: int = 0
) -> ImportPlan:
    """``inserted_columns``: how many columns the caller put before the file's own (a table without
    a stage column gets an empty one), so that column letters in messages are the file's."""
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
    # A file of 50,000 cells spells a handful of distinct values: normalise each once.
    normalize = functools.lru_cache(maxsize=1024)(scheme.normalize)
    for line, row in body:
        stage = row[0] if row else ""
        task = row[1] if len(row) > 1 else ""
        row_ok = True

        # A value under no role code: past the header's end or under an empty heading.
        stray = next((i for i in range(2, len(row)) if row[i] and (i >= len(header) or not header[i])), None)
        if stray is not None:
            row_ok = False
            letter = get_column_letter(stray + 1 - inserted_columns)
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
        elif problem := _control_character(task, line, "task name"):
            row_ok = False
            plan.errors.append(ImportIssue(line, TASK_HEADING, problem))
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
        elif problem := _control_character(stage, line, "stage"):
            row_ok = False
            plan.errors.append(ImportIssue(line, STAGE_HEADING, problem))

        cells: dict[str, str] = {}
        for index, code in columns.items():
            raw = row[index] if index < len(row) else ""
            try:
                cells[code] = normalize(raw)
            except LettersError as error:
                plan.errors.append(
                    ImportIssue(line, code, f"Line {line}, task '{task}', role {code}: {error}")
                )
        if row_ok:
            plan.rows.append(ImportRow(line=line, stage=stage, task=task, cells=cells))
    plan.roles = list(columns.values())
    return plan


def _control_character(value: str, line: int, what: str) -> str | None:
    """Why ``value`` cannot be a name (a line break, a tab, another control character), if so."""
    found = first_control_character(value)
    if found is None:
        return None
    position, character = found
    return (
        f"The {what} on line {line} has {character} at character {position}; "
        f"a {what} must be one line without control characters."
    )


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
