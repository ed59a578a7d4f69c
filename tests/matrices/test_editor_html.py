"""The editor's grid as HTML (raci.matrices.editor): pure, no database."""

from __future__ import annotations

from frameworks.schemes import RACI
from raci.matrices import editor
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow


def _grid(stages: list[str], cells: dict | None = None, names: list[str] | None = None) -> MatrixGrid:
    names = names or [f"Task {i}" for i in range(len(stages))]
    return MatrixGrid(
        id=1,
        name="M",
        version=1,
        scheme=RACI,
        roles=(RoleColumn(1, "PM", "Product"), RoleColumn(2, "PMM", "Marketing")),
        tasks=tuple(
            TaskRow(i + 1, name, stage, i) for i, (name, stage) in enumerate(zip(names, stages, strict=True))
        ),
        cells=cells or {},
    )


def _body(grid: MatrixGrid, start: int = 0, stop: int | None = None, edit_url: str | None = None) -> str:
    return editor.grid_body_html(grid, editor.editor_groups(grid, ()), edit_url, start, stop)


def test_a_cell_writes_its_letters_with_slashes_and_names_its_strongest_letter_for_the_colour():
    assert editor.cell_html("AR") == '<td class="kA">A/R</td>'
    assert editor.cell_html("") == "<td></td>"


def test_task_names_are_escaped_in_the_row_head_and_the_edit_link():
    html = _body(_grid(["S"], names=['<b>"x"</b>']), edit_url="/t/{id}/edit/")
    assert '<a href="/t/1/edit/">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a>' in html
    assert "<b>" not in html


def test_rows_from_start_to_stop_keep_their_stage_and_a_split_stage_continues_without_its_header():
    grid = _grid(["Market", "Market", "Market", "Launch"])
    first, rest = _body(grid, 0, 2), _body(grid, 2)
    assert first.count("<tr id=") == 2
    assert first.count('class="stage"') == 1
    assert rest.startswith('<tbody data-stage="0"><tr id="task-3"')
    assert '<tbody id="stage-1" data-stage="1"><tr class="stage">' in rest
    assert rest.count("<tr id=") == 2


def test_column_loads_count_responsible_and_accountable_against_the_busiest_column():
    grid = _grid(["S", "S"], cells={(1, "PM"): "AR", (2, "PM"): "R", (2, "PMM"): "C"})
    counts = {"PM": {"A": 1, "R": 2}, "PMM": {"C": 1}}
    loads = editor.column_loads(grid, counts)
    assert loads["PM"] == editor.ColumnLoad(responsible=2, accountable=1, busiest=3)
    assert loads["PMM"].total == 0
