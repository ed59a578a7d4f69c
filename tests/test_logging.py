"""Logs: a request id on every request and every line, one line per request and per Celery task,
JSON in production; Sentry off unless configured."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.urls import path

from raci.celery import app as celery_app
from raci.observability import ContextFilter, JsonFormatter, current_request_id
from raci.outbox.tasks import outbox_sweep

ROOT = Path(__file__).resolve().parent.parent


# A page that logs and a page that breaks, served by this module (pytest.mark.urls).
def logging_view(request):
    logging.getLogger("tests.view").info("inside the view")
    return HttpResponse("fine")


def breaking_view(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("logs", logging_view), path("breaks", breaking_view)]


@celery_app.task(name="tests.logging.failing_task")
def failing_task():
    raise ValueError("the task broke")


@pytest.fixture
def json_lines():
    """Every log line written while the test runs, as the production console handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "raci.request"]


# Requests ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_is_logged_once_with_the_id_of_its_response(client, caplog):
    caplog.set_level(logging.INFO, logger="raci.request")
    response = client.get("/accounts/login/?next=/secret-token")
    (line,) = request_lines(caplog)
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert line.request_id == request_id
    assert (line.method, line.path, line.status) == ("GET", "/accounts/login/", 200)
    assert line.duration_ms >= 0
    assert line.user_id is None
    assert "secret-token" not in line.getMessage()


@pytest.mark.django_db
def test_the_line_names_the_signed_in_user(client, owner, caplog):
    caplog.set_level(logging.INFO, logger="raci.request")
    client.force_login(owner)
    assert client.get("/me/").status_code == 200
    (line,) = request_lines(caplog)
    assert line.user_id == owner.pk


@pytest.mark.django_db
def test_a_sane_request_id_is_kept(client, caplog):
    caplog.set_level(logging.INFO, logger="raci.request")
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-2f9.A_7")
    assert response["X-Request-ID"] == "lb-2f9.A_7"
    assert request_lines(caplog)[0].request_id == "lb-2f9.A_7"


@pytest.mark.django_db
@pytest.mark.parametrize("supplied", ["x" * 65, "two words", "line\nbreak", "<script>", ""])
def test_an_insane_request_id_is_replaced(client, supplied):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=supplied)
    assert response["X-Request-ID"] != supplied
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_404_is_logged_once(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.get("/no-such-page")
    assert [(r.name, r.status) for r in request_lines(caplog)] == [("raci.request", 404)]
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id_in_json(client, json_lines):
    response = client.get("/logs", HTTP_X_REQUEST_ID="req-json-1")
    assert response.status_code == 200
    lines = json_lines()
    view_line = next(line for line in lines if line["logger"] == "tests.view")
    assert view_line["message"] == "inside the view"
    assert view_line["request_id"] == "req-json-1"
    assert view_line["level"] == "INFO"
    assert "time" in view_line
    (request_line,) = [line for line in lines if line["logger"] == "raci.request"]
    assert request_line["request_id"] == "req-json-1"
    assert request_line["status"] == 200
    assert request_line["path"] == "/logs"
    # After the request, no id: the next line is nobody's.
    logging.getLogger("tests.view").warning("after")
    assert "request_id" not in json_lines()[-1]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_500_has_one_request_line_and_the_traceback_with_the_same_id(json_lines):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/breaks")
    assert response.status_code == 500
    lines = [line for line in json_lines() if line.get("request_id") == response["X-Request-ID"]]
    assert [line["logger"] for line in lines if line["logger"] == "raci.request"] == ["raci.request"]
    (error,) = [line for line in lines if line["logger"] == "django.request"]
    assert "RuntimeError: the view broke" in error["exc_info"]


def test_probes_are_logged_at_debug_and_not_ready_at_warning(client, settings, caplog, db):
    caplog.set_level(logging.DEBUG, logger="raci.request")
    response = client.get("/healthz")
    (line,) = request_lines(caplog)
    assert line.levelno == logging.DEBUG
    assert line.request_id == response["X-Request-ID"]
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    caplog.clear()
    assert client.get("/readyz").status_code == 503
    (line,) = request_lines(caplog)
    assert line.levelno == logging.WARNING


def test_production_logs_are_json_with_the_ids():
    console = django_settings.LOGGING["handlers"]["console"]
    assert django_settings.LOG_FORMAT == "json"  # DEBUG is off in tests, as in production
    assert console["formatter"] == "json"
    assert console["filters"] == ["context"]
    assert django_settings.LOGGING["formatters"]["json"]["()"] == "raci.observability.JsonFormatter"


def test_the_json_formatter_writes_one_object_a_line_with_the_traceback():
    try:
        raise KeyError("k")
    except KeyError:
        exc_info = sys.exc_info()
    logger = logging.getLogger("x")
    record = logger.makeRecord("x", logging.ERROR, __file__, 1, "broke %s\nacross lines", ("here",), exc_info)
    record.matrix = 7  # what extra={"matrix": 7} does
    token = current_request_id.set("rid-1")
    try:
        ContextFilter().filter(record)
    finally:
        current_request_id.reset(token)
    text = JsonFormatter().format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "broke here\nacross lines"
    assert entry["request_id"] == "rid-1"
    assert entry["matrix"] == 7
    assert "task_id" not in entry
    assert "KeyError: 'k'" in entry["exc_info"]


# Celery tasks -----------------------------------------------------------------------------


def task_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "raci.task"]


