"""A matrix to discuss: two tasks (Task 0, Task 1), columns PM and ENG, owned by the cast's org."""

from __future__ import annotations

import pytest

from raci.discussion.services import thread_start
from tests.helpers import API


@pytest.fixture
def matrix(org, owner, build_matrix):
    return build_matrix(organization=org, tasks=2, roles=["PM", "ENG"])


@pytest.fixture
def task(matrix):
    return matrix.tasks.order_by("order", "id").first()


@pytest.fixture
def thread(matrix, task, owner):
    return thread_start(matrix=matrix, task_id=task.pk, role_code="PM", body="Who owns this?", author=owner)


def threads_api(matrix) -> str:
    return f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/threads/"


def thread_api(matrix, thread_id) -> str:
    return f"{threads_api(matrix)}{thread_id}/"
