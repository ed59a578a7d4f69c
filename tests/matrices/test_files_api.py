"""Export and import over the API: same layout both ways, dry run, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from raci.management.demo import demo_seed
from raci.matrices.models import Assignment, Matrix
from raci.matrices.selectors import matrix_grid_get
from tests.helpers import matrix_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_seed()


@pytest.fixture
def api(demo):
    client = APIClient()
    client.force_authenticate(demo.matrix.organization.memberships.get().user)
    return client


def _url(name, matrix):
    return reverse(name, args=[matrix.organization.slug, matrix.pk])


def _upload(api, matrix, content: bytes, name="matrix.csv", **query):
    url = _url("api-import", matrix)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return api.post(url, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def _cells(matrix):
    return sorted(
        Assignment.objects.filter(task__matrix=matrix).values_list("task__name", "role__code", "letters")
    )


def test_csv_export_has_one_row_per_task_and_cells_like_a_slash_r(api, demo):
    response = api.get(_url("api-export", demo.matrix), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Stage,Task,PM,PMM,ENG,SALES,CS,EXEC"
    assert len(lines) == 1 + demo.matrix.tasks.count()
    assert any("A/R" in line for line in lines[1:])


def test_xlsx_export_opens_with_the_same_layout(api, demo):
    response = api.get(_url("api-export", demo.matrix), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Stage", "Task", "PM"]
    assert sheet.max_row == 1 + demo.matrix.tasks.count()


def test_json_export_is_the_grid_document(api, demo):
    body = api.get(_url("api-export", demo.matrix), {"format": "json"}).json()
    assert body["version"] == demo.matrix.version
    assert len(body["tasks"]) == demo.matrix.tasks.count()


def test_unknown_export_format_is_a_400(api, demo):
    response = api.get(_url("api-export", demo.matrix), {"format": "pdf"})
    assert response.status_code == 400
    assert "csv, xlsx, json" in response.json()["error"]["message"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_gives_back_the_same_matrix(api, demo, kind):
    before = _cells(demo.matrix)
    exported = api.get(_url("api-export", demo.matrix), {"format": kind}).content
    response = _upload(api, demo.matrix, exported, name=f"m.{kind}")
    assert response.status_code == 200, response.json()
    assert response.json()["changes"]["is_empty"] is True
    assert response.json()["applied"] is False
    assert _cells(demo.matrix) == before


def test_export_of_one_matrix_imported_into_an_empty_one_recreates_it(api, demo):
    empty = Matrix.objects.create(organization=demo.organization, name="Copy")
    exported = api.get(_url("api-export", demo.matrix), {"format": "csv"}).content
    response = _upload(api, empty, exported)
    assert response.json()["applied"] is True
    source, copy = matrix_grid_get(matrix=demo.matrix), matrix_grid_get(matrix=empty)
    assert [(t.stage, t.name) for t in copy.tasks] == [(t.stage, t.name) for t in source.tasks]
    assert [r.code for r in copy.roles] == [r.code for r in source.roles]
    names = {t.id: t.name for t in source.tasks} | {t.id: t.name for t in copy.tasks}
    assert sorted((names[t], r, v) for (t, r), v in copy.cells.items()) == sorted(
        (names[t], r, v) for (t, r), v in source.cells.items()
    )


def test_dry_run_reports_changes_and_writes_nothing(api, demo):
    version, before = demo.matrix.version, _cells(demo.matrix)
    csv = b"Stage,Task,PM,PMM\nBusiness,Pricing,A,R\nMarket,Brand new task,C,AR\n"
    response = _upload(api, demo.matrix, csv, dry_run=1)
    body = response.json()
    assert response.status_code == 200
    assert body["dry_run"] is True
    assert body["applied"] is False
    assert body["changes"]["new_tasks"] == [{"line": 3, "name": "Brand new task", "stage": "Market"}]
    assert {"task": body["changes"]["cell_changes"][0]["task"], "name": "Pricing", "role": "PMM", "old": "AR",
            "new": "R"} in body["changes"]["cell_changes"]  # fmt: skip
    assert _cells(demo.matrix) == before
    demo.matrix.refresh_from_db()
    assert demo.matrix.version == version


def test_import_applies_changes_and_bumps_the_version(api, demo):
    version = demo.matrix.version
    csv = b"Stage,Task,PM,PMM\nBusiness,Pricing,A,R\nMarket,Brand new task,C,A/R\n"
    response = _upload(api, demo.matrix, csv)
    assert response.json()["applied"] is True
    cells = {(t, r): v for t, r, v in _cells(demo.matrix)}
    assert cells[("Pricing", "PMM")] == "R"
    assert cells[("Brand new task", "PMM")] == "AR"
    assert response.json()["version"] == version + 1


def test_any_bad_row_is_reported_with_its_line_and_nothing_is_written(api, demo):
    before = _cells(demo.matrix)
    csv = b"Stage,Task,PM,CEO\nBusiness,Pricing,X,\nMarket,New,C,\nMarket,new,C,\n"
    response = _upload(api, demo.matrix, csv)
    assert response.status_code == 400
    rows = response.json()["error"]["details"]["rows"]
    assert any(r["line"] == 1 and "CEO" in r["message"] for r in rows)
    assert any(r["line"] == 2 and "no letter X" in r["message"] for r in rows)
    assert any(r["line"] == 4 for r in rows)  # duplicate task
    assert _cells(demo.matrix) == before
    assert not demo.matrix.tasks.filter(name="New").exists()


def test_binary_garbage_is_a_clear_400_and_writes_nothing(api, demo):
    before = matrix_state(demo.matrix)
    response = _upload(api, demo.matrix, b"\x00\xff\xfe garbage \x00", name="x.csv")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert matrix_state(demo.matrix) == before


def test_import_without_a_file_is_a_400_and_writes_nothing(api, demo):
    before = matrix_state(demo.matrix)
    response = api.post(_url("api-import", demo.matrix), {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["details"]
    assert matrix_state(demo.matrix) == before


def test_import_of_an_archived_task_name_is_reported_not_a_500_and_writes_nothing(api, demo):
    demo.matrix.tasks.filter(name="Pricing").update(archived=True)
    before = matrix_state(demo.matrix)
    response = _upload(api, demo.matrix, b"Stage,Task,PM\nBusiness,Pricing,A\n")
    assert response.status_code == 400
    assert "archived" in response.json()["error"]["details"]["rows"][0]["message"]
    assert matrix_state(demo.matrix) == before


def test_viewer_may_export_but_not_import(demo, viewer):
    from orgs.models import Membership

    Membership.objects.create(user=viewer, organization=demo.organization, level="viewer")
    client = APIClient()
    client.force_authenticate(viewer)
    assert client.get(_url("api-export", demo.matrix), {"format": "csv"}).status_code == 200
    before = matrix_state(demo.matrix)
    csv = b"Stage,Task,PM,PMM\nBusiness,Pricing,A,R\nMarket,Brand new task,C,A/R\n"
    assert _upload(client, demo.matrix, csv).status_code == 403
    assert matrix_state(demo.matrix) == before
