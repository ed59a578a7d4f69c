"""people_sync: many people at once, matched by email, all or nothing, in a fixed number of queries."""

from __future__ import annotations

import pytest

from orgs.models import Membership, Person
from orgs.people_sync import MAX_PEOPLE, PeopleRejected, PersonRecord, people_sync
from tests.factories import MembershipFactory, PersonFactory, RoleFactory
from tests.helpers import organization_state


@pytest.fixture
def roles(org):
    return {code: RoleFactory(organization=org, code=code) for code in ("PM", "PMM", "ENG")}


def record(name="Ana Alvarez", email="ana@acme.example", **kwargs) -> PersonRecord:
    return PersonRecord(name=name, email=email, **kwargs)


def holdings(person: Person) -> set[str]:
    return set(person.roles.values_list("code", flat=True))


def test_a_new_email_creates_a_person_with_title_and_roles(org, roles):
    result = people_sync(
        organization=org,
        records=[record(title="Head of Product", roles=("PM", "PMM"))],
        deactivate_missing=False,
    )
    person = Person.objects.get(organization=org)
    assert (person.name, person.email, person.title, person.active) == (
        "Ana Alvarez",
        "ana@acme.example",
        "Head of Product",
        True,
    )
    assert holdings(person) == {"PM", "PMM"}
    assert [p.email for p in result.created] == ["ana@acme.example"]


def test_a_known_email_updates_that_person_whatever_its_case(org, roles):
    person = PersonFactory(organization=org, name="Ana A.", email="Ana@Acme.example", roles=[roles["ENG"]])
    result = people_sync(
        organization=org,
        records=[record(email="ana@ACME.example", title="CPO", roles=("PM",))],
        deactivate_missing=False,
    )
    person.refresh_from_db()
    assert (person.name, person.title) == ("Ana Alvarez", "CPO")
    assert holdings(person) == {"PM"}
    assert result.updated[0].changes == ("name", "title", "roles")
    assert Person.objects.filter(organization=org).count() == 1


def test_the_same_list_twice_changes_nothing_the_second_time(org, roles):
    records = [record(roles=("PM",)), record("Ben", "ben@acme.example", active=False)]
    people_sync(organization=org, records=records, deactivate_missing=True)
    before = organization_state(org)
    result = people_sync(organization=org, records=records, deactivate_missing=True)
    assert result.is_empty
    assert result.unchanged == 2
    assert organization_state(org) == before


def test_people_left_out_are_deactivated_not_deleted(org, roles):
    gone = PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    result = people_sync(organization=org, records=[record()], deactivate_missing=True)
    gone.refresh_from_db()
    assert gone.active is False
    assert [p.email for p in result.deactivated] == ["cy@acme.example"]


def test_people_left_out_stay_active_when_the_import_only_adds(org, roles):
    kept = PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    people_sync(organization=org, records=[record()], deactivate_missing=False)
    kept.refresh_from_db()
    assert kept.active is True


def test_a_listed_inactive_person_is_reactivated(org, roles):
    person = PersonFactory(organization=org, email="ana@acme.example", name="Ana Alvarez", active=False)
    result = people_sync(organization=org, records=[record()], deactivate_missing=True)
    person.refresh_from_db()
    assert person.active is True
    assert result.updated[0].changes == ("active",)


def test_dry_run_answers_the_same_and_writes_nothing(org, roles):
    PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    before = organization_state(org)
    result = people_sync(
        organization=org, records=[record(roles=("PM",))], deactivate_missing=True, dry_run=True
    )
    assert result.dry_run is True
    assert [p.email for p in result.created] == ["ana@acme.example"]
    assert [p.email for p in result.deactivated] == ["cy@acme.example"]
    assert organization_state(org) == before


def test_a_new_person_is_linked_to_the_member_with_their_email(org, roles):
    member = MembershipFactory(organization=org, user__username="ana", user__email="ANA@acme.example").user
    result = people_sync(organization=org, records=[record()], deactivate_missing=False)
    assert Person.objects.get(organization=org).user == member
    assert result.linked == [("ana@acme.example", "ana")]


def test_an_unlinked_known_person_is_linked_to_the_member_with_their_email(org, roles):
    person = PersonFactory(organization=org, name="Ana Alvarez", email="ana@acme.example")
    member = MembershipFactory(organization=org, user__username="ana", user__email="ana@acme.example").user
    people_sync(organization=org, records=[record()], deactivate_missing=False)
    person.refresh_from_db()
    assert person.user == member


