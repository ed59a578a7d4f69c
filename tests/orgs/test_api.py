"""Organizations, members, roles and people over the API: who may do what, the
contracts scripts rely on, bad input, limits and query counts."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from orgs.models import Membership, Organization, Person, Role
from orgs.services import api_token_create
from tests.factories import MembershipFactory, PersonFactory, RoleFactory, UserFactory
from tests.helpers import API, assert_error, organization_state

OK = {"get": 200, "post": 201, "put": 200, "patch": 200, "delete": 204}


@pytest.fixture
def objects(org):
    """One of each object the detail endpoints address, in the cast's organization."""
    role = RoleFactory(organization=org, code="PM", name="Product manager")
    person = PersonFactory(organization=org, name="Ana Alvarez", roles=[role])
    target = MembershipFactory(organization=org, level=Membership.Level.VIEWER, user__username="target")
    UserFactory(username="newcomer")
    return {"slug": org.slug, "role": role.pk, "person": person.pk, "member": target.pk}


# (method, path under /api/v1/, body, level needed). Paths are formatted with ``objects``.
OPERATIONS = [
    ("get", "orgs/{slug}/", None, "view"),
    ("patch", "orgs/{slug}/", {"name": "Acme Renamed"}, "own"),
    ("delete", "orgs/{slug}/", None, "own"),
    ("get", "orgs/{slug}/members/", None, "view"),
    ("post", "orgs/{slug}/members/", {"username": "newcomer", "level": "viewer"}, "own"),
    ("get", "orgs/{slug}/members/{member}/", None, "view"),
    ("patch", "orgs/{slug}/members/{member}/", {"level": "editor"}, "own"),
    ("delete", "orgs/{slug}/members/{member}/", None, "own"),
    ("get", "orgs/{slug}/roles/", None, "view"),
    ("post", "orgs/{slug}/roles/", {"code": "PMM", "name": "Product marketing"}, "edit"),
    ("get", "orgs/{slug}/roles/{role}/", None, "view"),
    ("patch", "orgs/{slug}/roles/{role}/", {"name": "Product lead"}, "edit"),
    ("delete", "orgs/{slug}/roles/{role}/", None, "edit"),
    ("get", "orgs/{slug}/people/", None, "view"),
    ("post", "orgs/{slug}/people/", {"name": "Ben Brooks", "roles": ["PM"]}, "edit"),
    ("put", "orgs/{slug}/people/", {"people": [{"name": "Ben Brooks", "email": "ben@x.example"}]}, "edit"),
    ("get", "orgs/{slug}/people/{person}/", None, "view"),
    ("patch", "orgs/{slug}/people/{person}/", {"name": "Ana Brooks"}, "edit"),
    ("delete", "orgs/{slug}/people/{person}/", None, "edit"),
]
# What each write leaves in the database when it is allowed, given ``objects``.
WRITTEN = {
    ("patch", "orgs/{slug}/"): lambda ids: Organization.objects.filter(
        slug=ids["slug"], name="Acme Renamed"
    ).exists(),
    ("delete", "orgs/{slug}/"): lambda ids: not Organization.objects.filter(slug=ids["slug"]).exists(),
    ("post", "orgs/{slug}/members/"): lambda ids: Membership.objects.filter(
        organization__slug=ids["slug"], user__username="newcomer", level="viewer"
    ).exists(),
    ("patch", "orgs/{slug}/members/{member}/"): lambda ids: Membership.objects.filter(
        pk=ids["member"], level="editor"
    ).exists(),
    ("delete", "orgs/{slug}/members/{member}/"): lambda ids: (
        not Membership.objects.filter(pk=ids["member"]).exists()
    ),
    ("post", "orgs/{slug}/roles/"): lambda ids: Role.objects.filter(
        organization__slug=ids["slug"], code="PMM", name="Product marketing"
    ).exists(),
    ("patch", "orgs/{slug}/roles/{role}/"): lambda ids: Role.objects.filter(
        pk=ids["role"], name="Product lead"
    ).exists(),
    ("delete", "orgs/{slug}/roles/{role}/"): lambda ids: not Role.objects.filter(pk=ids["role"]).exists(),
    ("post", "orgs/{slug}/people/"): lambda ids: Person.objects.filter(
        organization__slug=ids["slug"], name="Ben Brooks", roles__code="PM"
    ).exists(),
    ("put", "orgs/{slug}/people/"): lambda ids: Person.objects.filter(
        organization__slug=ids["slug"], email="ben@x.example", active=True
    ).exists(),
    ("patch", "orgs/{slug}/people/{person}/"): lambda ids: Person.objects.filter(
        pk=ids["person"], name="Ana Brooks"
    ).exists(),
    ("delete", "orgs/{slug}/people/{person}/"): lambda ids: (
        not Person.objects.filter(pk=ids["person"]).exists()
    ),
}
LEVEL_ALLOWS = {
    "owner": {"view", "edit", "own"},
    "editor": {"view", "edit"},
    "viewer": {"view"},
}


