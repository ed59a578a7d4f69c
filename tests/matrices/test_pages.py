"""The matrix editor, adoption, import/export and the organization home, as pages."""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re

import pytest
from django.urls import reverse

from frameworks.models import Framework
from frameworks.services import frameworks_load_builtin
from orgs.models import Membership
from raci.management.demo import demo_seed
from raci.matrices.models import Assignment, Matrix, Task
from tests.factories import OrganizationFactory, RoleFactory
from tests.helpers import matrix_state


@pytest.fixture
def matrix(org, build_matrix):
    """Five tasks (Task 0 … Task 4) in stage Market, columns R0, R1, R2, A/R on R0 for every task."""
    return build_matrix(organization=org, stages="Market")


def _url(name, matrix, *extra):
    return reverse(name, args=[matrix.organization.slug, matrix.pk, *extra])


def _cell(client, matrix, task, role, expected, letters, **headers):
    return client.post(
        _url("matrix-cell", matrix),
        {"task": task.pk, "role": role, "expected": expected, "letters": letters},
        HTTP_HX_REQUEST="true",
        **headers,
    )


def _batch(client, matrix, changes):
    return client.post(_url("matrix-cell", matrix), {"changes": json.dumps(changes)}, HTTP_HX_REQUEST="true")


def _answered(html):
    """The editor's answer to a batch: its state and every cell of the batch as stored now."""
    match = re.search(r'<div id="edit-result" data-state="(\w*)" data-cells="([^"]*)"', html)
    cells = json.loads(html_lib.unescape(match.group(2)))
    return match.group(1), {(c["task"], c["role"]): c["letters"] for c in cells}


@pytest.mark.parametrize("member", ["owner", "editor", "viewer"])
def test_every_member_reads_the_matrix(client, matrix, member, request):
    client.force_login(request.getfixturevalue(member))
    response = client.get(_url("matrix-detail", matrix))
    assert response.status_code == 200
    assert b"Task 4" in response.content
    assert b"A/R" in response.content


def test_editor_sees_an_editable_grid_and_the_editor_script(client, matrix, editor):
    client.force_login(editor)
    html = client.get(_url("matrix-detail", matrix)).content.decode()
    assert 'role="grid"' in html
    assert "js/editor.js" in html
    assert 'data-editable="true"' in html


def test_viewer_sees_no_edit_controls(client, matrix, viewer):
    client.force_login(viewer)
    html = client.get(_url("matrix-detail", matrix)).content.decode()
    assert 'role="grid"' not in html
    assert "data-editable" not in html
    assert "Add a task" not in html
    assert "/edit/" not in html


def test_a_cell_is_its_letters_written_with_slashes_and_coloured_by_the_strongest(client, matrix, viewer):
    client.force_login(viewer)
    html = client.get(_url("matrix-detail", matrix)).content.decode()
    assert '<td class="kA">A/R</td>' in html
    assert "<td></td>" in html


def test_an_editors_task_name_links_to_the_task_page(client, matrix, editor):
    task = matrix.tasks.first()
    client.force_login(editor)
    html = client.get(_url("matrix-detail", matrix)).content.decode()
    assert f'<a href="{_url("task-edit", matrix, task.pk)}">{task.name}</a>' in html


def test_column_headers_show_each_roles_responsible_and_accountable_load(client, matrix, viewer):
    client.force_login(viewer)
    html = client.get(_url("matrix-detail", matrix)).content.decode()
    assert 'title="R0: Responsible on 5, Accountable on 5"' in html
    assert '<meter class="load" min="0" max="10" value="10"' in html


def test_the_findings_panel_lists_the_most_severe_hundred_and_says_so(client, org, viewer, build_matrix):
    big = build_matrix(organization=org, tasks=150, roles=3, fill="empty", stages="Market")
    client.force_login(viewer)
    html = client.get(_url("matrix-detail", big)).content.decode()
    panel = html[html.index('id="findings"') :]
    assert panel.count('<li class="finding') == 100
    assert "The 100 most severe" in panel


