"""Editor benchmark on PostgreSQL: the server render of a 200-task x 20-role matrix editor page,
and a cell edit round trip (the htmx POST and its answer with the updated findings).

    .venv/bin/python bench/bench_editor.py [--runs 15]

Shares bench_api's database (`raci_bench`) and setup; requests go through the whole Django stack
in-process (sessions, the access check, the grid loader, the rules engine, template rendering).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import build_matrix, ensure_database, timed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--roles", type=int, default=20)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from raci.matrices.models import Assignment

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files: write them as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    user, matrix, tasks, roles = build_matrix(
        slug="bench-editor", tasks=args.tasks, roles=args.roles, stage_size=25, owner_column=True
    )
    Assignment.objects.filter(task=tasks[0], role=roles[-1]).delete()
    client = Client()
    client.force_login(user)
    page_url = f"/o/bench-editor/m/{matrix.pk}/"
    cell_url = page_url + "cell/"
    state = {"letters": ""}

    def render_page():
        response = client.get(page_url)
        assert response.status_code == 200

    def edit_cell():
        new = "I" if not state["letters"] else ""
        response = client.post(
            cell_url,
            {"task": tasks[0].pk, "role": roles[-1].code, "expected": state["letters"], "letters": new},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert b'data-state="saved"' in response.content, response.content[:300]
        state["letters"] = new

    page_median, page_min = timed(render_page, args.runs)
    cell_median, cell_min = timed(edit_cell, args.runs)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        render_page()
    print(f"editor {args.tasks} tasks x {args.roles} roles; {args.runs} runs after a warm-up")
    print(f"GET editor page        median {page_median:7.1f} ms   min {page_min:7.1f} ms   (target 300 ms)")
    print(f"cell edit round trip   median {cell_median:7.1f} ms   min {cell_min:7.1f} ms   (target 100 ms)")
    print(f"queries for the page   {len(queries)}")
    ok = page_median < 300 and cell_median < 100
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    print(f"(whole run {time.perf_counter() - started:.1f} s)")
    raise SystemExit(status)
