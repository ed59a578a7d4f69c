"""The rules engine and analyses over the API: the same code the lint command and the editor use."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frameworks.models import Framework
from orgs.models import Membership
from raci.management.demo import demo_seed
from raci.matrices.adoption import matrix_adopt
from raci.matrices.models import Assignment, Task
from tests.helpers import matrix_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_seed()


@pytest.fixture
def api(demo, viewer):
    Membership.objects.create(user=viewer, organization=demo.organization, level="viewer")
    client = APIClient()
    client.force_authenticate(viewer)
    return client


def _url(name, matrix):
    return reverse(name, args=[matrix.organization.slug, matrix.pk])


def test_findings_report_health_counts_and_each_finding(api, demo):
    body = api.get(_url("api-findings", demo.matrix)).json()
    assert 0 <= body["health"] < 90
    assert body["counts"]["error"] == 2
    pricing = next(f for f in body["findings"] if f["code"] == "task.multiple_accountable")
    assert pricing["severity"] == "error"
    assert pricing["task_id"] == demo.matrix.tasks.get(name="Pricing").pk
    assert "pick one" in pricing["message"]
    assert pricing["hint"]


def test_outsider_gets_404_for_findings(demo, outsider):
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(_url("api-findings", demo.matrix)).status_code == 404


def test_workload_counts_letters_per_role_and_person(api, demo):
    body = api.get(_url("api-workload", demo.matrix)).json()
    pm = next(r for r in body["roles"] if r["role_code"] == "PM")
    assert (
        pm["counts"]["A"]
        == Assignment.objects.filter(task__matrix=demo.matrix, role__code="PM", letters__contains="A").count()
    )
    # The people behind the columns in the matrix's team: the Analytics app's PM and PMM (the
    # founder, both hats), not the Data platform's.
    names = {p["name"] for p in body["people"]}
    assert "Ana Alvarez" in names
    assert not names & {"Chloe Alvarez", "Farid Alvarez"}


def test_overlap_defaults_to_pm_and_pmm(api, demo):
    body = api.get(_url("api-overlap", demo.matrix)).json()
    assert (body["a"], body["b"]) == ("PM", "PMM")
    total = len(body["only_a"]) + len(body["only_b"]) + len(body["shared"]) + len(body["neither"])
    assert total == demo.matrix.tasks.count()


def test_overlap_of_an_unknown_role_is_a_400(api, demo):
    response = api.get(_url("api-overlap", demo.matrix), {"a": "PM", "b": "CEO"})
    assert response.status_code == 400
    assert "CEO" in response.json()["error"]["message"]


def test_what_if_merging_pmm_into_pm_saves_nothing_and_reports_before_and_after(api, demo):
    version = demo.matrix.version
    cells = Assignment.objects.filter(task__matrix=demo.matrix).count()
    response = api.post(
        _url("api-what-if", demo.matrix),
        {"operations": [{"op": "merge_role", "source": "PMM", "target": "PM"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert "findings_before" in body
    assert "findings_after" in body
    demo.matrix.refresh_from_db()
    assert demo.matrix.version == version
    assert Assignment.objects.filter(task__matrix=demo.matrix).count() == cells


def test_what_if_removing_a_role_lists_tasks_that_lose_their_owner_and_saves_nothing(api, demo):
    before = matrix_state(demo.matrix)
    body = api.post(
        _url("api-what-if", demo.matrix),
        {"operations": [{"op": "remove_role", "role": "PMM"}]},
        format="json",
    ).json()
    lost = {loss["task_name"] for loss in body["losses"]}
    assert "Launch" in lost
    assert matrix_state(demo.matrix) == before


def test_what_if_with_a_bad_operation_is_a_400_and_saves_nothing(api, demo):
    before = matrix_state(demo.matrix)
    operations = [{"op": "merge_role", "source": "PMM", "target": "PM"}, {"op": "explode"}]
    response = api.post(_url("api-what-if", demo.matrix), {"operations": operations}, format="json")
    assert response.status_code == 400
    assert "'op' must be one of" in response.json()["error"]["message"]
    assert matrix_state(demo.matrix) == before


def test_gap_between_current_and_proposed_ownership(api, demo):
    proposed = matrix_adopt(
        organization=demo.organization,
        framework=Framework.objects.get(slug="pragmatic-pm-pmm"),
        name="Proposed",
    )
    url = _url("api-gap", demo.matrix)
    body = api.get(url, {"proposed": proposed.pk}).json()
    changed = {task["name"] for task in body["changed"]}
    assert "Pricing" in changed
    assert api.get(url, {"proposed": "x"}).status_code == 400
    assert api.get(url, {"proposed": 999999}).status_code == 404


@pytest.mark.parametrize("extra", [0, 150])
@pytest.mark.parametrize("name", ["api-findings", "api-workload", "api-overlap"])
def test_analysis_query_counts_do_not_grow_with_the_matrix(
    api, demo, django_assert_max_num_queries, name, extra
):
    eng = demo.organization.roles.get(code="ENG")
    tasks = Task.objects.bulk_create(
        [Task(matrix=demo.matrix, name=f"Extra {i}", order=100 + i) for i in range(extra)]
    )
    Assignment.objects.bulk_create([Assignment(task=t, role=eng, letters="AR") for t in tasks])
    with django_assert_max_num_queries(9):
        assert api.get(_url(name, demo.matrix)).status_code == 200


def test_a_suggested_fix_from_the_findings_is_accepted_by_the_grid_patch_as_is(demo, editor):
    Membership.objects.create(user=editor, organization=demo.organization, level="editor")
    client = APIClient()
    client.force_authenticate(editor)
    findings = client.get(_url("api-findings", demo.matrix)).json()["findings"]
    pricing = next(f for f in findings if f["code"] == "task.multiple_accountable")
    [_keep_pm, keep_pmm] = pricing["suggested_fixes"]
    assert keep_pmm["label"] == "Keep Accountable on PMM; PM becomes C"

    response = client.patch(_url("api-grid", demo.matrix), {"changes": keep_pmm["changes"]}, format="json")

    assert response.status_code == 200
    after = client.get(_url("api-findings", demo.matrix)).json()["findings"]
    assert "task.multiple_accountable" not in {f["code"] for f in after}
    # The same fix again finds the cells changed: a conflict, nothing applied.
    assert (
        client.patch(
            _url("api-grid", demo.matrix), {"changes": keep_pmm["changes"]}, format="json"
        ).status_code
        == 409
    )


def test_findings_of_a_matrix_without_tasks_are_not_scored(api, demo):
    from raci.matrices.services import matrix_create

    empty = matrix_create(organization=demo.organization, name="Blank")

    body = api.get(_url("api-findings", empty)).json()

    assert body["health"] is None
    assert body["findings"][0]["code"] == "matrix.empty"
