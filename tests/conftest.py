"""The cast every access test uses: an organization with an owner, an editor, a
viewer, and an outsider who belongs to another organization."""

from __future__ import annotations

import os

import pytest

from orgs.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme", slug="acme-test")


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, level=Membership.Level.OWNER, user__username="owner").user


@pytest.fixture
def editor(org):
    return MembershipFactory(organization=org, level=Membership.Level.EDITOR, user__username="editor").user


@pytest.fixture
def viewer(org):
    return MembershipFactory(organization=org, level=Membership.Level.VIEWER, user__username="viewer").user


@pytest.fixture
def outsider(db):
    other = OrganizationFactory(name="Elsewhere", slug="elsewhere")
    return MembershipFactory(organization=other, level=Membership.Level.OWNER, user__username="outsider").user
