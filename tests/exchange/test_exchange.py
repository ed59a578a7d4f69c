"""CSV/XLSX/JSON export and import of a matrix: pure, no database."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.schemes import DACI, RACI, SCHEMES, Scheme
from raci import exchange
from raci.exchange import tables
from raci.exchange.diff import diff_import
from raci.exchange.export import export_csv, export_json, export_xlsx, sheet_title
from raci.exchange.formats import ExchangeError
from raci.exchange.plan import name_key, read_import
from raci.exchange.tables import parse_table
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow

ROLES = ("PM", "PMM", "ENG")


def make_grid(
    tasks: Sequence[tuple[str, str, Mapping[str, str]]],
    *,
    roles: Sequence[str] = ROLES,
    scheme: Scheme = RACI,
    name: str = "Product ownership",
) -> MatrixGrid:
    """A grid from (stage, task name, {role code: letters}) rows; ids count from 1 (roles) and 100 (tasks)."""
    role_columns = tuple(RoleColumn(id=i, code=code, name=f"Role {code}") for i, code in enumerate(roles, 1))
    task_rows = tuple(
        TaskRow(id=100 + i, name=task, stage=stage, order=i) for i, (stage, task, _) in enumerate(tasks)
    )
    cells = {
        (100 + i, code): letters
        for i, (_, _, row) in enumerate(tasks)
        for code, letters in row.items()
        if letters
    }
    return MatrixGrid(
        id=7, name=name, version=3, scheme=scheme, roles=role_columns, tasks=task_rows, cells=cells
    )


SAMPLE = make_grid(
    [
        ("Plan", "Roadmap", {"PM": "AR", "PMM": "C"}),
        ("Plan", "Pricing", {"PM": "A", "PMM": "R", "ENG": "I"}),
        ("Launch", "Launch plan", {"PMM": "AR"}),
    ]
)


def csv_bytes(*rows: Sequence[str], bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(*sheets: tuple[str, Sequence[Sequence[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_of(data: bytes, *, known: Sequence[str] = ROLES, scheme: Scheme = RACI, **kwargs):
    return read_import(data, scheme=scheme, known_roles=known, **kwargs)


def only_error(plan) -> exchange.ImportIssue:
    assert len(plan.errors) == 1, plan.errors
    return plan.errors[0]


def decoded_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------------------------
# CSV export


def test_csv_has_stage_task_and_role_codes_then_one_row_per_task_with_slashed_letters():
    assert decoded_csv(export_csv(SAMPLE)) == [
        ["Stage", "Task", "PM", "PMM", "ENG"],
        ["Plan", "Roadmap", "A/R", "C", ""],
        ["Plan", "Pricing", "A", "R", "I"],
        ["Launch", "Launch plan", "", "A/R", ""],
    ]


def test_csv_starts_with_a_utf8_bom_and_ends_lines_with_crlf():
    data = export_csv(SAMPLE)

    assert data.startswith(b"\xef\xbb\xbfStage,Task,PM")
    assert data.count(b"\r\n") == 4
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_csv_keeps_unicode_commas_quotes_and_newlines_in_names():
    grid = make_grid([("Étape 1", 'Pricing, "tiers"\nand 価格', {"PM": "A"})])

    assert decoded_csv(export_csv(grid))[1][:2] == ["Étape 1", 'Pricing, "tiers"\nand 価格']


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_prefixes_a_value_a_spreadsheet_would_run_as_a_formula_with_a_quote(prefix):
    grid = make_grid([(f"{prefix}stage", f"{prefix}HYPERLINK()", {})])

    assert decoded_csv(export_csv(grid))[1][:2] == [f"'{prefix}stage", f"'{prefix}HYPERLINK()"]


def test_csv_leaves_a_value_starting_with_a_plain_quote_alone():
    grid = make_grid([("Plan", "'til launch", {})])

    assert decoded_csv(export_csv(grid))[1][1] == "'til launch"


# A tab in front is guarded on export too, but a task name may not hold one (see below).
@pytest.mark.parametrize(
    "name", ["=1+1", "-minus", "@mention", "+plus", "'=quoted", "''-twice", "'plain", "a=b"]
)
def test_formula_guard_round_trips_exactly(name):
    grid = make_grid([("=stage", name, {"PM": "A"})])

    plan = plan_of(export_csv(grid))

    assert plan.ok, plan.errors
    assert [(row.stage, row.task) for row in plan.rows] == [("=stage", name)]
    assert diff_import(grid, plan).is_empty


def test_import_strips_exactly_one_added_quote():
    plan = plan_of(csv_bytes(["Stage", "Task"], ["'-x", "''=y"], ["", "'z"]))

    assert [(row.stage, row.task) for row in plan.rows] == [("-x", "'=y"), ("", "'z")]


# --------------------------------------------------------------------------------------------
# XLSX export


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_first_sheet_holds_the_same_table_as_csv():
    sheet = load(export_xlsx(SAMPLE)).worksheets[0]

    rows = [[value or "" for value in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == decoded_csv(export_csv(SAMPLE))


def test_xlsx_header_row_is_bold_and_frozen_at_c2():
    sheet = load(export_xlsx(SAMPLE)).worksheets[0]

    assert sheet.freeze_panes == "C2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["B2"].font.bold


def test_xlsx_sets_column_widths():
    sheet = load(export_xlsx(SAMPLE)).worksheets[0]

    assert sheet.column_dimensions["A"].width >= 10
    assert sheet.column_dimensions["B"].width >= len("Launch plan")


def test_xlsx_sheet_is_named_after_the_matrix():
    workbook = load(export_xlsx(make_grid([], name="Launch: Q3/Q4 [draft]")))

    assert workbook.sheetnames == ["Launch Q3-Q4 (draft)", "Legend", "Findings", "People"]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Product ownership", "Product ownership"),
        ("A very long matrix name that goes on and on", "A very long matrix name that go"),
        ("a\\b?c*d", "a-b c d"),
        ("'quoted'", "quoted"),
        ("***", "Matrix"),
        ("Legend", "Legend (matrix)"),
        ("history", "history (matrix)"),
        ("People", "People (matrix)"),
    ],
)
def test_sheet_title_follows_excels_rules(name, title):
    assert sheet_title(name) == title
    assert len(title) <= 31


def test_xlsx_has_a_legend_sheet_with_the_scheme_letters_and_meanings():
    legend = load(export_xlsx(make_grid([], scheme=DACI)))["Legend"]

    rows = list(legend.iter_rows(values_only=True))
    assert rows[0] == ("Letter", "Name", "Meaning")
    assert [row[:2] for row in rows[1:5]] == [
        ("D", "Driver"),
        ("A", "Approver"),
        ("C", "Contributor"),
        ("I", "Informed"),
    ]
    assert rows[1][2] == DACI.letter("D").meaning


def test_xlsx_writes_every_cell_as_text_never_a_formula():
    sheet = load(export_xlsx(make_grid([("=1+1", "=HYPERLINK()", {"PM": "A"})]))).worksheets[0]

    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == "'=1+1"
    assert sheet["B2"].value == "'=HYPERLINK()"


def test_xlsx_drops_characters_xml_cannot_hold_and_stays_readable():
    grid = make_grid([("S\x01", "odd\uffff\x07 name", {"PM": "A"})], name="bad\x02\ufffe")

    plan = plan_of(export_xlsx(grid))

    assert [(row.stage, row.task) for row in plan.rows] == [("S", "odd name")]


def test_xlsx_import_reads_only_the_first_sheet():
    data = xlsx_bytes(
        ("Matrix", [["Stage", "Task", "PM"], ["Plan", "Roadmap", "A"]]),
        ("Notes", [["Stage", "Task", "NOPE"], ["Plan", "Other", "XYZ"]]),
    )

    plan = plan_of(data)

    assert plan.ok, plan.errors
    assert [(row.task, row.cells) for row in plan.rows] == [("Roadmap", {"PM": "A"})]


def test_xlsx_import_ignores_the_legend_sheet_even_when_it_is_active():
    workbook = load(export_xlsx(SAMPLE))
    workbook.active = 1
    out = io.BytesIO()
    workbook.save(out)

    assert diff_import(SAMPLE, plan_of(out.getvalue())).is_empty


def test_xlsx_import_reads_numbers_and_empty_cells_as_text():
    data = xlsx_bytes(("Sheet", [["Stage", "Task", "PM"], [2024, 1.0, None], [None, 2.5, "a/r"]]))

    plan = plan_of(data)

    assert [(row.stage, row.task, row.cells) for row in plan.rows] == [
        ("2024", "1", {"PM": ""}),
        ("", "2.5", {"PM": "AR"}),
    ]


# --------------------------------------------------------------------------------------------
# JSON


def test_json_document_has_matrix_roles_tasks_and_cells():
    document = export_json(SAMPLE)

    assert {key: document[key] for key in ("id", "name", "version", "scheme")} == {
        "id": 7,
        "name": "Product ownership",
        "version": 3,
        "scheme": "RACI",
    }
    assert document["roles"][1] == {"id": 2, "code": "PMM", "name": "Role PMM"}
    assert document["tasks"][0] == {"id": 100, "name": "Roadmap", "stage": "Plan", "order": 0}
    assert json.loads(json.dumps(document)) == document


def test_json_lists_only_non_empty_cells_by_task_then_role_column():
    assert [(c["task"], c["role"], c["letters"]) for c in export_json(SAMPLE)["cells"]] == [
        (100, "PM", "AR"),
        (100, "PMM", "C"),
        (101, "PM", "A"),
        (101, "PMM", "R"),
        (101, "ENG", "I"),
        (102, "PMM", "AR"),
    ]


# --------------------------------------------------------------------------------------------
# Round trip


@pytest.mark.parametrize("export", [export_csv, export_xlsx])
def test_round_trip_reproduces_every_task_and_cell(export):
    plan = plan_of(export(SAMPLE))

    assert plan.ok, plan.errors
    assert plan.roles == list(ROLES)
    assert [(row.line, row.stage, row.task, row.cells) for row in plan.rows] == [
        (2, "Plan", "Roadmap", {"PM": "AR", "PMM": "C", "ENG": ""}),
        (3, "Plan", "Pricing", {"PM": "A", "PMM": "R", "ENG": "I"}),
        (4, "Launch", "Launch plan", {"PM": "", "PMM": "AR", "ENG": ""}),
    ]
    assert diff_import(SAMPLE, plan).is_empty


def test_import_of_an_exported_name_with_a_line_break_reports_it_instead_of_keeping_it():
    # Names from before control characters were refused still export; importing them back is refused.
    grid = make_grid([("Plan", "two\r\nlines", {"PM": "A"})])

    issue = only_error(plan_of(export_csv(grid)))

    assert (issue.line, issue.column) == (2, "Task")
    assert "line break" in issue.message


# Names as a matrix may hold them: no control characters and no line or paragraph separators.
_TEXT = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")) | st.sampled_from(
    [",", '"', "'", ";", "="]
)
_BASE = st.text(_TEXT, min_size=1, max_size=25).map(str.strip).filter(bool)
# Leading characters a spreadsheet treats as a formula, and quotes in front of them.
_PREFIX = st.sampled_from(["", "", "", "=", "+", "-", "@", "'", "'=", "''-"])
_NAMES = st.builds(lambda prefix, base: prefix + base, _PREFIX, _BASE)


@st.composite
def grids(draw) -> MatrixGrid:
    scheme = draw(st.sampled_from(list(SCHEMES.values())))
    codes = draw(
        st.lists(st.from_regex(r"[A-Z][A-Z0-9_]{0,5}", fullmatch=True), min_size=1, max_size=5, unique=True)
    )
    names = draw(st.lists(_NAMES, max_size=8, unique_by=name_key))
    cell_values = ["", *scheme.codes, *(scheme.order(c) for c in scheme.combinations)]
    tasks = [
        (
            draw(st.one_of(st.just(""), _NAMES)),
            name,
            {code: draw(st.sampled_from(cell_values)) for code in codes},
        )
        for name in names
    ]
    return make_grid(tasks, roles=codes, scheme=scheme, name=draw(st.text(max_size=40)))


@pytest.mark.parametrize("export", [export_csv, export_xlsx])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids())
def test_round_trip_of_any_grid_is_exact(export, grid):
    plan = read_import(export(grid), scheme=grid.scheme, known_roles=[role.code for role in grid.roles])

    assert plan.ok, plan.errors
    assert [(row.stage, row.task) for row in plan.rows] == [(task.stage, task.name) for task in grid.tasks]
    assert {
        (task.id, code): letters
        for task, row in zip(grid.tasks, plan.rows, strict=True)
        for code, letters in row.cells.items()
        if letters
    } == dict(grid.cells)
    assert diff_import(grid, plan).is_empty


# --------------------------------------------------------------------------------------------
# Reading: what is accepted


@pytest.mark.parametrize("raw", ["A/R", "ra", "a, r", " R A ", "A+R"])
def test_import_accepts_any_spelling_the_scheme_normalizes(raw):
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", raw]))

    assert plan.rows[0].cells == {"PM": "AR"}


def test_import_header_is_case_insensitive_and_role_codes_are_spelled_as_known():
    plan = plan_of(csv_bytes([" stage ", "TASK", "pmm", "Pm"], ["Plan", "Roadmap", "c", "a"]))

    assert plan.ok, plan.errors
    assert plan.roles == ["PMM", "PM"]
    assert plan.rows[0].cells == {"PMM": "C", "PM": "A"}


def test_import_skips_blank_rows_but_counts_them_in_line_numbers():
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], [], ["", " ", ""], ["Plan", "Roadmap", "A"], [","]))

    assert [(row.line, row.task) for row in plan.rows] == [(4, "Roadmap")]


def test_import_trims_whitespace():
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], ["  Plan ", "\tRoadmap  ", " A "]))

    assert (plan.rows[0].stage, plan.rows[0].task, plan.rows[0].cells) == ("Plan", "Roadmap", {"PM": "A"})


def test_import_pads_short_rows_with_empty_cells():
    plan = plan_of(csv_bytes(["Stage", "Task", "PM", "PMM"], ["Plan", "Roadmap"]))

    assert plan.rows[0].cells == {"PM": "", "PMM": ""}


def test_import_reads_semicolon_separated_csv_as_saved_by_excel_in_many_locales():
    plan = plan_of(b"Stage;Task;PM\r\nPlan;Roadmap;A/R\r\n")

    assert [(row.task, row.cells) for row in plan.rows] == [("Roadmap", {"PM": "AR"})]


def test_import_accepts_csv_with_or_without_bom():
    rows = (["Stage", "Task", "PM"], ["Plan", "Café", "A"])

    assert plan_of(csv_bytes(*rows, bom=True)).rows == plan_of(csv_bytes(*rows)).rows


# --------------------------------------------------------------------------------------------
# Reading: every error, with its line


def test_header_must_start_with_stage_and_task():
    plan = plan_of(csv_bytes(["Phase", "Activity", "PM"], ["Plan", "Roadmap", "A"]))

    assert [(e.line, e.column) for e in plan.errors] == [(1, "A"), (1, "B")]
    assert "must be 'Stage' but is 'Phase'" in plan.errors[0].message
    assert plan.rows == []


def test_header_missing_task_column_is_reported():
    issue = only_error(plan_of(csv_bytes(["Stage"], ["Plan"])))

    assert (issue.line, issue.column) == (1, "B")
    assert "must be 'Task' but is nothing" in issue.message


def test_unknown_role_code_in_header_is_named_with_the_known_roles():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "PM", "CEO"], ["Plan", "Roadmap", "A", "R"])))

    assert (issue.line, issue.column) == (1, "CEO")
    assert "'CEO'" in issue.message
    assert "PM, PMM, ENG" in issue.message


def test_duplicate_role_column_is_reported_with_both_columns():
    issue = only_error(
        plan_of(csv_bytes(["Stage", "Task", "PM", "PMM", "pm"], ["Plan", "Roadmap", "A", "", "R"]))
    )

    assert (issue.line, issue.column) == (1, "PM")
    assert "C and E" in issue.message


def test_empty_task_name_is_reported_on_its_line():
    issue = only_error(
        plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", "A"], ["Plan", " ", "R"]))
    )

    assert (issue.line, issue.column) == (3, "Task")
    assert "no task name" in issue.message


def test_duplicate_task_reports_the_repeat_and_the_first_line():
    plan = plan_of(
        csv_bytes(
            ["Stage", "Task", "PM"],
            ["Plan", "Roadmap", "A"],
            ["Plan", "Pricing", ""],
            ["Build", " ROADMAP ", "R"],
        )
    )

    issue = only_error(plan)
    assert (issue.line, issue.column) == (4, "Task")
    assert "line 4" in issue.message
    assert "line 2" in issue.message
    assert [row.task for row in plan.rows] == ["Roadmap", "Pricing"]


def test_bad_letters_are_reported_with_the_schemes_message_task_and_role():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "PM", "PMM"], ["Plan", "Roadmap", "A", "A/C"])))

    assert (issue.line, issue.column) == (2, "PMM")
    assert "Roadmap" in issue.message
    assert "PMM" in issue.message
    assert "A and C may not share a cell in RACI" in issue.message


def test_letters_outside_the_scheme_are_reported():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", "X"])))

    assert "RACI has no letter X" in issue.message


def test_row_with_more_cells_than_the_header_is_reported():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", "A", "R"])))

    assert (issue.line, issue.column) == (2, "D")
    assert "column D" in issue.message


def test_value_under_an_empty_heading_is_reported():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "", "PM"], ["Plan", "Roadmap", "R", "A"])))

    assert (issue.line, issue.column) == (2, "C")


def test_trailing_empty_cells_are_not_extra_cells():
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", "A", "", " "]))

    assert plan.ok, plan.errors


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("two\nlines", "a line break at character 4"),
        ("two\rlines", "a line break at character 4"),
        ("tab\tbed", "a tab at character 4"),
        ("bell\x07", "the control character U+0007 at character 5"),
        ("par\u2029graph", "a paragraph separator (U+2029) at character 4"),
    ],
)
def test_control_character_in_a_task_name_is_reported_with_line_and_column(name, found):
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", "A"], ["Plan", name, "R"]))

    issue = only_error(plan)
    assert (issue.line, issue.column) == (3, "Task")
    assert issue.message == (
        f"The task name on line 3 has {found}; a task name must be one line without control characters."
    )
    assert [row.task for row in plan.rows] == ["Roadmap"]


def test_line_break_in_a_stage_is_reported_with_line_and_column():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan\nBuild", "Roadmap", "A"])))

    assert (issue.line, issue.column) == (2, "Stage")
    assert "line break" in issue.message


def test_line_break_typed_into_an_xlsx_cell_is_reported():
    data = xlsx_bytes(("Matrix", [["Stage", "Task", "PM"], ["Plan", "Road\nmap", "A"]]))

    issue = only_error(plan_of(data))

    assert (issue.line, issue.column) == (2, "Task")


def test_task_name_longer_than_the_database_allows_is_reported():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task"], ["Plan", "x" * 201])))

    assert (issue.line, issue.column) == (2, "Task")
    assert "at most 200" in issue.message


def test_all_errors_are_collected_at_once():
    plan = plan_of(
        csv_bytes(
            ["Stage", "Task", "PM", "BOSS", "PM"],
            ["Plan", "Roadmap", "A", "", ""],
            ["Plan", "", "R"],
            ["Plan", "roadmap", "C"],
            ["Plan", "Pricing", "Q"],
            ["Plan", "Launch", "A", "", "", "extra"],
        )
    )

    assert [(e.line, e.column) for e in plan.errors] == [
        (1, "BOSS"),
        (1, "PM"),
        (3, "Task"),
        (4, "Task"),
        (5, "PM"),
        (6, "F"),
    ]


def test_issue_to_dict_is_the_api_error_shape():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "Roadmap", "X"])))

    assert issue.to_dict() == {"line": 2, "column": "PM", "message": issue.message}


# --------------------------------------------------------------------------------------------
# Reading: files that are not a table


def test_empty_file_is_reported():
    issue = only_error(plan_of(b""))

    assert issue.line is None
    assert "empty" in issue.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        bytes(range(256)),
        "Stage,Task\r\nPlan,Café\r\n".encode("latin-1"),
        "Stage,Task\r\n".encode("utf-16"),
    ],
    ids=["png", "binary", "latin-1", "utf-16"],
)
def test_binary_or_non_utf8_file_is_rejected_with_a_clear_message(data):
    with pytest.raises(ExchangeError, match="neither an XLSX workbook nor UTF-8 text"):
        parse_table(data)


def test_utf8_text_with_nul_bytes_is_rejected_as_binary():
    with pytest.raises(ExchangeError, match="binary data"):
        parse_table(b"Stage,Task\x00\x00\r\n")


def test_old_xls_file_is_rejected_with_advice():
    with pytest.raises(ExchangeError, match=r"old-style Excel \.xls"):
        parse_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_damaged_xlsx_is_rejected():
    with pytest.raises(ExchangeError, match="not a readable XLSX workbook"):
        parse_table(b"PK\x03\x04" + b"garbage" * 20)


def test_zip_that_is_not_a_workbook_is_rejected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")

    with pytest.raises(ExchangeError, match="not a readable XLSX workbook"):
        parse_table(out.getvalue())


def test_text_named_xlsx_is_rejected():
    with pytest.raises(ExchangeError, match=r"matrix\.xlsx is not a valid XLSX workbook"):
        parse_table(b"Stage,Task\r\n", filename="matrix.xlsx")


def test_csv_with_a_quote_never_closed_is_refused_naming_the_line_it_opens_on():
    data = b'Stage,Task,PM\r\nPlan,Roadmap,A\r\nPlan,"Pricing,R\r\nBuild,Spec,A\r\nBuild,Ship,R\r\n'

    with pytest.raises(ExchangeError, match="Line 3 opens a quoted value that is never closed") as caught:
        parse_table(data)

    assert caught.value.line == 3


def test_unterminated_quote_is_found_on_the_last_line_without_a_line_break():
    with pytest.raises(ExchangeError) as caught:
        parse_table(b'Stage,Task\r\nPlan,"Roadmap')

    assert caught.value.line == 2


def test_unterminated_quote_after_a_value_spanning_lines_names_the_line_in_the_file():
    data = b'Stage,Task,PM\r\n"Plan\r\nning","Pricing\r\nBuild,Spec,A\r\n'

    with pytest.raises(ExchangeError) as caught:
        parse_table(data)

    assert caught.value.line == 3


def test_read_import_reports_an_unterminated_quote_as_one_issue_with_its_line():
    issue = only_error(plan_of(b'Stage,Task,PM\r\nPlan,Roadmap,A\r\nPlan,"Pricing,R\r\n'))

    assert issue.line == 3
    assert "never closed" in issue.message


@pytest.mark.parametrize(
    "data",
    [
        b'Stage,Task\r\nPlan,"Roadmap"',
        b'Stage,Task\r\nPlan,"Say ""hi"""\r\n',
        b'Stage,Task\r\nPlan,"a,b"\r\n\r\n',
    ],
    ids=["no final line break", "escaped quotes at the end", "blank last line"],
)
def test_csv_whose_quotes_all_close_is_read_as_before(data):
    rows = parse_table(data)

    assert rows[0] == ["Stage", "Task"]
    assert len(rows[1]) == 2


