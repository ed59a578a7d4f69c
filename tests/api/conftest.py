"""Fixtures for the API tests: session clients, Bearer-token clients, a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from orgs.services import api_token_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast's users get real passwords; the default hasher costs ~0.3 s a user, which
    # dominated this suite's runtime. Nothing here tests password strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in the cache: one test's requests must not count against the next.
    cache.clear()
    yield
    cache.clear()


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
