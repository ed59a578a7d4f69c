"""API benchmark on PostgreSQL: GET of a 1,000-task x 50-role grid and a PATCH of 100 cells.

Run from the repository root with PostgreSQL on 127.0.0.1 (it creates and reuses its own database,
`raci_bench`, or $BENCH_DATABASE, and never touches another):

    .venv/bin/python bench/bench_api.py [--runs 15]

Requests go through the whole Django stack in-process (middleware, authentication by Bearer token,
the access check, the grid loader, JSON rendering) without a network hop. For scale it also times a
raw psycopg2 fetch of the same rows serialised with json.dumps in the same run, and reports the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402
from bench.common import timed  # noqa: E402  (the other benchmarks import it from here)

# BENCH_DATABASE: an engineer sharing the server benchmarks in a database of their own.
BENCH_DB = os.environ.get("BENCH_DATABASE", "raci_bench")
common.setup_environment(BENCH_DB)

import psycopg2  # noqa: E402


def ensure_database() -> None:
    common.ensure_database(BENCH_DB)


def build_matrix(*, slug: str, tasks: int, roles: int, stage_size: int, owner_column: bool = False):
    """A fresh organization ``slug`` owned by user ``slug`` with one matrix of ``tasks`` x ``roles``
    built by the test suite's one builder (tests/builders.py): about 30% of cells filled (every task
    A/R on the first column with ``owner_column``). Returns (user, matrix, task rows, role rows).
    Call after django.setup()."""
    from django.contrib.auth import get_user_model

    from orgs.models import Organization
    from orgs.services import organization_create
    from tests.builders import matrix_build

    Organization.objects.filter(slug=slug).delete()
    user, _ = get_user_model().objects.get_or_create(username=slug)
    org = organization_create(name=slug.title(), slug=slug, owner=user)
    matrix = matrix_build(
        organization=org,
        tasks=tasks,
        roles=[f"R{i:02d}" for i in range(roles)],
        name=slug.title(),
        stage_size=stage_size,
        fill="sparse",
        owner_column=owner_column,
    )
    task_rows = list(matrix.tasks.order_by("order"))
    role_rows = [column.role for column in matrix.columns.select_related("role").order_by("order")]
    return user, matrix, task_rows, role_rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=50)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from orgs.services import api_token_create
    from raci.matrices.models import Assignment

    call_command("migrate", verbosity=0)
    user, matrix, tasks, roles = build_matrix(slug="bench", tasks=args.tasks, roles=args.roles, stage_size=50)
    cells = Assignment.objects.filter(task__matrix=matrix).count()
    _, key = api_token_create(user=user, name=f"bench-{time.time()}")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    grid_url = f"/api/v1/orgs/bench/matrices/{matrix.pk}/grid/"

    def get_grid():
        response = client.get(grid_url)
        assert response.status_code == 200, response.content[:200]

    state = {"flip": False}
    patch_tasks = tasks[:100]

    def patch_cells():
        old, new = ("", "I") if not state["flip"] else ("I", "")
        body = {
            "changes": [
                {"task": t.pk, "role": roles[-1].code, "expected": old, "letters": new} for t in patch_tasks
            ]
        }
        # The last role column is empty in the fixture pattern for these rows or toggled by us.
        response = client.patch(grid_url, json.dumps(body), content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        state["flip"] = not state["flip"]

    Assignment.objects.filter(task__in=patch_tasks, role=roles[-1]).delete()

    raw = psycopg2.connect(os.environ["DATABASE_URL"])

    def raw_fetch():
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT a.task_id, r.code, a.letters FROM raci_assignment a "
                "JOIN raci_task t ON t.id = a.task_id "
                "JOIN orgs_role r ON r.id = a.role_id WHERE t.matrix_id = %s AND NOT t.archived",
                [matrix.pk],
            )
            rows = cursor.fetchall()
            cursor.execute(
                'SELECT id, name, stage, "order" FROM raci_task WHERE matrix_id = %s ORDER BY "order"',
                [matrix.pk],
            )
            task_rows = cursor.fetchall()
        json.dumps(
            {
                "tasks": [{"id": i, "name": n, "stage": s, "order": o} for i, n, s, o in task_rows],
                "cells": [{"task": t, "role": r, "letters": lt} for t, r, lt in rows],
            }
        )

    connection.ensure_connection()
    get_median, get_min = timed(get_grid, args.runs)
    patch_median, patch_min = timed(patch_cells, args.runs)
    raw_median, raw_min = timed(raw_fetch, args.runs)
    print(
        f"grid {args.tasks} tasks x {args.roles} roles, {cells} filled cells; {args.runs} runs after warm-up"
    )
    print(f"GET grid               median {get_median:7.1f} ms   min {get_min:7.1f} ms   (target 150 ms)")
    print(f"PATCH 100 cells        median {patch_median:7.1f} ms   min {patch_min:7.1f} ms   (target 100 ms)")
    print(f"raw psycopg2 + json    median {raw_median:7.1f} ms   min {raw_min:7.1f} ms   (one connection)")
    print(f"GET grid / raw ratio   {get_median / raw_median:.2f}")
    ok = get_median < 150 and patch_median < 100
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
