"""A matrix as a file: export to CSV, XLSX and JSON, and read CSV or XLSX back.

Pure module: no Django, no database. Exports take a ``raci.rules.grid.MatrixGrid``; imports return plain
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

from raci.exchange.diff import (
    CellChange,
    ImportDiff,
    MissingTask,
    NewTask,
    StageChange,
    TaskRename,
    diff_import,
    grid_after_import,
)
from raci.exchange.export import (
    export_csv,
    export_file,
    export_json,
    export_rows,
    export_xlsx,
    grid_from_json,
    sheet_title,
)
from raci.exchange.formats import (
    CSV_CONTENT_TYPE,
    LEGEND_SHEET,
    MAX_COLUMNS,
    MAX_LINES,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    STAGE_HEADING,
    STAGE_MAX_LENGTH,
    TASK_HEADING,
    TASK_NAME_MAX_LENGTH,
    XLSX_CONTENT_TYPE,
    ExchangeError,
    formula_quote,
    formula_unquote,
)
from raci.exchange.plan import (
    ImportIssue,
    ImportPlan,
    ImportRow,
    name_key,
    read_import,
)
from raci.exchange.tables import (
    parse_table,
)

__all__ = [
    "CSV_CONTENT_TYPE",
    "LEGEND_SHEET",
    "MAX_COLUMNS",
    "MAX_LINES",
    "MAX_ROWS",
    "MAX_XLSX_UNCOMPRESSED",
    "STAGE_HEADING",
    "STAGE_MAX_LENGTH",
    "TASK_HEADING",
    "TASK_NAME_MAX_LENGTH",
    "XLSX_CONTENT_TYPE",
    "CellChange",
    "ExchangeError",
    "ImportDiff",
    "ImportIssue",
    "ImportPlan",
    "ImportRow",
    "MissingTask",
    "NewTask",
    "StageChange",
    "TaskRename",
    "diff_import",
    "export_csv",
    "export_file",
    "export_json",
    "export_rows",
    "export_xlsx",
    "formula_quote",
    "formula_unquote",
    "grid_after_import",
    "grid_from_json",
    "name_key",
    "parse_table",
    "read_import",
    "sheet_title",
]
