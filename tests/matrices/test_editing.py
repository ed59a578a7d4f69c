"""The editor's cell edit reads and analyses the draft once, and leaves the stored health current."""

from __future__ import annotations

import gc
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from raci.matrices.cells import CellChange, CellConflict
from raci.matrices.editing import cells_edit
from raci.matrices.editor import findings_list_html
from raci.matrices.models import Matrix
from raci.matrices.standing import matrix_health_refresh
from raci.rules.findings import CellEdit, Finding, Fix, Severity
from raci.rules.grid import collector_paused


def test_an_edit_stores_the_health_it_analysed_so_the_refresh_has_nothing_to_do(org, build_matrix):
    matrix = build_matrix(organization=org, tasks=3, roles=2)
    task = matrix.tasks.order_by("order").first()
    edited = cells_edit(
        matrix=matrix, changes=[CellChange(task=task.pk, role="R1", expected="", letters="C")]
    )
    stored = Matrix.objects.get(pk=matrix.pk)
    assert edited.refused is None
    assert stored.health_version == stored.version
    assert stored.health == edited.analysis.health
    assert matrix_health_refresh(matrix_id=matrix.pk) is False


def test_a_conflicting_edit_is_refused_and_still_answers_with_the_grid(org, build_matrix):
    matrix = build_matrix(organization=org, tasks=3, roles=2)
    task = matrix.tasks.order_by("order").first()
    edited = cells_edit(
        matrix=matrix, changes=[CellChange(task=task.pk, role="R1", expected="I", letters="C")]
    )
    assert isinstance(edited.refused, CellConflict)
    assert edited.grid.letters(task.pk, "R1") == ""


def test_an_edit_costs_the_same_queries_for_a_small_and_a_large_matrix(org, build_matrix):
    counts = []
    for size in (3, 60):
        matrix = build_matrix(organization=org, name=f"M{size}", tasks=size, roles=size // 3 + 2)
        task = matrix.tasks.order_by("order").first()
        with CaptureQueriesContext(connection) as queries:
            cells_edit(matrix=matrix, changes=[CellChange(task=task.pk, role="R1", expected="", letters="C")])
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_collector_is_back_on_after_a_pause():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_findings_list_escapes_every_value_and_posts_each_fix_with_the_token():
    finding = Finding(
        code="task.multiple_accountable",
        severity=Severity.ERROR,
        message="<b>Launch</b> has two",
        hint="Keep one & only one",
        task_id=7,
        role_code="PM",
        suggested_fixes=(Fix("Keep A on <PM>", (CellEdit(7, "ENG", "A", "C"),)),),
    )
    html = findings_list_html([finding], fix_url="/o/x/m/1/fix/", csrf_token="tok")
    assert "&lt;b&gt;Launch&lt;/b&gt;" in html
    assert "Keep one &amp; only one" in html
    assert 'data-task="7" data-role="PM"' in html
    assert 'name="csrfmiddlewaretoken" value="tok"' in html
    assert "Keep A on &lt;PM&gt;" in html
    assert "<form" not in findings_list_html([finding], fix_url=None, csrf_token="")


def _edit(client, matrix, task, letters, expected, **extra):
    url = f"/o/{matrix.organization.slug}/m/{matrix.pk}/cell/"
    return client.post(
        url,
        {"task": task.pk, "role": "R1", "expected": expected, "letters": letters, **extra},
        HTTP_HX_REQUEST="true",
    ).content.decode()


def test_an_edit_answers_with_the_findings_panel_only_when_it_changed(client, org, editor, build_matrix):
    matrix = build_matrix(organization=org, tasks=3, roles=3)
    task = matrix.tasks.order_by("order").first()
    client.force_login(editor)
    page = client.get(f"/o/{org.slug}/m/{matrix.pk}/").content.decode()
    before = re.search(r'id="findings"[^>]*data-digest="([0-9a-f]+)"', page).group(1)
    # A second Accountable on the task: a new finding, so the panel comes with the answer.
    answer = _edit(client, matrix, task, "A", "", findings=before)
    after = re.search(r'id="findings"[^>]*data-digest="([0-9a-f]+)"', answer).group(1)
    assert after != before
    # The same letters again: the findings are what the editor shows, so the panel is left out.
    answer = _edit(client, matrix, task, "A", "A", findings=after)
    assert 'id="findings"' not in answer
    assert 'id="health"' in answer


def test_an_edit_without_a_digest_gets_the_panel(client, org, editor, build_matrix):
    matrix = build_matrix(organization=org, tasks=3, roles=3)
    task = matrix.tasks.order_by("order").first()
    client.force_login(editor)
    assert 'id="findings"' in _edit(client, matrix, task, "I", "")
