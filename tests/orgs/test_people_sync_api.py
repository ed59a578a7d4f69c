"""PUT /api/v1/orgs/{slug}/people/: the HR sync. The full list in, what changed out; idempotent;
?dry_run=1 writes nothing; bad entries are reported with their position and nothing is written."""

from __future__ import annotations

import pytest

from orgs.models import Person
from tests.factories import PersonFactory, RoleFactory
from tests.helpers import API, assert_error, organization_state


@pytest.fixture
def url(org):
    return f"{API}orgs/{org.slug}/people/"


@pytest.fixture
def roles(org):
    return [RoleFactory(organization=org, code=code) for code in ("PM", "ENG")]


def entry(name="Ana Alvarez", email="ana@acme.example", **extra) -> dict:
    return {"name": name, "email": email, **extra}


def test_sync_answers_what_was_created_updated_and_deactivated(client_for, owner, org, roles, url):
    PersonFactory(organization=org, name="Ana", email="ana@acme.example")
    PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    body = {"people": [entry(title="CPO", roles=["pm"]), entry("Ben", "ben@acme.example", roles=["ENG"])]}

    response = client_for(owner).put(url, body, format="json")

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["dry_run"] is False
    assert [(p["email"], p["changes"]) for p in answer["created"]] == [("ben@acme.example", [])]
    assert [(p["email"], p["changes"]) for p in answer["updated"]] == [
        ("ana@acme.example", ["name", "title", "roles"])
    ]
    assert [p["email"] for p in answer["deactivated"]] == ["cy@acme.example"]
    assert answer["unchanged"] == 0
    ana = Person.objects.get(organization=org, email="ana@acme.example")
    assert (ana.name, ana.title, list(ana.roles.values_list("code", flat=True))) == (
        "Ana Alvarez",
        "CPO",
        ["PM"],
    )


def test_the_same_list_twice_answers_nothing_changed(client_for, editor, org, roles, url):
    body = {"people": [entry(roles=["PM"]), entry("Ben", "ben@acme.example")]}
    client_for(editor).put(url, body, format="json")
    before = organization_state(org)

    answer = client_for(editor).put(url, body, format="json").json()

    assert (answer["created"], answer["updated"], answer["deactivated"], answer["unchanged"]) == (
        [],
        [],
        [],
        2,
    )
    assert organization_state(org) == before


def test_dry_run_answers_what_would_change_and_writes_nothing(client_for, owner, org, roles, url):
    PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    before = organization_state(org)

    answer = client_for(owner).put(url + "?dry_run=1", {"people": [entry()]}, format="json").json()

    assert answer["dry_run"] is True
    assert [p["email"] for p in answer["created"]] == ["ana@acme.example"]
    assert [p["email"] for p in answer["deactivated"]] == ["cy@acme.example"]
    assert organization_state(org) == before


def test_a_dry_run_flag_that_is_not_yes_or_no_gets_400(client_for, owner, org, url):
    response = client_for(owner).put(url + "?dry_run=maybe", {"people": [entry()]}, format="json")
    assert "dry_run" in assert_error(response, 400, "invalid")["details"]
    assert not Person.objects.filter(organization=org).exists()


def test_bad_entries_are_reported_by_position_and_nothing_is_written(client_for, owner, org, roles, url):
    PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    before = organization_state(org)
    body = {
        "people": [
            entry(),
            entry("Ben", "not-an-email"),
            entry("Cy", "cy@acme.example", roles=["SALES"]),
            entry("Ana twice", "ANA@acme.example"),
        ]
    }

    error = assert_error(client_for(owner).put(url, body, format="json"), 400, "invalid")

    assert [(i["ref"], i["field"]) for i in error["details"]["people"]] == [
        (1, "email"),
        (2, "roles"),
        (3, "email"),
    ]
    assert "3 problems" in error["message"]
    assert organization_state(org) == before


def test_an_empty_list_is_refused_so_a_broken_export_deactivates_no_one(client_for, owner, org, url):
    person = PersonFactory(organization=org)
    response = client_for(owner).put(url, {"people": []}, format="json")
    assert "people" in assert_error(response, 400, "invalid")["details"]
    person.refresh_from_db()
    assert person.active is True


@pytest.mark.parametrize(
    "body",
    [[entry()], {"people": "everyone"}, {"people": [{"name": "No email"}]}, {"people": [entry(roles="PM")]}],
    ids=["bare-list", "not-a-list", "missing-email", "roles-not-a-list"],
)
def test_a_body_of_the_wrong_shape_gets_400(client_for, owner, org, url, body):
    assert_error(client_for(owner).put(url, body, format="json"), 400, "invalid")
    assert not Person.objects.filter(organization=org).exists()


def test_sync_never_touches_another_organizations_people(client_for, owner, outsider, org, url):
    theirs = PersonFactory(organization=outsider.memberships.get().organization, email="ana@acme.example")
    client_for(owner).put(url, {"people": [entry("Someone", "someone@acme.example")]}, format="json")
    theirs.refresh_from_db()
    assert theirs.active is True
    assert theirs.name != "Someone"


def test_outsider_gets_404_and_nothing_changes(client_for, outsider, org, owner, url):
    PersonFactory(organization=org, email="cy@acme.example")
    before = organization_state(org)
    assert_error(client_for(outsider).put(url, {"people": [entry()]}, format="json"), 404)
    assert organization_state(org) == before


def test_sync_is_in_the_api_schema(client_for, owner):
    schema = client_for(owner).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/orgs/{org_slug}/people/"]["put"]
    assert "dry_run" in [p["name"] for p in operation["parameters"]]
    assert "200" in operation["responses"]


@pytest.mark.parametrize("size", [3, 80])
def test_sync_query_count_does_not_grow_with_the_list(
    client_for, token_client, owner, org, roles, url, size, django_assert_num_queries
):
    client = token_client(owner)
    body = {"people": [entry(f"P{i}", f"p{i}@acme.example", roles=["PM"]) for i in range(size)]}
    # token, its last use, membership (require_org), roles, (savepoint) lock organization, people, holdings,
    # members, (savepoint) insert people, insert holdings, (release), (release)
    with django_assert_num_queries(14):
        response = client.put(url, body, format="json")
    assert response.status_code == 200