def test_read_import_turns_an_unreadable_file_into_one_error_instead_of_raising():
    issue = only_error(plan_of(bytes(range(256))))

    assert issue.line is None
    assert "UTF-8" in issue.message


# --------------------------------------------------------------------------------------------
# Limits


def test_ten_thousand_task_rows_are_accepted():
    rows = [["Stage", "Task"], *(["S", f"Task {i}"] for i in range(exchange.MAX_ROWS))]

    assert len(parse_table(csv_bytes(*rows))) == exchange.MAX_ROWS + 1


def test_more_than_ten_thousand_task_rows_are_refused():
    rows = [["Stage", "Task"], *(["S", f"Task {i}"] for i in range(exchange.MAX_ROWS + 1))]

    issue = only_error(plan_of(csv_bytes(*rows)))
    assert "more than 10,000 rows" in issue.message


def test_more_than_two_hundred_columns_are_refused():
    issue = only_error(plan_of(csv_bytes(["Stage", "Task", *(f"R{i}" for i in range(199))])))

    assert (issue.line, issue.column) == (1, None)
    assert "more than 200 columns" in issue.message


def test_more_than_two_hundred_columns_are_refused_in_xlsx():
    with pytest.raises(ExchangeError, match="more than 200 columns"):
        parse_table(xlsx_bytes(("Sheet", [["Stage", "Task"], ["Plan", "Roadmap", *[""] * 198, "A"]])))


