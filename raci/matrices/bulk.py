"""Inserting many rows as plain tuples in multi-row INSERTs.

``bulk_create`` builds a model instance per row and prepares every field of it: for the 16,000
history rows and 15,000 cells of a 1,000 x 50 import that was most of the import's time. Rows written
here need no instance, no signal and no returned id; the caller passes values ready for the database
(``connection.ops.adapt_datetimefield_value`` for datetimes).

On PostgreSQL every row goes in one statement, ``INSERT … SELECT * FROM unnest(%s::type[], …)``
with one array per column: the server parses thirteen arrays instead of 16,000 rows of thirteen
expressions (a quarter less time for the import's history rows); elsewhere multi-row VALUES."""

from __future__ import annotations

import re

from django.db import connection

# Rows per statement: 13 columns x 1,000 stays under SQLite's 32,766 parameters.
ROWS_PER_INSERT = 1000


def rows_insert(model, columns: list[str], rows: list[tuple], *, batch: int = ROWS_PER_INSERT) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        fields = {field.column: field for field in model._meta.concrete_fields}
        # varchar without its length: an explicit cast to varchar(n) would silently truncate, the
        # insert into the column refuses a value too long as before.
        arrays = ", ".join(
            f"%s::{re.sub(r'[(].*[)]', '', fields[column].db_type(connection))}[]" for column in columns
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                f"SELECT * FROM unnest({arrays})",
                [list(values) for values in zip(*rows, strict=True)],
            )
        return
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])
