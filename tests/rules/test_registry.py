"""The rule registry is the catalogue: one function per finding code, and adding one is enough."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import raci.rules
from frameworks.schemes import DACI
from raci.rules.catalogue import REGISTRY, RULES, RULES_BY_CODE
from raci.rules.context import RuleContext, TaskFacts
from raci.rules.engine import evaluate
from raci.rules.findings import Finding, Rule, Scope, Severity
from raci.rules.grid import PersonEntry, RuleSettings
from raci.rules.registry import Registry
from raci.rules.tally import RoleTally

from .builders import grid, task_id
from .strategies import assigned_grids, grids

# The catalogue as the API, the lint command and scripts know it: codes in this order.
CODES = [
    "matrix.empty",
    "cell.unknown_letter",
    "cell.invalid_combination",
    "task.empty",
    "task.no_accountable",
    "task.multiple_accountable",
    "task.no_responsible",
    "task.exactly_one",
    "task.too_many_responsible",
    "task.too_many_consulted",
    "task.too_many_informed",
    "task.silo",
    "task.everyone",
    "role.no_work",
    "role.bottleneck",
    "role.burnout",
    "role.on_everything",
    "role.unstaffed",
    "role.accountable_people",
    "person.overload",
    "person.split_pair",
    "person.many_roles",
]


def _examples():
    """Grids that, between them, make every rule of the catalogue speak."""
    return [
        grid(
            {
                "Empty": {},
                "Bad": {"PM": "AC", "PMM": "Q", "ENG": "A", "CS": "R", "DES": "R"},
                "Busy": {"PM": "A", "PMM": "R", "ENG": "C", "CS": "C", "DES": "I"},
                "Alone": {"PM": "A", "PMM": "R"},
            },
            roles="PM PMM ENG CS DES OPS",
            people={"Ana": "PM PMM", "Bo": "ENG", "Cy": "CS"},
            max_responsible=1,
            max_consulted=1,
            max_informed=0,
        ),
        grid({"Nobody owns": {"PM": "R"}, "Nobody does": {"PM": "A"}}),
        grid({"Decision": {"PM": "D", "PMM": "D", "ENG": "A"}}, scheme=DACI),
        grid(
            {f"T{i}": {"PM": "AR", "PMM": "C", "ENG": "I"} for i in range(1, 7)}
            | {"T7": {"PMM": "A", "ENG": "R"}, "T8": {"PMM": "A", "CS": "R", "ENG": "C", "PM": "I"}},
            roles="PM PMM ENG CS",
            people={"Ana": "PM PMM ENG", "Al": "PM", "Bo": "CS"},
            headcount=50,
        ),
        grid({}, roles=()),
    ]


def test_the_catalogue_lists_every_code_once_in_the_order_it_always_had():
    assert [rule.code for rule in RULES] == CODES
    assert list(RULES_BY_CODE) == CODES
    assert len(REGISTRY) == len(CODES)


def test_the_catalogue_is_the_package_s_public_rules():
    assert raci.rules.RULES is RULES
    assert raci.rules.RULES_BY_CODE is RULES_BY_CODE


def test_every_rule_has_a_summary_a_severity_a_scope_and_a_function():
    for rule in RULES:
        assert rule.summary.strip(), rule.code
        assert isinstance(rule.severity, Severity), rule.code
        assert isinstance(rule.scope, Scope), rule.code
        assert rule.code.startswith(f"{rule.scope}."), rule.code
        assert callable(rule.check), rule.code


def test_each_rule_has_its_own_function():
    checks = [rule.check for rule in RULES]

    assert len(set(checks)) == len(checks)


def test_a_rules_default_thresholds_are_the_rule_settings_defaults():
    defaults = RuleSettings()
    names = {field.name for field in fields(RuleSettings)}

    for rule in RULES:
        for name, default in rule.defaults.items():
            assert name in names, f"{rule.code}: {name} is not a RuleSettings field"
            assert default == getattr(defaults, name), f"{rule.code}: {name}"


def test_rules_name_the_thresholds_they_read():
    thresholds = {rule.code: rule.defaults for rule in RULES if rule.thresholds}

    assert thresholds == {
        "task.multiple_accountable": {"shared_accountability": False, "shared_accountability_tasks": ()},
        "task.too_many_responsible": {"max_responsible": 3},
        "task.too_many_consulted": {"max_consulted": 3},
        "task.too_many_informed": {"max_informed": 5},
        "role.bottleneck": {"accountable_share": 0.40, "bottleneck_lead": 2.0},
        "role.burnout": {"burnout_top_fraction": 0.10, "burnout_lead": 2.0},
        "role.on_everything": {"split_pairs": (("PM", "PMM"),)},
        "person.overload": {"person_overload_factor": 2.0, "small_org_headcount": 10},
        "person.split_pair": {
            "small_org_headcount": 10,
            "split_pairs": (("PM", "PMM"),),
            "split_pair_people": 2,
        },
        "person.many_roles": {"small_org_headcount": 10, "max_roles_per_person": 2},
    }


def test_a_code_registered_twice_is_refused():
    registry = REGISTRY.copy()

    with pytest.raises(ValueError, match=r"task\.silo"):
        registry.rule("task.silo", Severity.INFO, Scope.TASK, "Again.")(lambda ctx, task: ())


def test_extending_a_copy_leaves_the_catalogue_alone():
    registry = REGISTRY.copy()
    registry.rule("task.extra", Severity.INFO, Scope.TASK, "Test only.")(lambda ctx, task: ())

    assert "task.extra" in registry
    assert "task.extra" not in REGISTRY


def test_registering_a_rule_function_makes_its_finding_appear():
    g = grid({("Build", "Pricing"): {"PM": "A", "PMM": "R"}, ("Run", "Support"): {"PMM": "A", "ENG": "R"}})
    registry = REGISTRY.copy()

    @registry.rule("task.in_build", Severity.INFO, Scope.TASK, "A task is still in the Build stage.")
    def task_in_build(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
        if task.row.stage != "Build":
            return ()
        return (
            Finding(
                code="task.in_build",
                severity=Severity.INFO,
                task_id=task.id,
                message=f"{task.label} is still in Build.",
                hint="Move it on.",
            ),
        )

    with_rule = evaluate(g, registry=registry)

    assert [(f.task_id, f.message) for f in with_rule if f.code == "task.in_build"] == [
        (task_id(g, "Pricing"), "'Pricing' is still in Build."),
    ]
    assert registry["task.in_build"].summary == "A task is still in the Build stage."
    # The catalogue is untouched, and the new rule changes no other finding.
    assert "task.in_build" not in [f.code for f in evaluate(g)]
    assert [f for f in with_rule if f.code != "task.in_build"] == list(evaluate(g))


@pytest.mark.parametrize(
    ("scope", "subject_of"),
    [
        (Scope.CELL, lambda subject: {"task_id": subject.id, "role_code": "PM"}),
        (Scope.TASK, lambda subject: {"task_id": subject.id}),
        (Scope.ROLE, lambda subject: {"role_code": subject.code}),
        (Scope.PERSON, lambda subject: {"person_id": subject.id}),
    ],
)
def test_a_rule_of_any_scope_is_called_once_per_subject(scope, subject_of):
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R"}, "Launch": {"PM": "A", "ENG": "R"}},
        people={"Ana": "PM", "Bo": "ENG"},
    )
    registry = Registry()
    seen = []

    @registry.rule(f"{scope}.seen", Severity.ERROR, scope, "Test only: reports every subject.")
    def seen_rule(ctx: RuleContext, subject: TaskFacts | RoleTally | PersonEntry) -> Iterable[Finding]:
        seen.append(subject)
        about = subject_of(subject)
        return [Finding(code=f"{scope}.seen", severity=Severity.ERROR, message="m", hint="h", **about)]

    result = evaluate(g, registry=registry)

    expected = {Scope.CELL: 2, Scope.TASK: 2, Scope.ROLE: 3, Scope.PERSON: 2}[scope]
    assert len(seen) == expected
    assert len(result) == expected
    assert all(f.code == f"{scope}.seen" for f in result)


def test_task_rules_skip_tasks_without_letters_unless_registered_for_them():
    g = grid({"Empty": {}, "Pricing": {"PM": "A", "PMM": "R"}})

    def every_task(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
        return [Finding(code="task.any", severity=Severity.INFO, task_id=task.id, message="m", hint="h")]

    skipping = Registry([Rule("task.any", Severity.INFO, "Test only.", Scope.TASK, check=every_task)])
    including = Registry(
        [Rule("task.any", Severity.INFO, "Test only.", Scope.TASK, empty_tasks=True, check=every_task)]
    )
    empty, pricing = task_id(g, "Empty"), task_id(g, "Pricing")

    assert [f.task_id for f in evaluate(g, registry=skipping)] == [pricing]
    assert [f.task_id for f in evaluate(g, registry=including)] == [empty, pricing]


def _alone(g, rule: Rule) -> list[Finding]:
    return list(evaluate(g, registry=Registry([rule])))


def test_each_code_is_reported_by_its_own_rule_function_and_no_other():
    reported = set()

    for g in _examples():
        for rule in RULES:
            codes = {f.code for f in _alone(g, rule)}
            assert codes <= {rule.code}, rule.code
            reported |= codes

    # Between them the examples make every rule speak, so the check above covers every code.
    assert reported == set(CODES)


def _as_sorted_dicts(found: Iterable[Finding]) -> list[dict[str, object]]:
    return sorted((f.to_dict() for f in found), key=lambda d: tuple(str(value) for value in d.values()))


@settings(max_examples=60, deadline=None)
@given(st.one_of(grids(), assigned_grids(), grids(DACI)))
def test_evaluating_all_rules_is_the_same_as_running_each_rule_alone(g):
    # So precedence lives in the rules (and the empty-task skip), never in the order they run.
    separately = [f for rule in RULES for f in _alone(g, rule)]

    assert _as_sorted_dicts(separately) == _as_sorted_dicts(evaluate(g))
