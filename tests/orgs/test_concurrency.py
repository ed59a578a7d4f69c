"""Races between requests that each pass the services' checks on their own.

These commit for real (``transaction=True``) and run the racing calls in threads, released
together by a barrier (``run_concurrently``). They need PostgreSQL: SQLite lets one writer at a
time in, so the races cannot happen there.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from orgs import services
from orgs.models import Membership, Organization, Person, Role
from tests.conftest import run_concurrently
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.helpers import API

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 12
ROUNDS = 3


def _demote(pk: int):
    return lambda: services.membership_change_level(membership=Membership.objects.get(pk=pk), level="editor")


def _remove(pk: int):
    return lambda: services.membership_remove(membership=Membership.objects.get(pk=pk))


@pytest.mark.parametrize("change", [_demote, _remove], ids=["demote", "remove"])
def test_two_owners_demoting_each_other_at_once_leave_exactly_one_owner(change):
    for _ in range(ROUNDS):
        organization = OrganizationFactory()
        first, second = MembershipFactory.create_batch(2, organization=organization, level="owner")

        results = run_concurrently(change(first.pk), change(second.pk))

        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1, results
        assert isinstance(errors[0], ValidationError), results
        assert "level" in errors[0].message_dict
        assert Membership.objects.filter(organization=organization, level="owner").count() == 1


def _statuses(responses) -> list[object]:
    """Each answer's status code, or the exception a request raised (a 500 in production)."""
    return [getattr(r, "status_code", r) for r in responses]


def _race(clients, method: str, paths, body: dict) -> list:
    calls = [
        lambda client=client, path=path: getattr(client, method)(path, body, format="json")
        for client, path in zip(clients, paths, strict=True)
    ]
    return run_concurrently(*calls)


def _assert_one_won(responses, *, won: int, field: str, message: str) -> None:
    statuses = _statuses(responses)
    assert set(statuses) <= {won, 400}, statuses
    assert statuses.count(won) == 1, statuses
    for response in responses:
        if response.status_code == 400:
            error = response.json()["error"]
            assert error["code"] == "invalid"
            assert error["details"] == {field: [message]}


def test_concurrent_organization_creation_with_one_slug_answers_400_and_makes_one(client_for):
    user = UserFactory()
    clients = [client_for(user) for _ in range(REQUESTS)]

    responses = _race(clients, "post", [f"{API}orgs/"] * REQUESTS, {"name": "Newco", "slug": "newco"})

    _assert_one_won(responses, won=201, field="slug", message="Organization with this Slug already exists.")
    assert Organization.objects.filter(slug="newco").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_concurrent_adding_of_one_member_answers_400_and_adds_them_once(client_for, org, owner):
    UserFactory(username="newcomer")
    clients = [client_for(owner) for _ in range(REQUESTS)]

    responses = _race(
        clients,
        "post",
        [f"{API}orgs/{org.slug}/members/"] * REQUESTS,
        {"username": "newcomer", "level": "viewer"},
    )

    _assert_one_won(
        responses,
        won=201,
        field="username",
        message="newcomer is already a member; change their level instead.",
    )
    assert Membership.objects.filter(organization=org, user__username="newcomer").count() == 1


def test_concurrent_creation_of_people_with_one_email_answers_400_and_makes_one(client_for, org, editor):
    clients = [client_for(editor) for _ in range(REQUESTS)]
    paths = [f"{API}orgs/{org.slug}/people/"] * REQUESTS

    responses = _race(clients, "post", paths, {"name": "Ana", "email": "ana@example.com"})

    _assert_one_won(
        responses,
        won=201,
        field="email",
        message="A person with the email ana@example.com already exists in this organization.",
    )
    assert Person.objects.filter(organization=org, email__iexact="ana@example.com").count() == 1


def test_concurrent_email_changes_to_one_address_answer_400_and_give_it_to_one(client_for, org, editor):
    people = PersonFactory.create_batch(REQUESTS, organization=org)
    clients = [client_for(editor) for _ in range(REQUESTS)]
    paths = [f"{API}orgs/{org.slug}/people/{person.pk}/" for person in people]

    responses = _race(clients, "patch", paths, {"email": "Ana@Example.com"})

    _assert_one_won(
        responses,
        won=200,
        field="email",
        message="A person with the email Ana@Example.com already exists in this organization.",
    )
    assert Person.objects.filter(organization=org, email__iexact="ana@example.com").count() == 1


def test_concurrent_creation_of_one_role_code_answers_400_and_makes_one(client_for, org, editor):
    clients = [client_for(editor) for _ in range(REQUESTS)]
    paths = [f"{API}orgs/{org.slug}/roles/"] * REQUESTS

    responses = _race(clients, "post", paths, {"code": "pmm", "name": "Product marketing"})

    _assert_one_won(
        responses, won=201, field="code", message="A role PMM already exists in this organization."
    )
    assert Role.objects.filter(organization=org, code="PMM").count() == 1
