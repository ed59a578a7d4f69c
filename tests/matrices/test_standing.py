"""Stored health (raci.matrices.standing): refreshed after every change, read by the organization home."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from raci import rules
from raci.matrices.cells import CellChange, CellConflict, grid_apply_changes
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.standing import matrix_health_refresh, refresh_health_after_change
from raci.outbox.models import OutboxEvent
from tests.factories import PersonFactory


def _engine_says(matrix: Matrix) -> tuple[int, dict]:
    analysis = rules.analyse(matrix_grid_get(matrix=Matrix.objects.get(pk=matrix.pk)))
    return analysis.health, analysis.counts()


def _stored(matrix: Matrix) -> tuple[int | None, dict, int | None]:
    return Matrix.objects.filter(pk=matrix.pk).values_list("health", "finding_counts", "health_version").get()


def test_a_cell_edit_stores_the_health_the_engine_gives(
    org, build_matrix, django_capture_on_commit_callbacks
):
    matrix = build_matrix(organization=org, tasks=4, roles=["PM", "PMM"])
    task = matrix.tasks.first()
    # Taking the Accountable away leaves the task with no owner: an error the health must show.
    with django_capture_on_commit_callbacks(execute=True):
        result = grid_apply_changes(
            matrix=matrix, changes=[CellChange(task=task.pk, role="PM", expected="AR", letters="R")]
        )
    health, counts = _engine_says(matrix)
    assert counts["error"] >= 1
    assert _stored(matrix) == (health, counts, result.version)


def test_a_change_rolled_back_leaves_the_stored_health_alone(
    org, build_matrix, django_capture_on_commit_callbacks
):
    matrix = build_matrix(organization=org, tasks=2, roles=["PM"])
    matrix_health_refresh(matrix_id=matrix.pk)
    before = _stored(matrix)
    task = matrix.tasks.first()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CellConflict):
        grid_apply_changes(
            matrix=matrix, changes=[CellChange(task=task.pk, role="PM", expected="C", letters="")]
        )
    assert _stored(matrix) == before


def test_refreshing_a_current_health_does_nothing(org, build_matrix):
    matrix = build_matrix(organization=org, tasks=2, roles=["PM"])
    assert matrix_health_refresh(matrix_id=matrix.pk) is True
    assert matrix_health_refresh(matrix_id=matrix.pk) is False


def test_refresh_health_command_recomputes_every_matrix_of_an_organization(org, build_matrix):
    matrices = [build_matrix(organization=org, tasks=3, roles=["PM"], name=f"M{i}") for i in range(3)]
    Matrix.objects.update(health=1, health_version=None)
    call_command("refresh_health", org.slug)
    for matrix in matrices:
        health, counts = _engine_says(matrix)
        assert _stored(matrix) == (health, counts, Matrix.objects.get(pk=matrix.pk).version)


def test_refresh_health_command_refuses_an_unknown_organization(db):
    with pytest.raises(Exception, match="No organization 'nope'"):
        call_command("refresh_health", "nope")


def test_organization_home_shows_the_stored_health(client, org, owner, build_matrix):
    matrix = build_matrix(organization=org, tasks=3, roles=["PM"])
    # A value the engine would never give this matrix: the page must show what is stored.
    Matrix.objects.filter(pk=matrix.pk).update(
        health=42, finding_counts={"error": 7, "warning": 0, "info": 0}, health_version=matrix.version
    )
    client.force_login(owner)
    html = client.get(reverse("organization-detail", args=[org.slug])).content.decode()
    assert '<span class="health">42</span>' in html
    assert "7 errors" in html


@pytest.mark.parametrize("matrices", [1, 12])
def test_organization_home_with_stored_health_loads_no_grid(
    client, org, owner, build_matrix, django_assert_num_queries, matrices
):
    for i in range(matrices):
        build_matrix(organization=org, tasks=5 + i, roles=["PM", "PMM", "ENG"], name=f"Matrix {i}")
    call_command("refresh_health", org.slug)
    client.force_login(owner)
    # 1 session, 2 user, 3 membership, 4 the navigation's organizations, 5 the matrices with their
    # stored health, 6 roles, 7 their holders, 8 active people count
    with django_assert_num_queries(8):
        response = client.get(reverse("organization-detail", args=[org.slug]))
    assert response.content.decode().count('<span class="health">') == matrices


def test_organization_home_names_five_holders_of_a_role_and_counts_the_rest(client, org, owner):
    role = org.roles.create(code="PM", name="Product manager")
    for i in range(7):
        PersonFactory(organization=org, name=f"Person {i}").roles.add(role)
    client.force_login(owner)
    html = client.get(reverse("organization-detail", args=[org.slug])).content.decode()
    assert [f"Person {i}" in html for i in range(7)] == [True] * 5 + [False] * 2
    assert "and 2 more" in html


def test_a_burst_of_changes_enqueues_one_delayed_health_refresh_when_a_worker_runs_them(
    settings, org, build_matrix, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.clear()
    matrix = build_matrix(organization=org, tasks=2, roles=["PM"])
    event = OutboxEvent(kind="assignment.changed", payload={"matrix": {"id": matrix.pk}})
    with django_capture_on_commit_callbacks() as enqueued:
        for _ in range(5):
            refresh_health_after_change(event)
    assert len(enqueued) == 1
    assert _stored(matrix)[2] is None  # nothing analysed in the dispatch itself


def test_without_a_broker_every_change_refreshes_the_health_at_once(org, build_matrix):
    matrix = build_matrix(organization=org, tasks=2, roles=["PM"])
    event = OutboxEvent(kind="assignment.changed", payload={"matrix": {"id": matrix.pk}})
    refresh_health_after_change(event)
    assert _stored(matrix)[2] == matrix.version
