"""What-if: reorganizations applied to a copy of the grid, and what they break."""

from __future__ import annotations

import pytest

from frameworks.schemes import DACI, RACI, RAPID
from raci.rules.analyses import AnalysisError
from raci.rules.engine import evaluate
from raci.rules.scenarios import (
    MergeRole,
    MoveLetters,
    RemovePerson,
    RemoveRole,
    TaskLoss,
    combine_letters,
    parse_scenario,
    what_if,
)

from .builders import grid, person_id

ROWS = {
    "Roadmap": {"PM": "AR", "PMM": "C", "ENG": "I"},
    "Messaging": {"PM": "C", "PMM": "AR", "ENG": "I"},
    "Pricing": {"PM": "A", "PMM": "R", "ENG": "C"},
}
PEOPLE = {"Ana": "PM", "Bo": "PMM", "Cy": "ENG", "Di": "ENG"}


def test_removing_the_only_holder_of_a_role_loses_its_tasks_owner():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, RemovePerson(person_id(g, "Ana")))

    assert result.losses == (
        TaskLoss(task_id=1, task_name="Roadmap", lost_accountable=True, lost_responsible=True),
        TaskLoss(task_id=3, task_name="Pricing", lost_accountable=True, lost_responsible=False),
    )
    assert [f.role_code for f in result.findings_after if f.code == "role.unstaffed"] == ["PM"]
    assert result.health_after < result.health_before


def test_removing_one_of_two_holders_of_a_role_loses_nothing():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, RemovePerson(person_id(g, "Cy")))

    assert result.losses == ()
    assert result.findings_after == result.findings_before


def test_removed_person_stays_in_the_grid_as_inactive_and_the_original_is_untouched():
    g = grid(ROWS, people=PEOPLE, headcount=12)

    result = what_if(g, RemovePerson(1))

    assert [p.active for p in result.grid.people] == [False, True, True, True]
    assert result.grid.headcount == 11
    assert all(p.active for p in g.people)
    assert g.headcount == 12


def test_removing_an_unknown_person_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="No person with id 99"):
        what_if(grid(ROWS, people=PEOPLE), RemovePerson(99))


def test_removing_a_role_drops_its_column_letters_and_holders():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, RemoveRole("PMM"))

    assert [r.code for r in result.grid.roles] == ["PM", "ENG"]
    assert not any(code == "PMM" for _, code in result.grid.cells)
    assert result.grid.people[person_id(g, "Bo") - 1].role_codes == frozenset()
    assert [(loss.task_name, loss.lost_accountable, loss.lost_responsible) for loss in result.losses] == [
        ("Messaging", True, True),
        ("Pricing", False, True),
    ]
    # The original grid keeps its column.
    assert [r.code for r in g.roles] == ["PM", "PMM", "ENG"]


def test_removing_an_unknown_role_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="no role SALES"):
        what_if(grid(ROWS), RemoveRole("SALES"))


def test_merging_a_role_combines_letters_into_the_target_and_drops_the_source():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, MergeRole("PMM", "PM"))

    assert [r.code for r in result.grid.roles] == ["PM", "ENG"]
    # Roadmap: AR + C is not a valid RACI cell, the stronger letters stay; Pricing: A + R = AR.
    assert result.grid.letters(1, "PM") == "AR"
    assert result.grid.letters(2, "PM") == "AR"
    assert result.grid.letters(3, "PM") == "AR"
    assert result.losses == ()


def test_people_holding_a_merged_role_now_hold_the_target():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, MergeRole("PMM", "PM"))

    assert result.grid.people[person_id(g, "Bo") - 1].role_codes == frozenset({"PM"})


def test_merging_a_role_into_itself_changes_nothing():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, MergeRole("PM", "PM"))

    assert result.grid == g
    assert result.findings_after == result.findings_before
    assert result.losses == ()


def test_moving_letters_empties_the_source_but_keeps_its_column_and_holders():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, MoveLetters("PMM", "PM"))

    assert [r.code for r in result.grid.roles] == ["PM", "PMM", "ENG"]
    assert not any(code == "PMM" for _, code in result.grid.cells)
    assert result.grid.letters(3, "PM") == "AR"
    assert result.grid.people == g.people
    assert "role.no_work" in [f.code for f in result.introduced]


def test_merging_into_an_unknown_role_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="no role SALES"):
        what_if(grid(ROWS), MergeRole("PM", "SALES"))


def test_operations_apply_in_order_to_the_grid_as_the_previous_left_it():
    g = grid(ROWS)

    with pytest.raises(AnalysisError, match="no role PMM"):
        what_if(g, [RemoveRole("PMM"), MergeRole("PMM", "PM")])

    result = what_if(g, [MergeRole("PMM", "PM"), MergeRole("ENG", "PM")])
    assert [r.code for r in result.grid.roles] == ["PM"]


def test_scenario_without_operations_reports_the_same_findings():
    g = grid(ROWS, people=PEOPLE)

    result = what_if(g, [])

    assert result.findings_before == result.findings_after == evaluate(g)
    assert result.health_before == result.health_after
    assert result.introduced == result.resolved == ()


def test_introduced_and_resolved_findings_tell_what_the_scenario_changes():
    g = grid({"Pricing": {"PM": "A", "PMM": "A", "ENG": "R"}})

    result = what_if(g, RemoveRole("PMM"))

    assert "task.multiple_accountable" in [f.code for f in result.resolved]


def test_combining_letters_keeps_the_accountable_then_responsible_letters():
    assert combine_letters(RACI, "ARC") == "AR"
    assert combine_letters(RACI, "CI") == "C"
    assert combine_letters(RACI, "RI") == "R"
    assert combine_letters(RACI, "IR") == "R"