def test_a_member_already_linked_to_someone_else_is_not_linked_again(org, roles):
    member = MembershipFactory(organization=org, user__username="ana", user__email="ana@acme.example").user
    PersonFactory(organization=org, name="Ana (old)", email="old@acme.example", user=member)
    people_sync(organization=org, records=[record()], deactivate_missing=False)
    assert Person.objects.get(email="ana@acme.example").user is None


def test_someone_outside_the_organization_is_never_linked(org, roles, outsider):
    outsider.email = "ana@acme.example"
    outsider.save(update_fields=["email"])
    people_sync(organization=org, records=[record()], deactivate_missing=False)
    assert Person.objects.get(email="ana@acme.example").user is None


def test_two_members_with_the_email_link_neither(org, roles):
    for username in ("ana1", "ana2"):
        MembershipFactory(organization=org, user__username=username, user__email="ana@acme.example")
    people_sync(organization=org, records=[record()], deactivate_missing=False)
    assert Person.objects.get(email="ana@acme.example").user is None


@pytest.mark.parametrize(
    ("records", "field", "words"),
    [
        ([record(email="not-an-email")], "email", "valid email"),
        ([record(email="")], "email", "missing"),
        ([record(name="")], "name", "missing"),
        ([record(name="Ana\nAlvarez")], "name", "line break"),
        ([record(title="x" * 121)], "title", "at most 120"),
        ([record(roles=("SALES",))], "roles", "No role SALES"),
        ([record(), record("Ana 2", "ANA@acme.example", ref=9)], "email", "listed twice"),
    ],
)
def test_a_bad_record_is_refused_with_its_field_and_nothing_is_written(org, roles, records, field, words):
    PersonFactory(organization=org, name="Cy", email="cy@acme.example")
    before = organization_state(org)
    with pytest.raises(PeopleRejected) as refused:
        people_sync(organization=org, records=records, deactivate_missing=True)
    assert [issue.field for issue in refused.value.issues] == [field]
    assert words in refused.value.issues[0].message
    assert organization_state(org) == before


def test_every_problem_is_reported_with_where_it_is(org, roles):
    records = [
        record(ref=2),
        record("Ben", "ben@", ref=3),
        record("Cy", "cy@acme.example", roles=("NOPE",), ref=4),
        record("Ana again", "ana@acme.example", ref=5),
    ]
    with pytest.raises(PeopleRejected) as refused:
        people_sync(organization=org, records=records, deactivate_missing=False)
    assert [(i.ref, i.field) for i in refused.value.issues] == [(3, "email"), (4, "roles"), (5, "email")]
    assert "first at position 2" in refused.value.issues[2].message


def test_a_list_over_the_limit_is_refused_at_the_first_record_past_it(org, roles):
    records = [record(f"P{i}", f"p{i}@acme.example", ref=i + 2) for i in range(MAX_PEOPLE + 1)]
    with pytest.raises(PeopleRejected) as refused:
        people_sync(organization=org, records=records, deactivate_missing=False)
    assert refused.value.issues[0].ref == MAX_PEOPLE + 2
    assert not Person.objects.filter(organization=org).exists()


def test_another_organizations_people_are_neither_matched_nor_deactivated(org, roles, outsider):
    theirs = PersonFactory(
        organization=Membership.objects.get(user=outsider).organization, email="ana@acme.example"
    )
    people_sync(organization=org, records=[record()], deactivate_missing=True)
    theirs.refresh_from_db()
    assert theirs.active is True
    assert Person.objects.filter(organization=org, email="ana@acme.example").exists()


def _records(n: int) -> list[PersonRecord]:
    return [record(f"P{i}", f"p{i}@acme.example", roles=("PM", "ENG")) for i in range(n)]


@pytest.mark.parametrize("size", [5, 60])
def test_creating_people_takes_the_same_queries_for_5_or_60(org, roles, size, django_assert_num_queries):
    # roles, (savepoint) lock organization, people, holdings, members; (savepoint) insert people,
    # insert holdings, (release); (release)
    with django_assert_num_queries(11):
        people_sync(organization=org, records=_records(size), deactivate_missing=True)


@pytest.mark.parametrize("size", [5, 60])
def test_updating_people_takes_the_same_queries_for_5_or_60(org, roles, size, django_assert_num_queries):
    people_sync(organization=org, records=_records(size), deactivate_missing=True)
    changed = [
        PersonRecord(name=r.name + "!", email=r.email, roles=("PMM",), title="T") for r in _records(size)
    ]
    # roles, (savepoint) lock organization, people, holdings, members; (savepoint) update people,
    # delete holdings, insert holdings, (release); (release)
    with django_assert_num_queries(12):
        people_sync(organization=org, records=changed, deactivate_missing=True)
    assert {p.name for p in Person.objects.filter(organization=org)} == {f"P{i}!" for i in range(size)}
