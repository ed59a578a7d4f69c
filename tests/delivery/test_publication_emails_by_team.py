"""Publication emails go to the people behind the columns in the matrix's team."""

from __future__ import annotations

from orgs.teams import holding_add
from raci.revisions.services import matrix_publish
from tests.factories import PersonFactory, RoleFactory, TeamFactory


def test_a_team_matrix_publication_reaches_that_teams_pm_only(
    org, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    mobile, web = TeamFactory(organization=org, name="Mobile"), TeamFactory(organization=org, name="Web")
    pm = RoleFactory(organization=org, code="PM")
    holding_add(
        person=PersonFactory(organization=org, name="Ben", email="ben@example.com"), role=pm, team=mobile
    )
    holding_add(
        person=PersonFactory(organization=org, name="Chloe", email="chloe@example.com"), role=pm, team=web
    )
    matrix = build_matrix(organization=org, name="Web plan", roles=["PM"], tasks=3, team=web)
    with django_capture_on_commit_callbacks(execute=True):
        matrix_publish(matrix=matrix, override_reason="test")
    assert [m.to for m in mailoutbox] == [["chloe@example.com"]]
    assert "Task 0" in mailoutbox[0].body
