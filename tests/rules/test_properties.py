"""Properties that hold for every matrix, checked on random grids of every scheme."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from raci.rules.analyses import analyse, health_score, workload
from raci.rules.engine import evaluate
from raci.rules.findings import Finding, Severity
from raci.rules.gap import gap
from raci.rules.grid import PersonEntry
from raci.rules.scenarios import MergeRole, MoveLetters, RemoveRole, what_if

from .strategies import assigned_grids, grids

EXAMPLES = settings(max_examples=100, deadline=None)


@EXAMPLES
# Random grids are rarely clean; assigned ones often are, so the property is exercised.
@given(st.one_of(grids(), assigned_grids()))
def test_a_matrix_without_errors_has_one_accountable_and_a_responsible_per_task(g):
    if any(f.severity is Severity.ERROR for f in evaluate(g)):
        return
    scheme = g.scheme
    for task in g.tasks:
        letters = [g.letters(task.id, role.code) for role in g.roles]
        accountable = sum(1 for cell in letters if scheme.accountable in cell)
        if g.settings.shared_accountability and scheme.accountable not in scheme.exactly_one:
            assert accountable >= 1
        else:
            assert accountable == 1
        assert any(scheme.responsible & set(cell) for cell in letters)
        for letter in scheme.exactly_one:
            assert sum(1 for cell in letters if letter in cell) == 1


@EXAMPLES
@given(assigned_grids())
def test_a_matrix_with_its_owner_letters_right_has_no_task_or_cell_errors(g):
    errors = [f for f in evaluate(g) if f.severity is Severity.ERROR]

    assert [f.code for f in errors if not f.code.startswith("role.")] == []


@EXAMPLES
@given(grids(), st.data())
def test_merging_a_role_into_itself_changes_nothing(g, data):
    if not g.roles:
        return
    code = data.draw(st.sampled_from([role.code for role in g.roles]))

    for operation in (MergeRole(code, code), MoveLetters(code, code)):
        result = what_if(g, operation)
        assert result.grid == g
        assert result.findings_after == result.findings_before
        assert result.losses == ()


@EXAMPLES
@given(grids())
def test_role_workload_counts_add_up_to_the_letters_in_filled_cells(g):
    letters = sum(len(cell) for cell in g.cells.values())

    assert sum(sum(role.counts.values()) for role in workload(g).roles) == letters


@EXAMPLES
@given(grids())
def test_health_is_between_0_and_100_or_not_scored_when_no_task_has_a_letter(g):
    health = analyse(g).health
    has_letter = any(set(letters) & set(g.scheme.codes) for letters in g.cells.values())

    assert (health is None) == (not has_letter or not g.roles or not g.tasks)
    assert health is None or 0 <= health <= 100


@EXAMPLES
@given(grids())
def test_findings_do_not_depend_on_the_order_of_the_cells(g):
    shuffled = list(g.cells.items())
    random.Random(len(shuffled)).shuffle(shuffled)

    assert evaluate(replace(g, cells=dict(shuffled))) == evaluate(g)
    assert analyse(replace(g, cells=dict(shuffled))) == analyse(g)


@EXAMPLES
@given(grids())
def test_what_if_without_operations_reports_the_original_findings(g):
    result = what_if(g, ())

    assert result.findings_before == result.findings_after == evaluate(g)
    assert result.health_before == result.health_after


@EXAMPLES
@given(grids(), st.sampled_from(Severity))
def test_adding_a_finding_never_raises_the_health_score(g, severity):
    findings = evaluate(g)
    extra = Finding(code="test", severity=severity, message="m", hint="h")

    before = health_score(g, findings)
    after = health_score(g, (*findings, extra))

    assert after == before if before is None else after <= before


@EXAMPLES
@given(grids(), st.data())
def test_what_if_never_mutates_the_grid(g, data):
    if len(g.roles) < 2:
        return
    codes = [role.code for role in g.roles]
    source, target = data.draw(st.permutations(codes))[:2]
    before = (g.roles, dict(g.cells), g.people)

    for operation in (MergeRole(source, target), MoveLetters(source, target), RemoveRole(source)):
        what_if(g, operation)

    assert (g.roles, dict(g.cells), g.people) == before


@EXAMPLES
@given(grids(), st.data())
def test_merged_cells_stay_valid_combinations(g, data):
    if len(g.roles) < 2:
        return
    source, target = data.draw(st.permutations([role.code for role in g.roles]))[:2]

    merged = what_if(g, MergeRole(source, target)).grid

    assert not [f for f in evaluate(merged) if f.code.startswith("cell.")]
    assert source not in {role.code for role in merged.roles}


@EXAMPLES
@given(grids())
def test_a_grid_has_no_gap_with_itself(g):
    result = gap(g, g)

    assert result.changed == ()
    assert result.summary.matched == len(g.tasks)


@EXAMPLES
@given(grids(), st.data())
def test_adding_people_to_an_unrelated_role_never_raises_another_persons_overload(g, data):
    if not g.roles:
        return
    role = data.draw(st.sampled_from([r.code for r in g.roles]))
    hired = data.draw(st.integers(1, 40))
    start = max((p.id for p in g.people), default=0) + 1
    new_people = tuple(
        PersonEntry(id=start + i, name=f"Hire {i}", role_codes=frozenset({role})) for i in range(hired)
    )
    headcount = (g.headcount or g.effective_headcount) + 20
    before = replace(g, headcount=headcount)
    after = replace(g, people=g.people + new_people, headcount=headcount + hired)

    def overloaded(grid):
        return {
            f.person_id
            for f in evaluate(grid)
            if f.code == "person.overload"
            and role not in next(p for p in grid.people if p.id == f.person_id).role_codes
        }

    # People who do not hold the role see no new overload finding.
    assert overloaded(after) <= overloaded(before)


def _applied(g, fix):
    cells = dict(g.cells)
    for change in fix.changes:
        assert cells.get((change.task, change.role), "") == change.expected
        if change.letters:
            cells[(change.task, change.role)] = change.letters
        else:
            cells.pop((change.task, change.role), None)
    return replace(g, cells=cells)


@EXAMPLES
@given(st.one_of(grids(), assigned_grids()))
def test_every_suggested_fix_settles_the_error_it_was_suggested_for(g):
    for finding in evaluate(g):
        for fix in finding.suggested_fixes:
            fixed = evaluate(_applied(g, fix))
            same = [
                f
                for f in fixed
                if (f.code, f.task_id, f.role_code, f.person_id)
                == (finding.code, finding.task_id, finding.role_code, finding.person_id)
            ]
            assert not [f for f in same if f.severity is Severity.ERROR], (finding.message, fix.label)


@EXAMPLES
@given(st.one_of(grids(), assigned_grids()))
def test_a_matrix_built_by_applying_one_fix_per_finding_has_none_of_those_errors_left(g):
    fixed = g
    addressed = []
    for finding in evaluate(g):
        if not finding.suggested_fixes:
            continue
        fix = finding.suggested_fixes[0]
        # Fixes of different findings on the same task may touch the same cells: apply those
        # that still find what they expect, as the grid's batch would.
        if all(fixed.cells.get((c.task, c.role), "") == c.expected for c in fix.changes):
            fixed = _applied(fixed, fix)
            addressed.append((finding.code, finding.task_id))
    left = {(f.code, f.task_id) for f in evaluate(fixed) if f.severity is Severity.ERROR}
    assert not left & set(addressed)
