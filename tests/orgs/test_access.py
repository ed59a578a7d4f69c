from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from orgs.access import Need, organizations_for, require_org


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
