"""The editor's forms say what went wrong where the user is: the add-task error in the form, a new
stage said out loud; pages print cleanly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


@pytest.fixture
def matrix(org, build_matrix):
    return build_matrix(organization=org, stages="Market")


def _url(name, matrix, *extra):
    return reverse(name, args=[matrix.organization.slug, matrix.pk, *extra])


def test_add_task_error_is_shown_in_the_form_with_the_name_kept_and_focused(client, matrix, editor):
    client.force_login(editor)
    response = client.post(_url("task-add", matrix), {"name": "task 1", "stage": "Ops"}, follow=True)
    page = response.content.decode()
    form = page[page.index('id="add-task"') :]
    form = form[: form.index("</form>")]
    assert 'id="add-task-error"' in form
    assert "already has a task with this name" in form
    assert re.search(r'<input[^>]*name="name"[^>]*value="task 1"', form)
    assert re.search(r'<input[^>]*autofocus[^>]*aria-invalid="true"|aria-invalid="true"[^>]*autofocus', form)
    assert 'value="Ops"' in form


def test_add_task_error_is_shown_once(client, matrix, editor):
    client.force_login(editor)
    client.post(_url("task-add", matrix), {"name": "task 1"})
    assert "add-task-error" in client.get(_url("matrix-detail", matrix)).content.decode()
    assert "add-task-error" not in client.get(_url("matrix-detail", matrix)).content.decode()


def test_adding_a_task_in_a_new_stage_says_the_stage_was_created(client, matrix, editor):
    client.force_login(editor)
    response = client.post(_url("task-add", matrix), {"name": "Retro", "stage": "Review"}, follow=True)
    assert "Added &#x27;Retro&#x27; in a new stage &#x27;Review&#x27;." in response.content.decode()


def test_adding_a_task_in_a_known_stage_says_no_new_stage(client, matrix, editor):
    client.force_login(editor)
    response = client.post(_url("task-add", matrix), {"name": "Retro", "stage": "Market"}, follow=True)
    assert "new stage" not in response.content.decode().split("Added", 1)[1].split("</li>", 1)[0]


def test_the_stage_field_lists_the_known_stages_and_hints_that_a_new_name_creates_one(client, matrix, editor):
    client.force_login(editor)
    page = client.get(_url("matrix-detail", matrix)).content.decode()
    assert '<datalist id="stage-list"><option value="Market"></datalist>' in page
    assert 'id="stage-hint"' in page
    assert "a new name creates a new stage" in page


def test_pages_link_the_print_stylesheet(client, matrix, viewer):
    client.force_login(viewer)
    page = client.get(_url("matrix-detail", matrix)).content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print[^"]*\.css" media="print">', page)