def _id(operation) -> str:
    method, path, _, _ = operation
    return f"{method.upper()} {path}"


def _call(client: APIClient, method: str, url: str, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize("actor", ["owner", "editor", "viewer", "outsider"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=_id)
def test_access_set(request, client_for, org, objects, operation, actor):
    """Allowed writes land with the values sent; refused ones, and every read, change nothing."""
    method, path, body, need = operation
    client = client_for(request.getfixturevalue(actor))
    before = organization_state(org)
    response = _call(client, method, API + path.format(**objects), body)
    if actor == "outsider":
        assert_error(response, 404)
    elif need in LEVEL_ALLOWS[actor]:
        assert response.status_code == OK[method], response.content[:300]
        if method != "get":
            assert WRITTEN[(method, path)](objects)
            return
    else:
        assert_error(response, 403)
    assert organization_state(org) == before


DETAIL_OPERATIONS = [
    op for op in OPERATIONS if "{member}" in op[1] or "{role}" in op[1] or "{person}" in op[1]
]


@pytest.mark.parametrize("operation", DETAIL_OPERATIONS, ids=_id)
def test_missing_id_gets_404_and_changes_nothing(client_for, org, owner, objects, operation):
    method, path, body, _ = operation
    missing = {**objects, "role": 999_999, "person": 999_999, "member": 999_999}
    before = organization_state(org)
    response = _call(client_for(owner), method, API + path.format(**missing), body)
    assert_error(response, 404)
    assert organization_state(org) == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=_id)
def test_unknown_organization_slug_gets_404_and_changes_nothing(client_for, org, owner, objects, operation):
    method, path, body, _ = operation
    before = organization_state(org)
    response = _call(client_for(owner), method, API + path.format(**{**objects, "slug": "no-such-org"}), body)
    assert_error(response, 404)
    assert organization_state(org) == before
    assert not Organization.objects.filter(slug="no-such-org").exists()


def test_organization_list_shows_only_my_organizations_with_my_level(client_for, org, viewer, outsider):
    response = client_for(viewer).get(f"{API}orgs/")
    assert response.status_code == 200
    assert [(o["slug"], o["access"]) for o in response.json()["results"]] == [(org.slug, "viewer")]


def test_creating_an_organization_makes_the_creator_its_owner(client_for, outsider):
    response = client_for(outsider).post(f"{API}orgs/", {"name": "Newco", "slug": "newco"}, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "newco"
    assert response.json()["name"] == "Newco"
    assert response.json()["access"] == "owner"
    organization = Organization.objects.get(slug="newco")
    assert Membership.objects.filter(organization=organization, user=outsider, level="owner").exists()


def test_creating_an_organization_with_a_taken_slug_gets_400_and_creates_nothing(client_for, org, outsider):
    response = client_for(outsider).post(f"{API}orgs/", {"name": "Copy", "slug": org.slug}, format="json")
    assert "slug" in assert_error(response, 400, "invalid")["details"]
    assert Organization.objects.filter(slug=org.slug).count() == 1
    assert not Membership.objects.filter(organization=org, user=outsider).exists()


def test_owner_deletes_the_organization_with_everything_in_it(client_for, org, owner, editor, outsider):
    RoleFactory(organization=org, code="PM")
    PersonFactory(organization=org)
    other = Organization.objects.get(slug="elsewhere")
    RoleFactory(organization=other, code="PM")

    response = client_for(owner).delete(f"{API}orgs/{org.slug}/")

    assert response.status_code == 204
    assert not Organization.objects.filter(pk=org.pk).exists()
    for model in (Membership, Role, Person):
        assert not model.objects.filter(organization_id=org.pk).exists()
    assert Membership.objects.filter(organization=other, user=outsider).exists()
    assert Role.objects.filter(organization=other).count() == 1
    assert_error(client_for(owner).get(f"{API}orgs/{org.slug}/"), 404, "not_found")


def test_editor_gets_403_on_organization_delete_and_it_stays(client_for, org, editor):
    assert_error(client_for(editor).delete(f"{API}orgs/{org.slug}/"), 403, "permission_denied")
    assert Organization.objects.filter(pk=org.pk).exists()


def test_outsider_gets_404_on_organization_delete_and_it_stays(client_for, org, owner, outsider):
    assert_error(client_for(outsider).delete(f"{API}orgs/{org.slug}/"), 404, "not_found")
    assert Organization.objects.filter(pk=org.pk).exists()


def test_organization_update_changes_the_name(client_for, org, owner):
    response = client_for(owner).patch(f"{API}orgs/{org.slug}/", {"name": "Acme Inc"}, format="json")
    assert response.json()["name"] == "Acme Inc"
    org.refresh_from_db()
    assert org.name == "Acme Inc"


def test_role_create_contract(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "Product manager"}, format="json"
    )
    assert response.status_code == 201
    role = Role.objects.get(organization=org)
    assert response.json() == {
        "id": role.pk,
        "code": "PM",
        "name": "Product manager",
        "description": "",
        "order": role.order,
    }


def test_duplicate_role_code_gets_400_with_a_clear_message(client_for, org, editor):
    RoleFactory(organization=org, code="PM")
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "Again"}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "already exists" in error["message"]
    assert Role.objects.filter(organization=org).count() == 1


