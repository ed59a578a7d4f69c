"""Role rules: is the role needed, is it a bottleneck, is it burning out, does anyone hold it."""

from __future__ import annotations

from frameworks.schemes import CAIRO
from raci.rules.findings import Severity

from .builders import codes, found, grid, healthy_rows


def test_role_never_responsible_or_accountable_is_questioned():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}})

    [finding] = found(g, "role.no_work")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "ENG"
    assert finding.message == "ENG is never Responsible or Accountable for any task — is the role needed?"


def test_role_responsible_somewhere_is_needed():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}, "Launch": {"PM": "A", "ENG": "R"}})

    assert "role.no_work" not in codes(g)


def test_roles_of_a_matrix_without_letters_are_not_questioned():
    g = grid({"Pricing": {}, "Launch": {}})

    assert "role.no_work" not in codes(g)


def _accountable_for(n: int, of: int) -> dict[str, dict[str, str]]:
    """``of`` tasks: PM accountable for the first ``n``, PMM and SALES in turn after; DES does them."""
    return {f"Task {i}": {"PM" if i < n else ("PMM", "SALES")[i % 2]: "A", "DES": "R"} for i in range(of)}


BOTTLENECK_ROLES = "PM PMM SALES DES"


def test_role_accountable_for_more_than_the_share_is_a_bottleneck():
    g = grid(_accountable_for(5, 10), roles=BOTTLENECK_ROLES, accountable_share=0.4)

    [finding] = found(g, "role.bottleneck")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "PM"
    assert "PM is Accountable for 5 of 10 tasks (50%)" in finding.message


def test_role_accountable_for_exactly_the_share_is_not_a_bottleneck():
    g = grid(_accountable_for(4, 10), roles=BOTTLENECK_ROLES, accountable_share=0.4)

    assert "role.bottleneck" not in codes(g)


def test_bottleneck_share_counts_only_tasks_with_letters():
    rows = _accountable_for(3, 6) | {f"Empty {i}": {} for i in range(6)}
    g = grid(rows, roles=BOTTLENECK_ROLES, accountable_share=0.4)

    [finding] = found(g, "role.bottleneck")
    assert "3 of 6 tasks" in finding.message


def test_bottleneck_needs_enough_tasks_to_mean_anything():
    g = grid(_accountable_for(3, 4), roles=BOTTLENECK_ROLES, accountable_share=0.4)

    assert "role.bottleneck" not in codes(g)


def _burnout_matrix() -> dict[str, dict[str, str]]:
    """PM is AR on three tasks; four other roles each do or own one task."""
    return {
        "T1": {"PM": "AR", "ENG": "C"},
        "T2": {"PM": "AR", "ENG": "I"},
        "T3": {"PM": "AR", "DES": "C"},
        "T4": {"PMM": "A", "ENG": "R"},
        "T5": {"SALES": "A", "DES": "R"},
    }


def test_role_heaviest_in_both_responsible_and_accountable_load_is_a_burnout_risk():
    g = grid(_burnout_matrix(), roles="PM PMM ENG SALES DES")

    [finding] = found(g, "role.burnout")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "PM"
    assert "Responsible (3 tasks) and as Accountable (3 tasks)" in finding.message


def test_role_heaviest_in_only_one_load_is_no_burnout_risk():
    rows = _burnout_matrix() | {"T6": {"SALES": "A", "ENG": "R"}, "T7": {"SALES": "A", "ENG": "R"}}
    rows |= {"T8": {"SALES": "A", "ENG": "R"}, "T9": {"SALES": "A", "ENG": "R"}}
    g = grid(rows, roles="PM PMM ENG SALES DES")

    # SALES is now the heaviest accountable (5 > 3) and ENG the heaviest responsible (5 > 3).
    assert "role.burnout" not in codes(g)


def test_burnout_needs_at_least_three_roles():
    g = grid({"T1": {"PM": "AR", "PMM": "C"}, "T2": {"PM": "AR", "PMM": "I"}}, roles="PM PMM")

    assert "role.burnout" not in codes(g)


def test_roles_carrying_equal_loads_are_no_burnout_risk():
    g = grid(healthy_rows(6), roles="PM PMM ENG")

    assert "role.burnout" not in codes(g)


def test_role_on_every_task_is_an_info():
    g = grid({"T1": {"PM": "A", "ENG": "R"}, "T2": {"PM": "C", "PMM": "A", "ENG": "R"}, "T3": {"PM": "I"}})

    [finding] = found(g, "role.on_everything")
    assert finding.severity is Severity.INFO
    assert finding.role_code == "PM"


def test_role_on_all_tasks_but_one_is_fine():
    g = grid({"T1": {"PM": "A", "ENG": "R"}, "T2": {"PM": "C", "PMM": "A", "ENG": "R"}, "T3": {"PMM": "I"}})

    assert "role.on_everything" not in codes(g)


def test_role_with_work_that_no_active_person_holds_is_an_error():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}},
        people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG"},
        inactive=["Bo"],
    )

    [finding] = found(g, "role.unstaffed")
    assert finding.severity is Severity.ERROR
    assert finding.role_code == "PMM"
    assert finding.message == "Nobody holds PMM, yet it is Responsible or Accountable for 1 task."


def test_role_only_consulted_needs_nobody_to_hold_it():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}}, people={"Ana": "PM", "Bo": "PMM"})

    assert "role.unstaffed" not in codes(g)


def test_staffing_is_not_judged_without_people_data():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}})

    assert "role.unstaffed" not in codes(g)


def test_burnout_top_fraction_widens_the_top_with_more_roles():
    rows = _burnout_matrix() | {"T6": {"PMM": "AR"}, "T7": {"PMM": "AR"}}
    # PM carries 3 R and 3 A, PMM 2 R and 3 A: with k = floor(5 x 0.4) = 2, both are in the top.
    g = grid(rows, roles="PM PMM ENG SALES DES", burnout_top_fraction=0.4)

    assert [f.role_code for f in found(g, "role.burnout")] == ["PM", "PMM"]
    assert [f.role_code for f in found(grid(rows, roles="PM PMM ENG SALES DES"), "role.burnout")] == []


def test_out_of_the_loop_does_not_put_a_role_on_every_task():
    rows = {"T1": {"PM": "A", "ENG": "R"}, "T2": {"PM": "O", "PMM": "A", "ENG": "R"}, "T3": {"PM": "I"}}

    assert "role.on_everything" not in codes(grid(rows, scheme=CAIRO))
