"""POST /api/v1/orgs/{slug}/matrices/{id}/what-if/save/: a what-if of the draft saved as a new draft
matrix, as the what-if page's "save as a new draft" does."""

from __future__ import annotations

import pytest

from orgs.models import Person
from raci import rules
from raci.matrices.models import Assignment, Matrix
from raci.matrices.selectors import matrix_grid_get

pytestmark = pytest.mark.django_db

MERGE = {"operations": [{"op": "merge_role", "source": "PMM", "target": "PM"}], "name": "One product role"}


@pytest.fixture
def matrix(org, build_matrix):
    """PM owns Roadmap, PMM owns Launch and Pricing, ENG builds: one person holds each role."""
    return build_matrix(
        organization=org,
        tasks=["Roadmap", "Launch", "Pricing"],
        roles=["PM", "PMM", "ENG"],
        fill="empty",
        cells={
            ("Roadmap", "PM"): "AR", ("Roadmap", "ENG"): "C",
            ("Launch", "PMM"): "AR", ("Launch", "PM"): "C",
            ("Pricing", "PMM"): "A", ("Pricing", "ENG"): "R",
        },
        people=True,
    )  # fmt: skip


def _url(matrix: Matrix, org_slug: str | None = None, matrix_id: int | None = None) -> str:
    slug = org_slug or matrix.organization.slug
    return f"/api/v1/orgs/{slug}/matrices/{matrix_id or matrix.pk}/what-if/save/"


def _source_state(matrix: Matrix) -> tuple:
    """What saving a what-if must leave as it was: the source matrix's row and its cells."""
    return Matrix.objects.filter(pk=matrix.pk).values().get(), _letters(matrix.pk)


def _letters(matrix_id: int) -> dict[tuple[str, str], str]:
    return {
        (task, role): letters
        for task, role, letters in Assignment.objects.filter(task__matrix_id=matrix_id).values_list(
            "task__name", "role__code", "letters"
        )
    }


def _expected(grid) -> dict[tuple[str, str], str]:
    names = {task.id: task.name for task in grid.tasks}
    return {(names[task_id], code): letters for (task_id, code), letters in grid.cells.items()}


def test_an_editor_saves_a_what_if_as_a_new_draft_answered_201_with_its_location(client_for, editor, matrix):
    before = _source_state(matrix)
    expected = rules.what_if(matrix_grid_get(matrix=matrix), rules.MergeRole("PMM", "PM"))

    response = client_for(editor).post(_url(matrix), MERGE, format="json")

    assert response.status_code == 201
    body = response.json()
    saved = Matrix.objects.get(pk=body["id"])
    assert (saved.name, saved.status, body["name"]) == ("One product role", Matrix.Status.DRAFT, saved.name)
    assert (
        response["Location"]
        == f"http://testserver/api/v1/orgs/{matrix.organization.slug}/matrices/{saved.pk}/"
    )
    assert _letters(saved.pk) == _expected(expected.grid)
    assert _source_state(matrix) == before


def test_the_new_draft_is_in_the_history_as_coming_from_the_what_if(client_for, editor, matrix):
    response = client_for(editor).post(_url(matrix), MERGE, format="json")
    saved = Matrix.objects.get(pk=response.json()["id"])
    record = saved.history.order_by("pk").first()
    assert f"from a what-if of {matrix.name}" in record.after
    assert record.actor == editor


def test_someone_leaving_is_saved_with_the_proposal_for_who_takes_over(client_for, editor, matrix):
    pmm = Person.objects.get(organization=matrix.organization, name="Holder of PMM")
    expected = rules.what_if(matrix_grid_get(matrix=matrix), rules.RemovePerson(pmm.pk))
    assert expected.proposal  # PMM is left without a holder: its letters need a new home

    body = {"operations": [{"op": "remove_person", "person_id": pmm.pk}], "name": "After PMM"}
    response = client_for(editor).post(_url(matrix), body, format="json")

    assert response.status_code == 201
    assert _letters(response.json()["id"]) == _expected(expected.proposed_grid)


def test_someone_leaving_without_the_proposal_saves_the_operations_alone(client_for, editor, matrix):
    pmm = Person.objects.get(organization=matrix.organization, name="Holder of PMM")
    expected = rules.what_if(matrix_grid_get(matrix=matrix), rules.RemovePerson(pmm.pk))
    body = {"operations": [{"op": "remove_person", "person_id": pmm.pk}], "name": "As is", "proposal": False}
    response = client_for(editor).post(_url(matrix), body, format="json")
    assert response.status_code == 201
    assert _letters(response.json()["id"]) == _expected(expected.grid)


def test_without_a_name_the_draft_is_named_after_its_matrix(client_for, owner, matrix):
    response = client_for(owner).post(_url(matrix), {"operations": MERGE["operations"]}, format="json")
    assert response.status_code == 201
    assert response.json()["name"] == f"{matrix.name} (what-if)"


@pytest.mark.parametrize(
    "body",
    [
        {"operations": [{"op": "remove_role", "role": "NOPE"}]},
        {"operations": [{"op": "explode"}]},
        {"operations": []},
        {"operations": MERGE["operations"], "name": "Two\nlines"},
        {"operations": MERGE["operations"], "name": "x" * 121},
        {"name": "No operations"},
    ],
)
def test_a_bad_scenario_is_a_400_and_creates_nothing(client_for, editor, matrix, body):
    count = Matrix.objects.count()
    response = client_for(editor).post(_url(matrix), body, format="json")
    assert response.status_code == 400
    assert Matrix.objects.count() == count


def test_a_name_already_taken_is_a_400_and_creates_nothing(client_for, editor, matrix):
    count = Matrix.objects.count()
    response = client_for(editor).post(_url(matrix), {**MERGE, "name": matrix.name}, format="json")
    assert response.status_code == 400
    assert Matrix.objects.count() == count


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404)])
def test_readers_and_outsiders_cannot_save_a_what_if(client_for, request, matrix, who, status):
    count = Matrix.objects.count()
    response = client_for(request.getfixturevalue(who)).post(_url(matrix), MERGE, format="json")
    assert response.status_code == status
    assert Matrix.objects.count() == count


def test_a_read_only_token_cannot_save_a_what_if(token_client, editor, matrix):
    response = token_client(editor, read_only=True).post(_url(matrix), MERGE, format="json")
    assert response.status_code == 403


def test_a_missing_matrix_is_a_404(client_for, editor, matrix):
    response = client_for(editor).post(_url(matrix, matrix_id=matrix.pk + 1000), MERGE, format="json")
    assert response.status_code == 404


def test_the_schema_documents_saving_a_what_if(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/orgs/{org_slug}/matrices/{matrix_id}/what-if/save/"]["post"]
    assert {"201", "400", "403", "404"} <= set(operation["responses"])
    assert "Location" in operation["responses"]["201"]["headers"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/WhatIfSaveRequest")