def test_duplicate_role_code_creates_nothing(client_for, org, editor):
    RoleFactory(organization=org, code="PM", name="Product manager")
    client_for(editor).post(f"{API}orgs/{org.slug}/roles/", {"code": "pm", "name": "Again"}, format="json")
    assert list(Role.objects.filter(organization=org).values_list("name", flat=True)) == ["Product manager"]


def test_same_role_code_is_allowed_in_another_organization(client_for, org, editor, outsider):
    elsewhere = RoleFactory(organization=outsider.memberships.get().organization, code="PM")
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "PM", "name": "PM"}, format="json"
    )
    assert response.status_code == 201
    assert Role.objects.filter(organization=org, code="PM", name="PM").exists()
    assert Role.objects.filter(code="PM").exclude(organization=org).get() == elsewhere


def test_lowercase_role_code_is_uppercased(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "pmm", "name": "PMM"}, format="json"
    )
    assert response.json()["code"] == "PMM"
    assert Role.objects.get(organization=org).code == "PMM"


def test_malformed_role_code_gets_400(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", {"code": "1 X", "name": "X"}, format="json"
    )
    assert "code" in assert_error(response, 400, "invalid")["details"]
    assert not Role.objects.exists()


def test_renaming_a_role_code_to_a_taken_code_gets_400(client_for, org, editor):
    RoleFactory(organization=org, code="PM")
    pmm = RoleFactory(organization=org, code="PMM")
    response = client_for(editor).patch(
        f"{API}orgs/{org.slug}/roles/{pmm.pk}/", {"code": "pm"}, format="json"
    )
    assert_error(response, 400, "invalid")
    pmm.refresh_from_db()
    assert pmm.code == "PMM"


def test_person_created_with_roles_shows_their_codes(client_for, org, editor):
    RoleFactory(organization=org, code="PM", order=1)
    RoleFactory(organization=org, code="PMM", order=2)
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ana Alvarez", "roles": ["pmm", "PM"]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["roles"] == ["PM", "PMM"]
    assert sorted(Person.objects.get().roles.values_list("code", flat=True)) == ["PM", "PMM"]


