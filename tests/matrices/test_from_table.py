"""A new matrix from a file or a pasted table: the service, and the page's preview and apply."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from orgs.models import Role
from raci.matrices.from_table import matrix_from_table, matrix_table_preview
from raci.matrices.imports import ImportRejected
from raci.matrices.models import Assignment, ChangeRecord, Matrix, Task
from tests.factories import MatrixFactory, RoleFactory

TABLE = "Stage\tTask\tPM\tDES\nPlan\tRoadmap\tA/R\tC\nBuild\tShip\tI\tA/R\n"


@pytest.fixture
def pm(org):
    return RoleFactory(organization=org, code="PM", name="Product manager")


def _url(org):
    return reverse("matrix-new-table", args=[org.slug])


def _preview(client, org, text=TABLE, name="Launch"):
    return client.post(_url(org), {"name": name, "scheme": "RACI", "pasted": text})


def _apply(client, **fields):
    return client.post(_url_of(client), {"apply": "1", **fields})


def _url_of(client):
    return client._table_url


@pytest.fixture
def page(client, org, editor, pm):
    client.force_login(editor)
    client._table_url = _url(org)
    return client


# The service ------------------------------------------------------------------------------


def test_preview_reports_the_new_matrix_and_its_health_without_writing(org, pm):
    preview = matrix_table_preview(organization=org, data=TABLE.encode())
    assert preview.tasks == 2
    assert preview.columns == [("PM", "Product manager", False), ("DES", "DES", True)]
    assert preview.analysis.health is not None
    assert not Matrix.objects.exists()
    assert not Role.objects.filter(code="DES").exists()


def test_matrix_from_table_creates_roles_matrix_tasks_and_cells_in_one_change(org, pm):
    matrix = matrix_from_table(
        organization=org, name="Launch", data=TABLE.encode(), new_roles={"DES": "Design"}
    )
    assert Role.objects.get(organization=org, code="DES").name == "Design"
    assert [c.role.code for c in matrix.columns.select_related("role").order_by("order")] == ["PM", "DES"]
    assert list(Task.objects.filter(matrix=matrix).order_by("order").values_list("stage", "name")) == [
        ("Plan", "Roadmap"),
        ("Build", "Ship"),
    ]
    cells = set(
        Assignment.objects.filter(task__matrix=matrix).values_list("task__name", "role__code", "letters")
    )
    assert cells == {
        ("Roadmap", "PM", "AR"),
        ("Roadmap", "DES", "C"),
        ("Ship", "PM", "I"),
        ("Ship", "DES", "AR"),
    }
    assert matrix.version == 1
    assert ChangeRecord.objects.filter(matrix=matrix, field="created").count() == 1


def test_matrix_from_table_leaves_out_new_codes_not_chosen(org, pm):
    matrix = matrix_from_table(organization=org, name="Launch", data=TABLE.encode(), new_roles={})
    assert not Role.objects.filter(code="DES").exists()
    assert [c.role.code for c in matrix.columns.select_related("role")] == ["PM"]
    assert not Assignment.objects.filter(task__matrix=matrix, letters="C").exists()


def test_matrix_from_table_refuses_a_bad_table_and_creates_nothing(org, pm):
    with pytest.raises(ImportRejected) as caught:
        matrix_from_table(
            organization=org, name="Launch", data=b"Task\tPM\tDES\nRoadmap\tZ\tC\n", new_roles={"DES": "D"}
        )
    assert caught.value.issues[0]["line"] == 2
    assert not Matrix.objects.exists()
    assert not Role.objects.filter(code="DES").exists()


def test_a_taken_matrix_name_rolls_back_the_new_roles(org, pm):
    MatrixFactory(organization=org, name="Launch")
    with pytest.raises(ValidationError):
        matrix_from_table(organization=org, name="Launch", data=TABLE.encode(), new_roles={"DES": "Design"})
    assert not Role.objects.filter(code="DES").exists()
    assert Matrix.objects.count() == 1


def test_an_xlsx_file_is_read_like_a_csv(org, pm):
    book = Workbook()
    sheet = book.active
    sheet.append(["Task", "Product manager"])
    sheet.append(["Roadmap", "A/R"])
    buffer = io.BytesIO()
    book.save(buffer)
    matrix = matrix_from_table(organization=org, name="X", data=buffer.getvalue(), filename="m.xlsx")
    assert Assignment.objects.get(task__matrix=matrix).letters == "AR"


# The page ---------------------------------------------------------------------------------


def test_preview_shows_the_matrix_its_health_and_a_checkbox_per_unknown_code(page, org):
    response = _preview(page, org)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Roadmap" in body
    assert "Health" in body
    assert 'name="create-DES"' in body
    assert 'name="role-name-DES" value="DES"' in body
    assert 'name="create-PM"' not in body
    assert not Matrix.objects.exists()


def test_apply_creates_the_ticked_roles_and_the_matrix(page, org):
    _preview(page, org)
    response = _apply(page, name="Launch", **{"create-DES": "1", "role-name-DES": "Design"})
    matrix = Matrix.objects.get(organization=org, name="Launch")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/m/{matrix.pk}/")
    assert Role.objects.get(organization=org, code="DES").name == "Design"


def test_apply_without_the_tick_creates_no_role(page, org):
    _preview(page, org)
    _apply(page, name="Launch", **{"role-name-DES": "Design"})
    assert Matrix.objects.filter(name="Launch").exists()
    assert not Role.objects.filter(code="DES").exists()


def test_apply_with_a_taken_name_shows_the_preview_again_with_the_error(page, org):
    MatrixFactory(organization=org, name="Launch")
    _preview(page, org)
    response = _apply(page, name="Launch", **{"create-DES": "1"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert not Role.objects.filter(code="DES").exists()


def test_a_bad_file_shows_each_problem_once_and_creates_nothing(page, org):
    upload = SimpleUploadedFile("m.csv", b"Task,PM\nRoadmap,Z\n,A\n", content_type="text/csv")
    response = page.post(_url(org), {"name": "Launch", "scheme": "RACI", "file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Line 2") == 1
    assert body.count("Line 3") == 1
    assert "Nothing was created" in body
    assert not Matrix.objects.exists()


def test_a_binary_file_is_refused_with_a_clear_error(page, org):
    upload = SimpleUploadedFile(
        "m.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", content_type="application/x"
    )
    response = page.post(_url(org), {"name": "Launch", "scheme": "RACI", "file": upload})
    assert response.status_code == 400
    assert "old-style Excel" in response.content.decode()


def test_neither_file_nor_table_is_a_form_error(page, org):
    response = page.post(_url(org), {"name": "Launch", "scheme": "RACI"})
    assert response.status_code == 400
    assert "Upload a file or paste a table" in response.content.decode()


def test_apply_after_the_preview_expired_redirects_to_the_form(page, org):
    response = _apply(page, name="Launch")
    assert response.status_code == 302
    assert not Matrix.objects.exists()


def test_viewer_gets_403_and_outsider_404(client, org, viewer, outsider):
    client.force_login(viewer)
    assert client.get(_url(org)).status_code == 403
    client.force_login(outsider)
    assert client.get(_url(org)).status_code == 404


def test_creation_costs_the_same_queries_for_a_small_and_a_larger_table(org, pm):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 100):
        rows = "".join(f"Stage {i // 10}\tTask {i}\tA/R\tC\n" for i in range(size))
        data = f"Stage\tTask\tPM\tD{size}\n{rows}".encode()
        with CaptureQueriesContext(connection) as queries:
            matrix_from_table(organization=org, name=f"M{size}", data=data, new_roles={f"D{size}": "Design"})
        counts.append(len(queries))
    assert counts[0] == counts[1]
