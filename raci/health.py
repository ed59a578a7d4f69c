"""Probes for whatever runs the processes (Docker, Kubernetes, a load balancer).

- ``/healthz`` — liveness: the process answers. No database, no broker, no session: restarting the
  process would not fix either being down, so liveness does not look at them.
- ``/readyz`` — readiness: may this process be sent traffic? ``{"status": "ok" | "failing",
  "checks": {"database": ..., "broker": ..., "migrations": ...}}``, 200 or 503. Each check is
  ``"ok"``, ``"not configured"`` (no broker: tasks run in-process), ``"skipped"`` (no database to
  look in) or ``"failing: <reason>"``. A check that raises is failing with the exception's class
  as reason; the details (never a password) go to the log, not to the answer.

``HealthCheckMiddleware`` answers both paths before anything else runs: a probe comes from an
address the ALLOWED_HOSTS list does not name, over plain HTTP behind a TLS proxy, and wants no
session. The URL patterns (raci/urls.py) name the same views for ``reverse()``.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# How long a probe waits for the database or the broker before calling it failing. libpq counts
# whole seconds and takes at least 2.
TIMEOUT_SECONDS = 2

OK = "ok"
NOT_CONFIGURED = "not configured"
SKIPPED = "skipped"
FAILING = "failing"


class CheckFailed(Exception):
    """A check's own verdict; its message is safe to show in the answer."""


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness_checks()
    ready = not any(result.startswith(FAILING) for result in checks.values())
    return JsonResponse({"status": OK if ready else FAILING, "checks": checks}, status=200 if ready else 503)


def readiness_checks() -> dict[str, str]:
    database = run_check("database", database_check)
    return {
        "database": database,
        "broker": run_check("broker", broker_check),
        # Which migrations are applied is read from the database: no database, nothing to read.
        "migrations": run_check("migrations", migrations_check) if database == OK else SKIPPED,
    }


def run_check(name: str, check: Callable[[], str]) -> str:
    """The check's result, or ``failing: <reason>`` — never an exception."""
    try:
        return check()
    except CheckFailed as exc:
        logger.warning("Readiness check %s failing: %s", name, exc)
        return f"{FAILING}: {exc}"
    except Exception as exc:
        logger.warning("Readiness check %s failing: %s: %s", name, type(exc).__name__, redact(str(exc)))
        return f"{FAILING}: {type(exc).__name__}"


def database_check(settings_dict: dict[str, Any] | None = None) -> str:
    """``SELECT 1`` on a new connection to the default database (or ``settings_dict``'s), opened
    with a short timeout and closed again. A new connection, because that is what the next request
    may need, and because a long-lived one cannot be given a connect timeout after the fact."""
    probe = probe_connection(settings_dict or default_database_settings())
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone() != (1,):
                raise CheckFailed("SELECT 1 answered something else")
    finally:
        probe.close()
    return OK


def default_database_settings() -> dict[str, Any]:
    return connections[DEFAULT_DB_ALIAS].settings_dict


def probe_connection(settings_dict: dict[str, Any]) -> BaseDatabaseWrapper:
    """A connection like the one ``settings_dict`` describes, with a connect timeout."""
    default = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(settings_dict)
    settings_dict["CONN_MAX_AGE"] = 0
    options = settings_dict.setdefault("OPTIONS", {})
    options.pop("pool", None)  # one connection, not a pool of its own
    if default.vendor in ("postgresql", "mysql"):
        options["connect_timeout"] = TIMEOUT_SECONDS
    elif default.vendor == "sqlite":
        options["timeout"] = TIMEOUT_SECONDS
    return type(default)(settings_dict, alias=f"{DEFAULT_DB_ALIAS}-readyz")


def broker_check(url: str | None = None) -> str:
    """Connect to the Celery broker (``url``, default CELERY_BROKER_URL) with a short timeout.
    Without a broker (``memory://``: tasks run in-process) there is nothing to reach."""
    from raci.celery import app

    url = settings.CELERY_BROKER_URL if url is None else url
    if not url or url.startswith("memory://"):
        return NOT_CONFIGURED
    timeouts = {"socket_connect_timeout": TIMEOUT_SECONDS, "socket_timeout": TIMEOUT_SECONDS}
    with app.connection_for_write(url, connect_timeout=TIMEOUT_SECONDS, transport_options=timeouts) as conn:
        conn.ensure_connection(max_retries=0)
    return OK


def migrations_check(connection: BaseDatabaseWrapper | None = None) -> str:
    """Every migration on disk is applied to the database (``connection``, default the default)."""
    executor = MigrationExecutor(connection or connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        first = plan[0][0]
        raise CheckFailed(f"{len(plan)} unapplied, first {first.app_label}.{first.name}")
    return OK


_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]*@")


def redact(text: str) -> str:
    """``scheme://user:password@host`` -> ``scheme://***@host``, in case a driver's message has a URL."""
    return _CREDENTIALS.sub(r"\1***@", text)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers GET and HEAD on the probe paths before host validation, the HTTPS redirect and the
    session; placed right after the request-id middleware (settings.MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
