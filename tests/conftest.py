"""The cast every access test uses: an organization with an owner, an editor, a
viewer, and an outsider who belongs to another organization."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from rest_framework.test import APIClient

from orgs.models import Membership
from orgs.services import api_token_create
from tests.factories import MembershipFactory, OrganizationFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # The cast's users get real passwords; the default hasher costs ~0.3 s a user, which would
    # dominate the suite's runtime. Nothing here tests password strength. One setting for every
    # test, made once per session (and before any fixture creates a user).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in the cache: one test's requests must not count against the next.
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def client_for(db):
    """An API client logged in (session) as ``user``; anonymous for ``None``."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_client(db):
    """An API client sending ``Authorization: Bearer <key>`` for a new token of ``user``."""

    def make(user, *, read_only: bool = False, name: str = "tests") -> APIClient:
        _, key = api_token_create(user=user, name=name, read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make
