"""Role rules: is the role needed, is it a bottleneck, is it burning out, does anyone hold it."""

from __future__ import annotations

from frameworks.schemes import CAIRO
from raci.rules.findings import Severity

from .builders import codes, found, grid, healthy_rows


def test_role_without_a_single_letter_is_questioned():
    g = grid({"Pricing": {"PM": "A", "PMM": "R"}})

    [finding] = found(g, "role.no_work")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "ENG"
    assert finding.message == "ENG has no letter on any task — is the role needed?"


def test_role_only_consulted_is_needed():
    # Legal is asked before pricing changes and never does or owns the work: that is its job.
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "LEGAL": "C"}}, roles="PM PMM LEGAL")

    assert "role.no_work" not in codes(g)


def test_roles_of_a_matrix_without_letters_are_not_questioned():
    g = grid({"Pricing": {}, "Launch": {}})

    assert "role.no_work" not in codes(g)


BOTTLENECK_ROLES = "PM PMM SALES CS DES"


def _accountable_for(n: int, of: int) -> dict[str, dict[str, str]]:
    """``of`` tasks: PM accountable for the first ``n``, PMM, SALES and CS in turn after; DES does them."""
    return {
        f"Task {i}": {"PM" if i < n else ("PMM", "SALES", "CS")[i % 3]: "A", "DES": "R"} for i in range(of)
    }


def test_role_accountable_for_more_than_the_share_and_twice_the_next_is_a_bottleneck():
    # PM 5 of 10, the next role (PMM or SALES) 2.
    g = grid(_accountable_for(5, 10), roles=BOTTLENECK_ROLES)

    [finding] = found(g, "role.bottleneck")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "PM"
    assert finding.message == (
        "PM is Accountable for 5 of 10 tasks (50%, 2.5 times the next role): decisions queue behind it."
    )


def test_role_accountable_for_exactly_the_share_is_not_a_bottleneck():
    g = grid(_accountable_for(4, 10), roles=BOTTLENECK_ROLES)

    assert "role.bottleneck" not in codes(g)


def test_two_roles_splitting_the_decisions_are_no_bottleneck():
    # The old rule flagged both: each is accountable for half the tasks, well over 40%.
    rows = {f"Task {i}": {("PM", "PMM")[i % 2]: "A", "DES": "R"} for i in range(10)}
    g = grid(rows, roles=BOTTLENECK_ROLES)

    assert "role.bottleneck" not in codes(g)


def test_role_just_under_the_lead_over_the_next_is_no_bottleneck():
    g = grid(_accountable_for(5, 10), roles=BOTTLENECK_ROLES, bottleneck_lead=2.6)

    assert "role.bottleneck" not in codes(g)


def test_the_only_accountable_role_while_others_do_the_work_is_a_bottleneck():
    rows = {f"Task {i}": {"PM": "A", ("DES", "CS")[i % 2]: "R"} for i in range(6)}
    g = grid(rows, roles=BOTTLENECK_ROLES)

    [finding] = found(g, "role.bottleneck")
    assert "the only Accountable role while 2 others do the work" in finding.message


def test_the_only_accountable_role_with_a_single_doer_is_a_deliberate_choice():
    rows = {f"Task {i}": {"PM": "A", "DES": "R"} for i in range(6)}
    g = grid(rows, roles=BOTTLENECK_ROLES)

    assert "role.bottleneck" not in codes(g)


def test_bottleneck_share_counts_only_tasks_with_letters():
    rows = _accountable_for(3, 6) | {f"Empty {i}": {} for i in range(6)}
    g = grid(rows, roles=BOTTLENECK_ROLES)

    [finding] = found(g, "role.bottleneck")
    assert "3 of 6 tasks" in finding.message


def test_bottleneck_needs_enough_tasks_to_mean_anything():
    g = grid(_accountable_for(3, 4), roles=BOTTLENECK_ROLES)

    assert "role.bottleneck" not in codes(g)


def _burnout_matrix() -> dict[str, dict[str, str]]:
    """PM is AR on four tasks; four other roles each do or own one task."""
    return {
        "T1": {"PM": "AR", "ENG": "C"},
        "T2": {"PM": "AR", "ENG": "I"},
        "T3": {"PM": "AR", "DES": "C"},
        "T4": {"PMM": "A", "ENG": "R"},
        "T5": {"SALES": "A", "DES": "R"},
        "T6": {"PM": "AR", "DES": "C"},
    }


def test_role_far_ahead_in_both_responsible_and_accountable_load_is_a_burnout_risk():
    g = grid(_burnout_matrix(), roles="PM PMM ENG SALES DES")

    [finding] = found(g, "role.burnout")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "PM"
    assert finding.message == (
        "PM is well ahead of every other role both as Responsible (4 tasks) and as Accountable (4 tasks): "
        "a burnout risk."
    )


