"""The cast every access test uses: an organization with an owner, an editor, a
viewer, and an outsider who belongs to another organization."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
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


@pytest.fixture
def build_matrix(db):
    """The one matrix builder (tests/builders.py), shared with the benchmarks."""
    from tests.builders import matrix_build

    return matrix_build


# Tests that need PostgreSQL ---------------------------------------------------------------


def postgres_skip_reason() -> str | None:
    """Why a PostgreSQL-only test cannot run here, or None when it runs.

    The pattern of tests/test_infrastructure.py: locally such a test skips with this reason when
    DATABASE_URL is not PostgreSQL; under CI=true it skips only in CI's SQLite pass (no
    DATABASE_URL) and must run everywhere else.
    """
    if connection.vendor == "postgresql":
        return None
    if IN_CI and not os.environ.get("DATABASE_URL"):
        return "this CI pass runs on the embedded SQLite default"
    if IN_CI:
        return None
    return f"needs PostgreSQL (set DATABASE_URL); the database here is {connection.vendor}"


def pytest_runtest_setup(item):
    """``@pytest.mark.postgres``: skip with the reason when PostgreSQL is not there, fail under CI."""
    if item.get_closest_marker("postgres") is None:
        return
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    if connection.vendor != "postgresql":
        pytest.fail(f"CI=true and DATABASE_URL is set, but the database is {connection.vendor}")


def run_concurrently(*calls: Callable[[], object], timeout: float = 30.0) -> list[object]:
    """Run each call in its own thread, all released at once by a barrier.

    Returns, in the order of ``calls``, what each returned or the exception it raised. Each thread
    opens its database connection before the barrier and closes it at the end. The threads only
    see committed rows, so the test needs ``@pytest.mark.django_db(transaction=True)``.
    """
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout)
            results[index] = call()
        except Exception as exc:  # handed to the test, which asserts on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), f"a thread was still running after {timeout}s"
    return results
