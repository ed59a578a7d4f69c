"""A matrix belongs to a team or to the whole organization, changed through the one writer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from orgs.teams import holding_add
from raci.matrices.models import ChangeRecord
from raci.matrices.services import matrix_update
from tests.factories import PersonFactory, TeamFactory
from tests.helpers import assert_error


@pytest.fixture
def mobile(org):
    return TeamFactory(organization=org, name="Mobile")


def test_giving_a_matrix_to_a_team_is_recorded_in_its_history(org, build_matrix, mobile):
    matrix = build_matrix(organization=org)
    matrix_update(matrix=matrix, team=mobile)
    record = ChangeRecord.objects.get(matrix=matrix, field="team")
    assert (record.before, record.after) == ("the whole organization", "Mobile")
    assert matrix.version == 2


def test_a_matrix_cannot_belong_to_another_organizations_team(org, build_matrix):
    matrix = build_matrix(organization=org)
    with pytest.raises(ValidationError, match="own organization"):
        matrix_update(matrix=matrix, team=TeamFactory())
    matrix.refresh_from_db()
    assert matrix.team is None


def test_the_api_moves_a_matrix_to_a_team_and_back(client_for, editor, org, build_matrix, mobile):
    matrix = build_matrix(organization=org)
    url = f"/api/v1/orgs/{org.slug}/matrices/{matrix.pk}/"
    assert client_for(editor).patch(url, {"team": mobile.pk}, format="json").json()["team"] == mobile.pk
    assert client_for(editor).patch(url, {"team": None}, format="json").json()["team"] is None


def test_the_api_refuses_a_team_of_another_organization(client_for, editor, org, build_matrix):
    matrix = build_matrix(organization=org)
    answer = client_for(editor).patch(
        f"/api/v1/orgs/{org.slug}/matrices/{matrix.pk}/", {"team": TeamFactory().pk}, format="json"
    )
    assert_error(answer, 400)


def test_the_settings_page_offers_the_teams_by_their_path(client_for, editor, org, build_matrix, mobile):
    TeamFactory(organization=org, name="iOS", parent=mobile)
    matrix = build_matrix(organization=org)
    page = client_for(editor).get(f"/o/{org.slug}/m/{matrix.pk}/settings/")
    assert page.status_code == 200
    assert "Mobile / iOS" in page.content.decode()


def test_the_api_names_who_does_each_column_in_the_matrixs_team(
    client_for, viewer, org, build_matrix, mobile
):
    matrix = build_matrix(organization=org, roles=["PM", "ENG"], team=mobile)
    pm = matrix.columns.get(role__code="PM").role
    holding_add(person=PersonFactory(organization=org, name="Ben"), role=pm, team=mobile)
    holding_add(person=PersonFactory(organization=org, name="Ana"), role=pm)
    answer = client_for(viewer).get(f"/api/v1/orgs/{org.slug}/matrices/{matrix.pk}/").json()
    assert [p["name"] for p in answer["people"]["PM"]] == ["Ben"]
    assert answer["people"]["ENG"] == []


def test_the_editor_names_who_does_each_column_and_says_when_nobody_does(
    client, viewer, org, build_matrix, mobile
):
    matrix = build_matrix(organization=org, roles=["PM", "ENG"], team=mobile)
    pm = matrix.columns.get(role__code="PM").role
    holding_add(person=PersonFactory(organization=org, name="Ben"), role=pm, team=mobile)
    client.force_login(viewer)
    page = client.get(f"/o/{org.slug}/m/{matrix.pk}/").content.decode()
    assert '<span class="holders" title="Ben">Ben</span>' in page
    assert 'title="Nobody holds ENG in Mobile">nobody</span>' in page
    assert '<span class="team"' in page
