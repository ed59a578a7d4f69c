"""Build grids for rules tests in one readable call, so each test reads as a specification.

    grid({"Pricing": {"PM": "A", "PMM": "R"}}, roles="PM PMM ENG", people={"Ana": "PM PMM"})

Letters are taken as written (not normalized), so tests can feed the engine what an import
might: unknown letters, forbidden combinations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from frameworks.schemes import RACI, Scheme
from raci.rules.engine import evaluate
from raci.rules.findings import Finding
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow

# A task key is a name, or (stage, name) where the stage matters (gap tests).
TaskKey = str | tuple[str, str]


def grid(
    rows: Mapping[TaskKey, Mapping[str, str]] | None = None,
    *,
    roles: str | Iterable[str] = "PM PMM ENG",
    people: Mapping[str, str] | None = None,
    inactive: Iterable[str] = (),
    scheme: Scheme = RACI,
    headcount: int | None = None,
    first_task_id: int = 1,
    **settings: object,
) -> MatrixGrid:
    """A grid whose tasks are ``rows`` in order (ids from ``first_task_id``), roles the given codes.

    ``people`` maps a name to the role codes they hold ("PM PMM"); names in ``inactive`` are
    inactive. Other keyword arguments are ``RuleSettings`` fields.
    """
    rows = rows or {}
    codes = roles.split() if isinstance(roles, str) else list(roles)
    tasks = []
    cells: dict[tuple[int, str], str] = {}
    for offset, (key, letters) in enumerate(rows.items()):
        stage, name = key if isinstance(key, tuple) else ("Build", key)
        task_id = first_task_id + offset
        tasks.append(TaskRow(id=task_id, name=name, stage=stage, order=offset))
        for code, value in letters.items():
            if value:
                cells[(task_id, code)] = value
    inactive = set(inactive)
    return MatrixGrid(
        id=1,
        name="Test matrix",
        version=1,
        scheme=scheme,
        roles=tuple(RoleColumn(id=i + 1, code=code, name=f"{code} role") for i, code in enumerate(codes)),
        tasks=tuple(tasks),
        cells=cells,
        people=tuple(
            PersonEntry(id=i + 1, name=name, role_codes=frozenset(held.split()), active=name not in inactive)
            for i, (name, held) in enumerate((people or {}).items())
        ),
        settings=RuleSettings(**settings),  # type: ignore[arg-type]
        headcount=headcount,
    )


def task_id(g: MatrixGrid, name: str) -> int:
    return next(task.id for task in g.tasks if task.name == name)


def person_id(g: MatrixGrid, name: str) -> int:
    return next(person.id for person in g.people if person.name == name)


def found(g: MatrixGrid, code: str) -> list[Finding]:
    """The findings with ``code``."""
    return [finding for finding in evaluate(g) if finding.code == code]


def codes(g: MatrixGrid) -> list[str]:
    return [finding.code for finding in evaluate(g)]


def healthy_rows(n: int, *, roles: str = "PM PMM ENG") -> dict[str, dict[str, str]]:
    """``n`` tasks the engine has nothing against: A, R and C on the first three roles, rotating."""
    codes_ = roles.split()
    rows = {}
    for i in range(n):
        a, r, c = (codes_[(i + k) % len(codes_)] for k in range(3))
        rows[f"Task {i + 1}"] = {a: "A", r: "R", c: "C"}
    return rows
