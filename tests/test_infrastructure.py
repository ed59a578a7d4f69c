"""The real services CI runs against. Locally they skip with a reason when absent;
under CI=true they must be there."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from kombu import Connection

from tests.conftest import IN_CI

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    try:
        with Connection(REDIS_TEST_URL, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


@pytest.mark.django_db
def test_suite_runs_on_postgresql_in_ci():
    if not IN_CI and connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL does not point at PostgreSQL (CI runs this against PostgreSQL)")
    if IN_CI and not os.environ.get("DATABASE_URL"):
        pytest.skip("this CI pass runs on the embedded SQLite default")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000


def test_redis_broker_round_trips_a_message():
    if not IN_CI and not _redis_available():
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    with Connection(REDIS_TEST_URL) as conn:
        queue = conn.SimpleQueue("raci-test-roundtrip")
        try:
            queue.clear()
            queue.put({"ping": 1})
            message = queue.get(timeout=5)
            assert message.payload == {"ping": 1}
            message.ack()
        finally:
            queue.close()
