"""Teams: the tree, scoped role holdings, and who a matrix's columns resolve to."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from orgs.models import RoleHolding, Team
from orgs.teams import (
    TeamInUse,
    holders_resolved,
    holding_add,
    organization_roles_set,
    person_teams_set,
    team_delete,
    team_find,
    team_move,
    team_update,
)
from raci.matrices.selectors import matrix_grid_get, matrix_grids_get
from tests.factories import PersonFactory, RoleFactory, TeamFactory


@pytest.fixture
def product(org):
    return TeamFactory(organization=org, name="Product")


@pytest.fixture
def mobile(org, product):
    return TeamFactory(organization=org, name="Mobile", parent=product)


@pytest.fixture
def pm(org):
    return RoleFactory(organization=org, code="PM")


def _chain(org, depth: int) -> list[Team]:
    teams, parent = [], None
    for level in range(depth):
        parent = TeamFactory(organization=org, name=f"Level {level}", parent=parent)
        teams.append(parent)
    return teams


def _resolve(scope, role):
    resolved, _ = holders_resolved(role_ids={role.pk}, scopes={scope})
    return resolved[(scope, role.pk)]


# --- The tree ---------------------------------------------------------------------------------


def test_a_team_path_lists_its_ancestors_from_the_root(product, mobile):
    assert mobile.lineage_ids == [product.pk, mobile.pk]
    assert mobile.depth == 2


def test_moving_a_team_moves_everything_under_it(org, product, mobile):
    web = TeamFactory(organization=org, name="Web")
    tablet = TeamFactory(organization=org, name="Tablet", parent=mobile)
    team_move(team=mobile, parent=web)
    tablet.refresh_from_db()
    assert tablet.lineage_ids == [web.pk, mobile.pk, tablet.pk]


def test_a_team_cannot_move_under_its_own_team(org, product, mobile):
    with pytest.raises(ValidationError, match="under itself"):
        team_move(team=product, parent=mobile)
    product.refresh_from_db()
    assert product.parent is None


def test_team_names_are_unique_under_one_parent_only(org, product, mobile):
    TeamFactory(organization=org, name="Mobile")  # another Mobile, at the top: allowed
    with pytest.raises(ValidationError, match="already exists"):
        TeamFactory(organization=org, name="mobile", parent=product)


def test_two_top_teams_cannot_share_a_name(org, product):
    with pytest.raises(ValidationError, match="already exists"):
        team_update(team=TeamFactory(organization=org, name="Sales"), name="product")


def test_a_team_with_teams_under_it_cannot_be_deleted(product, mobile):
    with pytest.raises(TeamInUse, match="teams under it"):
        team_delete(team=product)


def test_a_team_is_found_by_its_path_of_names(org, product, mobile):
    TeamFactory(organization=org, name="Mobile")
    assert team_find(org, "product / MOBILE") == mobile
    assert team_find(org, "Web/Mobile") is None


# --- Holdings ---------------------------------------------------------------------------------


def test_holding_a_role_for_a_team_makes_the_person_a_member(org, mobile, pm):
    ben = PersonFactory(organization=org, name="Ben")
    holding_add(person=ben, role=pm, team=mobile)
    assert list(ben.teams.all()) == [mobile]


def test_leaving_a_team_drops_the_roles_held_for_it(org, mobile, pm):
    ben = PersonFactory(organization=org, name="Ben")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=ben, role=pm)
    person_teams_set(person=ben, teams=[])
    assert list(RoleHolding.objects.filter(person=ben).values_list("team", flat=True)) == [None]


def test_setting_organization_roles_keeps_the_roles_held_for_teams(org, mobile, pm):
    ben = PersonFactory(organization=org, name="Ben")
    holding_add(person=ben, role=pm, team=mobile)
    organization_roles_set(person=ben, roles=[pm])
    organization_roles_set(person=ben, roles=[])
    assert list(RoleHolding.objects.filter(person=ben).values_list("team", flat=True)) == [mobile.pk]


def test_a_role_cannot_be_held_for_another_organizations_team(org, pm):
    elsewhere = TeamFactory()
    with pytest.raises(ValidationError, match="same organization"):
        holding_add(person=PersonFactory(organization=org), role=pm, team=elsewhere)


# --- Resolution -------------------------------------------------------------------------------


def test_a_team_role_resolves_to_the_team_holder(org, product, mobile, pm):
    ben, ana = PersonFactory(organization=org, name="Ben"), PersonFactory(organization=org, name="Ana")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=ana, role=pm)
    assert _resolve(mobile.pk, pm).person_ids == (ben.pk,)


def test_a_role_nobody_holds_in_the_team_falls_back_to_the_parent_team(org, product, mobile, pm):
    chloe = PersonFactory(organization=org, name="Chloe")
    holding_add(person=chloe, role=pm, team=product)
    holders = _resolve(mobile.pk, pm)
    assert holders.person_ids == (chloe.pk,)
    assert holders.team_id == product.pk


def test_then_to_the_organization(org, mobile, pm):
    ana = PersonFactory(organization=org, name="Ana", roles=[pm])
    holders = _resolve(mobile.pk, pm)
    assert holders.person_ids == (ana.pk,)
    assert holders.team_id is None


def test_a_holder_who_left_does_not_hide_the_parent_teams_holder(org, product, mobile, pm):
    gone = PersonFactory(organization=org, name="Gone", active=False)
    chloe = PersonFactory(organization=org, name="Chloe")
    holding_add(person=gone, role=pm, team=mobile)
    holding_add(person=chloe, role=pm, team=product)
    assert _resolve(mobile.pk, pm).person_ids == (chloe.pk,)


def test_a_role_held_only_by_people_who_left_still_names_them(org, mobile, pm):
    gone = PersonFactory(organization=org, name="Gone", active=False, roles=[pm])
    assert _resolve(mobile.pk, pm).person_ids == (gone.pk,)


def test_a_whole_organization_matrix_names_every_teams_holder_when_nobody_holds_it_for_all(
    org, product, mobile, pm
):
    ben, chloe = PersonFactory(organization=org, name="Ben"), PersonFactory(organization=org, name="Chloe")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=chloe, role=pm, team=product)
    holders = _resolve(None, pm)
    assert set(holders.person_ids) == {ben.pk, chloe.pk}
    assert holders.every_team


def test_a_team_matrix_does_not_borrow_a_sibling_teams_holder(org, product, mobile, pm):
    web = TeamFactory(organization=org, name="Web", parent=product)
    holding_add(person=PersonFactory(organization=org), role=pm, team=web)
    assert _resolve(mobile.pk, pm).person_ids == ()


@pytest.mark.parametrize("depth", [1, 5, 12])
def test_resolution_costs_two_queries_at_any_depth(org, pm, depth, django_assert_num_queries):
    teams = _chain(org, depth)
    holding_add(person=PersonFactory(organization=org), role=pm, team=teams[0])
    with django_assert_num_queries(2):
        resolved, _ = holders_resolved(role_ids={pm.pk}, scopes={teams[-1].pk, None})
    assert resolved[(teams[-1].pk, pm.pk)].team_id == teams[0].pk


# --- Matrices of a team -----------------------------------------------------------------------


def test_a_team_matrix_grid_names_the_team_holder_of_each_column(org, build_matrix, mobile, pm):
    matrix = build_matrix(organization=org, roles=["PM", "ENG"])
    matrix.team = mobile
    matrix.save()
    ben, ana = PersonFactory(organization=org, name="Ben"), PersonFactory(organization=org, name="Ana")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=ana, role=pm)
    grid = matrix_grid_get(matrix=matrix)
    assert [(p.name, sorted(p.role_codes)) for p in grid.people] == [("Ben", ["PM"])]


@pytest.mark.parametrize("depth", [1, 6])
def test_a_team_matrix_loads_in_the_same_queries_at_any_depth(
    org, build_matrix, pm, depth, django_assert_num_queries
):
    org.headcount = 50  # declared, so no count of the people
    org.save()
    teams = _chain(org, depth)
    matrix = build_matrix(organization=org, roles=["PM", "ENG"], people=True)
    matrix.team = teams[-1]
    matrix.save()
    holding_add(person=PersonFactory(organization=org), role=pm, team=teams[0])
    # columns, tasks, cells, the team's path, holdings, people
    with django_assert_num_queries(6):
        matrix_grid_get(matrix=matrix)


def test_matrices_of_two_teams_with_different_columns_load_together(org, build_matrix, product, mobile, pm):
    web = TeamFactory(organization=org, name="Web")
    first = build_matrix(organization=org, name="Mobile plan", roles=["PM"], team=mobile)
    second = build_matrix(organization=org, name="Web plan", roles=["ENG"], team=web)
    holding_add(person=PersonFactory(organization=org, name="Ben"), role=pm, team=mobile)
    # ENG is held for the whole organization, so it resolves in Mobile too, where it is no column.
    eng = second.columns.get().role
    holding_add(person=PersonFactory(organization=org, name="Eve"), role=eng)
    first.refresh_from_db()
    grids = matrix_grids_get(matrices=[first, second])
    assert [(p.name, sorted(p.role_codes)) for p in grids[first.pk].people] == [("Ben", ["PM"])]
    assert [p.name for p in grids[second.pk].people] == ["Eve"]
