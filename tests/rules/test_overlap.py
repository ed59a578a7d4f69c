"""Overlap of two roles: the PM/PMM Venn, where owning means holding A or R."""

from __future__ import annotations

import pytest

from frameworks.schemes import RAPID
from raci.rules.analyses import AnalysisError, SharedTask, overlap

from .builders import grid

ROWS = {
    "Roadmap": {"PM": "AR", "PMM": "C"},
    "Messaging": {"PM": "C", "PMM": "AR"},
    "Pricing": {"PM": "A", "PMM": "R"},
    "Hiring": {"ENG": "AR", "PM": "I"},
}


def test_overlap_splits_tasks_into_only_a_only_b_shared_and_neither():
    result = overlap(grid(ROWS), "PM", "PMM")

    assert result.only_a == (1,)
    assert result.only_b == (2,)
    assert result.shared == (SharedTask(task_id=3, a_letters="A", b_letters="R"),)
    assert result.neither == (4,)


def test_consulted_or_informed_does_not_make_a_role_an_owner():
    result = overlap(grid({"Roadmap": {"PM": "C", "PMM": "I"}}), "PM", "PMM")

    assert result.neither == (1,)


def test_overlap_uses_the_scheme_owner_letters():
    g = grid({"Call": {"PM": "D", "PMM": "P"}, "Advice": {"PM": "R", "PMM": "I"}}, scheme=RAPID)

    result = overlap(g, "PM", "PMM")

    assert [s.task_id for s in result.shared] == [1]
    # Recommend is neither the accountable (Decide) nor a responsible (Perform) letter.
    assert result.neither == (2,)


def test_overlap_of_a_role_with_itself_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="two different roles"):
        overlap(grid(ROWS), "PM", "PM")


def test_overlap_with_an_unknown_role_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="no role SALES"):
        overlap(grid(ROWS), "PM", "SALES")


def test_analysis_error_is_a_value_error():
    assert issubclass(AnalysisError, ValueError)


def test_overlap_serialises_to_plain_data():
    data = overlap(grid(ROWS), "PM", "PMM").to_dict()

    assert data["shared"] == [{"task_id": 3, "a_letters": "A", "b_letters": "R"}]
