"""Settings pages: roles, people, members, API tokens.

Every page and action answers the access questions (owner, editor, viewer, outsider,
anonymous, another organization's id) and its behaviours (errors shown, nothing changed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from orgs.models import ApiToken, Membership, Organization, Person, Role
from orgs.services import api_token_create
from raci.matrices.models import Assignment, MatrixRole
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, RoleFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # The API's throttle counters live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def role(org):
    return RoleFactory(organization=org, code="PM", name="Product manager")


@pytest.fixture
def person(org, role):
    return PersonFactory(organization=org, name="Ada Lovelace", email="ada@example.com", roles=[role])


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org, level=Membership.Level.VIEWER, user__username="member")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Other", slug="other")


@pytest.fixture
def foreign(other_org):
    """Objects of another organization, to post their ids under our organization's slug."""
    role = RoleFactory(organization=other_org, code="SALES")
    return {
        "role": role,
        "person": PersonFactory(organization=other_org, name="Grace", roles=[role]),
        "inactive": PersonFactory(organization=other_org, name="Gus", active=False),
        "member": MembershipFactory(organization=other_org, level=Membership.Level.EDITOR),
    }


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def post_form_actions(response) -> list[str]:
    """The actions of the POST forms on a page."""
    tags = re.findall(r"<form\b[^>]*>", response.content.decode())
    return [re.search(r'action="([^"]*)"', tag).group(1) for tag in tags if 'method="post"' in tag]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Actions: each is one POST form of a page -----------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    url_name: str
    target: str | None  # which fixture object's id goes in the URL
    data: dict
    need: str  # "edit" or "own"
    # Whether the database holds what the action writes, given the organization and ``objects``.
    written: Callable[[Organization, dict], bool]


ACTIONS = [
    Action(
        "role-create",
        "settings-roles",
        None,
        {"code": "PMM", "name": "Product marketing"},
        "edit",
        lambda org, o: Role.objects.filter(organization=org, code="PMM", name="Product marketing").exists(),
    ),
    Action(
        "role-edit",
        "settings-role-edit",
        "role",
        {"code": "PM", "name": "Renamed"},
        "edit",
        lambda org, o: Role.objects.filter(pk=o["role"].pk, code="PM", name="Renamed").exists(),
    ),
    Action(
        "role-delete",
        "settings-role-delete",
        "role",
        {},
        "edit",
        lambda org, o: not Role.objects.filter(pk=o["role"].pk).exists(),
    ),
    Action(
        "person-create",
        "settings-people",
        None,
        {"name": "Bob", "email": "bob@example.com"},
        "edit",
        lambda org, o: Person.objects.filter(organization=org, name="Bob", email="bob@example.com").exists(),
    ),
    Action(
        "person-edit",
        "settings-person-edit",
        "person",
        {"name": "Ada L.", "email": ""},
        "edit",
        lambda org, o: Person.objects.filter(pk=o["person"].pk, name="Ada L.", email="").exists(),
    ),
    Action(
        "person-deactivate",
        "settings-person-deactivate",
        "person",
        {},
        "edit",
        lambda org, o: Person.objects.filter(pk=o["person"].pk, active=False).exists(),
    ),
    Action(
        "person-reactivate",
        "settings-person-reactivate",
        "inactive",
        {},
        "edit",
        lambda org, o: Person.objects.filter(pk=o["inactive"].pk, active=True).exists(),
    ),
    Action(
        "person-delete",
        "settings-person-delete",
        "person",
        {},
        "edit",
        lambda org, o: not Person.objects.filter(pk=o["person"].pk).exists(),
    ),
    Action(
        "member-add",
        "settings-members",
        None,
        {"username": "newbie", "level": "viewer"},
        "own",
        lambda org, o: Membership.objects.filter(
            organization=org, user__username="newbie", level="viewer"
        ).exists(),
    ),
    Action(
        "member-level",
        "settings-member-level",
        "member",
        {"level": "editor"},
        "own",
        lambda org, o: Membership.objects.filter(pk=o["member"].pk, level="editor").exists(),
    ),
    Action(
        "member-remove",
        "settings-member-remove",
        "member",
        {},
        "own",
        lambda org, o: not Membership.objects.filter(pk=o["member"].pk).exists(),
    ),
]
OBJECT_ACTIONS = [action for action in ACTIONS if action.target]
EDIT_ACTIONS = [action for action in ACTIONS if action.need == "edit"]
OWN_ACTIONS = [action for action in ACTIONS if action.need == "own"]


