"""Benchmark of the rules engine on a large matrix: 2,000 tasks x 60 roles, 150 people.

Run from the repository root, either way:

    .venv/bin/python bench/bench_rules.py
    .venv/bin/python -m bench.bench_rules

Builds a random but realistic RACI grid (fixed seed, about 30% of cells filled), then times
``analyse`` (findings, health and workload), ``overlap`` and a what-if merge: one warm-up run,
then ``--runs`` timed runs, printing the median and the fastest in milliseconds. Exits with
status 1 when the median of ``analyse`` misses the target (200 ms), so CI can run it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script, Python puts bench/ on sys.path, not the repository root that holds raci/.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from frameworks.schemes import RACI  # noqa: E402
from raci.rules.analyses import analyse, overlap  # noqa: E402
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, TaskRow  # noqa: E402
from raci.rules.scenarios import MergeRole, RemovePerson, what_if  # noqa: E402

TASKS = 2_000
ROLES = 60
PEOPLE = 150
FILL = 0.30
TARGET_MS = 200.0
# What-if evaluates the matrix before and after (and, when someone leaves, the proposal too).
WHAT_IF_TARGET_MS = 300.0


def build_grid(seed: int = 20_240_601) -> MatrixGrid:
    """A big matrix that looks like a real one, warts included.

    Each task has one Accountable role (sometimes two, sometimes none), one to three
    Responsible roles (the Accountable one sometimes doing the work itself, "AR"), and the
    rest of its ~30% filled cells Consulted or Informed. 150 people hold one or two roles
    each; a few have left (inactive).
    """
    rng = random.Random(seed)
    roles = tuple(RoleColumn(id=i + 1, code=f"R{i + 1:02d}", name=f"Role {i + 1}") for i in range(ROLES))
    codes = [role.code for role in roles]
    # Some roles are busier than others, as in real organizations.
    busyness = [rng.paretovariate(1.5) for _ in codes]
    tasks = tuple(
        TaskRow(id=i + 1, name=f"Task {i + 1}", stage=f"Stage {i // 100 + 1}", order=i) for i in range(TASKS)
    )
    cells: dict[tuple[int, str], str] = {}
    per_task = round(ROLES * FILL)
    for task in tasks:
        chosen = _weighted_sample(rng, codes, busyness, per_task)
        accountables = rng.choices((0, 1, 2), weights=(2, 95, 3))[0]
        responsibles = rng.randint(1, 3)
        for position, code in enumerate(chosen):
            if position < accountables:
                letters = "AR" if rng.random() < 0.25 else "A"
            elif position < accountables + responsibles:
                letters = "R"
            else:
                letters = "C" if rng.random() < 0.4 else "I"
            cells[(task.id, code)] = letters
    people = tuple(
        PersonEntry(
            id=i + 1,
            name=f"Person {i + 1}",
            role_codes=frozenset(rng.sample(codes, rng.choice((1, 1, 2)))),
            active=rng.random() > 0.05,
        )
        for i in range(PEOPLE)
    )
    return MatrixGrid(
        id=1, name="Benchmark", version=1, scheme=RACI, roles=roles, tasks=tasks, cells=cells, people=people
    )


def _weighted_sample(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    """``k`` distinct items, heavier ones more likely (Efraimidis-Spirakis keys)."""
    keyed = sorted(zip(items, weights, strict=True), key=lambda pair: -(rng.random() ** (1 / pair[1])))
    return [item for item, _ in keyed[:k]]


def timed(label: str, run: Callable[[], object], runs: int) -> float:
    run()  # warm-up: first-call costs (imports, caches) are not what we measure
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    print(f"{label:<28} median {median:8.1f} ms   min {min(samples):8.1f} ms   ({runs} runs)")
    return median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    grid = build_grid()
    built_ms = (time.perf_counter() - start) * 1000
    result = analyse(grid)
    print(
        f"grid: {len(grid.tasks)} tasks x {len(grid.roles)} roles, {len(grid.cells)} filled cells "
        f"({len(grid.cells) / (len(grid.tasks) * len(grid.roles)):.0%}), {len(grid.people)} people; "
        f"built in {built_ms:.0f} ms"
    )
    print(f"analyse: {len(result.findings)} findings {result.counts()}, health {result.health}")

    median = timed("analyse (findings+health+wl)", lambda: analyse(grid), args.runs)
    timed("overlap R01 / R02", lambda: overlap(grid, "R01", "R02"), args.runs)
    merge = timed("what-if merge R02 into R01", lambda: what_if(grid, MergeRole("R02", "R01")), args.runs)
    # The person whose leaving orphans the most work: the what-if then also proposes and scores
    # where their roles' letters go.
    holders: dict[str, int] = {}
    for person in grid.people:
        for code in person.role_codes if person.active else ():
            holders[code] = holders.get(code, 0) + 1
    leaver = next(p for p in grid.people if p.active and any(holders[c] == 1 for c in p.role_codes))
    leaves = timed(
        f"what-if person {leaver.id} leaves", lambda: what_if(grid, RemovePerson(leaver.id)), args.runs
    )
    for label, value in (("merge", merge), ("someone leaves", leaves)):
        verdict = "meets" if value <= WHAT_IF_TARGET_MS else "misses"
        print(f"what-if {label} {verdict} the {WHAT_IF_TARGET_MS:.0f} ms target ({value:.1f} ms)")

    if median > TARGET_MS:
        print(f"analyse median {median:.1f} ms misses the {TARGET_MS:.0f} ms target")
        return 1
    print(f"analyse meets the {TARGET_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