@pytest.mark.django_db
def test_a_task_is_logged_once_with_its_id_and_the_request_that_ran_it(caplog):
    caplog.set_level(logging.INFO, logger="raci.task")
    token = current_request_id.set("req-task-1")
    try:
        result = outbox_sweep.delay()  # eager: no broker in tests
    finally:
        current_request_id.reset(token)
    (line,) = task_lines(caplog)
    assert line.task_name == "raci.tasks.outbox_sweep"
    assert line.task_id == result.id
    assert line.outcome == "SUCCESS"
    assert line.duration_ms >= 0
    assert line.request_id == "req-task-1"


def test_a_failing_task_is_logged_once_with_its_traceback(caplog, json_lines):
    caplog.set_level(logging.INFO)
    with pytest.raises(ValueError, match="the task broke"):
        failing_task.delay()
    (line,) = task_lines(caplog)
    assert line.outcome == "FAILURE"
    assert line.levelno == logging.ERROR
    assert line.exc_info[0] is ValueError
    assert not [r for r in caplog.records if r.name.startswith("celery.")]
    (entry,) = [e for e in json_lines() if e["logger"] == "raci.task"]
    assert entry["task_id"] == line.task_id
    assert "ValueError: the task broke" in entry["exc_info"]


def test_a_task_enqueued_during_a_request_carries_its_id():
    from raci.observability import REQUEST_ID_HEADER, task_publishing

    headers: dict = {}
    task_publishing(headers=headers)
    assert REQUEST_ID_HEADER not in headers
    token = current_request_id.set("req-9")
    try:
        task_publishing(headers=headers)
    finally:
        current_request_id.reset(token)
    assert headers[REQUEST_ID_HEADER] == "req-9"


# Configuration, in a fresh process ---------------------------------------------------------


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    unset = {"DJANGO_SETTINGS_MODULE", "SENTRY_DSN", "LOG_FORMAT", "SENTRY_TRACES_SAMPLE_RATE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "raci.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sentry_is_off_and_not_even_imported_without_a_dsn():
    result = _python("import sys; print('sentry_sdk' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_sentry_reports_django_and_celery_errors_without_personal_data_when_configured():
    code = (
        "import sentry_sdk; client = sentry_sdk.get_client()\n"
        "print(client.is_active(), client.options['send_default_pii'], client.options['traces_sample_rate'],"
        " 'django' in client.integrations, 'celery' in client.integrations)"
    )
    result = _python(code, SENTRY_DSN="https://public@127.0.0.1:9/1", SENTRY_TRACES_SAMPLE_RATE="0.25")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "0.25", "True", "True"]


def test_log_settings_from_the_environment():
    show = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    assert _python(show).stdout.strip() == "text"  # DEBUG=true
    assert _python(show, LOG_FORMAT="json").stdout.strip() == "json"
    refused = _python(show, LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "LOG_FORMAT must be json or text" in refused.stderr
    refused = _python(show, SENTRY_DSN="https://public@127.0.0.1:9/1", SENTRY_TRACES_SAMPLE_RATE="lots")
    assert "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1" in refused.stderr
