"""Importing a 1,000-task x 50-role CSV into an empty matrix (target: under 1 s).

Run from the repository root with PostgreSQL on 127.0.0.1 (database ``raci_bench_scale``, its own
organization):

    .venv/bin/python bench/bench_import.py [--runs 5]

The file is the CSV export of a 1,000 x 50 matrix built by the suite's builder (about 15,000 filled
cells). Each run imports it into a fresh matrix with the same 50 columns and no task, through
``matrix_import`` (the one writer: lock, plan, 1,000 tasks and 15,000 cells, 16,000 history rows, one
version, the event) and commits; the time includes the commit. One warm-up, then the median and the
fastest of ``--runs``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.load import stack

common.setup_environment(stack.DB_NAME)

TARGET_MS = 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    stack.ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from orgs.models import Organization
    from orgs.services import organization_create
    from raci import exchange
    from raci.matrices.imports import matrix_import
    from raci.matrices.models import Assignment
    from raci.matrices.selectors import matrix_grid_get
    from tests.builders import matrix_build

    # The event is dispatched in-process without a broker: keep that out of the figure.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    call_command("migrate", verbosity=0)
    Organization.objects.filter(slug="import").delete()
    user, _ = get_user_model().objects.get_or_create(username="import")
    organization = organization_create(name="Import", slug="import", owner=user)
    codes = [f"I{i:02d}" for i in range(50)]
    source = matrix_build(organization=organization, tasks=1000, roles=codes, name="Source", fill="sparse")
    data = exchange.export_csv(matrix_grid_get(matrix=source))
    cells = Assignment.objects.filter(task__matrix=source).count()

    samples, cpu = [], []
    for run in range(args.runs + 1):
        target = matrix_build(organization=organization, tasks=0, roles=codes, name=f"Target {run}")
        start, start_cpu = time.perf_counter(), time.process_time()
        result = matrix_import(matrix=target, data=data, filename="matrix.csv")
        elapsed = (time.perf_counter() - start) * 1000
        if run:
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert result["applied"], result
        if run:
            samples.append(elapsed)
    median = statistics.median(samples)
    print(f"import of 1,000 x 50 ({cells} cells, {len(data) // 1024} KiB CSV) into an empty matrix:")
    print(
        f"median {median:.0f} ms, min {min(samples):.0f} ms, "
        f"of it Python CPU {statistics.median(cpu):.0f} ms "
        f"(target {TARGET_MS} ms: "
        f"{'met' if median < TARGET_MS else 'MISSED'})"
    )
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