def test_role_heaviest_in_only_one_load_is_no_burnout_risk():
    rows = _burnout_matrix() | {"T7": {"SALES": "A", "ENG": "R"}, "T8": {"SALES": "A", "ENG": "R"}}
    rows |= {"T9": {"SALES": "A", "ENG": "R"}, "T10": {"SALES": "A", "ENG": "R"}}
    g = grid(rows, roles="PM PMM ENG SALES DES")

    # SALES is now the heaviest accountable (5 > 4) and ENG the heaviest responsible (5 > 4).
    assert "role.burnout" not in codes(g)


def test_heaviest_role_less_than_twice_the_next_is_no_burnout_risk():
    # A launch checklist: PMM leads (9 R, 9 A) with PM close behind (6 R, 5 A), as the seeds have it.
    rows = {f"L{i}": {"PMM": "AR", "PM": "C"} for i in range(9)}
    rows |= {
        f"P{i}": {"PM": "AR" if i < 5 else "R", "PMM": "C", "CS": "A" if i == 5 else ""} for i in range(6)
    }
    g = grid(rows, roles="PM PMM CS")

    assert "role.burnout" not in codes(g)


def test_burnout_needs_enough_tasks():
    # The old rule fired here: one R and one A in a two-task matrix.
    g = grid({"T1": {"PM": "AR", "PMM": "C"}, "T2": {"ENG": "C", "PMM": "I"}}, roles="PM PMM ENG")

    assert "role.burnout" not in codes(g)


def test_burnout_needs_at_least_three_roles():
    rows = {f"T{i}": {"PM": "AR", "PMM": "C"} for i in range(8)}
    g = grid(rows, roles="PM PMM")

    assert "role.burnout" not in codes(g)


def test_roles_carrying_equal_loads_are_no_burnout_risk():
    g = grid(healthy_rows(6), roles="PM PMM ENG")

    assert "role.burnout" not in codes(g)


def test_role_on_every_task_is_an_info():
    g = grid(
        {"T1": {"PM": "A", "ENG": "R"}, "T2": {"ENG": "C", "PMM": "A", "SALES": "R"}, "T3": {"ENG": "I"}},
        roles="PM PMM ENG SALES",
    )

    [finding] = found(g, "role.on_everything")
    assert finding.severity is Severity.INFO
    assert finding.role_code == "ENG"


def test_the_two_roles_of_a_split_pair_on_every_task_are_by_design():
    # The seeds: "heavy collaboration for the shared responsibilities, plus significant
    # consultation even for their individual responsibilities".
    g = grid(
        {
            "T1": {"PM": "A", "PMM": "C", "ENG": "R"},
            "T2": {"PM": "C", "PMM": "AR"},
            "T3": {"PM": "AR", "PMM": "I"},
        }
    )

    assert "role.on_everything" not in codes(g)


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
    rows = _burnout_matrix() | {"T7": {"PMM": "AR"}, "T8": {"PMM": "AR"}}
    # PM carries 4 R and 4 A, PMM 2 R and 3 A: with k = floor(5 x 0.4) = 2, both are in the top.
    g = grid(rows, roles="PM PMM ENG SALES DES", burnout_top_fraction=0.4, burnout_lead=1.0)

    assert [f.role_code for f in found(g, "role.burnout")] == ["PM", "PMM"]
    assert [
        f.role_code for f in found(grid(rows, roles="PM PMM ENG SALES DES", burnout_lead=1.0), "role.burnout")
    ] == ["PM"]


def test_out_of_the_loop_does_not_put_a_role_on_every_task():
    rows = {"T1": {"PM": "A", "ENG": "R"}, "T2": {"PM": "O", "PMM": "A", "ENG": "R"}, "T3": {"PM": "I"}}

    assert "role.on_everything" not in codes(grid(rows, scheme=CAIRO))


def test_accountable_role_held_by_several_people_has_nobody_in_particular_deciding():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R"}, "Launch": {"PM": "A", "ENG": "R"}},
        people={"Ana": "PM", "Al": "PM", "Am": "PM", "Au": "PM", "Bo": "PMM", "Cy": "ENG"},
    )

    [finding] = found(g, "role.accountable_people")
    assert finding.severity is Severity.WARNING
    assert finding.role_code == "PM"
    assert (
        finding.message
        == "PM is Accountable for 2 tasks and 4 people hold it: nobody in particular has the final word."
    )


def test_accountable_role_held_by_one_person_is_fine():
    g = grid({"Pricing": {"PM": "A", "PMM": "R"}}, people={"Ana": "PM", "Bo": "PMM", "Bi": "PMM"})

    assert "role.accountable_people" not in codes(g)


def test_inactive_holders_do_not_make_an_accountable_role_several_people():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R"}}, people={"Ana": "PM", "Al": "PM", "Bo": "PMM"}, inactive=["Al"]
    )

    assert "role.accountable_people" not in codes(g)
