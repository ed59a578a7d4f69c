"""Reading a table into a new matrix's plan (pure: no database)."""

from __future__ import annotations

from frameworks.schemes import get_scheme
from raci.exchange.starting import kept_roles, read_table, table_grid

RACI = get_scheme("RACI")
ROLES = {"PM": "Product manager", "ENG": "Engineering"}


def read(text: str, *, pasted: bool = True, filename: str | None = None):
    return read_table(text.encode(), scheme=RACI, roles=ROLES, pasted=pasted, filename=filename)


def test_pasted_tsv_first_row_names_roles_by_code_or_name():
    plan = read("Task\tpm\tEngineering\nRoadmap\tA/R\tC\nBuild\tI\ta, r\n")
    assert plan.ok
    assert plan.plan.roles == ["PM", "ENG"]
    assert [(r.task, r.stage, r.cells) for r in plan.plan.rows] == [
        ("Roadmap", "", {"PM": "AR", "ENG": "C"}),
        ("Build", "", {"PM": "I", "ENG": "AR"}),
    ]


def test_a_leading_stage_column_gives_each_task_its_stage():
    plan = read("Stage,Task,PM\nPlan,Roadmap,A\n", pasted=False, filename="m.csv")
    assert [(r.stage, r.task) for r in plan.plan.rows] == [("Plan", "Roadmap")]


def test_unknown_codes_are_offered_as_new_roles_in_header_order():
    plan = read("Task\tPM\tdes\tLEGAL\nRoadmap\tA\tC\tI\n")
    assert plan.ok
    assert list(plan.new_roles) == ["DES", "LEGAL"]
    assert kept_roles(plan, ["LEGAL"]) == ["PM", "LEGAL"]


def test_a_heading_that_cannot_be_a_code_is_an_error_naming_its_column():
    plan = read("Task\tPM\tHead of sales\nRoadmap\tA\tC\n")
    assert [(e.line, e.column) for e in plan.errors] == [(1, "C")]
    assert "'Head of sales'" in plan.errors[0].message


def test_bad_letters_are_reported_with_line_and_role_once():
    plan = read("Task\tPM\nRoadmap\tX\n")
    assert len(plan.errors) == 1
    message = plan.errors[0].message
    assert message.count("Line 2") == 1
    assert "role PM" in message


def test_a_value_under_no_heading_names_the_files_own_column_letter():
    plan = read("Task\tPM\nRoadmap\tA\tC\n")
    assert [(e.line, e.column) for e in plan.errors] == [(2, "C")]


def test_a_header_without_tasks_is_refused():
    assert not read("Task\tPM\n").ok


def test_a_header_without_roles_is_refused():
    assert not read("Task\nRoadmap\n").ok


def test_the_preview_grid_has_the_tables_tasks_and_cells():
    plan = read("Task\tPM\tDES\nRoadmap\tA/R\tC\n")
    grid = table_grid(plan, scheme=RACI, roles=ROLES)
    assert [r.code for r in grid.roles] == ["PM", "DES"]
    assert grid.letters(grid.tasks[0].id, "PM") == "AR"
