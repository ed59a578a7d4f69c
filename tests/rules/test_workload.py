"""Workload: letter counts and weighted loads per role and per person."""

from __future__ import annotations

import pytest

from frameworks.schemes import DACI
from raci.rules.analyses import AnalysisError, workload

from .builders import grid

ROWS = {
    "Pricing": {"PM": "AR", "PMM": "C", "ENG": "I"},
    "Launch": {"PM": "C", "PMM": "AR"},
    "Roadmap": {"PM": "A", "ENG": "R"},
}


def test_role_workload_counts_each_letter_of_the_scheme():
    result = workload(grid(ROWS))

    assert dict(result.role("PM").counts) == {"A": 2, "R": 1, "C": 1, "I": 0}
    assert result.role("PM").tasks == 3


def test_role_load_weights_letters_by_the_scheme():
    # RACI weights: A 2, R 3, C 1, I 0.25.
    result = workload(grid(ROWS))

    assert result.role("PM").load == 2 * 2 + 3 + 1
    assert result.role("ENG").load == 0.25 + 3


def test_roles_are_listed_in_column_order_even_without_letters():
    result = workload(grid(ROWS, roles="PM PMM ENG CS"))

    assert [r.role_code for r in result.roles] == ["PM", "PMM", "ENG", "CS"]
    assert result.role("CS").load == 0


def test_workload_counts_use_the_scheme_letters():
    g = grid({"Pricing": {"PM": "D", "PMM": "A"}}, scheme=DACI)

    assert set(workload(g).role("PM").counts) == {"D", "A", "C", "I"}


def test_person_counts_add_up_the_roles_they_hold():
    g = grid(ROWS, people={"Ana": "PM PMM", "Cy": "ENG"})

    ana = workload(g).person(1)

    assert ana.role_codes == ("PM", "PMM")
    assert dict(ana.counts) == {"A": 3, "R": 2, "C": 2, "I": 0}
    assert ana.load == workload(g).role("PM").load + workload(g).role("PMM").load


def test_person_share_divides_a_role_among_its_holders():
    g = grid(ROWS, people={"Ana": "PM", "Al": "PM", "Cy": "ENG"})

    result = workload(g)

    assert result.person(1).share == result.role("PM").load / 2
    assert result.person(1).load == result.role("PM").load
    assert result.role("PM").holders == 2


def test_inactive_people_are_left_out_of_the_workload():
    g = grid(ROWS, people={"Ana": "PM", "Bo": "PMM"}, inactive=["Bo"])

    result = workload(g)

    assert [p.name for p in result.people] == ["Ana"]
    assert result.role("PMM").holders == 0
    with pytest.raises(AnalysisError):
        result.person(2)


def test_roles_of_other_matrices_held_by_a_person_are_ignored():
    g = grid(ROWS, people={"Ana": "PM LEGAL"})

    assert workload(g).person(1).role_codes == ("PM",)


def test_workload_serialises_to_plain_data():
    data = workload(grid(ROWS, people={"Ana": "PM"})).to_dict()

    assert data["roles"][0]["counts"] == {"A": 2, "R": 1, "C": 1, "I": 0}
    assert data["people"][0]["role_codes"] == ["PM"]


def test_unknown_role_in_workload_is_an_analysis_error():
    with pytest.raises(AnalysisError, match="no role SALES"):
        workload(grid(ROWS)).role("SALES")
