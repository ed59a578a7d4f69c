"""The exports people present: what goes on each page, sheet and slide, and the XLSX they can
import back. Pure: no database."""

from __future__ import annotations

import io

import openpyxl
import pytest

from frameworks.schemes import RACI, RAPID
from raci.exchange.export import export_xlsx
from raci.exchange.plan import read_import
from raci.exchange.presentation import (
    ACCOUNTABLE,
    CONSULTED,
    INFORMED,
    RESPONSIBLE,
    TONE_COLOURS,
    findings_summary,
    letter_tone,
    matrix_pages,
    person_cards,
    stage_slides,
)
from raci.rules import evaluate
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, TaskRow
from tests.exchange.test_exchange import SAMPLE, make_grid


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def big_grid(tasks: int, roles: int, *, stage_size: int = 10) -> MatrixGrid:
    role_columns = tuple(RoleColumn(id=i, code=f"R{i}", name=f"Role {i}") for i in range(roles))
    task_rows = tuple(
        TaskRow(id=1000 + i, name=f"Task {i}", stage=f"Stage {i // stage_size}", order=i)
        for i in range(tasks)
    )
    cells = {(1000 + i, "R0"): "AR" for i in range(tasks)}
    return MatrixGrid(
        id=1, name="Big", version=1, scheme=RACI, roles=role_columns, tasks=task_rows, cells=cells
    )


def with_people(grid: MatrixGrid, *people: PersonEntry) -> MatrixGrid:
    return MatrixGrid(**{**grid.__dict__, "people": people})


# --- Tones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "tone"),
    [("AR", ACCOUNTABLE), ("R", RESPONSIBLE), ("C", CONSULTED), ("I", INFORMED), ("", "")],
)
def test_a_cell_takes_the_tone_of_its_strongest_letter(letters, tone):
    assert letter_tone(RACI, letters) == tone


def test_rapid_decide_is_the_accountable_tone():
    assert letter_tone(RAPID, "D") == ACCOUNTABLE


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_cells_are_coloured_by_letter_with_the_letters_written():
    sheet = load(export_xlsx(SAMPLE)).worksheets[0]

    roadmap_pm, roadmap_pmm = sheet["C2"], sheet["D2"]
    assert roadmap_pm.value == "A/R"
    assert roadmap_pm.fill.start_color.rgb.endswith(TONE_COLOURS[ACCOUNTABLE])
    assert roadmap_pmm.value == "C"
    assert roadmap_pmm.fill.start_color.rgb.endswith(TONE_COLOURS[CONSULTED])
    assert sheet["E2"].fill.fill_type is None


def test_xlsx_freezes_the_header_row_and_the_task_column():
    assert load(export_xlsx(SAMPLE)).worksheets[0].freeze_panes == "C2"


def test_xlsx_groups_each_stage_under_its_first_task():
    grid = make_grid(
        [
            ("Plan", "Roadmap", {"PM": "AR"}),
            ("Plan", "Pricing", {"PM": "AR"}),
            ("Plan", "Personas", {"PM": "AR"}),
            ("Launch", "Launch plan", {"PMM": "AR"}),
            ("Launch", "Enablement", {"PMM": "AR"}),
        ]
    )
    sheet = load(export_xlsx(grid)).worksheets[0]

    levels = [sheet.row_dimensions[row].outlineLevel for row in range(2, 7)]
    assert levels == [0, 1, 1, 0, 1]
    assert sheet.sheet_properties.outlinePr.summaryBelow is False


def test_xlsx_prints_landscape_one_page_wide_with_the_header_on_every_page():
    sheet = load(export_xlsx(SAMPLE)).worksheets[0]

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$1:$1"


def test_xlsx_legend_letters_are_coloured_like_the_cells():
    legend = load(export_xlsx(SAMPLE))["Legend"]

    assert legend["A2"].value == "A"
    assert legend["A2"].fill.start_color.rgb.endswith(TONE_COLOURS[ACCOUNTABLE])
    assert legend["A5"].fill.start_color.rgb.endswith(TONE_COLOURS[INFORMED])


def test_xlsx_findings_sheet_lists_what_the_rules_engine_reports_with_the_task_name():
    grid = make_grid([("Plan", "Roadmap", {"PM": "R"})])
    findings = load(export_xlsx(grid))["Findings"]

    rows = list(findings.iter_rows(values_only=True))
    assert rows[0] == ("Severity", "Code", "Task", "Role", "Finding", "How to fix")
    codes = {row[1]: row for row in rows[1:]}
    assert {f.code for f in evaluate(grid)} == set(codes)
    assert codes["task.no_accountable"][0] == "error"
    assert codes["task.no_accountable"][2] == "Roadmap"


def test_xlsx_people_sheet_names_who_holds_each_role():
    grid = with_people(
        SAMPLE,
        PersonEntry(id=1, name="Zoe", role_codes=frozenset({"PM"})),
        PersonEntry(id=2, name="Ada", role_codes=frozenset({"PM", "PMM"})),
        PersonEntry(id=3, name="Gone", role_codes=frozenset({"ENG"}), active=False),
    )
    people = load(export_xlsx(grid))["People"]

    rows = list(people.iter_rows(values_only=True))
    assert rows == [
        ("Role", "Name", "People"),
        ("PM", "Role PM", "Ada, Zoe"),
        ("PMM", "Role PMM", "Ada"),
        ("ENG", "Role ENG", "(nobody)"),
    ]


