"""Findings as data: order, JSON shape, and the catalogue of codes."""

from __future__ import annotations

import json

from raci.rules.catalogue import RULES, RULES_BY_CODE
from raci.rules.engine import evaluate
from raci.rules.findings import CellEdit, Finding, Fix, Severity

from .builders import grid


def test_findings_are_ordered_by_severity_then_task_then_role():
    g = grid(
        {
            "First": {"PM": "A", "PMM": "R"},  # silo (info)
            "Second": {"PM": "R", "ENG": "ZZ"},  # no accountable (error), unknown letter on ENG (error)
            "Third": {"PM": "A", "PMM": "A", "ENG": "R"},  # two accountables (error)
        },
        roles="PM PMM ENG CS",
    )

    listed = [(f.severity, f.code, f.task_id, f.role_code) for f in evaluate(g)]

    assert listed == [
        (Severity.ERROR, "task.no_accountable", 2, None),
        (Severity.ERROR, "cell.unknown_letter", 2, "ENG"),
        (Severity.ERROR, "task.multiple_accountable", 3, None),
        (Severity.WARNING, "role.no_work", None, "CS"),
        (Severity.INFO, "task.silo", 1, None),
        (Severity.INFO, "task.silo", 2, None),
        (Severity.INFO, "task.silo", 3, None),
    ]


def test_task_findings_come_before_role_findings_and_role_findings_in_column_order():
    g = grid({"Pricing": {"PM": "A", "PMM": "R"}}, roles="PM PMM ENG CS")

    warnings = [(f.task_id, f.role_code) for f in evaluate(g) if f.severity is Severity.WARNING]

    assert warnings == [(None, "ENG"), (None, "CS")]


def test_severity_ranks_put_errors_first():
    assert Severity.ERROR.rank < Severity.WARNING.rank < Severity.INFO.rank


def test_finding_serialises_to_json():
    finding = Finding(
        code="task.no_accountable",
        severity=Severity.ERROR,
        message="'Pricing' has no Accountable role.",
        hint="Give one role A.",
        task_id=3,
    )

    assert json.loads(json.dumps(finding.to_dict())) == {
        "code": "task.no_accountable",
        "severity": "error",
        "task_id": 3,
        "role_code": None,
        "person_id": None,
        "message": "'Pricing' has no Accountable role.",
        "hint": "Give one role A.",
        "suggested_fixes": [],
    }


def test_a_findings_suggested_fixes_serialise_as_batches_for_the_grid():
    finding = Finding(
        code="task.no_accountable",
        severity=Severity.ERROR,
        message="m",
        hint="h",
        task_id=3,
        suggested_fixes=(Fix("Make PM Accountable", (CellEdit(3, "PM", "R", "AR"),)),),
    )

    assert finding.to_dict()["suggested_fixes"] == [
        {
            "label": "Make PM Accountable",
            "changes": [{"task": 3, "role": "PM", "expected": "R", "letters": "AR"}],
        }
    ]
    assert finding.suggested_fixes[0].changes_json == '[{"task":3,"role":"PM","expected":"R","letters":"AR"}]'


def test_catalogue_codes_are_unique():
    assert len(RULES_BY_CODE) == len(RULES)


def test_every_finding_the_engine_emits_is_in_the_catalogue():
    g = grid(
        {
            "Empty": {},
            "Bad": {"PM": "AC", "PMM": "Q", "ENG": "A", "CS": "R", "DES": "R"},
            "Busy": {"PM": "A", "PMM": "R", "ENG": "C", "CS": "C", "DES": "I"},
        },
        roles="PM PMM ENG CS DES",
        people={"Ana": "PM PMM", "Bo": "ENG"},
        max_responsible=1,
        max_consulted=1,
        max_informed=0,
    )

    for finding in evaluate(g):
        assert finding.code in RULES_BY_CODE
        assert finding.message
        assert finding.hint