def test_people_list_shows_role_codes(client_for, org, viewer):
    pm = RoleFactory(organization=org, code="PM", order=1)
    eng = RoleFactory(organization=org, code="ENG", order=2)
    PersonFactory(organization=org, name="Ana", roles=[pm, eng])
    PersonFactory(organization=org, name="Ben")
    response = client_for(viewer).get(f"{API}orgs/{org.slug}/people/")
    assert [(p["name"], p["roles"]) for p in response.json()["results"]] == [
        ("Ana", ["PM", "ENG"]),
        ("Ben", []),
    ]


def test_unknown_role_code_on_a_new_person_gets_400_and_creates_nothing(client_for, org, editor):
    RoleFactory(organization=org, code="PM")
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ana", "roles": ["PM", "CFO"]}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert "CFO" in error["message"]
    assert "roles" in error["details"]
    assert not Person.objects.exists()


def test_unknown_role_code_on_a_person_update_gets_400_and_keeps_their_roles(client_for, org, editor):
    pm = RoleFactory(organization=org, code="PM")
    person = PersonFactory(organization=org, roles=[pm])
    response = client_for(editor).patch(
        f"{API}orgs/{org.slug}/people/{person.pk}/", {"roles": ["CFO"]}, format="json"
    )
    assert_error(response, 400, "invalid")
    assert list(person.roles.values_list("code", flat=True)) == ["PM"]


def test_person_update_replaces_their_roles(client_for, org, editor):
    pm = RoleFactory(organization=org, code="PM")
    RoleFactory(organization=org, code="PMM")
    person = PersonFactory(organization=org, roles=[pm])
    response = client_for(editor).patch(
        f"{API}orgs/{org.slug}/people/{person.pk}/", {"roles": ["PMM"]}, format="json"
    )
    assert response.json()["roles"] == ["PMM"]
    assert list(person.roles.values_list("code", flat=True)) == ["PMM"]


def test_duplicate_person_email_gets_400(client_for, org, editor):
    PersonFactory(organization=org, email="ana@example.com")
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ana 2", "email": "ANA@example.com"}, format="json"
    )
    assert_error(response, 400, "invalid")
    assert Person.objects.filter(organization=org).count() == 1


def test_duplicate_person_email_gets_a_clear_message(client_for, org, editor):
    PersonFactory(organization=org, email="ana@example.com")
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ana 2", "email": "ANA@example.com"}, format="json"
    )
    message = assert_error(response, 400, "invalid")["message"]
    assert "constraint" not in message.lower()
    assert "email" in message.lower()
    assert Person.objects.filter(organization=org).count() == 1


def test_owner_cannot_demote_the_last_owner(client_for, org, owner):
    membership = Membership.objects.get(user=owner)
    response = client_for(owner).patch(
        f"{API}orgs/{org.slug}/members/{membership.pk}/", {"level": "editor"}, format="json"
    )
    assert "owner" in assert_error(response, 400, "invalid")["message"]
    membership.refresh_from_db()
    assert membership.level == "owner"


def test_owner_cannot_remove_the_last_owner(client_for, org, owner):
    membership = Membership.objects.get(user=owner)
    response = client_for(owner).delete(f"{API}orgs/{org.slug}/members/{membership.pk}/")
    assert_error(response, 400, "invalid")
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_owner_may_step_down_when_another_owner_remains(client_for, org, owner):
    MembershipFactory(organization=org, level="owner")
    membership = Membership.objects.get(user=owner)
    response = client_for(owner).patch(
        f"{API}orgs/{org.slug}/members/{membership.pk}/", {"level": "viewer"}, format="json"
    )
    assert response.json()["level"] == "viewer"
    membership.refresh_from_db()
    assert membership.level == "viewer"


def test_adding_an_unknown_user_as_member_gets_400_and_changes_nothing(client_for, org, owner):
    before = organization_state(org)
    response = client_for(owner).post(
        f"{API}orgs/{org.slug}/members/", {"username": "ghost", "level": "viewer"}, format="json"
    )
    assert "ghost" in assert_error(response, 400, "invalid")["message"]
    assert organization_state(org) == before


