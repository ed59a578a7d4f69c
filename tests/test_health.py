"""/healthz (liveness, no I/O) and /readyz (database, broker, migrations), against real services:
a closed port stands for a database or broker that is down."""

from __future__ import annotations

import logging
import os
import socket

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from kombu import Connection

from raci import health
from tests.conftest import IN_CI

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def closed_port() -> int:
    """A port nothing listens on: bound by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_or_skip() -> None:
    try:
        with Connection(REDIS_TEST_URL, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception:
        if IN_CI:
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")


def unreachable_database() -> dict:
    """The default database's settings, pointed where no database is."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-raci-folder/db.sqlite3"
    else:
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", closed_port()
    return settings_dict


# /healthz ---------------------------------------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: any query would fail the request.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_probes_answer_an_unlisted_host_over_plain_http(client, settings, db):
    """Probes come from addresses ALLOWED_HOSTS does not list, over HTTP behind the TLS proxy."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["raci.example.com"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


# /readyz ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_ok_on_the_test_database_without_a_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "not configured", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_ok_with_a_real_redis_broker(client, settings):
    redis_or_skip()
    settings.CELERY_BROKER_URL = REDIS_TEST_URL
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_readyz_fails_when_the_broker_is_down_and_shows_no_password(client, settings, caplog):
    settings.CELERY_BROKER_URL = f"redis://:hunter2@127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["broker"].startswith("failing: ")
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert "hunter2" not in response.content.decode()
    assert "hunter2" not in caplog.text
    assert "Readiness check broker failing" in caplog.text


@pytest.mark.django_db
def test_readyz_fails_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(health, "default_database_settings", unreachable_database)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"].startswith("failing: ")
    assert checks["migrations"] == "skipped"
    assert response.json()["status"] == "failing"


@pytest.mark.django_db
def test_database_check_against_a_database_that_is_not_there():
    assert health.database_check(connection.settings_dict) == "ok"
    result = health.run_check("database", lambda: health.database_check(unreachable_database()))
    assert result == "failing: OperationalError"


@pytest.mark.django_db
def test_readyz_fails_while_a_migration_is_unapplied(client):
    """The database forgets the latest raci migration (in the test's transaction, rolled back)."""
    (leaf,) = MigrationLoader(connection).graph.leaf_nodes("raci")
    MigrationRecorder(connection).record_unapplied(*leaf)
    response = client.get("/readyz")
    assert response.status_code == 503
    migrations = response.json()["checks"]["migrations"]
    assert migrations.startswith("failing: ")
    assert "unapplied" in migrations
    assert f"{leaf[0]}.{leaf[1]}" in migrations


@pytest.mark.django_db
def test_readyz_never_answers_500_when_a_check_raises(client, settings):
    settings.CELERY_BROKER_URL = "nosuchtransport://somewhere/"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("failing: ")


def test_check_failures_are_logged_without_credentials(caplog):
    caplog.set_level(logging.WARNING, logger="raci.health")

    def failing():
        raise ConnectionError("cannot reach amqp://user:s3cret@rabbit:5672//")

    assert health.run_check("broker", failing) == "failing: ConnectionError"
    assert "s3cret" not in caplog.text
    assert "amqp://***@rabbit" in caplog.text
