from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from raci.management.demo import DEMO_MATRIX_NAME, demo_seed
from raci.matrices.cells import assignment_set
from raci.matrices.models import Assignment, Task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo():
    return demo_seed()


def _lint(*args):
    """Run the command in-process; returns (exit status, stdout)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("raci_lint", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_lint_prints_findings_grouped_by_severity_and_fails_on_errors(demo):
    status, out = _lint("acme", DEMO_MATRIX_NAME)
    assert status == 1
    assert out.index("Errors (") < out.index("Warnings (") < out.index("Info (")
    assert "'Pricing' has two Accountable roles: PM and PMM — pick one." in out
    assert "'Win/loss analysis' has no Accountable role" in out


def test_lint_exits_zero_once_the_errors_are_fixed(demo):
    matrix, roles = demo.matrix, {r.code: r for r in demo.organization.roles.all()}
    tasks = {t.name: t for t in Task.objects.filter(matrix=matrix)}
    assignment_set(matrix=matrix, task=tasks["Pricing"], role=roles["PMM"], letters="R")
    assignment_set(matrix=matrix, task=tasks["Win/loss analysis"], role=roles["PMM"], letters="AR")
    status, out = _lint("acme", str(matrix.pk))
    assert status == 0
    assert "0 errors" in out


def test_lint_json_lists_every_finding_with_code_severity_and_task(demo):
    status, out = _lint("acme", demo.matrix.name, "--format", "json")
    report = json.loads(out)
    assert status == 1
    assert report[0]["matrix"]["name"] == demo.matrix.name
    codes = {(f["code"], f["severity"]) for f in report[0]["findings"]}
    assert ("task.multiple_accountable", "error") in codes
    assert report[0]["counts"]["error"] == 2


def test_lint_unknown_organization_is_a_clear_error_with_status_2(db):
    with pytest.raises(CommandError, match="No organization with slug 'nope'") as raised:
        call_command("raci_lint", "nope")
    assert raised.value.returncode == 2


def test_lint_unknown_matrix_lists_the_matrices_there_are(demo):
    with pytest.raises(
        CommandError,
        match=r"has no matrix 'Roadmap' \(matrices: \d+: Data platform: .*, \d+: Product management",
    ) as raised:
        call_command("raci_lint", "acme", "Roadmap")
    assert raised.value.returncode == 2


def test_lint_query_count_does_not_grow_with_the_matrix(demo, django_assert_num_queries):
    # organization, matrices, then the grid loader's six for all of them (columns, tasks, cells, the
    # teams the matrices belong to, the holdings, the people)
    with django_assert_num_queries(8):
        _lint("acme")
    Task.objects.bulk_create([Task(matrix=demo.matrix, name=f"Extra {i}", order=100 + i) for i in range(100)])
    Assignment.objects.bulk_create(
        [
            Assignment(task=t, role=demo.organization.roles.get(code="ENG"), letters="AR")
            for t in Task.objects.filter(name__startswith="Extra")
        ]
    )
    with django_assert_num_queries(8):
        _lint("acme")


def test_lint_command_line_exit_statuses():
    # Bad arguments are status 2 from the real command line (argparse and our own errors alike).
    result = subprocess.run(
        [sys.executable, "manage.py", "raci_lint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DEBUG": "true", "PATH": ""},
    )
    assert result.returncode == 2
    assert "org_slug" in result.stderr


def test_lint_says_a_matrix_without_letters_is_not_scored_yet(demo):
    from raci.matrices.services import matrix_create

    blank = matrix_create(organization=demo.organization, name="Blank")

    status, out = _lint("acme", str(blank.pk))
    assert status == 0  # nothing is wrong yet: there is nothing at all
    assert "Blank (RACI, version 1): not scored yet" in out
    assert "This matrix has no tasks yet, so it is not scored." in out
    _, out = _lint("acme", str(blank.pk), "--format", "json")
    assert json.loads(out)[0]["health"] is None