def test_xlsx_that_would_inflate_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_XLSX_UNCOMPRESSED", 1000)

    with pytest.raises(ExchangeError, match="too large"):
        parse_table(export_xlsx(SAMPLE))


def test_too_many_lines_even_blank_ones_are_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_LINES", 5)

    with pytest.raises(ExchangeError, match="more than 5 lines"):
        parse_table(csv_bytes(["Stage", "Task"], *([""] for _ in range(10))))


def test_two_hundred_columns_are_accepted():
    codes = [f"R{i}" for i in range(198)]

    plan = plan_of(csv_bytes(["Stage", "Task", *codes]), known=codes)

    assert plan.ok, plan.errors
    assert len(plan.roles) == 198


# --------------------------------------------------------------------------------------------
# Diff


def edited(*rows: Sequence[str], header: Sequence[str] = ("Stage", "Task", *ROLES)):
    plan = plan_of(csv_bytes(header, *rows))
    assert plan.ok, plan.errors
    return diff_import(SAMPLE, plan)


def test_diff_lists_tasks_to_create_with_their_cells():
    diff = edited(
        ["Plan", "Roadmap", "A/R", "C", ""],
        ["Plan", "Pricing", "A", "R", "I"],
        ["Launch", "Launch plan", "", "A/R", ""],
        ["Launch", "Press release", "I", "A/R", ""],
    )

    assert diff.new_tasks == (exchange.NewTask(line=5, name="Press release", stage="Launch"),)
    assert diff.cell_changes == (
        exchange.CellChange(None, "Press release", "PM", "", "I"),
        exchange.CellChange(None, "Press release", "PMM", "", "AR"),
    )
    assert not diff.is_empty


