"""Task rules: one accountable, someone responsible, not too many cooks, cells that make sense."""

from __future__ import annotations

from dataclasses import replace

from frameworks.schemes import CAIRO
from raci.rules.engine import evaluate
from raci.rules.findings import Severity

from .builders import codes, found, grid, task_id


def test_task_with_one_accountable_and_one_responsible_has_no_errors():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}})

    assert [f for f in evaluate(g) if f.severity is Severity.ERROR] == []


def test_task_without_accountable_is_an_error():
    g = grid({"Pricing": {"PM": "R", "PMM": "C"}})

    [finding] = found(g, "task.no_accountable")
    assert finding.severity is Severity.ERROR
    assert finding.task_id == task_id(g, "Pricing")
    assert "'Pricing' has no Accountable role" in finding.message


def test_task_with_two_accountable_roles_is_an_error():
    g = grid({"Pricing": {"PM": "A", "PMM": "A", "ENG": "R"}})

    [finding] = found(g, "task.multiple_accountable")
    assert finding.severity is Severity.ERROR
    assert finding.message == "'Pricing' has two Accountable roles: PM and PMM — pick one."


def test_two_accountable_roles_are_named_in_column_order_whatever_the_cell_order():
    g = grid({"Pricing": {"PMM": "A", "ENG": "R", "PM": "A"}})

    [finding] = found(g, "task.multiple_accountable")
    assert "PM and PMM" in finding.message


def test_shared_accountability_downgrades_two_accountables_to_warning():
    g = grid({"Pricing": {"PM": "A", "PMM": "A", "ENG": "R"}}, shared_accountability=True)

    [finding] = found(g, "task.multiple_accountable")
    assert finding.severity is Severity.WARNING
    assert "shares Accountable between PM and PMM" in finding.message


def test_task_without_responsible_is_an_error():
    g = grid({"Pricing": {"PM": "A", "PMM": "C"}})

    [finding] = found(g, "task.no_responsible")
    assert finding.severity is Severity.ERROR
    assert "'Pricing' has no Responsible role" in finding.message


def test_accountable_and_responsible_in_one_cell_counts_as_both():
    g = grid({"Pricing": {"PM": "AR", "PMM": "C"}})

    assert "task.no_responsible" not in codes(g)
    assert "task.no_accountable" not in codes(g)


def test_task_without_any_letter_is_one_empty_error_not_three_findings():
    g = grid({"Pricing": {}})

    assert codes(g) == ["task.empty", "matrix.empty"]
    [finding] = found(g, "task.empty")
    assert finding.severity is Severity.ERROR
    assert "'Pricing' has no letters yet" in finding.message


def test_more_responsible_roles_than_the_maximum_is_a_warning_to_split_the_task():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "R", "CS": "R"}}, roles="PM PMM ENG CS", max_responsible=2
    )

    [finding] = found(g, "task.too_many_responsible")
    assert finding.severity is Severity.WARNING
    assert "three Responsible roles (PMM, ENG and CS)" in finding.message
    assert "Split" in finding.hint


def test_responsible_roles_at_the_maximum_are_fine():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "R"}}, max_responsible=2)

    assert "task.too_many_responsible" not in codes(g)


def test_more_consulted_roles_than_the_maximum_is_a_warning():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "C", "CS": "C"}}, roles="PM PMM ENG CS", max_consulted=1
    )

    [finding] = found(g, "task.too_many_consulted")
    assert finding.severity is Severity.WARNING
    assert "slows decisions" in finding.message
    assert "ENG and CS" in finding.message


def test_consulted_roles_at_the_maximum_are_fine():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}}, max_consulted=1)

    assert "task.too_many_consulted" not in codes(g)


def test_more_informed_roles_than_the_maximum_is_an_info():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "I", "CS": "I"}}, roles="PM PMM ENG CS", max_informed=1
    )

    [finding] = found(g, "task.too_many_informed")
    assert finding.severity is Severity.INFO


def test_informed_roles_at_the_maximum_are_fine():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "I"}}, max_informed=1)

    assert "task.too_many_informed" not in codes(g)


def test_task_nobody_is_consulted_or_informed_about_is_a_silo():
    g = grid({"Pricing": {"PM": "A", "PMM": "R"}})

    [finding] = found(g, "task.silo")
    assert finding.severity is Severity.INFO
    assert "Consulted or Informed" in finding.message


def test_one_informed_role_is_enough_to_not_be_a_silo():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "I"}})

    assert "task.silo" not in codes(g)


def test_every_role_on_a_task_is_an_info():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "I", "CS": "C"}}, roles="PM PMM ENG CS")

    [finding] = found(g, "task.everyone")
    assert finding.severity is Severity.INFO
    assert finding.message == "Every role is on 'Pricing'."


def test_three_roles_all_on_a_task_is_no_crowd():
    # An owner, a doer and one role asked is the smallest well-formed task; the old rule called it
    # "everyone on everything".
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "I"}})

    assert "task.everyone" not in codes(g)


def test_all_but_one_role_on_a_task_is_fine():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "I"}}, roles="PM PMM ENG CS")

    assert "task.everyone" not in codes(g)


def test_two_roles_both_on_a_task_is_not_everyone_on_everything():
    g = grid({"Pricing": {"PM": "A", "PMM": "R"}}, roles="PM PMM")

    assert "task.everyone" not in codes(g)


def test_out_of_the_loop_does_not_count_as_being_on_a_task():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "O"}}, scheme=CAIRO)

    assert "task.everyone" not in codes(g)


def test_letter_the_scheme_does_not_have_is_an_error_on_its_cell():
    g = grid({"Pricing": {"PM": "A", "PMM": "RX"}})

    [finding] = found(g, "cell.unknown_letter")
    assert finding.severity is Severity.ERROR
    assert (finding.task_id, finding.role_code) == (task_id(g, "Pricing"), "PMM")
    assert "X in the PMM column" in finding.message
    # The known letter still counts: the task has its Responsible.
    assert "task.no_responsible" not in codes(g)


def test_letters_that_may_not_share_a_cell_are_an_error():
    g = grid({"Pricing": {"PM": "AC", "PMM": "R"}})

    [finding] = found(g, "cell.invalid_combination")
    assert finding.severity is Severity.ERROR
    assert finding.role_code == "PM"
    assert "Accountable and Consulted together in the PM column" in finding.message
    assert "A+R" in finding.hint


def test_allowed_combination_is_not_flagged():
    g = grid({"Pricing": {"PM": "AR", "PMM": "C"}})

    assert not [c for c in codes(g) if c.startswith("cell.")]


def test_letters_in_another_order_or_repeated_are_read_as_written():
    g = grid({"Pricing": {"PM": "RA", "PMM": "CC"}})

    assert not [c for c in codes(g) if c.startswith("cell.")]
    assert "task.no_accountable" not in codes(g)


def test_cells_of_tasks_or_roles_outside_the_grid_are_ignored():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}})
    stray = dict(g.cells) | {(999, "PM"): "A", (1, "NOPE"): "A"}

    assert evaluate(replace(g, cells=stray)) == evaluate(g)
