"""The role form and service say every problem at once, not one per submit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgs.models import Role
from orgs.services import role_create, role_update
from tests.factories import RoleFactory


def test_role_form_shows_every_problem_at_once(client, org, editor):
    client.force_login(editor)
    response = client.post(reverse("settings-roles", args=[org.slug]), {"code": "p m", "name": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "A role code is 1–16 capital letters" in page
    assert "This field is required" in page


def test_role_create_lists_a_taken_code_and_a_bad_name_together(org):
    RoleFactory(organization=org, code="PM")
    with pytest.raises(ValidationError) as caught:
        role_create(organization=org, code="pm", name="x" * 121)
    assert set(caught.value.message_dict) == {"code", "name"}


def test_role_create_with_a_taken_code_creates_nothing(org):
    RoleFactory(organization=org, code="PM")
    with pytest.raises(ValidationError):
        role_create(organization=org, code="PM", name="Again")
    assert Role.objects.filter(organization=org).count() == 1


def test_role_update_lists_a_taken_code_and_a_bad_name_together(org):
    RoleFactory(organization=org, code="PM")
    role = RoleFactory(organization=org, code="ENG", name="Engineering")
    with pytest.raises(ValidationError) as caught:
        role_update(role=role, code="pm", name="x" * 121)
    assert set(caught.value.message_dict) == {"code", "name"}
    role.refresh_from_db()
    assert (role.code, role.name) == ("ENG", "Engineering")


def test_role_form_says_a_taken_code_and_a_missing_name_together(client, org, editor):
    RoleFactory(organization=org, code="PM")
    client.force_login(editor)

    response = client.post(reverse("settings-roles", args=[org.slug]), {"code": "pm", "name": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert "A role PM already exists in this organization." in page
    assert "This field is required" in page
    assert Role.objects.filter(organization=org).count() == 1


def test_role_edit_form_keeps_its_own_code_and_refuses_another_roles_code_with_a_missing_name(
    client, org, editor
):
    RoleFactory(organization=org, code="PM")
    role = RoleFactory(organization=org, code="ENG", name="Engineering")
    client.force_login(editor)
    url = reverse("settings-role-edit", args=[org.slug, role.pk])

    kept = client.post(url, {"code": "ENG", "name": "Engineers"})
    refused = client.post(url, {"code": "PM", "name": ""})

    assert kept.status_code == 302
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "A role PM already exists in this organization." in page
    assert "This field is required" in page
    role.refresh_from_db()
    assert (role.code, role.name) == ("ENG", "Engineers")