def test_diff_lists_changed_and_cleared_cells_with_old_and_new_letters():
    diff = edited(
        ["Plan", "Roadmap", "A", "C", "R"],
        ["Plan", "Pricing", "A", "", "I"],
        ["Launch", "Launch plan", "", "A/R", ""],
    )

    assert diff.cell_changes == (
        exchange.CellChange(100, "Roadmap", "PM", "AR", "A"),
        exchange.CellChange(100, "Roadmap", "ENG", "", "R"),
        exchange.CellChange(101, "Pricing", "PMM", "R", ""),
    )
    assert diff.new_tasks == ()
    assert diff.missing_tasks == ()


def test_diff_leaves_role_columns_absent_from_the_file_untouched():
    diff = edited(["Plan", "Roadmap", "A/R"], ["Plan", "Pricing", "R"], header=("Stage", "Task", "PM"))

    assert diff.cell_changes == (exchange.CellChange(101, "Pricing", "PM", "A", "R"),)


def test_diff_reports_tasks_absent_from_the_file_as_missing_and_not_a_change():
    diff = edited(["Plan", "Roadmap", "A/R", "C", ""])

    assert diff.missing_tasks == (
        exchange.MissingTask(101, "Pricing", "Plan"),
        exchange.MissingTask(102, "Launch plan", "Launch"),
    )
    assert diff.is_empty


