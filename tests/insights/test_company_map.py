"""The company-wide map: who owns each activity across published matrices, by team, with gaps
and duplicates."""

from __future__ import annotations

import csv
import io

import pytest

from orgs.teams import holding_add
from raci.insights.company_map import WHOLE_ORGANIZATION, company_map
from tests.factories import PersonFactory, RoleFactory, TeamFactory


@pytest.fixture
def lines(org):
    product = TeamFactory(organization=org, name="Product")
    mobile = TeamFactory(organization=org, name="Mobile", parent=product)
    web = TeamFactory(organization=org, name="Web", parent=product)
    pm = RoleFactory(organization=org, code="PM")
    holding_add(person=PersonFactory(organization=org, name="Ben"), role=pm, team=mobile)
    holding_add(person=PersonFactory(organization=org, name="Chloe"), role=pm, team=web)
    return product, mobile, web


@pytest.fixture
def published(org, build_matrix, lines):
    _, mobile, web = lines
    build_matrix(
        organization=org, name="Mobile", roles=["PM", "ENG"], tasks=["Pricing", "Roadmap"], team=mobile,
        published=True,
    )  # fmt: skip
    build_matrix(
        organization=org, name="Web", roles=["PM", "ENG"], tasks=["pricing", "Win/loss"], team=web,
        cells={("Win/loss", "PM"): ""}, published=True,
    )  # fmt: skip


def _activity(result, name):
    return next(a for a in result.activities if a.name.casefold() == name.casefold())


def test_each_ownership_names_the_people_of_its_team(org, published):
    result = company_map(organization=org)
    owners = {o.team: o.accountable[0].people for o in _activity(result, "Pricing").ownerships}
    assert owners == {"Product / Mobile": ("Ben",), "Product / Web": ("Chloe",)}


def test_an_activity_accountable_in_two_teams_is_a_duplicate(org, published):
    result = company_map(organization=org)
    assert [a.name for a in result.duplicates] == ["Pricing"]


def test_an_activity_nobody_owns_is_a_gap(org, published):
    result = company_map(organization=org)
    assert [a.name for a in result.gaps] == ["Win/loss"]


def test_a_team_map_keeps_to_the_team_and_the_teams_under_it(org, published, lines):
    _, mobile, _ = lines
    result = company_map(organization=org, team=mobile)
    assert result.scope == "Product / Mobile"
    assert [a.name for a in result.activities] == ["Pricing", "Roadmap"]
    assert result.duplicates == []


def test_drafts_are_not_on_the_map(org, build_matrix, published):
    build_matrix(organization=org, name="Unpublished", tasks=["Secret plan"])
    assert "Secret plan" not in {a.name for a in company_map(organization=org).activities}


def test_a_matrix_of_the_whole_organization_is_grouped_apart(org, build_matrix, lines):
    build_matrix(organization=org, name="Company", roles=["PM"], tasks=["Vision"], published=True)
    result = company_map(organization=org)
    assert result.teams() == [WHOLE_ORGANIZATION]
    # PM is held only for teams: the whole organization's matrix names every PM.
    assert _activity(result, "Vision").ownerships[0].accountable[0].people == ("Ben", "Chloe")


@pytest.mark.parametrize("matrices", [1, 6])
def test_the_map_costs_the_same_queries_for_more_teams_and_matrices(
    org, build_matrix, matrices, django_assert_num_queries
):
    pm = RoleFactory(organization=org, code="PM")
    for i in range(matrices):
        team = TeamFactory(organization=org, name=f"Line {i}")
        holding_add(person=PersonFactory(organization=org), role=pm, team=team)
        build_matrix(organization=org, name=f"M{i}", roles=["PM"], tasks=3, team=team, published=True)
    # teams, matrices, tasks, cells, the teams' paths, holdings, people (and the activities of
    # the frameworks adopted, when there are any)
    with django_assert_num_queries(7):
        result = company_map(organization=org)
    assert len(result.activities) == 3


def test_the_page_shows_gaps_and_duplicates(client, viewer, org, published):
    client.force_login(viewer)
    page = client.get(f"/o/{org.slug}/map/").content.decode()
    assert 'id="map-gaps"' in page
    assert "Accountable in Product / Mobile and Product / Web" in page


def test_the_map_downloads_as_csv(client, viewer, org, published):
    client.force_login(viewer)
    answer = client.get(f"/o/{org.slug}/map/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Activity", "Stage", "Team", "Matrix"]
    assert ["Pricing", "Stage 0", "Product / Mobile", "Mobile", "PM (Ben)", "PM (Ben)", "", "yes"] in rows


def test_a_team_of_another_organization_is_refused(client, viewer, org, published):
    client.force_login(viewer)
    assert client.get(f"/o/{org.slug}/map/", {"team": TeamFactory().pk}).status_code == 400
    assert client.get(f"/o/{org.slug}/map/", {"team": "²"}).status_code == 400


def test_the_api_answers_the_map_and_hides_it_from_outsiders(client_for, viewer, outsider, org, published):
    answer = client_for(viewer).get(f"/api/v1/orgs/{org.slug}/map/")
    assert answer.json()["duplicates"] == ["Pricing"]
    assert client_for(outsider).get(f"/api/v1/orgs/{org.slug}/map/").status_code == 404


def test_the_api_pages_the_activities_and_refuses_a_page_out_of_range(client_for, viewer, org, published):
    answer = client_for(viewer).get(f"/api/v1/orgs/{org.slug}/map/", {"page": 1}).json()
    assert (answer["page"], answer["pages"], answer["activity_count"]) == (1, 1, 3)
    assert client_for(viewer).get(f"/api/v1/orgs/{org.slug}/map/", {"page": 2}).status_code == 400


def test_a_persons_load_adds_up_the_roles_they_do_in_each_teams_matrices(org, published, lines):
    result = company_map(organization=org)
    ben = next(p for p in result.load.people if p.name == "Ben")
    # Mobile: PM is A/R on Pricing and Roadmap.
    assert (ben.accountable, ben.responsible, ben.teams) == (2, 2, {"Product / Mobile"})
    mobile = next(t for t in result.load.teams if t.team == "Product / Mobile")
    assert (mobile.accountable, len(mobile.people)) == (2, 1)


def test_a_small_load_is_never_called_overloaded(org, published):
    # Ben carries 4 tasks against a mean of 3: under the five-task floor whatever the ratio.
    assert company_map(organization=org).load.overloaded == []


def test_someone_carrying_far_more_than_the_others_is_overloaded(org, build_matrix, lines):
    _, mobile, web = lines
    build_matrix(organization=org, name="Big", roles=["PM"], tasks=12, team=mobile, published=True)
    for i in range(3):
        holder = PersonFactory(organization=org, name=f"Light {i}")
        role = RoleFactory(organization=org, code=f"L{i}")
        holding_add(person=holder, role=role, team=web)
        build_matrix(organization=org, name=f"Light {i}", roles=[f"L{i}"], tasks=1, team=web, published=True)
    overloaded = company_map(organization=org).load.overloaded
    assert [p.name for p in overloaded] == ["Ben"]
