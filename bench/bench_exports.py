"""Benchmark of the exports people present on a 1,000-task x 50-role matrix (30% of cells filled,
200 people): the PDF of the matrix, the person cards, the slides and the presentation XLSX.

Run from the repository root:

    DEBUG=true .venv/bin/python bench/bench_exports.py [--runs 3] [--tasks 1000] [--roles 50]

It renders from an in-memory grid (no database: what it times is the rendering, which is all
but a few milliseconds of an export), one warm-up run then ``--runs`` timed runs, and prints the
median and fastest wall-clock seconds and the median CPU seconds of each format. Exits with
status 1 when the PDF's median misses the 20 s target of the exports issue.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raci.settings")
os.environ.setdefault("DEBUG", "true")

PDF_TARGET_S = 20.0


def build_grid(tasks: int, roles: int, people: int, seed: int = 20_261_204):
    from frameworks.schemes import RACI
    from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, TaskRow

    rng = random.Random(seed)
    columns = tuple(RoleColumn(id=i + 1, code=f"R{i + 1:02d}", name=f"Role {i + 1}") for i in range(roles))
    codes = [c.code for c in columns]
    rows = tuple(
        TaskRow(id=i + 1, name=f"Task {i + 1} of the launch plan", stage=f"Stage {i // 50 + 1}", order=i)
        for i in range(tasks)
    )
    cells = {}
    for task in rows:
        chosen = rng.sample(codes, round(roles * 0.3))
        for position, code in enumerate(chosen):
            cells[(task.id, code)] = "AR" if position == 0 else "R" if position < 3 else rng.choice("CI")
    persons = tuple(
        PersonEntry(id=i + 1, name=f"Person {i + 1}", role_codes=frozenset(rng.sample(codes, 1 + i % 2)))
        for i in range(people)
    )
    return MatrixGrid(
        id=1, name="Bench", version=1, scheme=RACI, roles=columns, tasks=rows, cells=cells, people=persons
    )


def timed(label: str, run: Callable[[], bytes], runs: int) -> float:
    size = len(run())  # warm-up: imports, fonts, template loading
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median = statistics.median(walls)
    print(
        f"{label:<14} median {median:6.2f} s  fastest {min(walls):6.2f} s  "
        f"cpu {statistics.median(cpus):6.2f} s  ({size / 1e6:.1f} MB)"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=50)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--formats", default="pdf,cards,pptx,xlsx", help="comma-separated subset to time")
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import timezone

    from raci.exchange import export_xlsx
    from raci.exports.pdf import render_cards_pdf, render_matrix_pdf
    from raci.exports.selectors import Presentation
    from raci.exports.slides import render_pptx
    from raci.matrices.readings import Shown
    from raci.rules import analyse

    grid = build_grid(args.tasks, args.roles, args.people)
    analysis = analyse(grid)
    presentation = Presentation(
        organization="Bench Inc.",
        grid=grid,
        shown=Shown(draft=False, version=7, revision=3, published_at=timezone.now()),
        findings=analysis.findings,
        health=analysis.health,
        state="Revision 3, published today",
        signoff="signed off (2 of 2 approved)",
        generated_at=timezone.now(),
    )
    print(f"{args.tasks} tasks x {args.roles} roles, {len(grid.cells)} filled cells, {args.people} people")
    formats = set(args.formats.split(","))
    pdf = (
        timed("PDF (matrix)", lambda: render_matrix_pdf(presentation), args.runs) if "pdf" in formats else 0.0
    )
    if "cards" in formats:
        timed("PDF (cards)", lambda: render_cards_pdf(presentation), args.runs)
    if "pptx" in formats:
        timed("PPTX", lambda: render_pptx(presentation), args.runs)
    if "xlsx" in formats:
        timed("XLSX", lambda: export_xlsx(grid), args.runs)
    if pdf > PDF_TARGET_S:
        print(f"PDF median {pdf:.1f} s misses the {PDF_TARGET_S:.0f} s target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
