"""The teams pages: the tree, a team's members and the roles held for it."""

from __future__ import annotations

import pytest

from orgs.models import RoleHolding, Team
from orgs.teams import holding_add
from tests.factories import PersonFactory, RoleFactory, TeamFactory


@pytest.fixture
def product(org):
    return TeamFactory(organization=org, name="Product")


def _url(org, team=None, tail=""):
    base = f"/o/{org.slug}/settings/teams/"
    return base + (f"{team.pk}/" if team else "") + tail


def test_an_organization_without_teams_is_told_how_to_start(client, viewer, org):
    client.force_login(viewer)
    page = client.get(_url(org)).content.decode()
    assert 'id="no-teams"' in page
    assert 'id="add-team"' not in page  # viewers read only


def test_an_editor_adds_a_team_under_another(client, editor, org, product):
    client.force_login(editor)
    answer = client.post(_url(org), {"name": "Mobile", "parent": product.pk})
    mobile = Team.objects.get(name="Mobile")
    assert answer.status_code == 302
    assert mobile.parent == product


def test_a_duplicate_team_name_is_a_form_error_and_nothing_changes(client, editor, org, product):
    client.force_login(editor)
    answer = client.post(_url(org), {"name": "product"})
    assert answer.status_code == 400
    assert "already exists" in answer.content.decode()
    assert Team.objects.count() == 1


def test_a_viewer_cannot_add_a_team(client, viewer, org):
    client.force_login(viewer)
    assert client.post(_url(org), {"name": "Mobile"}).status_code == 403


def test_an_outsider_gets_a_404_for_a_team(client, outsider, org, product):
    client.force_login(outsider)
    assert client.get(_url(org, product)).status_code == 404


def test_the_tree_page_costs_the_same_queries_for_many_teams(
    client, viewer, org, product, django_assert_max_num_queries
):
    client.force_login(viewer)
    pm = RoleFactory(organization=org, code="PM")
    for i in range(15):
        team = TeamFactory(organization=org, name=f"Line {i}", parent=product)
        holding_add(person=PersonFactory(organization=org), role=pm, team=team)
    with django_assert_max_num_queries(8):
        page = client.get(_url(org))
    assert page.content.decode().count("PM:") == 15


def test_a_role_is_held_for_the_team_from_its_page(client, editor, org, product):
    client.force_login(editor)
    ben = PersonFactory(organization=org, name="Ben")
    pm = RoleFactory(organization=org, code="PM")
    answer = client.post(_url(org, product), {"action": "hold", "person": ben.pk, "role": pm.pk})
    assert answer.status_code == 302
    assert RoleHolding.objects.get(person=ben, role=pm).team == product


def test_a_team_cannot_be_moved_under_its_own_team_from_the_page(client, editor, org, product):
    client.force_login(editor)
    mobile = TeamFactory(organization=org, name="Mobile", parent=product)
    answer = client.post(_url(org, product), {"action": "edit", "name": "Product", "parent": mobile.pk})
    assert answer.status_code == 400
    product.refresh_from_db()
    assert product.parent is None


def test_deleting_a_team_with_teams_under_it_says_why_and_keeps_it(client, editor, org, product):
    client.force_login(editor)
    TeamFactory(organization=org, name="Mobile", parent=product)
    answer = client.post(_url(org, product, "delete/"), follow=True)
    assert "teams under it" in answer.content.decode()
    assert Team.objects.filter(pk=product.pk).exists()


def test_removing_a_holding_from_another_team_is_a_404(client, editor, org, product):
    client.force_login(editor)
    other = TeamFactory(organization=org, name="Web")
    holding = holding_add(
        person=PersonFactory(organization=org), role=RoleFactory(organization=org, code="PM"), team=other
    )
    assert client.post(_url(org, product, f"holdings/{holding.pk}/remove/")).status_code == 404
    assert RoleHolding.objects.filter(pk=holding.pk).exists()
