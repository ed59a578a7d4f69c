"""A person's responsibilities follow the roles they do in each matrix's team."""

from __future__ import annotations

import pytest

from orgs.teams import holding_add
from raci.insights.selectors import person_responsibilities
from tests.factories import PersonFactory, RoleFactory, TeamFactory


@pytest.fixture
def lines(org, build_matrix):
    mobile, web = TeamFactory(organization=org, name="Mobile"), TeamFactory(organization=org, name="Web")
    pm = RoleFactory(organization=org, code="PM")
    ben = PersonFactory(organization=org, name="Ben")
    ana = PersonFactory(organization=org, name="Ana")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=ana, role=pm)
    build_matrix(organization=org, name="Mobile plan", roles=["PM"], tasks=2, team=mobile, published=True)
    build_matrix(organization=org, name="Web plan", roles=["PM"], tasks=3, team=web, published=True)
    return ben, ana


def test_a_team_pm_owns_their_teams_matrix_only(lines):
    ben, _ = lines
    assert {r.matrix_name for r in person_responsibilities(person=ben)} == {"Mobile plan"}


def test_the_organizations_pm_owns_what_no_team_pm_does(lines):
    _, ana = lines
    assert {r.matrix_name for r in person_responsibilities(person=ana)} == {"Web plan"}


def test_the_drafts_follow_the_same_resolution(lines):
    ben, _ = lines
    assert {r.matrix_name for r in person_responsibilities(person=ben, draft=True)} == {"Mobile plan"}


def test_the_person_page_lists_only_what_the_person_does(client, viewer, org, lines):
    ben, _ = lines
    client.force_login(viewer)
    page = client.get(f"/o/{org.slug}/people/{ben.pk}/").content.decode()
    assert "Mobile plan" in page
    assert "Web plan" not in page
