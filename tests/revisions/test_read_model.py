"""The read model of an agreement (``PublishedTask``/``PublishedCell``) follows each publication:
only the difference is written, it always equals the revision's snapshot, and publishing costs the
same number of statements whatever the size of the matrix or the number of people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Role
from raci import rules
from raci.matrices.cells import CellChange, grid_apply_changes
from raci.matrices.models import Matrix, Task
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.services import matrix_update, task_create, task_update
from raci.revisions.models import PublishedCell, PublishedTask
from raci.revisions.selectors import snapshot_grid
from raci.revisions.services import matrix_publish
from tests.builders import matrix_build
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _read_model(matrix: Matrix) -> tuple[set, set]:
    tasks = set(
        PublishedTask.objects.filter(matrix=matrix).values_list(
            "task_id", "name", "stage", "order", "revision__number"
        )
    )
    cells = set(
        PublishedCell.objects.filter(matrix=matrix).values_list(
            "task__task_id", "role_id", "role_code", "column", "letters"
        )
    )
    return tasks, cells


def _from_snapshot(matrix: Matrix) -> tuple[set, set]:
    revision = Matrix.objects.get(pk=matrix.pk).published_revision
    grid = snapshot_grid(revision)
    role_ids = dict(Role.objects.filter(organization=matrix.organization).values_list("code", "id"))
    tasks = {(t.id, t.name, t.stage, t.order, revision.number) for t in grid.tasks}
    cells = {
        (task.id, role_ids.get(role.code), role.code, column, letters)
        for task in grid.tasks
        for column, role in enumerate(grid.roles)
        if (letters := grid.letters(task.id, role.code))
    }
    return tasks, cells


def _letters(matrix: Matrix, task: Task, code: str, letters: str) -> None:
    grid = matrix_grid_get(matrix=matrix, people=False)
    grid_apply_changes(
        matrix=Matrix.objects.get(pk=matrix.pk),
        changes=[CellChange(task=task.pk, role=code, expected=grid.letters(task.pk, code), letters=letters)],
    )


@pytest.fixture
def published(org):
    return matrix_build(
        organization=org, tasks=12, roles=["PM", "ENG", "QA", "OPS"], fill="sparse", published=True
    )


def test_the_first_publication_builds_the_read_model_of_the_snapshot(published):
    assert _read_model(published) == _from_snapshot(published)


def test_a_changed_cell_is_republished(published):
    task = published.tasks.order_by("order").first()
    _letters(published, task, "QA", "C")
    matrix_publish(matrix=Matrix.objects.get(pk=published.pk), override_reason="test")
    assert (task.pk, "QA", "C") in {
        (t, code, letters) for t, _, code, _, letters in _read_model(published)[1]
    }
    assert _read_model(published) == _from_snapshot(published)


def test_an_emptied_cell_leaves_the_read_model(published):
    task = published.tasks.order_by("order").first()
    _letters(published, task, "PM", "")
    matrix_publish(matrix=Matrix.objects.get(pk=published.pk), override_reason="test")
    assert not PublishedCell.objects.filter(matrix=published, task__task_id=task.pk, role_code="PM").exists()
    assert _read_model(published) == _from_snapshot(published)


def test_renamed_archived_and_new_tasks_are_republished(published):
    first, second = published.tasks.order_by("order")[:2]
    task_update(task=first, name="Renamed", stage="Later")
    task_update(task=second, archived=True)
    task_create(matrix=Matrix.objects.get(pk=published.pk), name="Brand new")
    new = Task.objects.get(matrix=published, name="Brand new")
    _letters(published, new, "ENG", "AR")
    matrix_publish(matrix=Matrix.objects.get(pk=published.pk), override_reason="test")
    tasks, _ = _read_model(published)
    names = {name for _, name, *_ in tasks}
    assert {"Renamed", "Brand new"} <= names
    assert second.name not in names
    assert _read_model(published) == _from_snapshot(published)


def test_moved_and_removed_columns_renumber_the_cells(published):
    matrix_update(matrix=Matrix.objects.get(pk=published.pk), columns=["QA", "PM", "OPS"])
    matrix_publish(matrix=Matrix.objects.get(pk=published.pk), override_reason="test")
    _, cells = _read_model(published)
    assert {code for _, _, code, _, _ in cells} <= {"QA", "PM", "OPS"}
    assert _read_model(published) == _from_snapshot(published)


def test_a_deleted_task_leaves_the_read_model(published):
    task = published.tasks.order_by("order").first()
    Task.objects.filter(pk=task.pk).delete()
    matrix_publish(matrix=Matrix.objects.get(pk=published.pk), override_reason="test")
    assert not PublishedTask.objects.filter(matrix=published, task_id=task.pk).exists()
    assert _read_model(published) == _from_snapshot(published)


def test_publishing_leaves_other_matrices_read_models_alone(org, published):
    other = matrix_build(organization=org, name="Other", tasks=3, roles=["PM"], published=True)
    before = _read_model(other)
    _letters(published, published.tasks.order_by("order").first(), "OPS", "I")
    matrix_publish(matrix=Matrix.objects.get(pk=published.pk), override_reason="test")
    assert _read_model(other) == before


def _publish_statements(matrix: Matrix) -> int:
    task = matrix.tasks.order_by("order").first()
    code = matrix.columns.order_by("order").last().role.code
    _letters(matrix, task, code, "I")
    with CaptureQueriesContext(connection) as queries:
        matrix_publish(matrix=Matrix.objects.get(pk=matrix.pk), override_reason="test")
    return len(queries)


def test_publishing_runs_the_same_statements_for_any_size_and_any_number_of_people(org):
    small = matrix_build(organization=org, name="Small", tasks=3, roles=2, published=True)
    large = matrix_build(
        organization=org,
        name="Large",
        tasks=120,
        roles=[f"L{i}" for i in range(12)],
        fill="sparse",
        published=True,
    )
    for role in small.roles.all():
        PersonFactory(organization=org, roles=[role])
    for i, role in enumerate(list(large.roles.all()) * 20):
        PersonFactory(organization=org, name=f"Holder {i}", roles=[role])
    assert _publish_statements(small) == _publish_statements(large)


def test_an_analysis_without_fixes_scores_the_same(published):
    grid = matrix_grid_get(matrix=published)
    full, bare = rules.analyse(grid), rules.analyse(grid, fixes=False)
    assert (bare.health, bare.counts()) == (full.health, full.counts())
    assert not any(finding.suggested_fixes for finding in bare.findings)