def test_presentation_xlsx_imports_back_without_loss():
    grid = make_grid(
        [
            ("Plan", "Roadmap", {"PM": "AR", "PMM": "C"}),
            ("Plan", "=Pricing", {"PM": "A", "PMM": "R", "ENG": "I"}),
            ("Launch", "Launch plan", {"PMM": "AR"}),
            ("Plan", "Back to plan", {"ENG": "AR"}),
        ]
    )
    plan = read_import(export_xlsx(grid), scheme=RACI, known_roles=["PM", "PMM", "ENG"])

    assert plan.ok, plan.errors
    assert [(row.stage, row.task) for row in plan.rows] == [(t.stage, t.name) for t in grid.tasks]
    for row, task in zip(plan.rows, grid.tasks, strict=True):
        assert row.cells == {code: grid.letters(task.id, code) for code in ("PM", "PMM", "ENG")}


# --- Pages ------------------------------------------------------------------------------------


def test_a_large_matrix_is_cut_into_pages_not_shrunk():
    pages = matrix_pages(big_grid(100, 30), rows=32, roles=25)

    assert all(len(page.lines) <= 32 for page in pages)
    assert {len(page.roles) for page in pages} == {25, 5}
    tasks_shown = [
        line.task.name for page in pages if page.first_role == 1 for line in page.lines if line.task
    ]
    assert tasks_shown == [f"Task {i}" for i in range(100)]


def test_pages_go_row_major_same_tasks_with_the_next_roles_first():
    first, second = matrix_pages(big_grid(40, 30), rows=32, roles=25)[:2]

    assert (first.first_role, first.last_role, second.first_role, second.last_role) == (1, 25, 26, 30)
    assert [line.task for line in first.lines] == [line.task for line in second.lines]


def test_a_page_starting_inside_a_stage_repeats_its_heading_as_continued():
    pages = matrix_pages(big_grid(40, 3, stage_size=40), rows=10, roles=25)

    assert pages[0].lines[0].task is None
    assert pages[0].lines[0].continued is False
    assert pages[1].lines[0].stage == "Stage 0"
    assert pages[1].lines[0].continued is True


def test_a_stage_heading_never_ends_a_page():
    pages = matrix_pages(big_grid(30, 3, stage_size=9), rows=10, roles=25)

    assert all(page.lines[-1].task is not None for page in pages)


def test_slides_cut_a_stage_into_parts_of_rows_and_roles():
    slides = stage_slides(big_grid(20, 15, stage_size=20), rows=12, roles=12)

    assert [(s.stage, s.part, s.parts, len(s.rows), len(s.roles)) for s in slides] == [
        ("Stage 0", 1, 4, 12, 12),
        ("Stage 0", 2, 4, 12, 3),
        ("Stage 0", 3, 4, 8, 12),
        ("Stage 0", 4, 4, 8, 3),
    ]


# --- Person cards -----------------------------------------------------------------------------


def test_a_person_card_lists_tasks_under_the_strongest_letter_of_their_roles():
    grid = with_people(SAMPLE, PersonEntry(id=1, name="Ada", role_codes=frozenset({"PM", "ENG"})))
    (card,) = person_cards(grid)

    assert card.roles == ("PM", "ENG")
    sections = {section.title: section.tasks for section in card.sections}
    assert sections["I answer for"] == (
        ("Plan", "Roadmap", "A/R as PM"),
        ("Plan", "Pricing", "A as PM, I as ENG"),
    )


def test_a_person_card_fits_one_page_and_says_how_many_more():
    grid = with_people(big_grid(30, 2), PersonEntry(id=1, name="Ada", role_codes=frozenset({"R0"})))
    (card,) = person_cards(grid, lines=12)

    assert len(card.sections[0].tasks) == 10
    assert card.sections[0].more == 20


def test_inactive_people_and_people_without_a_role_here_get_no_card():
    grid = with_people(
        SAMPLE,
        PersonEntry(id=1, name="Gone", role_codes=frozenset({"PM"}), active=False),
        PersonEntry(id=2, name="Elsewhere", role_codes=frozenset({"SALES"})),
    )

    assert person_cards(grid) == []


def test_findings_summary_counts_every_finding_and_lists_the_first():
    grid = make_grid([("Plan", f"Task {i}", {"PM": "R"}) for i in range(20)])
    summary = findings_summary(evaluate(grid), limit=5)

    assert summary.errors == 20
    assert len(summary.shown) == 5
    assert summary.more == summary.total - 5


def test_a_cell_is_written_with_its_letters_separated_by_slashes():
    from raci.exchange.presentation import Cell

    assert [Cell(letters, "").written for letters in ("AR", "C", "")] == ["A/R", "C", ""]
