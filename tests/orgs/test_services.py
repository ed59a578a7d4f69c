"""The writes of orgs.services, and orgs.integrity, which turns a lost race on a unique
constraint into the ValidationError the services' checks give."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgs import services
from orgs.integrity import unique_or_invalid
from orgs.models import Membership, Organization, Person, Role
from raci.matrices.models import Matrix, Task
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

# unique_or_invalid: the database's refusal, whichever kind of unique constraint ------------


def _refusal(instance, unique: str, field: str, *, clean: bool = False) -> ValidationError:
    """The ValidationError that saving ``instance`` (after ``full_clean()`` if ``clean``) ends in."""

    def write():
        if clean:
            instance.full_clean()
        instance.save()

    with (
        pytest.raises(ValidationError) as caught,
        unique_or_invalid(instance, unique, field=field, message="Taken."),
    ):
        write()
    return caught.value


def test_a_duplicate_refused_by_a_named_constraint_becomes_a_validation_error_for_the_field(org):
    RoleFactory(organization=org, code="PM")
    error = _refusal(Role(organization=org, code="PM", name="Second"), "role_code_unique_per_org", "code")
    assert error.message_dict == {"code": ["Taken."]}
    assert Role.objects.filter(organization=org).count() == 1


def test_a_duplicate_refused_by_an_expression_constraint_becomes_a_validation_error(org):
    PersonFactory(organization=org, email="ana@example.com")
    ana = Person(organization=org, name="Ana 2", email="ANA@example.com")
    assert _refusal(ana, "person_email_unique_per_org", "email").message_dict == {"email": ["Taken."]}


def test_a_duplicate_refused_by_a_unique_field_becomes_a_validation_error(org):
    error = _refusal(Organization(name="Copy", slug=org.slug), "slug", "slug")
    assert error.message_dict == {"slug": ["Taken."]}


def test_a_duplicate_membership_becomes_a_validation_error_for_the_username(org, viewer):
    again = Membership(organization=org, user=viewer, level="editor")
    error = _refusal(again, "membership_one_per_user_and_org", "username")
    assert error.message_dict == {"username": ["Taken."]}


def test_full_clean_finding_the_duplicate_names_the_field_in_the_checks_words(org):
    # What the loser of a race sees when the winner commits between its check and full_clean().
    PersonFactory(organization=org, email="ana@example.com")
    ana = Person(organization=org, name="Ana 2", email="ANA@example.com")
    error = _refusal(ana, "person_email_unique_per_org", "email", clean=True)
    assert error.message_dict == {"email": ["Taken."]}


def test_full_clean_keeps_its_other_errors_beside_the_duplicate(org):
    RoleFactory(organization=org, code="PM")
    role = Role(organization=org, code="PM", name="")
    error = _refusal(role, "role_code_unique_per_org", "code", clean=True)
    assert set(error.message_dict) == {"code", "name"}
    assert error.message_dict["code"] == ["Taken."]


def test_full_clean_errors_without_a_duplicate_pass_through(org):
    role = Role(organization=org, code="pm", name="Lowercase")
    with (
        pytest.raises(ValidationError) as caught,
        unique_or_invalid(role, "role_code_unique_per_org", field="code", message="Taken."),
    ):
        role.full_clean()
    assert "code" in caught.value.message_dict
    assert "Taken." not in caught.value.messages


def test_another_constraint_still_raises_integrity_error(org, editor):
    PersonFactory(organization=org, user=editor, email="ana@example.com")
    second = Person(organization=org, name="Ana 2", email="other@example.com", user=editor)
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        unique_or_invalid(second, "person_email_unique_per_org", field="email", message="Taken."),
    ):
        second.save()


def test_the_surrounding_transaction_stays_usable_after_a_refusal(org):
    RoleFactory(organization=org, code="PM")
    with transaction.atomic():
        _refusal(Role(organization=org, code="PM", name="Second"), "role_code_unique_per_org", "code")
        Role.objects.create(organization=org, code="ENG", name="Engineering")
    assert set(Role.objects.filter(organization=org).values_list("code", flat=True)) == {"PM", "ENG"}


@pytest.mark.parametrize(
    ("model", "unique"),
    [(Role, "role_code_unique"), (Organization, "name"), (Organization, "id")],
    ids=["constraint", "field", "primary-key"],
)
def test_an_unknown_or_not_unique_name_is_refused_before_the_write(model, unique):
    with (
        pytest.raises(ValueError, match="no unique constraint"),
        unique_or_invalid(model(), unique, field=unique, message="Taken."),
    ):
        raise AssertionError("not reached")


# The last owner ------------------------------------------------------------------------------


def test_demoting_the_last_owner_is_refused(org, owner):
    membership = Membership.objects.get(user=owner)
    with pytest.raises(ValidationError) as caught:
        services.membership_change_level(membership=membership, level="editor")
    assert "level" in caught.value.message_dict
    assert Membership.objects.get(pk=membership.pk).level == "owner"


def test_removing_the_last_owner_is_refused_even_if_the_loaded_membership_looks_like_an_editor(org, owner):
    stale = Membership.objects.get(user=owner)
    stale.level = "editor"  # as loaded before someone made them owner
    with pytest.raises(ValidationError):
        services.membership_remove(membership=stale)
    assert Membership.objects.filter(pk=stale.pk).exists()


def test_members_who_are_not_owners_change_and_leave_freely(org, owner, editor, viewer):
    services.membership_change_level(membership=Membership.objects.get(user=editor), level="viewer")
    services.membership_remove(membership=Membership.objects.get(user=viewer))
    assert dict(Membership.objects.filter(organization=org).values_list("user__username", "level")) == {
        "owner": "owner",
        "editor": "viewer",
    }


# Deleting an organization ----------------------------------------------------------------------


def test_organization_delete_removes_everything_of_the_organization_and_nothing_else(
    org, owner, editor, outsider, caplog, django_capture_on_commit_callbacks
):
    assignment = AssignmentFactory(task__matrix__organization=org)
    PersonFactory(organization=org, roles=[assignment.role])
    other = Organization.objects.get(slug="elsewhere")
    kept = AssignmentFactory(task__matrix__organization=other)
    PersonFactory(organization=other, roles=[kept.role])

    with (
        caplog.at_level(logging.INFO, logger="orgs.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.organization_delete(organization=org, acting_user=owner)

    assert not Organization.objects.filter(pk=org.pk).exists()
    for model in (Membership, Role, Person, Matrix):
        assert not model.objects.filter(organization_id=org.pk).exists(), model
    assert not Task.objects.filter(matrix__organization_id=org.pk).exists()
    assert Membership.objects.filter(organization=other).count() == 1
    assert Role.objects.filter(organization=other).count() == 1
    assert Person.objects.filter(organization=other).count() == 1
    assert Task.objects.filter(matrix__organization=other).count() == 1
    assert any(
        "acme-test" in record.getMessage() and "owner" in record.getMessage() for record in caplog.records
    )


def test_organization_delete_keeps_the_users(org, owner, editor):
    services.organization_delete(organization=org, acting_user=owner)
    assert UserFactory._meta.model.objects.filter(pk__in=[owner.pk, editor.pk]).count() == 2


def test_an_organization_with_a_member_of_several_organizations_leaves_their_other_membership(org, owner):
    elsewhere = OrganizationFactory()
    MembershipFactory(organization=elsewhere, user=owner, level="viewer")
    services.organization_delete(organization=org, acting_user=owner)
    assert list(Membership.objects.filter(user=owner).values_list("organization", flat=True)) == [
        elsewhere.pk
    ]
