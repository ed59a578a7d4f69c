"""Every index earns its keep: none of our tables carries an index whose columns (with the same
operator classes) are the leading columns of another of its indexes, which would only slow writes."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

OUR_TABLES = ("orgs_", "frameworks_", "raci_")
# Django's own tables and the automatic many-to-many table of Person.teams are not ours to shape.
NOT_OURS = ("orgs_person_teams",)

INDEXES = """
SELECT t.relname, i.relname, x.indisunique,
       array_to_string(x.indkey::int2[], ','), array_to_string(x.indclass::oid[], ',')
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND x.indpred IS NULL AND x.indexprs IS NULL
"""


def _redundant_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES)
        rows = cursor.fetchall()
    by_table: dict[str, list[tuple[str, bool, list[tuple[str, str]]]]] = {}
    for table, index, unique, columns, classes in rows:
        if table.startswith(OUR_TABLES) and table not in NOT_OURS:
            keys = list(zip(columns.split(","), classes.split(","), strict=True))
            by_table.setdefault(table, []).append((index, unique, keys))
    found = []
    for table, indexes in by_table.items():
        for name, unique, keys in indexes:
            for other, _other_unique, other_keys in indexes:
                if other != name and not unique and other_keys[: len(keys)] == keys:
                    found.append(f"{table}.{name} (covered by {other})")
    return sorted(found)


def test_no_index_repeats_the_leading_columns_of_another():
    assert _redundant_indexes() == []