def test_diff_reports_a_stage_change():
    diff = edited(["Discover", "Roadmap", "A/R", "C", ""])

    assert diff.stage_changes == (exchange.StageChange(100, "Roadmap", "Plan", "Discover"),)


def test_diff_matches_names_ignoring_case_and_spacing_and_reports_the_new_spelling():
    diff = edited(["Launch", "launch   PLAN", "", "A/R", ""], ["Plan", "Roadmap", "A/R", "C", ""])

    assert diff.new_tasks == ()
    assert diff.cell_changes == ()
    assert diff.renamed_tasks == (exchange.TaskRename(102, "Launch plan", "launch   PLAN"),)


def test_diff_prefers_the_task_with_exactly_the_files_spelling():
    grid = make_grid([("Plan", "Launch", {"PM": "A"}), ("Plan", "launch", {"PM": "R"})], roles=("PM",))
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], ["Plan", "launch", "R"]))

    diff = diff_import(grid, plan)

    assert diff.is_empty
    assert diff.missing_tasks == (exchange.MissingTask(100, "Launch", "Plan"),)


def test_diff_lists_role_columns_the_matrix_does_not_have_yet():
    grid = make_grid([("Plan", "Roadmap", {"PM": "A"})], roles=("PM",))
    plan = plan_of(csv_bytes(["Stage", "Task", "PM", "ENG"], ["Plan", "Roadmap", "A", "R"]))

    diff = diff_import(grid, plan)

    assert diff.new_roles == ("ENG",)
    assert diff.cell_changes == (exchange.CellChange(100, "Roadmap", "ENG", "", "R"),)


