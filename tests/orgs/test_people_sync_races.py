"""Syncs racing each other and the one-by-one services, on PostgreSQL (committed, in threads)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from orgs import services
from orgs.models import Person
from orgs.people_sync import PeopleRejected, PersonRecord, people_sync
from tests.conftest import run_concurrently
from tests.factories import OrganizationFactory, RoleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def _records(n: int) -> list[PersonRecord]:
    return [PersonRecord(name=f"P{i}", email=f"p{i}@acme.example", roles=("PM",)) for i in range(n)]


def test_two_syncs_of_one_list_at_once_create_everyone_once():
    organization = OrganizationFactory()
    RoleFactory(organization=organization, code="PM")

    def sync():
        return people_sync(organization=organization, records=_records(50), deactivate_missing=True)

    first, second = run_concurrently(sync, sync)

    # They take turns on the organization's lock: the second finds the first's people.
    assert sorted([len(first.created), len(second.created)]) == [0, 50]
    assert sorted([first.unchanged, second.unchanged]) == [0, 50]
    assert Person.objects.filter(organization=organization).count() == 50


def test_a_person_added_by_hand_during_a_sync_ends_in_a_clear_refusal_or_a_match():
    # Several rounds: which of the two reaches the email first varies (a deadlock showed up here once
    # the sync locked the organization FOR UPDATE).
    for _ in range(ROUNDS):
        organization = OrganizationFactory()
        RoleFactory(organization=organization, code="PM")

        def by_hand(organization=organization):
            return services.person_create(organization=organization, name="By hand", email="p7@acme.example")

        def sync(organization=organization):
            return people_sync(organization=organization, records=_records(50), deactivate_missing=False)

        results = run_concurrently(by_hand, sync)

        # Never a database error: the loser is refused with a sentence, or the sync found the person.
        for result in results:
            if isinstance(result, Exception):
                assert isinstance(result, PeopleRejected | ValidationError), repr(result)
        assert Person.objects.filter(organization=organization, email="p7@acme.example").count() == 1
