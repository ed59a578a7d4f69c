"""Inserting many rows as plain tuples in multi-row INSERTs.

``bulk_create`` builds a model instance per row and prepares every field of it: for the 16,000
history rows and 15,000 cells of a 1,000 x 50 import that was most of the import's time. Rows written
here need no instance, no signal and no returned id; the caller passes values ready for the database
(``connection.ops.adapt_datetimefield_value`` for datetimes)."""

from __future__ import annotations

from django.db import connection

# Rows per statement: 13 columns x 1,000 stays under SQLite's 32,766 parameters.
ROWS_PER_INSERT = 1000


def rows_insert(model, columns: list[str], rows: list[tuple], *, batch: int = ROWS_PER_INSERT) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])
