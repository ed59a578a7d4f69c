"""Linking people to member accounts: an owner links a person to a member of the organization
(API and people settings page), one person per account in an organization; a member and a person
with the same email are linked when either is created; removing a member unlinks their person."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgs import services
from orgs.models import Membership, Person
from tests.conftest import run_concurrently
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.helpers import API, assert_error


def member(org, username: str, *, email: str | None = None, level: str = Membership.Level.VIEWER):
    """A user who is a member of ``org``; their email defaults to ``<username>@example.com``."""
    user = UserFactory(username=username, **({} if email is None else {"email": email}))
    MembershipFactory(organization=org, user=user, level=level)
    return user


def person_url(org, person) -> str:
    return f"{API}orgs/{org.slug}/people/{person.pk}/"


def people_url(org) -> str:
    return f"{API}orgs/{org.slug}/people/"


def linked_username(person) -> str | None:
    person.refresh_from_db()
    return None if person.user is None else person.user.username


# The API: an owner links and unlinks ---------------------------------------------------------


def test_owner_links_a_person_to_a_member_by_username(client_for, org, owner):
    ana = member(org, "ana")
    person = PersonFactory(organization=org, name="Ana Alvarez")

    response = client_for(owner).patch(person_url(org, person), {"user": "ana"}, format="json")

    assert response.status_code == 200
    assert response.json()["user"] == "ana"
    person.refresh_from_db()
    assert person.user == ana


def test_owner_unlinks_a_person_with_null(client_for, org, owner):
    person = PersonFactory(organization=org, user=member(org, "ana"))

    response = client_for(owner).patch(person_url(org, person), {"user": None}, format="json")

    assert response.status_code == 200
    assert response.json()["user"] is None
    assert linked_username(person) is None


def test_owner_creates_a_person_linked_to_a_member(client_for, org, owner):
    member(org, "ana")

    response = client_for(owner).post(people_url(org), {"name": "Ana Alvarez", "user": "ana"}, format="json")

    assert response.status_code == 201
    assert response.json()["user"] == "ana"
    assert Person.objects.get(organization=org, name="Ana Alvarez").user.username == "ana"


def test_a_person_without_an_account_shows_user_null(client_for, org, viewer):
    person = PersonFactory(organization=org, email="")

    response = client_for(viewer).get(person_url(org, person))

    assert response.json()["user"] is None


def test_the_people_list_shows_each_persons_username(client_for, org, viewer):
    PersonFactory(organization=org, name="Ana", user=member(org, "ana"))
    PersonFactory(organization=org, name="Ben", email="")

    response = client_for(viewer).get(people_url(org))

    assert [(p["name"], p["user"]) for p in response.json()["results"]] == [("Ana", "ana"), ("Ben", None)]


# The API: what is refused changes nothing ----------------------------------------------------


def test_linking_someone_who_is_not_a_member_gets_400_and_changes_nothing(client_for, org, owner):
    UserFactory(username="stranger")
    person = PersonFactory(organization=org)

    response = client_for(owner).patch(person_url(org, person), {"user": "stranger"}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"user": ["stranger is not a member of this organization."]}
    assert linked_username(person) is None


def test_linking_a_member_of_another_organization_only_gets_400(client_for, org, owner, outsider):
    person = PersonFactory(organization=org)

    response = client_for(owner).patch(person_url(org, person), {"user": "outsider"}, format="json")

    assert assert_error(response, 400, "invalid")["details"] == {
        "user": ["outsider is not a member of this organization."]
    }
    assert linked_username(person) is None


def test_linking_an_account_already_linked_to_another_person_gets_400_naming_them(client_for, org, owner):
    ana = member(org, "ana")
    first = PersonFactory(organization=org, name="Ana Alvarez", user=ana)
    second = PersonFactory(organization=org, name="Ana Again")

    response = client_for(owner).patch(person_url(org, second), {"user": "ana"}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"user": ["ana is already linked to Ana Alvarez."]}
    assert linked_username(first) == "ana"
    assert linked_username(second) is None


def test_creating_a_second_person_for_a_linked_account_gets_400_and_creates_nothing(client_for, org, owner):
    PersonFactory(organization=org, name="Ana Alvarez", user=member(org, "ana"))

    response = client_for(owner).post(people_url(org), {"name": "Ana Again", "user": "ana"}, format="json")

    assert assert_error(response, 400, "invalid")["details"] == {
        "user": ["ana is already linked to Ana Alvarez."]
    }
    assert not Person.objects.filter(name="Ana Again").exists()


def test_linking_a_person_to_their_own_account_again_changes_nothing(client_for, org, owner):
    person = PersonFactory(organization=org, name="Ana Alvarez", user=member(org, "ana"))

    response = client_for(owner).patch(person_url(org, person), {"user": "ana"}, format="json")

    assert response.status_code == 200
    assert linked_username(person) == "ana"


def test_an_unknown_username_gets_400_on_the_user_field(client_for, org, owner):
    person = PersonFactory(organization=org)

    response = client_for(owner).patch(person_url(org, person), {"user": "nobody"}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"user": ["No user named 'nobody'."]}
    assert linked_username(person) is None


def test_an_unknown_username_on_a_new_person_gets_400_and_creates_nothing(client_for, org, owner):
    response = client_for(owner).post(people_url(org), {"name": "Ana", "user": "nobody"}, format="json")

    assert "user" in assert_error(response, 400, "invalid")["details"]
    assert not Person.objects.filter(organization=org).exists()


def test_a_username_that_is_not_a_string_gets_400(client_for, org, owner):
    person = PersonFactory(organization=org)

    response = client_for(owner).patch(person_url(org, person), {"user": ["ana"]}, format="json")

    assert "user" in assert_error(response, 400, "invalid")["details"]
    assert linked_username(person) is None


# The API: only owners link -------------------------------------------------------------------


def test_editor_sending_user_on_an_update_gets_403_and_changes_nothing(client_for, org, editor):
    member(org, "ana")
    person = PersonFactory(organization=org, name="Ana Alvarez")

    response = client_for(editor).patch(
        person_url(org, person), {"name": "Renamed", "user": "ana"}, format="json"
    )

    error = assert_error(response, 403, "permission_denied")
    assert "Only owners" in error["message"]
    person.refresh_from_db()
    assert (person.name, person.user) == ("Ana Alvarez", None)


def test_editor_sending_user_null_gets_403_and_the_link_stays(client_for, org, editor):
    person = PersonFactory(organization=org, user=member(org, "ana"))

    response = client_for(editor).patch(person_url(org, person), {"user": None}, format="json")

    assert_error(response, 403, "permission_denied")
    assert linked_username(person) == "ana"


def test_editor_sending_user_on_a_new_person_gets_403_and_creates_nothing(client_for, org, editor):
    member(org, "ana")

    response = client_for(editor).post(people_url(org), {"name": "Ana", "user": "ana"}, format="json")

    assert "Only owners" in assert_error(response, 403, "permission_denied")["message"]
    assert not Person.objects.filter(organization=org).exists()


def test_editor_changes_the_other_fields_of_a_linked_person_and_the_link_stays(client_for, org, editor):
    person = PersonFactory(organization=org, name="Ana Alvarez", user=member(org, "ana"))

    response = client_for(editor).patch(person_url(org, person), {"name": "Ana Brooks"}, format="json")

    assert response.status_code == 200
    assert response.json()["user"] == "ana"
    person.refresh_from_db()
    assert (person.name, person.user.username) == ("Ana Brooks", "ana")


def test_someone_outside_the_organization_gets_404_when_linking(client_for, org, owner, outsider):
    member(org, "ana")
    person = PersonFactory(organization=org)

    response = client_for(outsider).patch(person_url(org, person), {"user": "ana"}, format="json")

    assert_error(response, 404)
    assert linked_username(person) is None


def test_another_organizations_person_gets_404_when_linking(client_for, org, owner):
    member(org, "ana")
    elsewhere = PersonFactory(organization=OrganizationFactory())

    response = client_for(owner).patch(person_url(org, elsewhere), {"user": "ana"}, format="json")

    assert_error(response, 404)
    assert linked_username(elsewhere) is None


# The people list stays at a constant number of queries -------------------------------------

# session, user, membership + organization (require_org), count (pagination), people with their
# accounts, their roles (prefetch).
PEOPLE_LIST_QUERIES = 6


@pytest.mark.parametrize("count", [2, 10])
def test_the_people_list_takes_the_same_queries_however_many_people_are_linked(
    client_for, org, viewer, django_assert_num_queries, count
):
    for index in range(count):
        PersonFactory(organization=org, user=member(org, f"member{index}"))
    client = client_for(viewer)

    with django_assert_num_queries(PEOPLE_LIST_QUERIES):
        response = client.get(people_url(org))

    assert sorted(p["user"] for p in response.json()["results"]) == sorted(f"member{i}" for i in range(count))


# Automatic linking by email --------------------------------------------------------------------


def test_a_member_added_with_a_persons_email_is_linked_to_them_whatever_the_case(client_for, org, owner):
    person = PersonFactory(organization=org, email="Ana@Acme.example")
    UserFactory(username="ana", email="ana@acme.EXAMPLE")

    response = client_for(owner).post(
        f"{API}orgs/{org.slug}/members/", {"username": "ana", "level": "viewer"}, format="json"
    )

    assert response.status_code == 201
    assert linked_username(person) == "ana"


def test_a_member_set_with_a_persons_email_is_linked_to_them(org):
    person = PersonFactory(organization=org, email="ana@acme.example")
    ana = UserFactory(username="ana", email="ANA@acme.example")

    services.membership_set(organization=org, user=ana, level=Membership.Level.EDITOR)

    assert linked_username(person) == "ana"


def test_a_person_created_with_a_members_email_is_linked_to_them_whatever_the_case(client_for, org, editor):
    member(org, "ana", email="ana@acme.example")

    response = client_for(editor).post(
        people_url(org), {"name": "Ana Alvarez", "email": "ANA@Acme.Example"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["user"] == "ana"


def test_a_person_created_with_a_non_members_email_is_not_linked(org):
    UserFactory(username="stranger", email="ana@acme.example")

    person = services.person_create(organization=org, name="Ana", email="ana@acme.example")

    assert linked_username(person) is None


def test_a_person_created_with_an_email_two_members_share_is_not_linked(org):
    member(org, "ana", email="shared@acme.example")
    member(org, "ana2", email="Shared@acme.example")

    person = services.person_create(organization=org, name="Ana", email="shared@acme.example")

    assert linked_username(person) is None


def test_a_person_created_with_the_email_of_an_already_linked_member_is_not_linked(org):
    ana = member(org, "ana", email="ana@acme.example")
    first = PersonFactory(organization=org, name="Ana Alvarez", email="", user=ana)

    second = services.person_create(organization=org, name="Ana Again", email="ana@acme.example")

    assert linked_username(second) is None
    assert linked_username(first) == "ana"


def test_a_member_added_while_already_linked_to_someone_is_not_linked_again(org, owner):
    ana = UserFactory(username="ana", email="ana@acme.example")
    # Linked before they became a member (an imported record): the link counts.
    by_hand = PersonFactory(organization=org, name="Ana (by hand)", email="", user=ana)
    by_email = PersonFactory(organization=org, name="Ana Alvarez", email="ana@acme.example")

    services.membership_add(organization=org, username="ana", level=Membership.Level.VIEWER)

    assert linked_username(by_email) is None
    assert linked_username(by_hand) == "ana"


def test_a_member_added_whose_email_person_is_linked_to_someone_else_is_not_linked(org, owner):
    person = PersonFactory(organization=org, email="ana@acme.example", user=member(org, "first"))
    ana = UserFactory(username="ana", email="ana@acme.example")

    services.membership_add(organization=org, username=ana.username, level=Membership.Level.VIEWER)

    assert linked_username(person) == "first"


def test_a_member_without_an_email_is_not_linked_to_people_without_one(org, owner):
    person = PersonFactory(organization=org, email="")
    UserFactory(username="ana", email="")

    services.membership_add(organization=org, username="ana", level=Membership.Level.VIEWER)

    assert linked_username(person) is None


def test_a_person_given_an_account_keeps_it_even_when_another_member_has_their_email(org):
    member(org, "ana", email="ana@acme.example")
    ben = member(org, "ben")

    person = services.person_create(organization=org, name="Ana", email="ana@acme.example", user=ben)

    assert linked_username(person) == "ben"


def test_an_email_change_does_not_link_a_person(org):
    member(org, "ana", email="ana@acme.example")
    person = PersonFactory(organization=org, email="")

    services.person_update(person=person, email="ana@acme.example")

    assert linked_username(person) is None


# Removing a member unlinks their person --------------------------------------------------------


def test_removing_a_member_unlinks_their_person_who_stays(client_for, org, owner):
    ana = member(org, "ana")
    person = PersonFactory(organization=org, name="Ana Alvarez", user=ana)
    membership = Membership.objects.get(organization=org, user=ana)

    response = client_for(owner).delete(f"{API}orgs/{org.slug}/members/{membership.pk}/")

    assert response.status_code == 204
    assert Person.objects.filter(pk=person.pk, name="Ana Alvarez").exists()
    assert linked_username(person) is None


def test_removing_a_member_keeps_their_link_in_another_organization(org, owner):
    ana = member(org, "ana")
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=ana)
    here = PersonFactory(organization=org, user=ana)
    there = PersonFactory(organization=other, user=ana)

    services.membership_remove(membership=Membership.objects.get(organization=org, user=ana))

    assert linked_username(here) is None
    assert linked_username(there) == "ana"


def test_one_account_may_be_linked_to_one_person_in_each_organization(org, owner):
    ana = member(org, "ana")
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=ana)
    PersonFactory(organization=other, user=ana)
    person = PersonFactory(organization=org)

    services.person_update(person=person, user=ana)

    assert linked_username(person) == "ana"


def test_the_service_refuses_a_non_member_with_the_users_name(org):
    person = PersonFactory(organization=org)

    with pytest.raises(ValidationError) as caught:
        services.person_update(person=person, user=UserFactory(username="stranger"))

    assert caught.value.message_dict == {"user": ["stranger is not a member of this organization."]}
    assert person.user is None
    assert linked_username(person) is None


# The people settings page ----------------------------------------------------------------------


def edit_url(org, person) -> str:
    return reverse("settings-person-edit", args=[org.slug, person.pk])


def test_people_page_shows_each_persons_account_or_not_linked(client, org, viewer):
    PersonFactory(organization=org, name="Ana", user=member(org, "ana-account"))
    PersonFactory(organization=org, name="Ben")
    client.force_login(viewer)

    content = client.get(reverse("settings-people", args=[org.slug])).content.decode()

    assert "ana-account" in content
    assert "not linked" in content


def test_owner_links_a_person_on_the_edit_page(client, org, owner):
    member(org, "ana")
    person = PersonFactory(organization=org, name="Ana Alvarez", email="")
    client.force_login(owner)

    response = client.post(edit_url(org, person), {"name": "Ana Alvarez", "email": "", "user": "ana"})

    assert response.status_code == 302
    assert linked_username(person) == "ana"


def test_owner_unlinks_a_person_on_the_edit_page(client, org, owner):
    person = PersonFactory(organization=org, name="Ana Alvarez", email="", user=member(org, "ana"))
    client.force_login(owner)

    response = client.post(edit_url(org, person), {"name": "Ana Alvarez", "email": "", "user": ""})

    assert response.status_code == 302
    assert linked_username(person) is None


def test_owner_chooses_among_the_organizations_members_or_not_linked(client, org, owner, outsider):
    member(org, "ana")
    person = PersonFactory(organization=org)
    client.force_login(owner)

    form = client.get(edit_url(org, person)).context["form"]

    choices = [label for _, label in form.fields["user"].choices]
    assert choices == ["Not linked", "ana", "owner"]


def test_the_edit_page_preselects_the_linked_account(client, org, owner):
    person = PersonFactory(organization=org, user=member(org, "ana"))
    client.force_login(owner)

    content = client.get(edit_url(org, person)).content.decode()

    assert '<option value="ana" selected>ana</option>' in content


def test_owner_choosing_someone_outside_the_organization_sees_the_error_and_nothing_changes(
    client, org, owner, outsider
):
    person = PersonFactory(organization=org, name="Ana Alvarez", email="")
    client.force_login(owner)

    response = client.post(edit_url(org, person), {"name": "Renamed", "email": "", "user": "outsider"})

    assert response.status_code == 400
    assert "user" in response.context["form"].errors
    person.refresh_from_db()
    assert (person.name, person.user) == ("Ana Alvarez", None)


def test_owner_choosing_an_account_linked_to_someone_else_sees_why_next_to_the_field(client, org, owner):
    ana = member(org, "ana")
    PersonFactory(organization=org, name="Ana Alvarez", user=ana)
    person = PersonFactory(organization=org, name="Ana Again", email="")
    client.force_login(owner)

    response = client.post(edit_url(org, person), {"name": "Renamed", "email": "", "user": "ana"})

    assert response.status_code == 400
    assert response.context["form"].errors["user"] == ["ana is already linked to Ana Alvarez."]
    person.refresh_from_db()
    assert (person.name, person.user) == ("Ana Again", None)


def test_editor_sees_the_link_read_only_on_the_edit_page(client, org, editor):
    person = PersonFactory(organization=org, user=member(org, "ana"))
    client.force_login(editor)

    response = client.get(edit_url(org, person))

    assert "user" not in response.context["form"].fields
    content = response.content.decode()
    assert 'name="user"' not in content
    assert "ana" in content
    assert "Only owners link" in content


def test_editor_cannot_link_a_person_on_the_edit_page(client, org, editor):
    member(org, "ana")
    person = PersonFactory(organization=org, name="Ana Alvarez", email="")
    client.force_login(editor)

    client.post(edit_url(org, person), {"name": "Ana Alvarez", "email": "", "user": "ana"})

    assert linked_username(person) is None


def test_editor_saving_a_linked_person_keeps_the_link(client, org, editor):
    person = PersonFactory(organization=org, name="Ana Alvarez", email="", user=member(org, "ana"))
    client.force_login(editor)

    response = client.post(edit_url(org, person), {"name": "Ana Brooks", "email": ""})

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.user.username) == ("Ana Brooks", "ana")


# Races (PostgreSQL) ----------------------------------------------------------------------------

RACERS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_links_of_one_account_give_it_to_one_person_and_name_them_to_the_rest(client_for):
    org = OrganizationFactory()
    owner = member(org, "racing-owner", level=Membership.Level.OWNER)
    member(org, "ana")
    people = PersonFactory.create_batch(RACERS, organization=org, email="")
    clients = [client_for(owner) for _ in people]
    calls = [
        lambda client=client, person=person: client.patch(
            person_url(org, person), {"user": "ana"}, format="json"
        )
        for client, person in zip(clients, people, strict=True)
    ]

    responses = run_concurrently(*calls)

    statuses = [getattr(r, "status_code", r) for r in responses]
    assert sorted(statuses) == [200] + [400] * (RACERS - 1), statuses
    winner = Person.objects.get(organization=org, user__username="ana")
    for response in responses:
        if response.status_code == 400:
            assert response.json()["error"]["details"] == {
                "user": [f"ana is already linked to {winner.name}."]
            }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_link_racing_the_removal_of_the_member_never_leaves_a_non_member_linked(client_for, round_):
    org = OrganizationFactory()
    owner = member(org, "racing-owner", level=Membership.Level.OWNER)
    ana = member(org, "ana")
    person = PersonFactory(organization=org, email="")
    membership = Membership.objects.get(organization=org, user=ana)
    link, remove = client_for(owner), client_for(owner)

    responses = run_concurrently(
        lambda: link.patch(person_url(org, person), {"user": "ana"}, format="json"),
        lambda: remove.delete(f"{API}orgs/{org.slug}/members/{membership.pk}/"),
    )

    linked, removed = (getattr(r, "status_code", r) for r in responses)
    assert (linked in (200, 400), removed) == (True, 204), responses
    assert linked_username(person) is None