def test_adding_an_existing_member_again_gets_400(client_for, org, owner, viewer):
    response = client_for(owner).post(
        f"{API}orgs/{org.slug}/members/", {"username": "viewer", "level": "editor"}, format="json"
    )
    assert_error(response, 400, "invalid")
    assert Membership.objects.get(user=viewer).level == "viewer"


@pytest.mark.parametrize(
    "path", ["orgs/", "orgs/{slug}/members/", "orgs/{slug}/roles/", "orgs/{slug}/people/"]
)
def test_list_endpoints_paginate(client_for, org, owner, path):
    RoleFactory(organization=org)
    PersonFactory(organization=org)
    body = client_for(owner).get(API + path.format(slug=org.slug)).json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert body["count"] == len(body["results"]) >= 1


def test_page_size_limits_a_page_and_next_links_the_rest(client_for, org, viewer):
    PersonFactory.create_batch(3, organization=org)
    client = client_for(viewer)
    first = client.get(f"{API}orgs/{org.slug}/people/?page_size=2").json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1


def test_page_past_the_end_gets_404(client_for, org, viewer):
    response = client_for(viewer).get(f"{API}orgs/{org.slug}/people/?page=99")
    assert_error(response, 404)


def test_bad_json_body_gets_400_with_error_shape(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", data='{"code": "PM",', content_type="application/json"
    )
    assert_error(response, 400)
    assert not Role.objects.exists()


def test_json_body_that_is_not_an_object_gets_400(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", data="[1, 2]", content_type="application/json"
    )
    assert_error(response, 400, "invalid")
    assert not Role.objects.exists()


def test_form_encoded_body_gets_415(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/",
        data="code=PM&name=PM",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error(response, 415)
    assert not Role.objects.exists()


def test_body_over_the_upload_limit_gets_413_with_error_shape(client_for, org, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"code": "PM", "name": "P", "description": "x" * 2000})
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/roles/", data=body, content_type="application/json"
    )
    assert_error(response, 413)
    assert not Role.objects.exists()


def test_token_over_its_rate_gets_429_with_error_shape(org, owner, settings):
    settings.RACI_THROTTLE_RATES = {"anon": "100/min", "token": "2/min"}
    _, key = api_token_create(user=owner, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert [client.get(f"{API}orgs/").status_code for _ in range(2)] == [200, 200]
    response = client.get(f"{API}orgs/")
    assert_error(response, 429)
    assert int(response["Retry-After"]) > 0


def test_throttle_counts_each_token_separately(org, owner, settings):
    settings.RACI_THROTTLE_RATES = {"anon": "100/min", "token": "1/min"}
    clients = []
    for name in ("one", "two"):
        _, key = api_token_create(user=owner, name=name)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        clients.append(client)
    assert [c.get(f"{API}orgs/").status_code for c in clients] == [200, 200]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/nothing/", "/api/v1/orgs/acme/matrices/x/"])
def test_unknown_api_url_gets_404_json_error(client_for, owner, path):
    assert_error(client_for(owner).get(path), 404, "not_found")


# Each list: session, user, membership (require_org; orgs/ reads the levels instead), count, page;
# people adds the roles prefetch.
@pytest.mark.parametrize(
    ("path", "bound"),
    [("orgs/", 5), ("orgs/{slug}/members/", 5), ("orgs/{slug}/roles/", 5), ("orgs/{slug}/people/", 6)],
)
def test_list_query_count_does_not_grow_with_rows(
    client_for, org, viewer, django_assert_max_num_queries, path, bound
):
    client = client_for(viewer)
    url = API + path.format(slug=org.slug)

    def populate(n: int) -> None:
        roles = RoleFactory.create_batch(2, organization=org)
        for _ in range(n):
            PersonFactory(organization=org, roles=roles)
            MembershipFactory(organization=org)
            MembershipFactory(user=viewer)  # more organizations for orgs/

    populate(3)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    populate(57)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