@pytest.fixture
def objects(org, role, person, member):
    UserFactory(username="newbie")
    inactive = PersonFactory(organization=org, name="Ivy Idle", active=False)
    return {"role": role, "person": person, "inactive": inactive, "member": member}


def action_url(action: Action, org, objects) -> str:
    args = [org.slug] if action.target is None else [org.slug, objects[action.target].pk]
    return reverse(action.url_name, args=args)


def snapshot(org) -> tuple:
    """Everything an action could change, to show that a refused one changed nothing."""
    return (
        sorted(Role.objects.filter(organization=org).values_list("code", "name", "description")),
        sorted(Person.objects.filter(organization=org).values_list("name", "email", "active")),
        sorted(Person.roles.through.objects.filter(person__organization=org).values_list("person", "role")),
        sorted(Membership.objects.filter(organization=org).values_list("user__username", "level")),
    )


PAGES = ["settings-roles", "settings-people", "settings-members"]


# Pages: who may see them -------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("cast", ["owner", "editor", "viewer"])
def test_members_see_settings_pages(client, org, objects, page, cast, request):
    login(client, request.getfixturevalue(cast))
    response = client.get(reverse(page, args=[org.slug]))
    assert response.status_code == 200
    assert response.context["organization"] == org


@pytest.mark.parametrize("page", PAGES)
def test_outsider_gets_404_for_settings_pages(client, org, outsider, page):
    login(client, outsider)
    assert client.get(reverse(page, args=[org.slug])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_unknown_organization_gets_the_same_404(client, owner, page):
    login(client, owner)
    assert client.get(reverse(page, args=["nope"])).status_code == 404


@pytest.mark.parametrize("page", [*PAGES, "api-tokens"])
def test_anonymous_visitor_is_sent_to_sign_in(client, org, page):
    url = reverse(page, args=[org.slug]) if page != "api-tokens" else reverse(page)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("page", PAGES)
def test_viewer_sees_pages_without_edit_controls(client, org, objects, viewer, page):
    response = login(client, viewer).get(reverse(page, args=[org.slug]))
    content = response.content.decode()
    assert post_form_actions(response) == [reverse("account_logout")]
    assert "/edit/" not in content
    assert "/delete/" not in content
    assert "/remove/" not in content
    assert "<select" not in content


def test_editor_sees_members_read_only(client, org, objects, editor):
    response = login(client, editor).get(reverse("settings-members", args=[org.slug]))
    assert post_form_actions(response) == [reverse("account_logout")]
    assert "/remove/" not in response.content.decode()
    assert b"member" in response.content


@pytest.mark.parametrize("cast", ["owner", "editor"])
def test_editors_see_role_and_people_controls(client, org, objects, cast, request):
    login(client, request.getfixturevalue(cast))
    roles_page = client.get(reverse("settings-roles", args=[org.slug]))
    assert reverse("settings-roles", args=[org.slug]) in post_form_actions(roles_page)
    assert reverse("settings-role-delete", args=[org.slug, objects["role"].pk]) in roles_page.content.decode()
    people_page = client.get(reverse("settings-people", args=[org.slug]))
    assert reverse("settings-person-deactivate", args=[org.slug, objects["person"].pk]) in post_form_actions(
        people_page
    )


def test_owner_sees_member_controls(client, org, objects, owner):
    response = login(client, owner).get(reverse("settings-members", args=[org.slug]))
    actions = post_form_actions(response)
    assert reverse("settings-members", args=[org.slug]) in actions
    assert reverse("settings-member-level", args=[org.slug, objects["member"].pk]) in actions


def test_tables_label_their_columns(client, org, objects, owner):
    login(client, owner)
    for page in PAGES:
        content = client.get(reverse(page, args=[org.slug])).content.decode()
        assert '<th scope="col">' in content
        assert "<th>" not in content


# Actions: who may post ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_viewer_gets_403_on_every_post_and_nothing_changes(client, org, objects, viewer, action):
    before = snapshot(org)
    response = login(client, viewer).post(action_url(action, org, objects), action.data)
    assert response.status_code == 403
    assert snapshot(org) == before


@pytest.mark.parametrize("action", OWN_ACTIONS, ids=lambda a: a.name)
def test_editor_gets_403_on_member_writes(client, org, objects, editor, action):
    before = snapshot(org)
    response = login(client, editor).post(action_url(action, org, objects), action.data)
    assert response.status_code == 403
    assert snapshot(org) == before


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_outsider_gets_404_on_every_post(client, org, objects, outsider, action):
    before = snapshot(org)
    response = login(client, outsider).post(action_url(action, org, objects), action.data)
    assert response.status_code == 404
    assert snapshot(org) == before


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_anonymous_post_is_sent_to_sign_in(client, org, objects, action):
    before = snapshot(org)
    response = client.post(action_url(action, org, objects), action.data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert snapshot(org) == before


@pytest.mark.parametrize("action", EDIT_ACTIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("cast", ["owner", "editor"])
def test_owner_and_editor_write_roles_and_people(client, org, objects, action, cast, request):
    login(client, request.getfixturevalue(cast))
    response = client.post(action_url(action, org, objects), action.data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert action.written(org, objects)


@pytest.mark.parametrize("action", OWN_ACTIONS, ids=lambda a: a.name)
def test_owner_writes_members(client, org, objects, owner, action):
    response = login(client, owner).post(action_url(action, org, objects), action.data)
    assert response.status_code == 302
    assert action.written(org, objects)


@pytest.mark.parametrize("action", OBJECT_ACTIONS, ids=lambda a: a.name)
def test_another_organizations_object_is_404(client, org, objects, foreign, owner, action):
    before = snapshot(foreign["role"].organization)
    url = reverse(action.url_name, args=[org.slug, foreign[action.target].pk])
    assert login(client, owner).post(url, action.data).status_code == 404
    assert snapshot(foreign["role"].organization) == before


@pytest.mark.parametrize("action", OBJECT_ACTIONS, ids=lambda a: a.name)
def test_missing_object_is_404_and_nothing_changes(client, org, objects, owner, action):
    before = snapshot(org)
    url = reverse(action.url_name, args=[org.slug, 999_999])
    assert login(client, owner).post(url, action.data).status_code == 404
    assert snapshot(org) == before


# The edit and confirm pages (GET) ----------------------------------------------------------

FORM_PAGES = [
    ("settings-role-edit", "role", "edit"),
    ("settings-role-delete", "role", "edit"),
    ("settings-person-edit", "person", "edit"),
    ("settings-person-delete", "person", "edit"),
    ("settings-member-remove", "member", "own"),
]


@pytest.mark.parametrize(("page", "target", "need"), FORM_PAGES)
def test_form_pages_access(
    client, org, objects, foreign, owner, editor, viewer, outsider, page, target, need
):
    url = reverse(page, args=[org.slug, objects[target].pk])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    assert login(client, owner).get(url).status_code == 200
    assert login(client, editor).get(url).status_code == (200 if need == "edit" else 403)
    assert login(client, viewer).get(url).status_code == 403
    assert login(client, outsider).get(url).status_code == 404
    foreign_url = reverse(page, args=[org.slug, foreign[target].pk])
    assert login(client, owner).get(foreign_url).status_code == 404


def test_post_only_actions_refuse_get(client, org, objects, owner):
    login(client, owner)
    url = reverse("settings-person-deactivate", args=[org.slug, objects["person"].pk])
    assert client.get(url).status_code == 405
    assert Person.objects.get(pk=objects["person"].pk).active


# Roles ------------------------------------------------------------------------------------


def test_roles_page_lists_roles_and_who_holds_them(client, org, role, person, viewer):
    PersonFactory(organization=org, name="Bea Inactive", active=False, roles=[role])
    RoleFactory(organization=org, code="ENG", name="Engineering", description="Builds it")
    response = login(client, viewer).get(reverse("settings-roles", args=[org.slug]))
    content = response.content.decode()
    assert "Product manager" in content
    assert "Ada Lovelace" in content
    assert "Bea Inactive" in content
    assert "Builds it" in content
    assert "Nobody" in content  # ENG is held by no one


def test_create_role(client, org, editor):
    response = login(client, editor).post(
        reverse("settings-roles", args=[org.slug]),
        {"code": "pmm", "name": "Product marketing", "description": "Tells the story"},
        follow=True,
    )
    role = Role.objects.get(organization=org)
    assert (role.code, role.name, role.description) == ("PMM", "Product marketing", "Tells the story")
    assert "Role PMM added." in messages_of(response)
    assert "Tells the story" in response.content.decode()


def test_duplicate_role_code_shows_the_error_and_creates_nothing(client, org, role, editor):
    response = login(client, editor).post(
        reverse("settings-roles", args=[org.slug]), {"code": "pm", "name": "Another PM"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "already exists" in response.content.decode()
    assert list(Role.objects.filter(organization=org).values_list("name", flat=True)) == ["Product manager"]


def test_same_role_code_in_another_organization_is_fine(client, org, foreign, editor):
    login(client, editor).post(reverse("settings-roles", args=[org.slug]), {"code": "SALES", "name": "Sales"})
    assert Role.objects.filter(code="SALES").count() == 2


def test_malformed_role_code_is_shown_on_the_code_field(client, org, editor):
    response = login(client, editor).post(
        reverse("settings-roles", args=[org.slug]), {"code": "9 lives", "name": "Cat"}
    )
    assert response.status_code == 400
    assert "capital letters" in " ".join(response.context["form"].errors["code"])
    assert not Role.objects.filter(organization=org).exists()


def test_missing_role_name_is_required(client, org, editor):
    response = login(client, editor).post(reverse("settings-roles", args=[org.slug]), {"code": "PM"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Role.objects.exists()


def test_edit_role(client, org, role, editor):
    login(client, editor)
    url = reverse("settings-role-edit", args=[org.slug, role.pk])
    page = client.get(url)
    assert 'value="Product manager"' in page.content.decode()
    response = client.post(
        url, {"code": "cpo", "name": "Chief product", "description": "Owns it"}, follow=True
    )
    role.refresh_from_db()
    assert (role.code, role.name, role.description) == ("CPO", "Chief product", "Owns it")
    assert "Role CPO saved." in messages_of(response)


def test_editing_a_role_to_a_taken_code_shows_the_error_and_changes_nothing(client, org, role, editor):
    RoleFactory(organization=org, code="ENG", name="Engineering")
    response = login(client, editor).post(
        reverse("settings-role-edit", args=[org.slug, role.pk]), {"code": "ENG", "name": "Renamed"}
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert "<h1>Edit role PM</h1>" in response.content.decode()
    role.refresh_from_db()
    assert (role.code, role.name) == ("PM", "Product manager")


def test_renaming_a_role_code_bumps_the_matrices_showing_it(client, org, role, editor, build_matrix):
    matrix = build_matrix(organization=org, tasks=1, roles=[role.code])
    version = matrix.version
    login(client, editor).post(
        reverse("settings-role-edit", args=[org.slug, role.pk]), {"code": "PO", "name": "Product owner"}
    )
    matrix.refresh_from_db()
    assert matrix.version == version + 1


def test_delete_role_confirms_then_removes_its_columns_and_cells(
    client, org, role, person, editor, build_matrix
):
    matrix = build_matrix(organization=org, name="Launch plan", tasks=1, roles=[role.code])
    version = matrix.version
    login(client, editor)
    url = reverse("settings-role-delete", args=[org.slug, role.pk])

    confirm = client.get(url)
    content = confirm.content.decode()
    assert "1 matrix loses the PM column: Launch plan." in content
    assert "1 cell holding letters for PM will be deleted" in content
    assert post_form_actions(confirm) == [reverse("account_logout"), url]
    assert Role.objects.filter(pk=role.pk).exists()  # the GET changed nothing

    response = client.post(url, follow=True)
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not MatrixRole.objects.filter(matrix=matrix).exists()
    assert not Assignment.objects.filter(task__matrix=matrix).exists()
    assert list(person.roles.all()) == []
    matrix.refresh_from_db()
    assert matrix.version == version + 1
    assert "Role PM deleted, with its columns and cells in every matrix." in messages_of(response)


# People -----------------------------------------------------------------------------------


def test_people_page_lists_people_with_role_codes(client, org, role, viewer):
    eng = RoleFactory(organization=org, code="ENG", name="Engineering")
    PersonFactory(organization=org, name="Ada Lovelace", email="ada@example.com", roles=[role, eng])
    PersonFactory(organization=org, name="Old Timer", active=False)
    content = login(client, viewer).get(reverse("settings-people", args=[org.slug])).content.decode()
    assert "ada@example.com" in content
    assert ">PM</abbr>, <abbr" in content
    assert ">ENG</abbr>" in content
    assert "Inactive" in content


def test_create_person_with_two_roles(client, org, role, editor):
    eng = RoleFactory(organization=org, code="ENG", name="Engineering")
    response = login(client, editor).post(
        reverse("settings-people", args=[org.slug]),
        {"name": "Bob Builder", "email": "bob@example.com", "roles": [role.pk, eng.pk]},
        follow=True,
    )
    bob = Person.objects.get(organization=org, name="Bob Builder")
    assert bob.email == "bob@example.com"
    assert bob.active
    assert sorted(bob.roles.values_list("code", flat=True)) == ["ENG", "PM"]
    assert "Bob Builder added." in messages_of(response)


def test_person_form_offers_only_this_organizations_roles(client, org, role, foreign, editor):
    content = login(client, editor).get(reverse("settings-people", args=[org.slug])).content.decode()
    assert f'value="{role.pk}"' in content
    assert "SALES" not in content


def test_another_organizations_role_is_refused_and_nothing_created(client, org, foreign, editor):
    response = login(client, editor).post(
        reverse("settings-people", args=[org.slug]), {"name": "Mallory", "roles": [foreign["role"].pk]}
    )
    assert response.status_code == 400
    assert "roles" in response.context["form"].errors
    assert not Person.objects.filter(name="Mallory").exists()


def test_duplicate_email_shows_an_error_and_creates_nothing(client, org, person, editor):
    response = login(client, editor).post(
        reverse("settings-people", args=[org.slug]), {"name": "Ada Again", "email": "ADA@example.com"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Person.objects.filter(name="Ada Again").exists()


def test_invalid_email_is_refused(client, org, editor):
    response = login(client, editor).post(
        reverse("settings-people", args=[org.slug]), {"name": "Bob", "email": "not-an-email"}
    )
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not Person.objects.exists()


def test_edit_person_changes_name_email_and_roles(client, org, role, person, editor):
    eng = RoleFactory(organization=org, code="ENG", name="Engineering")
    login(client, editor)
    url = reverse("settings-person-edit", args=[org.slug, person.pk])
    page = client.get(url).content.decode()
    assert 'value="Ada Lovelace"' in page
    assert re.search(rf'value="{role.pk}"[^>]*checked', page)
    client.post(url, {"name": "Ada King", "email": "ada.king@example.com", "roles": [eng.pk]})
    person.refresh_from_db()
    assert (person.name, person.email) == ("Ada King", "ada.king@example.com")
    assert list(person.roles.values_list("code", flat=True)) == ["ENG"]


def test_editing_a_person_to_a_taken_email_changes_nothing(client, org, person, editor):
    bob = PersonFactory(organization=org, name="Bob", email="bob@example.com")
    response = login(client, editor).post(
        reverse("settings-person-edit", args=[org.slug, bob.pk]),
        {"name": "Bobby", "email": "ada@example.com"},
    )
    assert response.status_code == 400
    assert "<h1>Edit Bob</h1>" in response.content.decode()
    bob.refresh_from_db()
    assert (bob.name, bob.email) == ("Bob", "bob@example.com")


def test_deactivate_and_reactivate_person(client, org, person, editor):
    login(client, editor)
    response = client.post(reverse("settings-person-deactivate", args=[org.slug, person.pk]), follow=True)
    person.refresh_from_db()
    assert not person.active
    assert "Ada Lovelace deactivated." in messages_of(response)
    assert reverse("settings-person-reactivate", args=[org.slug, person.pk]) in post_form_actions(response)
    client.post(reverse("settings-person-reactivate", args=[org.slug, person.pk]))
    person.refresh_from_db()
    assert person.active


def test_delete_person_confirms_then_deletes(client, org, role, person, editor):
    login(client, editor)
    url = reverse("settings-person-delete", args=[org.slug, person.pk])
    confirm = client.get(url)
    assert "no matrix changes" in confirm.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    response = client.post(url, follow=True)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Role.objects.filter(pk=role.pk).exists()
    assert "Ada Lovelace deleted." in messages_of(response)


# The people page's queries, one per line, whatever the number of people:
#   session, user, membership + organization (require_org), people, their roles (prefetch),
#   the form's role choices, the organization switcher.
PEOPLE_PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [3, 60])
def test_people_page_query_count_does_not_grow_with_people(
    client, org, editor, django_assert_max_num_queries, count
):
    roles = [RoleFactory(organization=org) for _ in range(4)]
    for index in range(count):
        PersonFactory(organization=org, roles=roles[index % 4 : index % 4 + 2])
    login(client, editor)  # editors also get the add form and its role choices
    with django_assert_max_num_queries(PEOPLE_PAGE_QUERIES):
        response = client.get(reverse("settings-people", args=[org.slug]))
    assert len(response.context["people"]) == count
    assert response.content.decode().count('name="roles"') == 4


@pytest.mark.parametrize("count", [3, 60])
def test_roles_page_query_count_does_not_grow_with_roles(
    client, org, editor, django_assert_max_num_queries, count
):
    roles = [RoleFactory(organization=org) for _ in range(count)]
    for index in range(count):
        PersonFactory(organization=org, roles=roles[index : index + 2])
    login(client, editor)
    # session, user, require_org, roles, their holders (prefetch), organization switcher
    with django_assert_max_num_queries(6):
        client.get(reverse("settings-roles", args=[org.slug]))


# Members ----------------------------------------------------------------------------------


def test_members_page_lists_usernames_and_levels(client, org, owner, editor, viewer):
    content = login(client, viewer).get(reverse("settings-members", args=[org.slug])).content.decode()
    for text in ["owner", "editor", "viewer", "Owner", "Editor", "Viewer"]:
        assert text in content


def test_owner_adds_a_member(client, org, owner):
    UserFactory(username="newbie")
    response = login(client, owner).post(
        reverse("settings-members", args=[org.slug]), {"username": "newbie", "level": "editor"}, follow=True
    )
    assert Membership.objects.get(organization=org, user__username="newbie").level == "editor"
    assert "newbie added as editor." in messages_of(response)


def test_adding_an_unknown_user_shows_the_error(client, org, owner):
    before = snapshot(org)
    response = login(client, owner).post(
        reverse("settings-members", args=[org.slug]), {"username": "ghost", "level": "viewer"}
    )
    assert response.status_code == 400
    assert "No user named" in " ".join(response.context["form"].errors["username"])
    assert snapshot(org) == before


def test_adding_an_existing_member_shows_the_error(client, org, owner, editor):
    before = snapshot(org)
    response = login(client, owner).post(
        reverse("settings-members", args=[org.slug]), {"username": "editor", "level": "viewer"}
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert snapshot(org) == before


def test_owner_changes_a_members_level(client, org, owner, editor):
    membership = Membership.objects.get(organization=org, user=editor)
    response = login(client, owner).post(
        reverse("settings-member-level", args=[org.slug, membership.pk]), {"level": "viewer"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.level == "viewer"
    assert "editor is now viewer." in messages_of(response)


def test_unknown_level_is_refused(client, org, owner, editor):
    membership = Membership.objects.get(organization=org, user=editor)
    response = login(client, owner).post(
        reverse("settings-member-level", args=[org.slug, membership.pk]), {"level": "god"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.level == "editor"
    assert any("Choose owner, editor or viewer" in m for m in messages_of(response))


def test_last_owner_cannot_be_demoted(client, org, owner):
    membership = Membership.objects.get(organization=org, user=owner)
    response = login(client, owner).post(
        reverse("settings-member-level", args=[org.slug, membership.pk]), {"level": "editor"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.level == "owner"
    assert "An organization needs at least one owner; make someone else owner first." in messages_of(response)


def test_last_owner_cannot_be_removed(client, org, owner):
    membership = Membership.objects.get(organization=org, user=owner)
    response = login(client, owner).post(
        reverse("settings-member-remove", args=[org.slug, membership.pk]), follow=True
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "An organization needs at least one owner; make someone else owner first." in messages_of(response)


def test_an_owner_may_step_down_when_another_owner_remains(client, org, owner):
    MembershipFactory(organization=org, level=Membership.Level.OWNER, user__username="co-owner")
    membership = Membership.objects.get(organization=org, user=owner)
    login(client, owner).post(
        reverse("settings-member-level", args=[org.slug, membership.pk]), {"level": "viewer"}
    )
    membership.refresh_from_db()
    assert membership.level == "viewer"


def test_owner_removes_a_member(client, org, owner, editor):
    membership = Membership.objects.get(organization=org, user=editor)
    login(client, owner)
    url = reverse("settings-member-remove", args=[org.slug, membership.pk])
    assert "editor loses access to Acme" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "editor no longer has access to Acme." in messages_of(response)
    assert login(client, editor).get(reverse("settings-members", args=[org.slug])).status_code == 404


def test_owner_who_removes_themselves_lands_on_home(client, org, owner):
    MembershipFactory(organization=org, level=Membership.Level.OWNER, user__username="co-owner")
    membership = Membership.objects.get(organization=org, user=owner)
    response = login(client, owner).post(reverse("settings-member-remove", args=[org.slug, membership.pk]))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Membership.objects.filter(pk=membership.pk).exists()


# API tokens -------------------------------------------------------------------------------


def test_tokens_page_lists_only_my_tokens(client, owner, editor):
    api_token_create(user=owner, name="HR sync", read_only=True)
    api_token_create(user=editor, name="Someone else's")
    content = login(client, owner).get(reverse("api-tokens")).content.decode()
    assert "HR sync" in content
    assert "Read-only" in content
    assert "Someone else" not in content
    assert "Never" in content  # last used


def test_created_token_is_shown_once_and_works_as_bearer(client, org, owner):
    login(client, owner)
    response = client.post(reverse("api-tokens"), {"name": "Slides export", "read_only": "on"})
    assert response.status_code == 200
    key = response.context["new_key"]
    content = response.content.decode()
    assert key in content
    assert "Copy it now, it won't be shown again." in content.replace("&#x27;", "'")
    assert "no-store" in response["Cache-Control"]
    assert all(key not in morsel.value for morsel in response.cookies.values())
    token = ApiToken.objects.get(user=owner)
    assert (token.name, token.read_only, token.prefix) == ("Slides export", True, key[:12])

    assert key not in client.get(reverse("api-tokens")).content.decode()  # never shown again

    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = api.get("/api/v1/orgs/")
    assert answer.status_code == 200
    assert [o["slug"] for o in answer.json()["results"]] == [org.slug]


def test_duplicate_live_token_name_shows_the_error(client, owner):
    api_token_create(user=owner, name="CI")
    response = login(client, owner).post(reverse("api-tokens"), {"name": "CI"})
    assert response.status_code == 400
    assert response.context["new_key"] is None
    assert "You already have a live token with this name." in response.content.decode()
    assert ApiToken.objects.filter(user=owner).count() == 1


def test_blank_token_name_is_required(client, owner):
    response = login(client, owner).post(reverse("api-tokens"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_working(client, org, owner):
    token, key = api_token_create(user=owner, name="CI")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/orgs/").status_code == 200
    response = login(client, owner).post(reverse("api-token-revoke", args=[token.pk]), follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert any("revoked" in m for m in messages_of(response))
    assert reverse("api-token-revoke", args=[token.pk]) not in post_form_actions(response)
    assert api.get("/api/v1/orgs/").status_code == 401


def test_someone_elses_token_is_404(client, owner, editor):
    token, _ = api_token_create(user=editor, name="Theirs")
    response = login(client, owner).post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_cannot_create_or_revoke_tokens(client, owner):
    token, _ = api_token_create(user=owner, name="CI")
    assert client.post(reverse("api-tokens"), {"name": "x"}).url.startswith(reverse("account_login"))
    assert client.post(reverse("api-token-revoke", args=[token.pk])).url.startswith(reverse("account_login"))
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(client, owner):
    token, _ = api_token_create(user=owner, name="CI")
    assert login(client, owner).get(reverse("api-token-revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


# CSRF: one form of each page refuses a POST without the token ----------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_role_form_refuses_post_without_csrf_token(csrf_client, org, editor):
    login(csrf_client, editor)
    url = reverse("settings-roles", args=[org.slug])
    assert csrf_client.post(url, {"code": "PM", "name": "PM"}).status_code == 403
    assert not Role.objects.exists()


def test_person_form_refuses_post_without_csrf_token(csrf_client, org, person, editor):
    login(csrf_client, editor)
    assert csrf_client.post(reverse("settings-people", args=[org.slug]), {"name": "Bob"}).status_code == 403
    url = reverse("settings-person-deactivate", args=[org.slug, person.pk])
    assert csrf_client.post(url).status_code == 403
    assert list(Person.objects.values_list("name", "active")) == [("Ada Lovelace", True)]


def test_member_form_refuses_post_without_csrf_token(csrf_client, org, owner, editor):
    login(csrf_client, owner)
    membership = Membership.objects.get(organization=org, user=editor)
    url = reverse("settings-member-level", args=[org.slug, membership.pk])
    assert csrf_client.post(url, {"level": "viewer"}).status_code == 403
    membership.refresh_from_db()
    assert membership.level == "editor"


def test_token_form_refuses_post_without_csrf_token(csrf_client, owner):
    login(csrf_client, owner)
    assert csrf_client.post(reverse("api-tokens"), {"name": "CI"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_forms_carry_the_csrf_token(csrf_client, org, owner):
    login(csrf_client, owner)
    page = csrf_client.get(reverse("settings-roles", args=[org.slug]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = csrf_client.post(
        reverse("settings-roles", args=[org.slug]), {"code": "PM", "name": "PM", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Role.objects.filter(organization=org, code="PM").exists()
