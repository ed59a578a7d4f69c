"""Each built-in framework, adopted unchanged with its intended roles, passes its own rules engine.

Pure: the data files become grids as adoption would make them (every activity a task, every
suggested letter a cell, declared shared accountability in the settings), staffed as the
framework intends: one person per role, or for the founder-led starting point one person
holding both PM and PMM in a company of ten. No error and no warning may remain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frameworks.schemes import get_scheme
from raci.rules import analyse
from raci.rules.findings import Severity
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow

DATA_DIR = Path(__file__).resolve().parents[2] / "frameworks" / "data"
DATA_FILES = sorted(DATA_DIR.glob("*.json"))


def _adopted(data: dict, *, people: dict[str, str] | None = None, headcount: int = 50) -> MatrixGrid:
    scheme = get_scheme(data["scheme"])
    roles = tuple(RoleColumn(i + 1, role["code"], role["name"]) for i, role in enumerate(data["roles"]))
    tasks, cells, shared = [], {}, []
    for stage in data["stages"]:
        for activity in stage["activities"]:
            task = TaskRow(len(tasks) + 1, activity["name"], stage["name"], len(tasks))
            tasks.append(task)
            cells |= {(task.id, code): scheme.normalize(cell) for code, cell in activity["letters"].items()}
            if activity.get("shared_accountability"):
                shared.append(task.id)
    people = people or {f"Holder of {role.code}": role.code for role in roles}
    return MatrixGrid(
        id=1,
        name=data["name"],
        version=1,
        scheme=scheme,
        roles=roles,
        tasks=tuple(tasks),
        cells=cells,
        people=tuple(
            PersonEntry(i + 1, name, frozenset(codes.split()))
            for i, (name, codes) in enumerate(people.items())
        ),
        settings=RuleSettings(shared_accountability_tasks=tuple(shared)),
        headcount=headcount,
    )


def _serious(grid: MatrixGrid) -> list[str]:
    return [f"{f.code}: {f.message}" for f in analyse(grid).findings if f.severity is not Severity.INFO]


@pytest.mark.parametrize("path", DATA_FILES, ids=[path.stem for path in DATA_FILES])
def test_builtin_framework_adopted_unchanged_with_one_person_per_role_has_no_error_or_warning(path: Path):
    assert _serious(_adopted(json.loads(path.read_text()))) == []


def test_founder_holding_both_hats_in_a_company_of_ten_has_no_error_or_warning():
    data = json.loads((DATA_DIR / "founder-led.json").read_text())
    grid = _adopted(data, people={"Founder": "PM PMM", "Dev": "ENG", "Seller": "SALES"}, headcount=10)

    analysis = analyse(grid)
    assert _serious(grid) == []
    assert [f.code for f in analysis.findings if f.code.startswith("person.")] == ["person.split_pair"]


def test_founder_holding_both_hats_is_told_to_split_them_once_a_second_product_person_joins():
    data = json.loads((DATA_DIR / "founder-led.json").read_text())
    people = {"Founder": "PM PMM", "New PM": "PM", "Dev": "ENG", "Seller": "SALES"}

    assert [f.split(":")[0] for f in _serious(_adopted(data, people=people, headcount=14))] == [
        "role.accountable_people",
        "person.overload",
        "person.split_pair",
    ]


def test_revenue_growth_is_shared_by_declaration_not_by_error():
    data = json.loads((DATA_DIR / "pm-vs-pmm.json").read_text())
    [finding] = [f for f in analyse(_adopted(data)).findings if f.code == "task.multiple_accountable"]

    assert finding.severity is Severity.INFO
    assert (
        finding.message
        == "'Revenue growth' shares Accountable between PM and PMM, as declared for this task."
    )
