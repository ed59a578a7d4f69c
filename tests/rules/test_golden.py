# ruff: noqa: E501 - the golden set is a table, one matrix per line
"""The practitioner's golden set: small matrices, each with exactly the findings it must get.

One row per matrix. ``rows`` lists the tasks as ``Task: ROLE=letters ...`` separated by ``|``;
``people`` lists ``Name=ROLES`` (roles joined with ``+``); ``expect`` lists every finding as
``severity code subject`` in the engine's order, where the subject is the task name, the role
code or the person's name (nothing for a matrix finding). A matrix whose ``expect`` is empty
must get no finding at all. The set covers every rule, every scheme and the guards against
crying wolf; when a rule changes, this table says to whom it changes something.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from frameworks.schemes import CAIRO, DACI, RACI, RAPID, RASCI, Scheme
from raci.rules import evaluate
from raci.rules.grid import MatrixGrid

from .builders import grid


@dataclass(frozen=True)
class Case:
    name: str
    rows: str
    expect: tuple[str, ...] = ()
    roles: str = "PM PMM ENG"
    scheme: Scheme = RACI
    people: str = ""
    headcount: int | None = None
    settings: dict = field(default_factory=dict)


def C(name, rows, *expect, **kw):
    return Case(name, rows, tuple(expect), **kw)


# Six tasks PM owns and does; a second role owning two more, a third doing one: used by load cases.
SIX_PM = " | ".join(f"P{i}: PM=AR ENG=C" for i in range(6))
SPLIT = " | ".join(f"S{i}: {('PM', 'PMM')[i % 2]}=AR ENG=C" for i in range(8))
FOUR_ROLES = "T1: PM=AR ENG=C | T2: PM=AR PMM=C | T3: PMM=AR PM=C | T4: PMM=AR SALES=I | T5: ENG=AR PM=I | T6: ENG=AR PMM=I | T7: SALES=AR PMM=C | T8: SALES=AR ENG=I"

LONE_OWNER = " | ".join(f"T{i}: PM=A ENG=R PMM=C" for i in range(6))
LONE_OWNER_TWO_DOERS = " | ".join(f"T{i}: PM=A {('ENG', 'QA')[i % 2]}=R PMM=C" for i in range(6))
FOUR_HATS = "Roadmap: PM=AR ENG=C | Deals: SALES=AR PM=I | Renewals: CS=AR SALES=C | Strategy: EXEC=AR PM=C | Build: ENG=AR PM=C"
FORTY_ENGINEERS = "Ana=PM+PMM+SALES " + " ".join(f"E{i}=ENG" for i in range(40))

# One matrix per line: name, tasks, every expected finding, then what differs from the defaults.
# fmt: off
GOLDEN: list[Case] = [
    C("no tasks", "", "warning matrix.empty"),
    C("no roles", "Pricing:", "error task.empty Pricing", "warning matrix.empty", roles=""),
    C("tasks without letters", "Pricing: | Launch:", "error task.empty Pricing", "error task.empty Launch", "warning matrix.empty"),
    C("one owner who does the work, one consulted", "Pricing: PM=AR PMM=C ENG=I"),
    C("owner, doer and consulted apart", "Pricing: PM=A PMM=R ENG=C"),
    C("unknown letter", "Pricing: PM=AR PMM=Q ENG=C", "error cell.unknown_letter Pricing/PMM", "warning role.no_work PMM"),
    C("forbidden combination", "Pricing: PM=AR PMM=CI ENG=C", "error cell.invalid_combination Pricing/PMM"),
    C("nobody accountable", "Pricing: PM=R PMM=C ENG=I", "error task.no_accountable Pricing"),
    C("two accountable", "Pricing: PM=A PMM=A ENG=R", "error task.multiple_accountable Pricing", "info task.silo Pricing"),
    C("two accountable, shared everywhere", "Pricing: PM=A PMM=A ENG=R", "warning task.multiple_accountable Pricing", "info task.silo Pricing", settings={'shared_accountability': True}),
    C("two accountable, declared for this task", "Pricing: PM=A PMM=A ENG=R", "info task.multiple_accountable Pricing", "info task.silo Pricing", settings={'shared_accountability_tasks': (1,)}),
    C("nobody does the work", "Pricing: PM=A PMM=C ENG=I", "error task.no_responsible Pricing"),
    C("four doers", "Build: PM=AR PMM=R ENG=R QA=R OPS=C", "warning task.too_many_responsible Build", "info task.everyone Build", roles="PM PMM ENG QA OPS"),
    C("four consulted", "Pricing: PM=AR PMM=C ENG=C QA=C OPS=C", "warning task.too_many_consulted Pricing", "info task.everyone Pricing", roles="PM PMM ENG QA OPS"),
    C("six informed", "News: PM=AR A1=I A2=I A3=I A4=I A5=I A6=I", "info task.everyone News", "info task.too_many_informed News", roles="PM A1 A2 A3 A4 A5 A6"),
    C("a silo", "Pricing: PM=A PMM=R ENG=C | Build: ENG=AR", "info task.silo Build"),
    C("everyone on a task of four roles", "Pricing: PM=A PMM=R ENG=C SALES=I", "info task.everyone Pricing", roles="PM PMM ENG SALES"),
    C("three roles on a task is no crowd", "Pricing: PM=A PMM=R ENG=C"),
    C("A and R alone: nobody asked or told", "Pricing: PM=A PMM=R", "info task.silo Pricing", roles="PM PMM"),
    C("a column without a letter", "Pricing: PM=A PMM=R ENG=C", "warning role.no_work OPS", roles="PM PMM ENG OPS"),
    C("a role only consulted is needed", "Pricing: PM=A PMM=R LEGAL=C | Terms: PM=AR LEGAL=C", roles="PM PMM LEGAL"),
    C("nobody holds a role with work", "Pricing: PM=A PMM=R ENG=C", "error role.unstaffed PMM", people="Ana=PM Cy=ENG"),
    C("a role only consulted needs no holder", "Pricing: PM=AR PMM=C ENG=I", people="Ana=PM"),
    C("bottleneck: six of eight, three times the next", SIX_PM + " | Q1: PMM=AR ENG=C | Q2: PMM=AR ENG=C", "warning role.bottleneck PM", "warning role.burnout PM", "info role.on_everything ENG"),
    C("two roles splitting the decisions are no bottleneck", SPLIT, "info role.on_everything ENG"),
    C("lone owner, one doer: a choice", LONE_OWNER, "info role.on_everything ENG"),
    C("lone owner, two doers: a bottleneck", LONE_OWNER_TWO_DOERS, "warning role.bottleneck PM", roles="PM PMM ENG QA"),
    C("burnout needs enough tasks", "T1: PM=AR PMM=C | T2: PM=AR ENG=C"),
    C("heaviest role less than twice the next: no burnout", "T1: PMM=AR PM=C | T2: PMM=AR PM=C | T3: PMM=AR PM=C | T4: PM=AR PMM=C | T5: PM=AR PMM=C | T6: ENG=AR PMM=C"),
    C("a role on every task", "T1: PM=A ENG=R PMM=I | T2: PMM=A SALES=R ENG=C | T3: ENG=I PM=AR", "info role.on_everything ENG", roles="PM PMM ENG SALES"),
    C("PM and PMM on every task by design", "T1: PM=A PMM=C ENG=R | T2: PM=C PMM=AR | T3: PM=AR PMM=I"),
    C("accountable role held by four people", "Pricing: PM=A PMM=R ENG=C", "warning role.accountable_people PM", people="A1=PM A2=PM A3=PM A4=PM Bo=PMM Cy=ENG"),
    C("one PM holding one heavy role is not overloaded", SIX_PM + " | Q1: PMM=AR ENG=C", "warning role.bottleneck PM", "warning role.burnout PM", "info role.on_everything ENG", people="Ana=PM Bo=PMM Cy=ENG", headcount=50),
    C("combining three working roles, three times a typical role", FOUR_ROLES, "warning person.many_roles Ana", "warning person.overload Ana", "info person.split_pair Ana", roles="PM PMM ENG SALES", people="Ana=PM+PMM+SALES Bo=ENG", headcount=50),
    C("the same founder in a company of ten", FOUR_ROLES, "info person.split_pair Ana", roles="PM PMM ENG SALES", people="Ana=PM+PMM+SALES Bo=ENG", headcount=10),
    C("hiring forty engineers changes nobody's overload", FOUR_ROLES, "warning role.accountable_people ENG", "warning person.many_roles Ana", "warning person.overload Ana", "info person.split_pair Ana", roles="PM PMM ENG SALES", people=FORTY_ENGINEERS, headcount=90),
    C("PM and PMM in one person at ten people", "Pricing: PM=A PMM=R ENG=C", "info person.split_pair Ana", people="Ana=PM+PMM Cy=ENG", headcount=10),
    C("the only product person at three hundred", "Pricing: PM=A PMM=R ENG=C", "info person.split_pair Ana", people="Ana=PM+PMM Cy=ENG", headcount=300),
    C("PM and PMM in one person once a second product person joins", "Pricing: PM=A PMM=R ENG=C", "warning person.split_pair Ana", people="Ana=PM+PMM Bo=PMM Cy=ENG", headcount=30),
    C("a founder with four hats at three hundred", FOUR_HATS, "warning person.many_roles Fay", "warning person.overload Fay", roles="PM ENG SALES CS EXEC", people="Fay=PM+SALES+CS+EXEC Ed=ENG", headcount=300),
    C("the founder with four hats at ten", FOUR_HATS, roles="PM ENG SALES CS EXEC", people="Fay=PM+SALES+CS+EXEC Ed=ENG", headcount=10),
    C("RAPID: one of each", "Pricing: PM=D PMM=R ENG=P SALES=I", "info task.everyone Pricing", roles="PM PMM ENG SALES", scheme=RAPID),
    C("RAPID: two deciders", "Pricing: PM=D PMM=D ENG=P SALES=R", "error task.multiple_accountable Pricing", "info task.everyone Pricing", "info task.silo Pricing", roles="PM PMM ENG SALES", scheme=RAPID),
    C("RAPID: no recommendation", "Pricing: PM=D ENG=P SALES=I", "error task.exactly_one Pricing", "warning role.no_work PMM", roles="PM PMM ENG SALES", scheme=RAPID),
    C("RAPID: two recommenders", "Pricing: PM=D PMM=R ENG=R SALES=P", "error task.exactly_one Pricing", "info task.everyone Pricing", "info task.silo Pricing", roles="PM PMM ENG SALES", scheme=RAPID),
    C("RAPID: Agree and Input are consulted", "Pricing: PM=D PMM=R ENG=P SALES=A LEGAL=I", "info task.everyone Pricing", roles="PM PMM ENG SALES LEGAL", scheme=RAPID),
    C("DACI: one driver, one approver", "Vendor: PM=D PMM=A ENG=C", scheme=DACI),
    C("DACI: no driver", "Vendor: PMM=A ENG=C", "error task.no_responsible Vendor", "warning role.no_work PM", scheme=DACI),
    C("DACI: two drivers", "Vendor: PM=D PMM=A ENG=D SALES=C", "error task.exactly_one Vendor", "info task.everyone Vendor", roles="PM PMM ENG SALES", scheme=DACI),
    C("CAIRO: out of the loop is no work", "T1: PM=A PMM=R ENG=O | T2: PM=AR PMM=C ENG=O", "warning role.no_work ENG", "info task.silo T1", scheme=CAIRO),
    C("CAIRO: out of the loop keeps a role off every task", "T1: PM=A PMM=R ENG=C | T2: PM=AR ENG=O PMM=C | T3: PM=AR PMM=C ENG=I", scheme=CAIRO),
    C("RASCI: support is not doing", "Pricing: PM=A PMM=S ENG=C", "error task.no_responsible Pricing", scheme=RASCI),
]
# fmt: on


def _people(spec: str) -> dict[str, str]:
    return {name: codes.replace("+", " ") for name, codes in (item.split("=") for item in spec.split())}


def _rows(spec: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for part in filter(None, (p.strip() for p in spec.split("|"))):
        name, _, cells = part.partition(":")
        rows[name.strip()] = dict(cell.split("=") for cell in cells.split())
    return rows


def _grid(case: Case) -> MatrixGrid:
    return grid(
        _rows(case.rows),
        roles=case.roles,
        scheme=case.scheme,
        people=_people(case.people) if case.people else None,
        headcount=case.headcount,
        **case.settings,
    )


def _subject(g: MatrixGrid, finding) -> str:
    names = {task.id: task.name for task in g.tasks}
    people = {person.id: person.name for person in g.people}
    if finding.person_id is not None:
        return people[finding.person_id]
    if finding.task_id is not None and finding.role_code is not None:
        return f"{names[finding.task_id]}/{finding.role_code}"
    if finding.task_id is not None:
        return names[finding.task_id]
    return finding.role_code or ""


def _described(g: MatrixGrid) -> list[str]:
    return [f"{f.severity} {f.code} {_subject(g, f)}".strip() for f in evaluate(g)]


def test_the_golden_set_has_at_least_forty_matrices_with_unique_names():
    assert len(GOLDEN) >= 40
    assert len({case.name for case in GOLDEN}) == len(GOLDEN)


def test_the_golden_set_makes_every_rule_speak_and_covers_every_scheme():
    from raci.rules import RULES

    spoken = {line.split()[1] for case in GOLDEN for line in case.expect}
    assert spoken == {rule.code for rule in RULES}
    assert {case.scheme.key for case in GOLDEN} == {"RACI", "RASCI", "DACI", "RAPID", "CAIRO"}


@pytest.mark.parametrize("case", GOLDEN, ids=[case.name for case in GOLDEN])
def test_golden_matrix_gets_exactly_its_findings(case: Case):
    assert _described(_grid(case)) == list(case.expect)
