"""The API says which state of a matrix it shows: `?revision=draft|published|<number>` on the matrix
reads (grid, assignments, export, findings, workload, overlap), `published|draft` on a person's
responsibilities, and the comparison of the draft with the published revision.

The matrix of these tests, "Launch plan", has two tasks and three columns:

    revision 1   Pricing: PM A, PMM R    Launch: PMM AR, ENG C
    revision 2   Pricing: PM A, PMM R    Launch: PMM AR, ENG I      (the published revision)
    draft        Pricing: PM A, PMM R    Launch: PMM AR, ENG R      and a new task, Partner program

Ana holds ENG. "Hiring" (ENG A/R on Interview) was never published.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from raci.matrices import services
from raci.matrices.cells import CellChange, grid_apply_changes
from raci.matrices.models import Matrix
from raci.revisions.models import Revision
from raci.revisions.services import matrix_publish
from tests.factories import PersonFactory, RoleFactory
from tests.helpers import assert_error, matrix_state

MEMBERS = ["owner", "editor", "viewer"]
# Every matrix read that takes ?revision= and answers JSON, with the query it needs.
JSON_READS = {
    "api-grid": {},
    "api-assignments": {},
    "api-export": {"format": "json"},
    "api-findings": {},
    "api-workload": {},
    "api-overlap": {"a": "PMM", "b": "ENG"},
}
READS = [*JSON_READS, "api-export-csv", "api-export-xlsx"]


@pytest.fixture
def roles(org):
    return {
        code: RoleFactory(organization=org, code=code, order=i) for i, code in enumerate(["PM", "PMM", "ENG"])
    }


@pytest.fixture
def ana(org, roles):
    return PersonFactory(organization=org, name="Ana", roles=[roles["ENG"]])


def _set(matrix: Matrix, task_name: str, role: str, expected: str, letters: str) -> None:
    task = matrix.tasks.get(name=task_name)
    grid_apply_changes(matrix=matrix, changes=[CellChange(task.pk, role, expected, letters)])


def _publish(matrix: Matrix) -> Revision:
    return matrix_publish(
        matrix=Matrix.objects.get(pk=matrix.pk), override_reason="Tests publish as they are."
    )


@pytest.fixture
def matrix(org, roles, ana, build_matrix) -> Matrix:
    matrix = build_matrix(
        organization=org,
        name="Launch plan",
        tasks=["Pricing", "Launch"],
        roles=list(roles),
        stages=["Business", "Programs"],
        fill="empty",
        cells={
            ("Pricing", "PM"): "A",
            ("Pricing", "PMM"): "R",
            ("Launch", "PMM"): "AR",
            ("Launch", "ENG"): "C",
        },
    )
    _publish(matrix)
    _set(matrix, "Launch", "ENG", "C", "I")
    _publish(matrix)
    _set(matrix, "Launch", "ENG", "I", "R")
    services.task_create(matrix=Matrix.objects.get(pk=matrix.pk), name="Partner program", stage="Programs")
    return Matrix.objects.get(pk=matrix.pk)


@pytest.fixture
def never_published(org, roles, build_matrix) -> Matrix:
    return build_matrix(
        organization=org,
        name="Hiring",
        tasks=["Interview"],
        roles=["PMM", "ENG"],
        fill="empty",
        cells={("Interview", "ENG"): "AR"},
    )


@pytest.fixture
def revision(matrix):
    return {r.number: r for r in Revision.objects.filter(matrix=matrix)}


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _get(client, name: str, matrix: Matrix, *, headers: dict | None = None, **query):
    """GET a matrix read; ``api-export-csv`` / ``-xlsx`` are the export in that format."""
    if name.startswith("api-export-"):
        query = {"format": name.removeprefix("api-export-"), **query}
        name = "api-export"
    else:
        query = {**JSON_READS[name], **query}
    return client.get(reverse(name, args=[matrix.organization.slug, matrix.pk]), query, headers=headers)


def _cells(body: dict) -> dict[tuple[str, str], str]:
    names = {t["id"]: t["name"] for t in body["tasks"]}
    return {(names[c["task"]], c["role"]): c["letters"] for c in body["cells"]}


# --- The grid ---------------------------------------------------------------------------------


@pytest.mark.parametrize("member", MEMBERS)
def test_grid_of_the_published_revision_shows_its_letters_and_number(member, request, matrix, revision):
    body = _get(_client(request.getfixturevalue(member)), "api-grid", matrix, revision="published").json()
    assert _cells(body)[("Launch", "ENG")] == "I"
    assert "Partner program" not in {t["name"] for t in body["tasks"]}
    assert body["version"] == revision[2].version
    assert body["shows"] == {
        "shows": "revision",
        "revision": 2,
        "version": revision[2].version,
        "published_at": revision[2].published_at.isoformat(),
    }


@pytest.mark.parametrize("member", MEMBERS)
def test_grid_by_default_shows_the_draft_with_its_version(member, request, matrix):
    body = _get(_client(request.getfixturevalue(member)), "api-grid", matrix).json()
    assert _cells(body)[("Launch", "ENG")] == "R"
    assert "Partner program" in {t["name"] for t in body["tasks"]}
    assert body["version"] == matrix.version
    assert body["shows"] == {
        "shows": "draft",
        "revision": None,
        "version": matrix.version,
        "published_at": None,
    }


@pytest.mark.parametrize("member", MEMBERS)
def test_grid_of_revision_1_shows_revision_1(member, request, matrix, revision):
    body = _get(_client(request.getfixturevalue(member)), "api-grid", matrix, revision="1").json()
    assert _cells(body)[("Launch", "ENG")] == "C"
    assert (body["shows"]["revision"], body["shows"]["version"]) == (1, revision[1].version)


def test_the_revision_value_is_read_in_any_case_and_around_spaces(owner, matrix):
    body = _get(_client(owner), "api-grid", matrix, revision=" Published ").json()
    assert body["shows"]["revision"] == 2


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("name", READS)
def test_every_read_of_a_revision_that_does_not_exist_is_404(member, request, name, matrix):
    error = assert_error(_get(_client(request.getfixturevalue(member)), name, matrix, revision="3"), 404)
    assert error["message"] == "Launch plan has no revision 3."


@pytest.mark.parametrize("value", ["latest", "0", "-1", "1.5", "²", "9999999999", "draft;published"])
@pytest.mark.parametrize("name", READS)
def test_every_read_refuses_a_junk_revision_with_400_on_field_revision(viewer, name, matrix, value):
    error = assert_error(_get(_client(viewer), name, matrix, revision=value), 400, "invalid")
    assert list(error["details"]) == ["revision"]
    assert "use draft, published or a revision number" in error["message"]


@pytest.mark.parametrize("name", READS)
def test_every_read_of_published_for_a_never_published_matrix_is_404(viewer, name, never_published):
    error = assert_error(_get(_client(viewer), name, never_published, revision="published"), 404)
    assert error["message"] == "Hiring has never been published."


@pytest.mark.parametrize("name", READS)
def test_every_read_of_a_never_published_matrix_shows_its_draft_by_default(viewer, name, never_published):
    assert _get(_client(viewer), name, never_published).status_code == 200


@pytest.mark.parametrize("revision_asked", ["published", "draft"])
@pytest.mark.parametrize("name", READS)
def test_a_non_member_gets_404_for_every_read(outsider, name, matrix, revision_asked):
    assert_error(_get(_client(outsider), name, matrix, revision=revision_asked), 404, "not_found")


# --- Every JSON read names what it shows --------------------------------------------------------


@pytest.mark.parametrize("name", list(JSON_READS))
def test_every_json_read_names_the_published_revision_it_shows(viewer, name, matrix, revision):
    shows = _get(_client(viewer), name, matrix, revision="published").json()["shows"]
    assert (shows["shows"], shows["revision"], shows["version"]) == ("revision", 2, revision[2].version)


@pytest.mark.parametrize("name", list(JSON_READS))
def test_every_json_read_names_the_draft_by_default(viewer, name, matrix):
    shows = _get(_client(viewer), name, matrix).json()["shows"]
    assert shows == {"shows": "draft", "revision": None, "version": matrix.version, "published_at": None}


def test_assignments_of_the_published_revision_list_its_letters(viewer, matrix):
    body = _get(_client(viewer), "api-assignments", matrix, revision="published").json()
    assert [(r["task_name"], r["stage"], r["role"], r["letters"]) for r in body["results"]] == [
        ("Pricing", "Business", "PM", "A"),
        ("Pricing", "Business", "PMM", "R"),
        ("Launch", "Programs", "PMM", "AR"),
        ("Launch", "Programs", "ENG", "I"),
    ]
    assert body["count"] == 4


def test_assignments_of_the_draft_list_the_draft_letters_by_default(viewer, matrix):
    body = _get(_client(viewer), "api-assignments", matrix).json()
    assert ("Launch", "ENG", "R") in [(r["task_name"], r["role"], r["letters"]) for r in body["results"]]


@pytest.mark.parametrize(
    "query",
    # "ana" stands for Ana's id.
    [{"role": "pmm"}, {"letter": "a"}, {"stage": "stage 1"}, {"person": "ana"}, {}],
    ids=["role", "letter", "stage", "person", "none"],
)
def test_assignments_of_a_revision_filter_as_the_drafts_do(viewer, org, roles, ana, build_matrix, query):
    matrix = build_matrix(organization=org, tasks=12, roles=list(roles), fill="sparse", stage_size=4)
    _publish(matrix)
    if query.get("person") == "ana":
        query = {"person": str(ana.pk)}
    client = _client(viewer)
    draft = _get(client, "api-assignments", matrix, page_size=500, **query).json()
    published = _get(client, "api-assignments", matrix, page_size=500, revision="published", **query).json()
    assert draft["results"]
    assert published["results"] == draft["results"]
    assert published["count"] == draft["count"]


def test_assignments_of_a_revision_for_a_person_of_another_organization_are_none(viewer, outsider, matrix):
    elsewhere = outsider.memberships.get().organization
    # Another organization's ENG: the same code, another role.
    stranger = PersonFactory(organization=elsewhere, roles=[RoleFactory(organization=elsewhere, code="ENG")])
    body = _get(
        _client(viewer), "api-assignments", matrix, revision="published", person=str(stranger.pk)
    ).json()
    assert (body["count"], body["results"]) == (0, [])


def test_assignments_of_a_revision_refuse_a_bad_filter_like_the_drafts(viewer, matrix):
    client = _client(viewer)
    draft = _get(client, "api-assignments", matrix, person="x")
    published = _get(client, "api-assignments", matrix, person="x", revision="published")
    assert_error(published, 400, "invalid")
    assert published.json() == draft.json()


def test_assignments_of_a_revision_are_paginated(viewer, matrix):
    body = _get(_client(viewer), "api-assignments", matrix, revision="published", page_size=3, page=2).json()
    assert body["count"] == 4
    assert [(r["task_name"], r["role"]) for r in body["results"]] == [("Launch", "ENG")]
    assert body["shows"]["revision"] == 2


def test_findings_of_a_revision_analyse_that_revision(viewer, matrix, revision):
    body = _get(_client(viewer), "api-findings", matrix, revision="1").json()
    assert body["version"] == revision[1].version
    assert body["shows"]["revision"] == 1


def test_workload_of_the_published_revision_counts_its_letters(viewer, matrix):
    client = _client(viewer)
    published = _get(client, "api-workload", matrix, revision="published").json()
    draft = _get(client, "api-workload", matrix).json()
    published_eng = next(r for r in published["roles"] if r["role_code"] == "ENG")["counts"]
    draft_eng = next(r for r in draft["roles"] if r["role_code"] == "ENG")["counts"]
    assert (published_eng["I"], published_eng["R"]) == (1, 0)
    assert (draft_eng["I"], draft_eng["R"]) == (0, 1)


def test_overlap_of_the_published_revision_compares_its_letters(viewer, matrix):
    client = _client(viewer)
    launch = matrix.tasks.get(name="Launch").pk
    published = _get(client, "api-overlap", matrix, revision="published").json()
    draft = _get(client, "api-overlap", matrix).json()
    assert launch in published["only_a"]
    assert launch in [shared["task_id"] for shared in draft["shared"]]


# --- Exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", MEMBERS)
def test_csv_export_of_the_published_revision_says_so_in_headers_and_file_name(
    member, request, matrix, revision
):
    response = _get(_client(request.getfixturevalue(member)), "api-export-csv", matrix, revision="published")
    assert response.status_code == 200
    assert response["X-Raci-Shows"] == "revision 2"
    assert response["X-Raci-Version"] == str(revision[2].version)
    assert response["Content-Disposition"].endswith('-r2.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    launch = next(row for row in rows if "Launch" in row)
    assert "I" in launch
    assert not any("Partner program" in row for row in rows)


def test_csv_export_by_default_is_the_draft_and_says_so(viewer, matrix):
    response = _get(_client(viewer), "api-export-csv", matrix)
    assert response["X-Raci-Shows"] == "draft"
    assert response["X-Raci-Version"] == str(matrix.version)
    assert response["Content-Disposition"].endswith(f'-v{matrix.version}.csv"')
    assert b"Partner program" in response.content


def test_xlsx_export_of_revision_1_says_so_in_headers_and_file_name(viewer, matrix, revision):
    response = _get(_client(viewer), "api-export-xlsx", matrix, revision="1")
    assert (response["X-Raci-Shows"], response["X-Raci-Version"]) == ("revision 1", str(revision[1].version))
    assert response["Content-Disposition"].endswith('-r1.xlsx"')


def test_json_export_of_the_published_revision_says_so_in_body_and_headers(viewer, matrix):
    response = _get(_client(viewer), "api-export", matrix, revision="published")
    assert response["X-Raci-Shows"] == "revision 2"
    body = response.json()
    assert body["shows"]["revision"] == 2
    assert _cells(body)[("Launch", "ENG")] == "I"


# --- ETags and If-Match -------------------------------------------------------------------------


def test_the_published_revision_has_its_own_etag(viewer, matrix):
    response = _get(_client(viewer), "api-grid", matrix, revision="published")
    assert response["ETag"] == f'"m{matrix.pk}-r2"'


def test_the_drafts_etag_is_unchanged_by_revision_reads(viewer, matrix):
    client = _client(viewer)
    assert _get(client, "api-grid", matrix)["ETag"] == f'"m{matrix.pk}-v{matrix.version}"'
    assert _get(client, "api-grid", matrix, revision="draft")["ETag"] == f'"m{matrix.pk}-v{matrix.version}"'


def test_a_revision_read_answers_304_to_its_own_etag(viewer, matrix):
    client = _client(viewer)
    tag = _get(client, "api-grid", matrix, revision="1")["ETag"]
    assert _get(client, "api-grid", matrix, revision="1", headers={"If-None-Match": tag}).status_code == 304
    # The draft is something else.
    assert _get(client, "api-grid", matrix, headers={"If-None-Match": tag}).status_code == 200


def test_a_patch_with_the_etag_of_a_published_read_is_refused_with_412_and_changes_nothing(editor, matrix):
    client = _client(editor)
    tag = _get(client, "api-grid", matrix, revision="published")["ETag"]
    before = matrix_state(matrix)
    launch = matrix.tasks.get(name="Launch").pk
    response = client.patch(
        reverse("api-grid", args=[matrix.organization.slug, matrix.pk]),
        {"changes": [{"task": launch, "role": "ENG", "expected": "R", "letters": "C"}]},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    error = assert_error(response, 412, "precondition_failed")
    assert "not of the draft" in error["message"]
    assert error["etag"] == f'"m{matrix.pk}-v{matrix.version}"'
    assert matrix_state(matrix) == before


def test_a_patch_with_the_etag_of_a_draft_read_applies(editor, matrix):
    client = _client(editor)
    tag = _get(client, "api-grid", matrix)["ETag"]
    launch = matrix.tasks.get(name="Launch").pk
    response = client.patch(
        reverse("api-grid", args=[matrix.organization.slug, matrix.pk]),
        {"changes": [{"task": launch, "role": "ENG", "expected": "R", "letters": "C"}]},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 200, response.json()


# --- A person's responsibilities ------------------------------------------------------------------


def _responsibilities(client, person, **query):
    return client.get(
        reverse("api-person-responsibilities", args=[person.organization.slug, person.pk]), query
    )


def _letters(body: dict) -> dict[tuple[str, str], tuple[str, int | None]]:
    return {
        (r["matrix"]["name"], r["task"]["name"]): (r["letters"], r["revision"])
        for r in body["responsibilities"]
    }


@pytest.mark.parametrize("member", MEMBERS)
def test_responsibilities_by_default_show_the_published_letters_and_revision(
    member, request, ana, matrix, never_published
):
    body = _responsibilities(_client(request.getfixturevalue(member)), ana).json()
    assert body["revision"] == "published"
    assert _letters(body) == {("Launch plan", "Launch"): ("I", 2)}


def test_responsibilities_by_default_leave_out_never_published_matrices(viewer, ana, never_published):
    body = _responsibilities(_client(viewer), ana).json()
    assert body["responsibilities"] == []


@pytest.mark.parametrize("member", MEMBERS)
def test_responsibilities_of_the_drafts_show_draft_letters_of_every_matrix(
    member, request, ana, matrix, never_published
):
    body = _responsibilities(_client(request.getfixturevalue(member)), ana, revision="draft").json()
    assert body["revision"] == "draft"
    assert _letters(body) == {("Hiring", "Interview"): ("AR", None), ("Launch plan", "Launch"): ("R", None)}


def test_responsibilities_refuse_a_revision_number_with_400(viewer, ana, matrix):
    error = assert_error(_responsibilities(_client(viewer), ana, revision="2"), 400, "invalid")
    assert list(error["details"]) == ["revision"]
    assert "means nothing across matrices" in error["message"]


def test_responsibilities_refuse_a_junk_revision_with_400(viewer, ana, matrix):
    error = assert_error(_responsibilities(_client(viewer), ana, revision="latest"), 400, "invalid")
    assert list(error["details"]) == ["revision"]


@pytest.mark.parametrize("matrices", [1, 4])
def test_responsibilities_name_each_matrixs_revision_in_queries_that_do_not_grow_with_the_matrices(
    viewer, org, roles, ana, build_matrix, django_assert_num_queries, matrices
):
    for index in range(matrices):
        built = build_matrix(organization=org, name=f"M{index}", tasks=3, roles=["ENG"], fill="owner")
        for _ in range(index + 1):
            _publish(built)
    # Access (1), the person (1) and their roles (1), the page's selector (5: roles held, the
    # matrices' teams, who each role resolves to, the page's tasks, their cells), the revision numbers (1).
    with django_assert_num_queries(9):
        body = _responsibilities(_client(viewer), ana).json()
    numbers = {r["matrix"]["name"]: r["revision"] for r in body["responsibilities"]}
    assert numbers == {f"M{index}": index + 1 for index in range(matrices)}


def test_a_non_member_gets_404_for_responsibilities(outsider, ana, matrix):
    assert_error(_responsibilities(_client(outsider), ana), 404, "not_found")


# --- Comparing the draft with the published revision ---------------------------------------------


def _compare(client, matrix, **query):
    return client.get(reverse("api-revisions-compare", args=[matrix.organization.slug, matrix.pk]), query)


@pytest.mark.parametrize("member", MEMBERS)
def test_compare_without_parameters_shows_what_publishing_the_draft_would_change(
    member, request, matrix, revision
):
    body = _compare(_client(request.getfixturevalue(member)), matrix).json()
    launch = matrix.tasks.get(name="Launch").pk
    partner = matrix.tasks.get(name="Partner program").pk
    assert body["changed_cells"] == [
        {"task": launch, "name": "Launch", "role": "ENG", "before": "I", "after": "R"}
    ]
    assert body["added_tasks"] == [{"task": partner, "name": "Partner program", "stage": "Programs"}]
    assert (body["removed_tasks"], body["renamed_tasks"], body["is_empty"]) == ([], [], False)
    assert body["from"] == {
        "shows": "revision",
        "revision": 2,
        "version": revision[2].version,
        "published_at": revision[2].published_at.isoformat(),
    }
    assert body["to"] == {"shows": "draft", "revision": None, "version": matrix.version, "published_at": None}


def test_compare_from_published_to_draft_is_the_default_comparison(viewer, matrix):
    client = _client(viewer)
    assert (
        _compare(client, matrix, **{"from": "published", "to": "draft"}).json()
        == _compare(client, matrix).json()
    )
    assert _compare(client, matrix, a="published", b="draft").json() == _compare(client, matrix).json()


def test_compare_gives_the_same_diff_as_comparing_two_revisions(viewer, matrix):
    body = _compare(_client(viewer), matrix, a="1", b="published").json()
    launch = matrix.tasks.get(name="Launch").pk
    assert body["changed_cells"] == [
        {"task": launch, "name": "Launch", "role": "ENG", "before": "C", "after": "I"}
    ]
    assert (body["from"]["revision"], body["to"]["revision"]) == (1, 2)


def test_compare_names_a_renamed_task(owner, matrix):
    services.task_update(task=matrix.tasks.get(name="Pricing"), name="Pricing and packaging")
    body = _compare(_client(owner), matrix).json()
    assert body["renamed_tasks"] == [
        {
            "task": matrix.tasks.get(name="Pricing and packaging").pk,
            "before": "Pricing",
            "after": "Pricing and packaging",
        }
    ]


def test_compare_of_a_never_published_matrix_is_404(viewer, never_published):
    error = assert_error(_compare(_client(viewer), never_published), 404)
    assert error["message"] == "Hiring has never been published."


def test_compare_with_a_revision_that_does_not_exist_is_404(viewer, matrix):
    assert_error(_compare(_client(viewer), matrix, a="7"), 404)


@pytest.mark.parametrize("query", [{"a": "latest"}, {"to": "x"}, {"a": "1", "from": "2"}])
def test_compare_refuses_junk_or_both_names_of_a_side_with_400(viewer, matrix, query):
    assert_error(_compare(_client(viewer), matrix, **query), 400, "invalid")


def test_a_non_member_gets_404_for_compare(outsider, matrix):
    assert_error(_compare(_client(outsider), matrix), 404, "not_found")


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["api-grid", "api-findings", "api-assignments"])
@pytest.mark.parametrize("revision_asked", ["published", "1"])
@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_reading_a_revision_takes_the_same_queries_whatever_the_matrix_size(
    viewer, org, build_matrix, django_assert_num_queries, name, revision_asked, tasks, roles
):
    built = build_matrix(organization=org, tasks=tasks, roles=roles, fill="sparse", people=True)
    _publish(built)
    client = _client(viewer)
    # Access (1), the matrix with its published revision's header (1), the revision (1); the
    # findings also read the people holding its roles, the roles they hold and, the organization
    # declaring no headcount, the number of active people (3). The grid and its cells need no people.
    with django_assert_num_queries(6 if name == "api-findings" else 3):
        assert _get(client, name, built, revision=revision_asked).status_code == 200