def test_diff_to_dict_is_json_ready():
    diff = edited(["Discover", "Roadmap", "A", "C", ""], ["Plan", "New task", "I", "", ""])

    document = diff.to_dict()

    assert json.loads(json.dumps(document)) == document
    assert document["is_empty"] is False
    assert document["new_tasks"] == [{"line": 3, "name": "New task", "stage": "Plan"}]
    assert document["stage_changes"] == [{"task": 100, "name": "Roadmap", "old": "Plan", "new": "Discover"}]
    assert {"task": 100, "name": "Roadmap", "role": "PM", "old": "AR", "new": "A"} in document["cell_changes"]
    assert [m["name"] for m in document["missing_tasks"]] == ["Pricing", "Launch plan"]


def test_diff_changes_neither_the_grid_nor_the_plan():
    plan = plan_of(csv_bytes(["Stage", "Task", "PM"], ["X", "Roadmap", "I"]))
    before = (dict(SAMPLE.cells), SAMPLE.tasks, list(plan.rows))

    diff_import(SAMPLE, plan)

    assert (dict(SAMPLE.cells), SAMPLE.tasks, list(plan.rows)) == before


@settings(max_examples=100, deadline=None)
@given(grid=grids())
def test_the_grid_document_lists_every_filled_cell_in_task_then_column_order(grid):
    expected = [
        {"task": task.id, "role": role.code, "letters": letters}
        for task in grid.tasks
        for role in grid.roles
        if (letters := grid.letters(task.id, role.code))
    ]
    assert export_json(grid)["cells"] == expected


@settings(max_examples=50, deadline=None)
@given(grid=grids())
def test_a_grid_document_reads_back_as_the_same_grid(grid):
    again = exchange.grid_from_json(export_json(grid))
    assert (again.roles, again.tasks, dict(again.cells)) == (grid.roles, grid.tasks, dict(grid.cells))
