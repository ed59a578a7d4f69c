"""Gap: current versus proposed ownership, letter by letter."""

from __future__ import annotations

import pytest

from frameworks.schemes import DACI
from raci.rules.analyses import AnalysisError
from raci.rules.gap import LetterChange, gap

from .builders import grid

CURRENT = {
    ("Strategy", "Pricing"): {"PM": "A", "PMM": "R"},
    ("Strategy", "Roadmap"): {"PM": "AR", "ENG": "C"},
    ("Launch", "Messaging"): {"PMM": "AR"},
    ("Launch", "Old thing"): {"PM": "A"},
}


def _proposed(rows, **kwargs):
    return grid(rows, first_task_id=101, **kwargs)


def test_letters_that_move_between_roles_are_listed_per_task():
    proposed = _proposed(CURRENT | {("Strategy", "Pricing"): {"PMM": "AR"}})

    result = gap(grid(CURRENT), proposed)

    [task] = result.changed
    assert (task.current_task_id, task.proposed_task_id, task.name) == (1, 101, "Pricing")
    assert task.changes == (LetterChange("A", "Accountable", before=("PM",), after=("PMM",)),)
    assert str(task.changes[0]) == "A: PM -> PMM"
    assert task.describe() == "'Pricing': A: PM -> PMM"


def test_identical_grids_have_no_gap():
    result = gap(grid(CURRENT), _proposed(CURRENT))

    assert result.changed == ()
    assert result.summary.unchanged == 4
    assert result.summary.letter_changes == 0


def test_tasks_match_by_stage_and_name_ignoring_case():
    proposed = _proposed({("strategy", "PRICING "): {"PM": "A", "PMM": "R"}})

    result = gap(grid(CURRENT), proposed)

    assert result.summary.matched == 1
    assert [t.name for t in result.only_current] == ["Roadmap", "Messaging", "Old thing"]


def test_tasks_that_changed_stage_match_by_name_when_it_is_unique():
    rows = {
        ("Plan", "Pricing") if key == ("Strategy", "Pricing") else key: value
        for key, value in CURRENT.items()
    }

    result = gap(grid(CURRENT), _proposed(rows))

    assert result.summary.matched == 4
    assert result.only_current == result.only_proposed == ()


def test_ambiguous_names_are_not_matched_across_stages():
    current = grid({("A", "Review"): {"PM": "A"}, ("B", "Review"): {"PM": "A"}})
    proposed = _proposed({("C", "Review"): {"PM": "A"}})

    result = gap(current, proposed)

    assert result.summary.matched == 0
    assert result.summary.only_current == 2
    assert result.summary.only_proposed == 1


def test_tasks_only_in_one_grid_are_listed_and_counted():
    proposed = _proposed(
        {key: value for key, value in CURRENT.items() if key[1] != "Old thing"}
        | {("Launch", "New thing"): {"PMM": "A"}}
    )

    result = gap(grid(CURRENT), proposed)

    assert [t.name for t in result.only_current] == ["Old thing"]
    assert [t.name for t in result.only_proposed] == ["New thing"]
    assert (result.summary.only_current, result.summary.only_proposed) == (1, 1)


def test_roles_are_matched_by_code_and_new_roles_reported():
    proposed = _proposed(
        CURRENT | {("Launch", "Messaging"): {"PMM": "R", "GTM": "A"}}, roles="PM PMM ENG GTM"
    )

    result = gap(grid(CURRENT), proposed)

    assert result.roles_only_proposed == ("GTM",)
    [task] = result.changed
    assert [str(c) for c in task.changes] == ["A: PMM -> GTM"]


def test_summary_counts_changed_tasks_and_letter_changes():
    proposed = _proposed(
        CURRENT | {("Strategy", "Pricing"): {"PMM": "AR"}, ("Strategy", "Roadmap"): {"PM": "A", "ENG": "R"}}
    )

    summary = gap(grid(CURRENT), proposed).summary

    assert (summary.matched, summary.changed, summary.unchanged) == (4, 2, 2)
    # Pricing: A moves (PMM already had R); Roadmap: R and C move.
    assert summary.letter_changes == 3


def test_gap_between_different_schemes_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="same scheme"):
        gap(grid(CURRENT), _proposed({}, scheme=DACI))


def test_gap_serialises_to_plain_data():
    proposed = _proposed(CURRENT | {("Strategy", "Pricing"): {"PMM": "AR"}})

    data = gap(grid(CURRENT), proposed).to_dict()

    assert data["changed"][0]["changes"][0] == {
        "letter": "A",
        "letter_name": "Accountable",
        "before": ["PM"],
        "after": ["PMM"],
    }
    assert data["summary"]["changed"] == 1
