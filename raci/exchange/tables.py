"""Reading a CSV or XLSX file into rows of strings, within limits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import load_workbook

from raci.exchange.formats import (
    MAX_COLUMNS,
    MAX_LINES,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    XLSX_CONTENT_TYPE,
    ExchangeError,
)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the pre-2007 binary .xls format
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Read after the file's last line, to tell whether the file ends inside a quoted field; the text
# never holds a NUL (refused as binary), so the marker cannot be the file's own.
_END = "\x00"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_table(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_rows: int = MAX_ROWS,
    rows_are: str = "rows of tasks",
    delimiter: str | None = None,
) -> list[list[str]]:
    """The rows of a CSV or XLSX file as strings, exactly as stored (not trimmed, quotes kept).

    XLSX is recognised by its zip signature; anything else must be UTF-8 text (a BOM is allowed)
    and is read as CSV, with ``;`` or tab as the delimiter when the header has no comma. Empty
    cells are ``""`` and trailing empty cells are dropped, so a blank row is ``[]``. Raises
    ``ExchangeError`` for a file that is not a table or is over the limits: more than ``max_rows``
    data rows (named ``rows_are`` in the message: the people import reads people, not tasks).
    ``delimiter`` forces the CSV delimiter (a table pasted from a spreadsheet is tab-separated).
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
        rows = _csv_rows(data, delimiter)
    return _within_limits(rows, max_rows=max_rows, rows_are=rows_are)


def _looks_like_xlsx(filename: str | None, content_type: str | None) -> bool:
    if filename and filename.lower().endswith(_XLSX_SUFFIXES):
        return True
    return bool(content_type) and content_type.split(";")[0].strip().lower() == XLSX_CONTENT_TYPE


def _csv_rows(data: bytes, forced: str | None = None) -> Iterator[list[str]]:
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
    delimiter = forced or ","
    if forced is None and "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    # The csv module ends a quoted field that is never closed at the end of the file, silently:
    # every line after the quote would become one value. A marker line after the file shows it:
    # the marker is a row of its own, unless an open quoted field took it in.
    reader = csv.reader(itertools.chain(io.StringIO(text, newline=""), [_END]), delimiter=delimiter)
    row_start = 1
    try:
        for row in reader:
            if row == [_END]:
                return
            if row and row[-1].endswith(_END):
                # Earlier values of the row may span lines too (closed quoted fields).
                line = row_start + sum(len(_LINE_BREAK.findall(value)) for value in row[:-1])
                raise ExchangeError(
                    f"Line {line} opens a quoted value that is never closed; "
                    'add the missing " or remove the stray one.',
                    line=line,
                )
            yield row
            row_start = reader.line_num + 1
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


def _within_limits(rows: Iterable[list[str]], *, max_rows: int, rows_are: str) -> list[list[str]]:
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
            if data_rows > max_rows:
                raise ExchangeError(
                    f"The file has more than {max_rows:,} {rows_are} (line {line:,} is past the limit); "
                    "split it into smaller files.",
                    line=line,
                )
        header_seen = header_seen or not blank
        if line > MAX_LINES:
            raise ExchangeError(
                f"The file has more than {MAX_LINES:,} lines, blank ones included.", line=line
            )
        table.append(row)
    return table
