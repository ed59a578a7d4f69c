from __future__ import annotations

import pytest
from django.urls import reverse

from raci.models import Assignment, MatrixRole, Task
from tests.factories import MatrixFactory, OrganizationFactory, RoleFactory


def _matrix(org, tasks=5, roles=3):
    matrix = MatrixFactory(organization=org, name="Ownership")
    role_rows = [RoleFactory(organization=org, code=f"X{i}") for i in range(roles)]
    MatrixRole.objects.bulk_create(
        [MatrixRole(matrix=matrix, role=r, order=i) for i, r in enumerate(role_rows)]
    )
    task_rows = Task.objects.bulk_create(
        [Task(matrix=matrix, name=f"Task {i}", order=i) for i in range(tasks)]
    )
    Assignment.objects.bulk_create([Assignment(task=t, role=role_rows[0], letters="AR") for t in task_rows])
    return matrix


def _url(matrix):
    return reverse("matrix-detail", args=[matrix.organization.slug, matrix.pk])


@pytest.mark.parametrize("member", ["owner", "editor", "viewer"])
def test_every_member_reads_the_matrix(client, org, member, request):
    matrix = _matrix(org)
    client.force_login(request.getfixturevalue(member))
    response = client.get(_url(matrix))
    assert response.status_code == 200
    assert b"Task 4" in response.content
    assert b"AR" in response.content


def test_outsider_gets_404_for_the_matrix(client, org, outsider):
    client.force_login(outsider)
    assert client.get(_url(_matrix(org))).status_code == 404


def test_missing_matrix_gets_404(client, org, owner):
    client.force_login(owner)
    assert client.get(reverse("matrix-detail", args=[org.slug, 999999])).status_code == 404


def test_matrix_of_another_organization_is_404_even_under_my_organization_slug(client, org, owner):
    foreign = _matrix(OrganizationFactory())
    client.force_login(owner)
    assert client.get(reverse("matrix-detail", args=[org.slug, foreign.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, org):
    response = client.get(_url(_matrix(org)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_matrix_page_query_count_does_not_grow_with_the_matrix(
    client, org, owner, django_assert_num_queries, tasks, roles
):
    matrix = _matrix(org, tasks, roles)
    client.force_login(owner)
    # session, user, membership, matrix, the grid loader's five, the organization switcher
    with django_assert_num_queries(10):
        assert client.get(_url(matrix)).status_code == 200
