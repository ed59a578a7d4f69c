"""A new matrix from a table: a CSV or XLSX file, or cells pasted from Excel or Google Sheets.

Pure module. The first row names the roles, by code or by name; the first column holds the tasks,
unless it is headed ``Stage``, in which case the stage comes first and the task second (the export
layout). Every other heading is a role: one of the organization's (by code or name, case ignored)
or a new code, which the page offers for creation. The rows are then validated by the import's own
rules (``raci.exchange.plan``), so every problem comes with its line, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from frameworks.schemes import Scheme
from raci.exchange.formats import ROLE_CODE, STAGE_HEADING, TASK_HEADING, ExchangeError, formula_unquote
from raci.exchange.plan import ImportIssue, ImportPlan, _validate
from raci.exchange.tables import parse_table
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow


@dataclass
class TablePlan:
    """What a table would make: ``plan.rows`` the tasks, ``plan.roles`` the columns' codes in order,
    ``new_roles`` the codes the organization lacks (with the heading they came from), in order."""

    plan: ImportPlan = field(default_factory=ImportPlan)
    new_roles: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[ImportIssue]:
        return self.plan.errors

    @property
    def ok(self) -> bool:
        return self.plan.ok


def read_table(
    data: bytes,
    *,
    scheme: Scheme,
    roles: Mapping[str, str],
    filename: str | None = None,
    content_type: str | None = None,
    pasted: bool = False,
) -> TablePlan:
    """Read a table into a ``TablePlan`` against the organization's ``roles`` (code -> name).

    Never raises for bad input; every problem is in ``errors``. ``pasted`` text is read as
    tab-separated when its first line has a tab (what a spreadsheet puts on the clipboard).
    """
    delimiter = None
    if pasted:
        first_line = data.split(b"\n", 1)[0]
        delimiter = "\t" if b"\t" in first_line else None
    try:
        table = parse_table(data, filename=filename, content_type=content_type, delimiter=delimiter)
    except ExchangeError as error:
        return TablePlan(plan=ImportPlan(errors=[ImportIssue(error.line, None, error.message)]))
    values = [[formula_unquote(value.strip()) for value in row] for row in table]
    lines = [line for line, row in enumerate(values, start=1) if any(row)]
    if not lines:
        return _refused(
            None, "The table is empty; its first row names the roles, its first column the tasks."
        )
    header_line = lines[0]
    header = values[header_line - 1]
    with_stage = bool(header) and header[0].casefold() == STAGE_HEADING.casefold()
    first_role = 2 if with_stage else 1

    by_code = {code.upper(): code for code in roles}
    by_name = {}
    for code, name in roles.items():
        by_name.setdefault(" ".join(name.split()).casefold(), code)
    result = TablePlan()
    codes: list[str] = []
    for index in range(first_role, len(header)):
        heading = header[index]
        if not heading:
            codes.append("")
            continue
        code = by_code.get(heading.upper()) or by_name.get(" ".join(heading.split()).casefold())
        if code is None and ROLE_CODE.match(heading.upper()):
            code = heading.upper()
            result.new_roles.setdefault(code, heading)
        if code is None:
            letter = get_column_letter(index + 1)
            result.plan.errors.append(
                ImportIssue(
                    header_line,
                    letter,
                    f"Column {letter} is headed '{heading}', which is neither a role code nor a role name "
                    "of this organization; a new role's code is 1–16 letters, digits or underscores, "
                    "starting with a letter (PM, ENG).",
                )
            )
        codes.append(code or "")
    if result.errors:
        return result
    if not any(codes):
        return _refused(
            header_line,
            f"Line {header_line} names no roles; after the task column, each column is headed by a role "
            "code or name.",
        )
    if len(lines) == 1:
        return _refused(None, "The table has a header row but no tasks under it.")

    # The export layout, Stage, Task, then codes: the import's validation reads it as it is.
    normal: list[list[str]] = []
    for line, row in enumerate(values, start=1):
        if line == header_line:
            normal.append([STAGE_HEADING, TASK_HEADING, *codes])
        elif with_stage or not any(row):
            normal.append(row)
        else:
            normal.append(["", *row])
    result.plan = _validate(
        normal,
        scheme=scheme,
        known_roles=[*roles, *result.new_roles],
        inserted_columns=0 if with_stage else 1,
    )
    return result


def _refused(line: int | None, message: str) -> TablePlan:
    return TablePlan(plan=ImportPlan(errors=[ImportIssue(line, None, message)]))


def table_grid(plan: TablePlan, *, scheme: Scheme, roles: Mapping[str, str], name: str = "") -> MatrixGrid:
    """The matrix the table would make, as a grid for the rules engine (the preview's health).
    Tasks and columns get negative ids: they exist only in this picture."""
    columns = tuple(
        RoleColumn(id=-i, code=code, name=roles.get(code) or plan.new_roles.get(code, code))
        for i, code in enumerate(plan.plan.roles, start=1)
    )
    tasks = tuple(
        TaskRow(id=-i, name=row.task, stage=row.stage, order=i) for i, row in enumerate(plan.plan.rows, 1)
    )
    cells = {
        (-i, code): letters
        for i, row in enumerate(plan.plan.rows, start=1)
        for code, letters in row.cells.items()
        if letters
    }
    return MatrixGrid(id=0, name=name, version=0, scheme=scheme, roles=columns, tasks=tasks, cells=cells)


def kept_roles(plan: TablePlan, chosen: Iterable[str]) -> list[str]:
    """The columns of the new matrix: the organization's roles and the new codes ``chosen``."""
    chosen = set(chosen)
    return [code for code in plan.plan.roles if code not in plan.new_roles or code in chosen]
