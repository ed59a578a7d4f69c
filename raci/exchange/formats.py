"""The table layout shared by CSV and XLSX: headings, limits, content types, the one error."""

from __future__ import annotations

import re

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

# Mirrors of the database's column sizes (raci.matrices.models.Task), checked here so a plan that
# validates can be applied without a database error.
TASK_NAME_MAX_LENGTH = 200
STAGE_MAX_LENGTH = 120
# Mirror of orgs.models.ROLE_CODE_PATTERN: a heading that could be a new role's code.
ROLE_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,15}\Z")


# A value a spreadsheet would treat as a formula, possibly already behind our quotes.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


class ExchangeError(ValueError):
    """A file that cannot be read as a table at all, with a message a manager understands."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def formula_quote(value: str) -> str:
    return f"'{value}" if _NEEDS_QUOTE.match(value) else value


def formula_unquote(value: str) -> str:
    return value[1:] if _QUOTED.match(value) else value
