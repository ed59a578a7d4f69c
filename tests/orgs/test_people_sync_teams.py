"""The HR sync with team paths: a person joins their team and holds their roles for it."""

from __future__ import annotations

import pytest

from orgs.models import RoleHolding
from orgs.people_sync import PeopleRejected, PersonRecord, people_sync
from orgs.teams import holding_add
from tests.factories import PersonFactory, RoleFactory, TeamFactory


@pytest.fixture
def mobile(org):
    return TeamFactory(organization=org, name="Mobile", parent=TeamFactory(organization=org, name="Product"))


@pytest.fixture
def pm(org):
    return RoleFactory(organization=org, code="PM")


def _sync(org, *records, dry_run=False):
    return people_sync(organization=org, records=list(records), deactivate_missing=False, dry_run=dry_run)


def test_a_team_path_makes_the_person_a_member_holding_the_roles_for_it(org, mobile, pm):
    _sync(org, PersonRecord(name="Ben", email="ben@example.com", roles=("PM",), team="product / MOBILE"))
    holding = RoleHolding.objects.get(person__email="ben@example.com")
    assert (holding.role, holding.team) == (pm, mobile)
    assert list(holding.person.teams.all()) == [mobile]


def test_the_same_list_with_a_team_twice_changes_nothing_the_second_time(org, mobile, pm):
    ben = PersonRecord(name="Ben", email="ben@example.com", roles=("PM",), team="Product/Mobile")
    _sync(org, ben)
    result = _sync(org, ben)
    assert result.is_empty
    assert result.unchanged == 1


def test_a_person_moving_team_in_the_list_holds_the_roles_for_the_new_team(org, mobile, pm):
    web = TeamFactory(organization=org, name="Web")
    _sync(org, PersonRecord(name="Ben", email="ben@example.com", roles=("PM",), team="Product / Mobile"))
    _sync(org, PersonRecord(name="Ben", email="ben@example.com", roles=("PM",), team="Web"))
    assert list(RoleHolding.objects.values_list("team", flat=True)) == [web.pk]


def test_a_list_without_teams_leaves_the_roles_held_for_teams_alone(org, mobile, pm):
    ben = PersonFactory(organization=org, name="Ben", email="ben@example.com")
    holding_add(person=ben, role=pm, team=mobile)
    _sync(org, PersonRecord(name="Ben", email="ben@example.com", roles=()))
    assert RoleHolding.objects.get(person=ben).team == mobile


def test_an_unknown_team_is_a_clear_error_and_nothing_is_written(org, mobile, pm):
    with pytest.raises(PeopleRejected) as refusal:
        _sync(org, PersonRecord(name="Ben", email="ben@example.com", roles=("PM",), team="Mobile", ref=3))
    (issue,) = refusal.value.issues
    assert (issue.ref, issue.field) == (3, "team")
    assert "No team Mobile" in issue.message
    assert not RoleHolding.objects.exists()


def test_the_api_takes_a_team_path_per_person(client_for, editor, org, mobile, pm):
    answer = client_for(editor).put(
        f"/api/v1/orgs/{org.slug}/people/",
        {
            "people": [
                {"name": "Ben", "email": "ben@example.com", "roles": ["PM"], "team": "Product / Mobile"}
            ]
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert RoleHolding.objects.get().team == mobile
