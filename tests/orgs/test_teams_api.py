"""The teams API: the tree, members and scoped role holdings, under the one access policy."""

from __future__ import annotations

import pytest

from orgs.models import RoleHolding
from orgs.teams import holding_add
from tests.factories import PersonFactory, RoleFactory, TeamFactory
from tests.helpers import assert_error

BASE = "/api/v1/orgs/acme-test/"


@pytest.fixture
def product(org):
    return TeamFactory(organization=org, name="Product")


def test_teams_list_in_tree_order_with_their_labels(client_for, viewer, org, product):
    TeamFactory(organization=org, name="Mobile", parent=product)
    answer = client_for(viewer).get(BASE + "teams/")
    assert answer.status_code == 200
    assert [(t["label"], t["depth"]) for t in answer.json()["results"]] == [
        ("Product", 1),
        ("Product / Mobile", 2),
    ]


def test_an_editor_creates_a_team_under_another(client_for, editor, product):
    answer = client_for(editor).post(BASE + "teams/", {"name": "Web", "parent": product.pk}, format="json")
    assert answer.status_code == 201
    assert answer.json()["label"] == "Product / Web"


def test_a_viewer_cannot_create_a_team(client_for, viewer):
    assert client_for(viewer).post(BASE + "teams/", {"name": "Web"}, format="json").status_code == 403


def test_an_outsider_does_not_learn_the_teams_exist(client_for, outsider, product):
    assert client_for(outsider).get(BASE + "teams/").status_code == 404
    assert client_for(outsider).get(f"{BASE}teams/{product.pk}/").status_code == 404


def test_another_organizations_team_is_not_a_parent(client_for, editor):
    elsewhere = TeamFactory()
    answer = client_for(editor).post(BASE + "teams/", {"name": "Web", "parent": elsewhere.pk}, format="json")
    assert answer.status_code == 400
    assert "no team" in str(answer.json())


def test_moving_a_team_under_its_own_team_is_refused(client_for, editor, org, product):
    mobile = TeamFactory(organization=org, name="Mobile", parent=product)
    answer = client_for(editor).patch(f"{BASE}teams/{product.pk}/", {"parent": mobile.pk}, format="json")
    assert answer.status_code == 400
    product.refresh_from_db()
    assert product.parent_id is None


def test_a_team_with_teams_under_it_is_not_deleted(client_for, editor, org, product):
    TeamFactory(organization=org, name="Mobile", parent=product)
    answer = client_for(editor).delete(f"{BASE}teams/{product.pk}/")
    assert_error(answer, 409, "team_in_use")


def test_members_are_replaced_with_put(client_for, editor, org, product):
    ana, ben = PersonFactory(organization=org, name="Ana"), PersonFactory(organization=org, name="Ben")
    answer = client_for(editor).put(
        f"{BASE}teams/{product.pk}/members/", {"people": [ana.pk, ben.pk]}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json() == {"people": [ana.pk, ben.pk]}


def test_another_organizations_person_cannot_join(client_for, editor, product):
    stranger = PersonFactory()
    answer = client_for(editor).put(
        f"{BASE}teams/{product.pk}/members/", {"people": [stranger.pk]}, format="json"
    )
    assert answer.status_code == 400
    assert not product.members.exists()


def test_a_role_is_held_for_a_team_through_the_api(client_for, editor, org, product):
    ben = PersonFactory(organization=org, name="Ben")
    RoleFactory(organization=org, code="PM")
    answer = client_for(editor).post(
        BASE + "holdings/", {"person": ben.pk, "role": "pm", "team": product.pk}, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["role"] == "PM"
    assert RoleHolding.objects.get(person=ben).team == product


def test_holdings_filter_by_team(client_for, viewer, org, product):
    pm = RoleFactory(organization=org, code="PM")
    ben, ana = PersonFactory(organization=org), PersonFactory(organization=org)
    holding_add(person=ben, role=pm, team=product)
    holding_add(person=ana, role=pm)
    answer = client_for(viewer).get(BASE + "holdings/", {"team": product.pk})
    assert [h["person"] for h in answer.json()["results"]] == [ben.pk]


def test_a_junk_filter_is_a_clear_error(client_for, viewer):
    answer = client_for(viewer).get(BASE + "holdings/", {"team": "mobile"})
    assert answer.status_code == 400


def test_people_show_organization_roles_apart_from_team_roles(client_for, viewer, org, product):
    pm = RoleFactory(organization=org, code="PM")
    ben = PersonFactory(organization=org, name="Ben")
    holding_add(person=ben, role=pm, team=product)
    answer = client_for(viewer).get(f"{BASE}people/{ben.pk}/")
    assert answer.json()["roles"] == []
    assert answer.json()["team_roles"] == [{"role": "PM", "team": product.pk}]
