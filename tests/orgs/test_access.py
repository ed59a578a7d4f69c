from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from orgs.access import Need, may_act_for, organizations_for, owner_emails, owners_of, require_org
from tests.factories import MembershipFactory, PersonFactory


def test_owner_gets_own_access(org, owner):
    access = require_org(owner, org.slug, Need.OWN)
    assert access.organization == org
    assert access.can_own


def test_editor_may_edit(org, editor):
    assert require_org(editor, org.slug, Need.EDIT).can_edit


def test_editor_below_own_gets_permission_denied(org, editor):
    with pytest.raises(PermissionDenied):
        require_org(editor, org.slug, Need.OWN)


def test_viewer_may_view_but_not_edit(org, viewer):
    assert not require_org(viewer, org.slug, Need.VIEW).can_edit
    with pytest.raises(PermissionDenied):
        require_org(viewer, org.slug, Need.EDIT)


def test_outsider_gets_404_as_if_the_organization_did_not_exist(org, outsider):
    with pytest.raises(Http404):
        require_org(outsider, org.slug)


def test_missing_organization_gets_the_same_404(outsider):
    with pytest.raises(Http404):
        require_org(outsider, "no-such-org")


def test_anonymous_user_gets_404(org):
    with pytest.raises(Http404):
        require_org(AnonymousUser(), org.slug)


def test_organizations_for_lists_only_memberships(org, owner, outsider):
    assert list(organizations_for(owner)) == [org]
    assert org not in organizations_for(outsider)
    assert not organizations_for(AnonymousUser()).exists()


@pytest.fixture
def ana(org):
    return PersonFactory(organization=org, name="Ana")


def test_a_person_may_act_for_themselves_without_a_query(org, editor, ana, django_assert_num_queries):
    ana.user = editor
    with django_assert_num_queries(0):
        assert may_act_for(editor, ana, owners_may=False)
        assert may_act_for(editor, ana, owners_may=True)


def test_an_owner_may_act_for_a_person_of_their_organization_when_owners_may(
    org, owner, ana, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert may_act_for(owner, ana, owners_may=True)


def test_an_owner_may_not_act_for_a_person_when_owners_may_not(org, owner, ana, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not may_act_for(owner, ana, owners_may=False)


def test_an_editor_may_not_act_for_someone_else(org, editor, viewer, ana):
    ana.user = viewer
    assert not may_act_for(editor, ana, owners_may=True)
    assert not may_act_for(editor, ana, owners_may=False)


def test_the_owner_of_another_organization_may_not_act_for_a_person(org, ana, outsider):
    assert not may_act_for(outsider, ana, owners_may=True)


def test_anonymous_user_may_not_act_for_a_person_without_a_user(org, ana):
    assert not may_act_for(AnonymousUser(), ana, owners_may=True)


def test_owners_of_lists_only_the_organizations_owners_by_id(org, owner, editor, viewer, outsider):
    second = MembershipFactory(organization=org, level="owner", user__username="second").user
    assert list(owners_of(org)) == [owner, second]


def test_owner_emails_leaves_out_owners_without_an_email(
    org, owner, editor, outsider, django_assert_num_queries
):
    MembershipFactory(organization=org, level="owner", user__username="mute", user__email="")
    with django_assert_num_queries(1):
        assert owner_emails(org) == [owner.email]