def test_outsider_gets_404_for_the_matrix(client, matrix, outsider):
    client.force_login(outsider)
    assert client.get(_url("matrix-detail", matrix)).status_code == 404


def test_missing_matrix_gets_404(client, org, owner):
    client.force_login(owner)
    assert client.get(reverse("matrix-detail", args=[org.slug, 999999])).status_code == 404


def test_matrix_of_another_organization_is_404_even_under_my_organization_slug(
    client, org, owner, build_matrix
):
    foreign = build_matrix(organization=OrganizationFactory())
    client.force_login(owner)
    assert client.get(reverse("matrix-detail", args=[org.slug, foreign.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, matrix):
    response = client.get(_url("matrix-detail", matrix))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_matrix_page_query_count_does_not_grow_with_the_matrix(
    client, org, owner, build_matrix, django_assert_max_num_queries, tasks, roles
):
    matrix = build_matrix(organization=org, tasks=tasks, roles=roles, stages="Market")
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        assert client.get(_url("matrix-detail", matrix)).status_code == 200


def test_the_page_carries_the_first_rows_and_the_rest_come_from_the_rows_endpoint(
    client, org, viewer, build_matrix
):
    big = build_matrix(organization=org, tasks=80, roles=3, stages="Market")
    ids = list(big.tasks.order_by("order").values_list("id", flat=True))
    client.force_login(viewer)
    page = client.get(_url("matrix-detail", big)).content.decode()
    rest = client.get(_url("matrix-rows", big), HTTP_ACCEPT_ENCODING="identity").content.decode()
    assert page.count('<tr id="task-') == 50
    assert "Loading 30 more tasks" in page
    assert rest.count('<tr id="task-') == 30
    assert f'id="task-{ids[50]}"' in rest
    assert f'id="task-{ids[49]}"' not in rest


def test_the_rows_endpoint_is_compressed_and_holds_no_csrf_token(client, org, editor, build_matrix):
    big = build_matrix(organization=org, tasks=80, roles=3, stages="Market")
    client.force_login(editor)
    response = client.get(_url("matrix-rows", big), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"csrf" not in gzip.decompress(response.content).lower()


def test_outsider_gets_404_for_the_rows(client, matrix, outsider):
    client.force_login(outsider)
    assert client.get(_url("matrix-rows", matrix)).status_code == 404


@pytest.mark.parametrize("tasks", [60, 200])
def test_rows_endpoint_query_count_does_not_grow_with_the_matrix(
    client, org, owner, build_matrix, django_assert_max_num_queries, tasks
):
    big = build_matrix(organization=org, tasks=tasks, roles=20, stages="Market")
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        assert client.get(_url("matrix-rows", big)).status_code == 200


def test_filters_keep_only_matching_tasks(client, matrix, viewer):
    ids = dict(matrix.tasks.values_list("name", "id"))
    Task.objects.filter(matrix=matrix, name="Task 3").update(stage="Launch")
    client.force_login(viewer)
    html = client.get(_url("matrix-detail", matrix), {"stage": "Launch"}).content.decode()
    assert f'id="task-{ids["Task 3"]}"' in html
    assert f'id="task-{ids["Task 2"]}"' not in html
    html = client.get(_url("matrix-detail", matrix), {"q": "task 1"}).content.decode()
    assert f'id="task-{ids["Task 1"]}"' in html
    assert f'id="task-{ids["Task 4"]}"' not in html


def test_setting_a_cell_saves_and_answers_with_the_cell_and_updated_findings(client, matrix, editor):
    task = matrix.tasks.first()
    client.force_login(editor)
    response = _cell(client, matrix, task, "R1", "", "C")
    html = response.content.decode()
    assert response.status_code == 200
    assert Assignment.objects.get(task=task, role__code="R1").letters == "C"
    assert _answered(html) == ("saved", {(task.pk, "R1"): "C"})
    assert 'id="findings"' in html
    assert 'hx-swap-oob="true"' in html
    assert "Saved" in html


def test_clearing_the_accountable_cell_shows_the_no_accountable_badge(client, matrix, editor):
    task = matrix.tasks.first()
    client.force_login(editor)
    _cell(client, matrix, task, "R1", "", "R")
    html = _cell(client, matrix, task, "R0", "AR", "").content.decode()
    assert f'id="badge-{task.pk}"' in html
    assert "has no Accountable role" in html


def test_a_conflicting_cell_edit_is_refused_and_shows_the_current_letters(client, matrix, editor, owner):
    task = matrix.tasks.first()
    client.force_login(owner)
    _cell(client, matrix, task, "R1", "", "I")
    client.force_login(editor)
    html = _cell(client, matrix, task, "R1", "", "C").content.decode()
    assert _answered(html) == ("conflict", {(task.pk, "R1"): "I"})
    assert Assignment.objects.get(task=task, role__code="R1").letters == "I"


def test_letters_outside_the_scheme_fail_with_a_message_and_change_nothing(client, matrix, editor):
    task = matrix.tasks.first()
    client.force_login(editor)
    html = _cell(client, matrix, task, "R1", "", "Z").content.decode()
    assert 'data-state="failed"' in html
    assert "RACI has no letter Z" in html
    assert not Assignment.objects.filter(task=task, role__code="R1").exists()


def test_viewer_gets_403_on_cell_change(client, matrix, viewer):
    before = matrix_state(matrix)
    client.force_login(viewer)
    assert _cell(client, matrix, matrix.tasks.first(), "R1", "", "C").status_code == 403
    assert matrix_state(matrix) == before


def test_outsider_gets_404_on_cell_change(client, matrix, outsider):
    before = matrix_state(matrix)
    client.force_login(outsider)
    assert _cell(client, matrix, matrix.tasks.first(), "R1", "", "C").status_code == 404
    assert matrix_state(matrix) == before


def test_cell_change_needs_the_csrf_token(matrix, editor):
    from django.test import Client

    before = matrix_state(matrix)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert _cell(client, matrix, matrix.tasks.first(), "R1", "", "C").status_code == 403
    assert matrix_state(matrix) == before


def test_malformed_cell_change_is_a_400_and_changes_nothing(client, matrix, editor):
    before = matrix_state(matrix)
    client.force_login(editor)
    assert (
        client.post(_url("matrix-cell", matrix), {"task": "x", "role": "R1", "letters": "C"}).status_code
        == 400
    )
    assert matrix_state(matrix) == before


def test_a_pasted_block_is_saved_as_one_batch_in_one_version(client, matrix, editor):
    tasks = list(matrix.tasks.order_by("order")[:2])
    client.force_login(editor)
    version = matrix.version
    changes = [
        {"task": t.pk, "role": role, "expected": "", "letters": letters}
        for t in tasks
        for role, letters in (("R1", "C"), ("R2", "i"))
    ]
    state, cells = _answered(_batch(client, matrix, changes).content.decode())
    assert state == "saved"
    assert cells == {(t.pk, role): letters for t in tasks for role, letters in (("R1", "C"), ("R2", "I"))}
    matrix.refresh_from_db()
    assert matrix.version == version + 1


def test_a_batch_with_one_conflicting_cell_changes_nothing_and_answers_the_current_letters(
    client, matrix, editor, owner
):
    first, second = matrix.tasks.order_by("order")[:2]
    client.force_login(owner)
    _cell(client, matrix, second, "R1", "", "I")
    before = matrix_state(matrix)
    client.force_login(editor)
    changes = [
        {"task": first.pk, "role": "R1", "expected": "", "letters": "C"},
        {"task": second.pk, "role": "R1", "expected": "", "letters": "C"},
    ]
    html = _batch(client, matrix, changes).content.decode()
    assert _answered(html) == ("conflict", {(first.pk, "R1"): "", (second.pk, "R1"): "I"})
    assert "nothing was saved" in html
    assert matrix_state(matrix) == before


def test_a_batch_with_a_forbidden_combination_is_refused_whole(client, matrix, editor):
    first, second = matrix.tasks.order_by("order")[:2]
    before = matrix_state(matrix)
    client.force_login(editor)
    changes = [
        {"task": first.pk, "role": "R1", "expected": "", "letters": "C"},
        {"task": second.pk, "role": "R1", "expected": "", "letters": "C/I"},
    ]
    state, cells = _answered(_batch(client, matrix, changes).content.decode())
    assert state == "failed"
    assert cells == {(first.pk, "R1"): "", (second.pk, "R1"): ""}
    assert matrix_state(matrix) == before


@pytest.mark.parametrize(
    "changes",
    [
        "not json",
        "[]",
        '{"task": 1}',
        '[{"task": "1", "role": "R1", "expected": "", "letters": "C"}]',
        '[{"task": 1, "role": "R1", "letters": "C"}]',
        '[{"task": true, "role": "R1", "expected": "", "letters": "C"}]',
    ],
)
def test_a_malformed_batch_is_a_400_with_a_reason_and_changes_nothing(client, matrix, editor, changes):
    before = matrix_state(matrix)
    client.force_login(editor)
    response = client.post(_url("matrix-cell", matrix), {"changes": changes})
    assert response.status_code == 400
    assert response.content
    assert matrix_state(matrix) == before


def test_viewer_gets_403_on_a_batch(client, matrix, viewer):
    before = matrix_state(matrix)
    client.force_login(viewer)
    changes = [{"task": matrix.tasks.first().pk, "role": "R1", "expected": "", "letters": "C"}]
    assert _batch(client, matrix, changes).status_code == 403
    assert matrix_state(matrix) == before


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_a_batch_query_count_does_not_grow_with_the_matrix_or_the_batch(
    client, org, editor, build_matrix, django_assert_max_num_queries, tasks, roles
):
    matrix = build_matrix(organization=org, tasks=tasks, roles=roles, stages="Market", fill="empty")
    changes = [
        {"task": t.pk, "role": f"R{i % roles}", "expected": "", "letters": "I"}
        for i, t in enumerate(matrix.tasks.all())
    ]
    client.force_login(editor)
    with django_assert_max_num_queries(22):
        state, cells = _answered(_batch(client, matrix, changes).content.decode())
    assert state == "saved"
    assert len(cells) == tasks


def test_cell_change_query_count_does_not_grow_with_the_matrix(
    client, org, editor, build_matrix, django_assert_max_num_queries
):
    small = build_matrix(organization=org, tasks=5, roles=3, name="Small", stages="Market")
    big = build_matrix(organization=org, tasks=200, roles=20, name="Big", stages="Market")
    client.force_login(editor)
    for matrix in (small, big):
        with django_assert_max_num_queries(22):
            task = matrix.tasks.first()
            response = _cell(client, matrix, task, "R1", "", "C")
        assert response.status_code == 200
        assert Assignment.objects.get(task=task, role__code="R1").letters == "C"


def test_adding_renaming_moving_archiving_and_restoring_a_task(client, matrix, editor):
    client.force_login(editor)
    client.post(_url("task-add", matrix), {"name": "Win/loss", "stage": "Market"})
    task = matrix.tasks.get(name="Win/loss")
    client.post(_url("task-edit", matrix, task.pk), {"name": "Win/loss analysis", "stage": "Market"})
    task.refresh_from_db()
    assert task.name == "Win/loss analysis"
    client.post(_url("task-move", matrix, task.pk), {"direction": "up"})
    assert list(matrix.tasks.order_by("order").values_list("name", flat=True))[-2] == "Win/loss analysis"
    client.post(_url("task-edit", matrix, task.pk), {"name": task.name, "archived": "on"})
    assert matrix.tasks.get(pk=task.pk).archived
    client.post(_url("task-restore", matrix, task.pk))
    assert not matrix.tasks.get(pk=task.pk).archived


def test_adding_a_duplicate_task_shows_the_error_and_adds_nothing(client, matrix, editor):
    client.force_login(editor)
    response = client.post(_url("task-add", matrix), {"name": "task 1"}, follow=True)
    assert "already has a task with this name" in response.content.decode()
    assert matrix.tasks.count() == 5


def test_columns_add_move_and_remove(client, org, matrix, editor):
    RoleFactory(organization=org, code="LEGAL")
    client.force_login(editor)
    client.post(_url("matrix-columns", matrix), {"action": "add", "role": "LEGAL"})
    client.post(_url("matrix-columns", matrix), {"action": "left", "role": "LEGAL"})
    client.post(_url("matrix-columns", matrix), {"action": "remove", "role": "R0"})
    assert list(matrix.columns.order_by("order").values_list("role__code", flat=True)) == [
        "R1",
        "LEGAL",
        "R2",
    ]


def test_viewer_gets_403_on_every_editing_form(client, matrix, viewer):
    task = matrix.tasks.get(name="Task 1")  # one that can move up
    before = matrix_state(matrix)
    client.force_login(viewer)
    assert client.post(_url("task-add", matrix), {"name": "x"}).status_code == 403
    assert client.post(_url("task-edit", matrix, task.pk), {"name": "x"}).status_code == 403
    assert client.post(_url("task-move", matrix, task.pk), {"direction": "up"}).status_code == 403
    assert client.post(_url("matrix-columns", matrix), {"action": "remove", "role": "R0"}).status_code == 403
    assert client.get(_url("matrix-import", matrix)).status_code == 403
    assert client.get(_url("matrix-settings", matrix)).status_code == 403
    assert matrix_state(matrix) == before


def test_export_and_import_pages_use_the_same_code_as_the_api(client, matrix, editor):
    client.force_login(editor)
    exported = client.get(_url("matrix-export", matrix, "csv"))
    assert exported["Content-Type"].startswith("text/csv")
    changed = exported.content.decode("utf-8-sig").replace("Task 1,A/R", "Task 1,A")
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(
        _url("matrix-import", matrix), {"file": SimpleUploadedFile("m.csv", changed.encode())}
    )
    assert "Apply these changes" in preview.content.decode()
    assert Assignment.objects.get(task__name="Task 1", role__code="R0").letters == "AR"
    client.post(_url("matrix-import", matrix), {"apply": "1"})
    assert Assignment.objects.get(task__name="Task 1", role__code="R0").letters == "A"


def test_import_preview_shows_health_before_and_after(client, matrix, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    exported = client.get(_url("matrix-export", matrix, "csv")).content.decode("utf-8-sig")
    # Task 1 loses its Accountable: one error more after the import.
    changed = exported.replace("Task 1,A/R", "Task 1,R")
    html = client.post(
        _url("matrix-import", matrix), {"file": SimpleUploadedFile("m.csv", changed.encode())}
    ).content.decode()
    assert "errors 0 → 1" in html
    assert re.search(r"Health \d+ → <strong>\d+</strong>/100", html)


def test_import_preview_of_many_rows_lists_the_first_200_cells_below_apply(client, org, editor, build_matrix):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = build_matrix(organization=org, tasks=300, roles=2, stages="Market")
    client.force_login(editor)
    exported = client.get(_url("matrix-export", big, "csv")).content.decode("utf-8-sig")
    changed = exported.replace(",A/R,", ",A/R,C")
    html = client.post(
        _url("matrix-import", big), {"file": SimpleUploadedFile("m.csv", changed.encode())}
    ).content.decode()
    assert "300 cells" in html
    assert html.index("Apply these changes") < html.index("<summary>Cells (300)</summary>")
    assert "and 100 more" in html
    assert html.count("<td>C</td>") == 200


def test_import_page_lists_bad_rows_and_writes_nothing(client, matrix, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    bad = b"Stage,Task,R0\nMarket,Task 1,Q\n"
    response = client.post(_url("matrix-import", matrix), {"file": SimpleUploadedFile("m.csv", bad)})
    assert response.status_code == 400
    assert "Line 2" in response.content.decode()
    assert Assignment.objects.get(task__name="Task 1", role__code="R0").letters == "AR"


def test_import_page_says_each_problems_line_and_column_once(client, matrix, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    bad = b"Stage,Task,R0\nMarket,Task 1,Q\nMarket,,A\n"
    page = client.post(
        _url("matrix-import", matrix), {"file": SimpleUploadedFile("m.csv", bad)}
    ).content.decode()
    problems = re.findall(r"<li>(.*?)</li>", page[page.index('class="errorlist"') :].split("</ul>")[0])
    assert len(problems) == 2
    for problem in problems:
        assert len(re.findall(r"[Ll]ine \d", problem)) == 1
        assert problem.lower().count("column") <= 1


def test_adopting_a_framework_in_the_browser(client, org, editor):
    frameworks_load_builtin()
    RoleFactory(organization=org, code="PM")
    RoleFactory(organization=org, code="FOUNDER")
    client.force_login(editor)
    page = client.get(reverse("adopt-framework", args=[org.slug, "product-launch"]))
    assert page.status_code == 200
    activities = page.context["framework"].stages.first().activities.all()
    response = client.post(
        reverse("adopt-framework", args=[org.slug, "product-launch"]),
        {"name": "Launch", "activity": [a.pk for a in activities], "map-PM": "FOUNDER", "map-PMM": "FOUNDER"},
    )
    matrix = Matrix.objects.get(name="Launch")
    assert response.status_code == 302
    assert matrix.tasks.count() == len(activities)
    assert not Assignment.objects.filter(task__matrix=matrix, role__code="PM").exists()
    assert Assignment.objects.filter(task__matrix=matrix, role__code="FOUNDER").exists()


def test_adopting_with_nothing_ticked_is_refused(client, org, editor):
    frameworks_load_builtin()
    client.force_login(editor)
    response = client.post(reverse("adopt-framework", args=[org.slug, "product-launch"]), {"name": "Launch"})
    assert "Keep at least one activity" in response.content.decode()
    assert not Matrix.objects.exists()


def test_viewer_may_browse_the_library_but_not_adopt(client, org, viewer):
    frameworks_load_builtin()
    RoleFactory(organization=org, code="FOUNDER")
    client.force_login(viewer)
    url = reverse("adopt-framework", args=[org.slug, "product-launch"])
    assert client.get(reverse("adopt-library", args=[org.slug])).status_code == 200
    assert client.get(url).status_code == 403
    activities = Framework.objects.get(slug="product-launch").stages.first().activities.all()
    data = {
        "name": "Launch",
        "activity": [a.pk for a in activities],
        "map-PM": "FOUNDER",
        "map-PMM": "FOUNDER",
    }
    assert client.post(url, data).status_code == 403
    assert not Matrix.objects.exists()


def test_organization_home_lists_matrices_with_health_and_open_errors(client, db):
    demo = demo_seed()
    client.force_login(Membership.objects.get(organization=demo.organization).user)
    html = client.get(reverse("organization-detail", args=["acme"])).content.decode()
    assert demo.matrix.name in html
    assert "2 errors" in html
    assert "/100" in html


def test_organization_home_says_a_matrix_without_letters_is_not_scored_yet(client, org, owner, build_matrix):
    build_matrix(organization=org, name="Blank", roles=["PM", "PMM"], fill="empty")
    client.force_login(owner)

    html = client.get(reverse("organization-detail", args=[org.slug])).content.decode()

    assert "not scored yet" in html
    assert '<span class="health">' not in html


def _home_queries(client, org, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(reverse("organization-detail", args=[org.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("matrices", [1, 12])
def test_organization_home_shows_every_matrix_health_in_a_fixed_number_of_queries(
    client, org, owner, build_matrix, django_assert_num_queries, matrices
):
    for i in range(matrices):
        build_matrix(
            organization=org, tasks=5 + i, roles=["PM", "PMM", "ENG"], name=f"Matrix {i}", people=i == 0
        )
    client.force_login(owner)
    # 1 session, 2 user, 3 membership (the access check), 4 the navigation's organizations,
    # 5 matrices, 6 their columns, 7 tasks, 8 cells, 9 the roles of the people holding the columns'
    # roles, 10 those people, 11 the active people (the rules' headcount: none is declared), 12 roles,
    # 13 their holders, 14 active people count (none published: no query for publication states)
    html = _home_queries(client, org, django_assert_num_queries, 14)
    assert html.count('<span class="health">') == matrices


def test_organization_home_names_a_person_holding_a_role_for_two_teams_once(client, org, owner):
    from orgs.teams import holding_add, team_create
    from tests.factories import PersonFactory

    pm = RoleFactory(organization=org, code="PM")
    mobile, web = (team_create(organization=org, name=name) for name in ("Mobile", "Web"))
    ben = PersonFactory(organization=org, name="Ben Both")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=ben, role=pm, team=web)
    holding_add(person=ben, role=pm)
    for n in range(5):
        holding_add(person=PersonFactory(organization=org, name=f"Zed {n}"), role=pm, team=web)
    client.force_login(owner)

    html = client.get(reverse("organization-detail", args=[org.slug])).content.decode()

    assert html.count(">Ben Both</a>") == 1
    # Six people hold PM: five are named, one more is counted.
    assert ">Zed 3</a>" in html
    assert ">Zed 4</a>" not in html
    assert "and 1 more</a>" in html


# --- One-click fixes ---------------------------------------------------------------------------


def _two_accountables(matrix) -> Task:
    task = matrix.tasks.get(name="Task 0")
    Assignment.objects.create(task=task, role=matrix.columns.get(role__code="R1").role, letters="A")
    return task


def test_editor_sees_a_fix_button_for_a_finding_with_a_mechanical_fix(client, matrix, editor):
    _two_accountables(matrix)
    client.force_login(editor)

    page = client.get(_url("matrix-detail", matrix)).content.decode()

    assert "Keep Accountable on R0; R1 becomes C" in page
    assert f'action="{_url("matrix-fix", matrix)}"' in page


def test_viewer_sees_no_fix_button(client, matrix, viewer):
    _two_accountables(matrix)
    client.force_login(viewer)

    assert (
        "Keep Accountable on R0"
        not in client.get(_url("matrix-detail", matrix) + "?view=draft").content.decode()
    )


def test_applying_a_fix_is_one_batch_through_the_writer(client, matrix, editor):
    task = _two_accountables(matrix)
    version = Matrix.objects.get(pk=matrix.pk).version
    client.force_login(editor)
    changes = f'[{{"task":{task.pk},"role":"R1","expected":"A","letters":"C"}}]'

    response = client.post(_url("matrix-fix", matrix), {"changes": changes})

    assert response.status_code == 302
    assert Assignment.objects.get(task=task, role__code="R1").letters == "C"
    assert Matrix.objects.get(pk=matrix.pk).version == version + 1


def test_a_fix_whose_cells_changed_since_is_refused_and_changes_nothing(client, matrix, editor):
    task = _two_accountables(matrix)
    before = matrix_state(matrix)
    client.force_login(editor)
    changes = f'[{{"task":{task.pk},"role":"R1","expected":"R","letters":"C"}}]'

    response = client.post(_url("matrix-fix", matrix), {"changes": changes}, follow=True)

    assert "Someone changed these cells since the fix was suggested" in response.content.decode()
    assert matrix_state(matrix) == before


@pytest.mark.parametrize(
    "changes",
    [
        "",
        "nope",
        "[]",
        '[{"task": "x"}]',
        '{"task": 1}',
        '[{"task":1,"role":"R1","expected":"","letters":"","x":1}]',
    ],
)
def test_a_malformed_fix_is_a_400(client, matrix, editor, changes):
    client.force_login(editor)
    assert client.post(_url("matrix-fix", matrix), {"changes": changes}).status_code == 400


def test_viewer_gets_403_on_applying_a_fix(client, matrix, viewer):
    client.force_login(viewer)
    assert client.post(_url("matrix-fix", matrix), {"changes": "[]"}).status_code == 403


def test_outsider_gets_404_on_applying_a_fix(client, matrix, outsider):
    client.force_login(outsider)
    assert client.post(_url("matrix-fix", matrix), {"changes": "[]"}).status_code == 404