def test_combining_letters_in_a_scheme_without_combinations_keeps_one():
    assert combine_letters(DACI, "DC") == "D"
    assert combine_letters(DACI, "DA") == "A"


def test_combining_allowed_letters_keeps_them_all():
    assert combine_letters(RAPID, "PR") == "RP"
    assert combine_letters(RACI, "RA") == "AR"


def test_combining_drops_unknown_letters():
    assert combine_letters(RACI, "XA") == "A"


def test_daci_merge_keeps_the_approver_over_the_driver():
    g = grid({"Call": {"PM": "A", "PMM": "D", "ENG": "C"}}, scheme=DACI)

    result = what_if(g, MergeRole("PMM", "PM"))

    assert result.grid.letters(1, "PM") == "A"
    assert result.losses == (TaskLoss(1, "Call", lost_accountable=False, lost_responsible=True),)


def test_scenario_parses_from_json_like_data():
    ops = parse_scenario(
        [
            {"op": "remove_person", "person_id": 7},
            {"op": "remove_role", "role": "ENG"},
            {"op": "merge_role", "source": "PMM", "target": "PM"},
            {"op": "move_letters", "source": "A", "target": "B"},
        ]
    )

    assert ops == (RemovePerson(7), RemoveRole("ENG"), MergeRole("PMM", "PM"), MoveLetters("A", "B"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"op": "explode"}], "'op' must be one of"),
        ([{"op": "merge_role", "source": "PM"}], "needs target"),
        ([{"op": "remove_person", "person_id": "7"}], "whole number"),
        ([{"op": "remove_role", "role": ""}], "role code"),
        (["merge"], "must be an object"),
    ],
)
def test_bad_scenario_data_is_an_analysis_error(data, message):
    with pytest.raises(AnalysisError, match=message):
        parse_scenario(data)


# --- Honest what-if ---------------------------------------------------------------------------


def _pm_vs_pmm():
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[2] / "frameworks/data/pm-vs-pmm.json").read_text())
    rows = {}
    for stage in data["stages"]:
        for activity in stage["activities"]:
            rows[activity["name"]] = activity["letters"]
    codes = " ".join(role["code"] for role in data["roles"])
    people = {f"Holder of {code}": code for code in codes.split()}
    shared = tuple(i + 1 for i, name in enumerate(rows) if name == "Revenue growth")
    return grid(rows, roles=codes, people=people, headcount=50, shared_accountability_tasks=shared)


def test_merging_pmm_into_pm_concentrates_ownership_and_health_falls():
    # The old engine said "Health 91 -> 93, Better" while PM became Accountable for nearly everything.
    result = what_if(_pm_vs_pmm(), MergeRole("PMM", "PM"))

    assert result.health_after < result.health_before
    assert result.verdict == "worse"
    assert {f.code for f in result.introduced if f.role_code == "PM"} >= {"role.bottleneck", "role.burnout"}


def test_someone_leaving_is_never_better():
    g = _pm_vs_pmm()

    for person in g.people:
        assert what_if(g, RemovePerson(person.id)).verdict == "worse", person.name


def test_a_finding_whose_numbers_change_is_changed_not_introduced_and_resolved():
    rows = {
        f"T{i}": {("PM" if i < 6 else ("PMM", "SALES")[i % 2]): "A", "DES": "R", "ENG": "C"}
        for i in range(10)
    }
    g = grid(rows, roles="PM PMM SALES DES ENG")

    result = what_if(g, MoveLetters("SALES", "PM"))

    [changed] = result.changed
    assert changed.before.code == changed.after.code == "role.bottleneck"
    assert "6 of 10" in changed.before.message
    assert "8 of 10" in changed.after.message
    assert "role.bottleneck" not in {f.code for f in (*result.introduced, *result.resolved)}


def test_what_if_shows_each_roles_load_and_each_persons_share_before_and_after():
    g = grid(ROWS, people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG"})

    result = what_if(g, MergeRole("PMM", "PM"))

    loads = {change.key: (change.before, change.after) for change in result.roles}
    assert loads["PMM"][1] is None
    assert loads["PM"][1] > loads["PM"][0]
    shares = {change.name: (change.before, change.after) for change in result.people}
    assert shares["Bo"][1] == shares["Ana"][1]  # Bo now holds PM with Ana and shares it
    assert result.to_dict()["roles"][0] == {
        "role_code": "PM",
        "name": "PM role",
        "before": loads["PM"][0],
        "after": loads["PM"][1],
    }


def test_someone_leaving_proposes_their_letters_to_the_least_loaded_staffed_role():
    rows = {
        "Pricing": {"PM": "A", "PMM": "R", "ENG": "C"},
        "Launch": {"PMM": "AR", "PM": "C"},
        "Build": {"ENG": "AR", "PM": "C"},
        "Support": {"CS": "R", "PM": "A"},
    }
    g = grid(rows, roles="PM PMM ENG CS", people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG", "Di": "CS"})

    result = what_if(g, RemovePerson(person_id(g, "Bo")))

    # CS carries 3, ENG 6: PMM's letters go to CS.
    assert result.proposal == (MoveLetters("PMM", "CS"),)
    assert result.proposed_grid.letters(1, "CS") == "R"
    assert result.proposed_grid.letters(2, "CS") == "AR"
    assert result.health_proposed > result.health_after
    assert result.to_dict()["proposal"] == [{"op": "move_letters", "source": "PMM", "target": "CS"}]


def test_nobody_leaving_proposes_nothing():
    g = grid(ROWS, people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG"})

    result = what_if(g, MergeRole("PMM", "PM"))

    assert result.proposal == ()
    assert result.proposed_grid is None
