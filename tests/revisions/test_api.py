"""History, revisions, sign-off and acknowledgements over the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from orgs.models import Membership
from raci.management.demo import demo_seed
from raci.matrices.models import ChangeRecord
from raci.revisions.models import Acknowledgement, Revision
from tests.helpers import matrix_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_seed()


@pytest.fixture
def owner_api(demo):
    client = APIClient()
    client.force_authenticate(Membership.objects.get(organization=demo.organization, level="owner").user)
    return client


def _url(name, matrix, *extra):
    return reverse(name, args=[matrix.organization.slug, matrix.pk, *extra])


@pytest.fixture
def member(demo):
    def make(level):
        from tests.factories import UserFactory

        user = UserFactory()
        Membership.objects.create(user=user, organization=demo.organization, level=level)
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_history_lists_changes_newest_first_with_channel(owner_api, demo):
    task = demo.matrix.tasks.get(name="Pricing")
    owner_api.patch(
        _url("api-grid", demo.matrix),
        {"changes": [{"task": task.pk, "role": "PMM", "expected": "AR", "letters": "R"}]},
        format="json",
    )
    body = owner_api.get(_url("api-history", demo.matrix), {"task": task.pk}).json()
    latest = body["results"][0]
    assert (latest["channel"], latest["task_name"], latest["role"], latest["before"], latest["after"]) == (
        "api",
        "Pricing",
        "PMM",
        "AR",
        "R",
    )
    assert latest["actor"] == "demo"


def test_history_cannot_be_written(owner_api, demo):
    before = matrix_state(demo.matrix)
    assert owner_api.post(_url("api-history", demo.matrix), {}, format="json").status_code == 405
    assert owner_api.delete(_url("api-history", demo.matrix)).status_code == 405
    assert matrix_state(demo.matrix) == before


def test_history_filters_reject_non_numeric_ids(owner_api, demo):
    assert owner_api.get(_url("api-history", demo.matrix), {"task": "abc"}).status_code == 400


def test_publishing_with_errors_needs_a_reason(owner_api, demo):
    before = matrix_state(demo.matrix)
    response = owner_api.post(_url("api-revisions", demo.matrix), {"note": "again"}, format="json")
    assert response.status_code == 400
    assert "override_reason" in response.json()["error"]["details"]
    assert matrix_state(demo.matrix) == before
    response = owner_api.post(
        _url("api-revisions", demo.matrix), {"note": "again", "override_reason": "Known"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["number"] == 2
    revision = Revision.objects.get(matrix=demo.matrix, number=2)
    assert (revision.note, revision.override_reason) == ("again", "Known")


def test_viewer_cannot_publish_but_reads_revisions(member, demo):
    viewer = member("viewer")
    before = matrix_state(demo.matrix)
    assert (
        viewer.post(_url("api-revisions", demo.matrix), {"override_reason": "x"}, format="json").status_code
        == 403
    )
    assert matrix_state(demo.matrix) == before
    body = viewer.get(_url("api-revisions", demo.matrix)).json()
    assert body["results"][0]["number"] == 1


def test_outsider_gets_404_for_revisions(demo, outsider):
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(_url("api-revisions", demo.matrix)).status_code == 404
    assert client.get(_url("api-revision", demo.matrix, 1)).status_code == 404


def test_revision_detail_has_the_snapshot(owner_api, demo):
    body = owner_api.get(_url("api-revision", demo.matrix, 1)).json()
    assert len(body["snapshot"]["tasks"]) == demo.matrix.tasks.count()
    assert body["override_reason"]


def test_compare_a_revision_with_the_current_matrix(owner_api, demo):
    task = demo.matrix.tasks.get(name="Pricing")
    owner_api.patch(
        _url("api-grid", demo.matrix),
        {"changes": [{"task": task.pk, "role": "PMM", "expected": "AR", "letters": "R"}]},
        format="json",
    )
    body = owner_api.get(_url("api-revisions-compare", demo.matrix), {"a": 1}).json()
    assert body["changed_cells"] == [
        {"task": task.pk, "name": "Pricing", "role": "PMM", "before": "AR", "after": "R"}
    ]
    assert owner_api.get(_url("api-revisions-compare", demo.matrix), {"a": 7}).status_code == 404
    assert owner_api.get(_url("api-revisions-compare", demo.matrix), {"a": "x"}).status_code == 400


def test_restore_makes_the_revision_the_new_draft(owner_api, demo):
    task = demo.matrix.tasks.get(name="Pricing")
    owner_api.patch(
        _url("api-grid", demo.matrix),
        {"changes": [{"task": task.pk, "role": "PMM", "expected": "AR", "letters": "R"}]},
        format="json",
    )
    response = owner_api.post(_url("api-revision-restore", demo.matrix, 1))
    assert response.json()["status"] == "draft"
    assert owner_api.get(_url("api-revisions-compare", demo.matrix), {"a": 1}).json()["is_empty"] is True
    assert ChangeRecord.objects.filter(matrix=demo.matrix, field="restored").exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_any_revision_exports(owner_api, demo, kind):
    response = owner_api.get(_url("api-revision-export", demo.matrix, 1), {"format": kind})
    assert response.status_code == 200


def test_sign_off_and_acknowledgement_through_the_api(owner_api, demo, django_capture_on_commit_callbacks):
    task = demo.matrix.tasks.get(name="Pricing")
    win = demo.matrix.tasks.get(name="Win/loss analysis")
    owner_api.patch(
        _url("api-grid", demo.matrix),
        {
            "changes": [
                {"task": task.pk, "role": "PMM", "expected": "AR", "letters": "R"},
                {"task": win.pk, "role": "PMM", "expected": "R", "letters": "AR"},
            ]
        },
        format="json",
    )
    revision = owner_api.post(
        _url("api-revisions", demo.matrix), {"require_signoff": True}, format="json"
    ).json()
    detail = owner_api.get(_url("api-revision", demo.matrix, revision["number"])).json()
    assert detail["signoff"]["state"] == "awaiting sign-off"
    with django_capture_on_commit_callbacks(execute=True):
        for signoff in detail["signoffs"]:
            response = owner_api.post(
                _url("api-signoff", demo.matrix, revision["number"], signoff["id"]),
                {"decision": "approved"},
                format="json",
            )
            assert response.status_code == 200
    assert owner_api.get(_url("api-revision", demo.matrix, revision["number"])).json()["signoff"][
        "state"
    ] == ("signed off")
    founder = demo.organization.people.get(user__username="demo")
    response = owner_api.post(
        _url("api-acknowledge", demo.matrix, revision["number"]), {"person": founder.pk}, format="json"
    )
    assert response.status_code == 201
    acknowledged = owner_api.get(_url("api-revision", demo.matrix, revision["number"])).json()[
        "acknowledged_by"
    ]
    assert [a["person"] for a in acknowledged] == [founder.name]


def test_acknowledging_for_someone_else_is_403_and_records_nothing(owner_api, demo):
    someone = demo.organization.people.exclude(user__username="demo").first()
    before = matrix_state(demo.matrix)
    response = owner_api.post(_url("api-acknowledge", demo.matrix, 1), {"person": someone.pk}, format="json")
    assert response.status_code == 403
    assert matrix_state(demo.matrix) == before
    assert not Acknowledgement.objects.filter(person=someone).exists()
