"""Writers racing each other on PostgreSQL (SQLite serializes whole transactions, so it cannot race)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from raci.matrices.models import ChangeRecord, Matrix, Task
from tests.conftest import run_concurrently
from tests.helpers import API

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_twenty_people_adding_the_same_task_name_in_any_case_get_one_task_and_400s(org, owner, build_matrix):
    matrix = build_matrix(organization=org, tasks=1, roles=["PM"])
    url = f"{API}orgs/{org.slug}/matrices/{matrix.pk}/tasks/"
    clients = [_client(owner) for _ in range(20)]
    names = ["Launch", "launch", "LAUNCH", "Launch "]
    answers = run_concurrently(
        *[lambda c=c, i=i: c.post(url, {"name": names[i % 4]}, format="json") for i, c in enumerate(clients)]
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [400] * 19
    assert all(a.json()["error"]["code"] == "invalid" for a in answers if a.status_code == 400)
    assert Task.objects.filter(matrix=matrix, name__iexact="launch").count() == 1


def test_parallel_cell_edits_to_different_cells_all_land_with_one_version_each(org, owner, build_matrix):
    matrix = build_matrix(organization=org, tasks=10, roles=["PM", "PMM"])
    url = f"{API}orgs/{org.slug}/matrices/{matrix.pk}/grid/"
    tasks = list(matrix.tasks.order_by("order"))
    clients = [_client(owner) for _ in tasks]
    answers = run_concurrently(
        *[
            lambda c=c, t=t: c.patch(
                url,
                {"changes": [{"task": t.pk, "role": "PMM", "expected": "", "letters": "C"}]},
                format="json",
            )
            for c, t in zip(clients, tasks, strict=True)
        ]
    )
    assert [a.status_code for a in answers] == [200] * 10
    assert Matrix.objects.get(pk=matrix.pk).version == 11
    # Each change got its own version: the writer's lock made them take turns.
    assert sorted(ChangeRecord.objects.filter(matrix=matrix).values_list("version", flat=True)) == list(
        range(2, 12)
    )
