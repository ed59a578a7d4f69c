"""Health score: 100 when there is nothing to say, lower with every finding, never up."""

from __future__ import annotations

from raci.rules.analyses import analyse, health_score
from raci.rules.engine import evaluate
from raci.rules.findings import Finding, Severity

from .builders import grid, healthy_rows


def _finding(severity: Severity) -> Finding:
    return Finding(code="test", severity=severity, message="m", hint="h")


def test_matrix_without_findings_scores_100():
    roles = "PM PMM ENG CS"
    g = grid(healthy_rows(4, roles=roles), roles=roles)

    assert evaluate(g) == ()
    assert health_score(g, evaluate(g)) == 100


def test_matrix_without_tasks_is_not_scored_yet():
    # It used to score 100: the best score for having decided nothing.
    analysis = analyse(grid({}, roles=()))

    assert analysis.health is None
    assert [f.code for f in analysis.findings] == ["matrix.empty"]
    assert analysis.findings[0].message == "This matrix has no tasks yet, so it is not scored."


def test_matrix_without_roles_is_not_scored_yet():
    analysis = analyse(grid({"Pricing": {}}, roles=()))

    assert analysis.health is None
    assert "no role columns yet" in next(f.message for f in analysis.findings if f.code == "matrix.empty")


def test_matrix_whose_tasks_have_no_letters_is_not_scored_yet():
    analysis = analyse(grid({"Pricing": {}, "Launch": {}}))

    assert analysis.health is None
    [empty] = [f for f in analysis.findings if f.code == "matrix.empty"]
    assert empty.hint == "Give each task one role A (Accountable) and at least one role R (Responsible)."


def test_matrix_with_one_letter_is_scored():
    analysis = analyse(grid({"Pricing": {"PM": "A"}, "Launch": {}}))

    assert analysis.health is not None
    assert "matrix.empty" not in [f.code for f in analysis.findings]


def test_any_finding_costs_at_least_one_point():
    g = grid(healthy_rows(500), roles="PM PMM ENG CS")

    assert health_score(g, [_finding(Severity.INFO)]) == 99


def test_any_error_keeps_the_score_below_90():
    g = grid(healthy_rows(500), roles="PM PMM ENG CS")

    assert health_score(g, [_finding(Severity.ERROR)]) == 89


def test_big_matrix_with_one_error_is_not_zero():
    g = grid(healthy_rows(2000), roles="PM PMM ENG CS")

    assert health_score(g, [_finding(Severity.ERROR)]) > 80


def test_score_follows_the_documented_formula():
    # size 10 (7 tasks + 3 roles), one warning and two infos: 8 points, 100 - ceil(40 / 10) = 96.
    g = grid(healthy_rows(7))

    findings = [_finding(Severity.WARNING), _finding(Severity.INFO), _finding(Severity.INFO)]

    assert health_score(g, findings) == 96


def test_score_bottoms_out_at_zero():
    g = grid(healthy_rows(2))

    assert health_score(g, [_finding(Severity.ERROR)] * 50) == 0


def test_adding_a_finding_never_raises_the_score():
    g = grid(healthy_rows(4))
    findings: list[Finding] = []
    previous = health_score(g, findings)
    for severity in [Severity.INFO, Severity.WARNING, Severity.ERROR] * 4:
        findings.append(_finding(severity))
        score = health_score(g, findings)
        assert score <= previous
        previous = score


def test_errors_weigh_more_than_warnings_and_warnings_more_than_infos():
    g = grid(healthy_rows(20))

    error, warning, info = (health_score(g, [_finding(s)] * 3) for s in Severity)

    assert error < warning < info
