"""Logs an operator can follow: one line per request and per Celery task, each carrying the id of
the request (or task) it belongs to; JSON in production. And Sentry, when SENTRY_DSN is set.

- ``current_request_id`` / ``current_task_id`` are context variables: the request-id middleware
  (raci/request_id.py) sets the first for the length of a request, the Celery signal handlers
  below set the second for the length of a task, and ``ContextFilter`` (on the console handler,
  settings.LOGGING) copies both onto every record, whichever logger made it.
- ``JsonFormatter`` writes one JSON object a line: time, level, logger, message, the ids, whatever
  a call passed as ``extra=`` and the traceback.
- A task enqueued during a request carries the request's id in a message header, so the worker's
  line for that task names the request that caused it.

This module imports no model, view or API: settings, raci/celery.py and the middleware use it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from contextlib import suppress
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
current_task_id: ContextVar[str | None] = ContextVar("task_id", default=None)

# The message header a task carries the id of the request that enqueued it in.
REQUEST_ID_HEADER = "raci_request_id"

# A request id we accept from a client (X-Request-ID) or a message: a plain token, not too long.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_logger = logging.getLogger("raci.request")
task_logger = logging.getLogger("raci.task")

# What every LogRecord has: anything else on a record came from ``extra=`` (or the filter below).
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def sane_request_id(value: str) -> bool:
    return _SANE_REQUEST_ID.fullmatch(value) is not None


class ContextFilter(logging.Filter):
    """Stamps the current request and task ids on a record (``-`` when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get() or "-"
        if getattr(record, "task_id", None) is None:
            record.task_id = current_task_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line. Ids that are not set (``-``) are left out."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _RECORD_ATTRIBUTES or key.startswith("_") or value is None:
                continue
            if isinstance(value, str) and value == "-":  # no request or task
                continue
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(*, json_format: bool, level: str) -> dict[str, Any]:
    """settings.LOGGING. The request and task lines come from this module, so Django's and Celery's
    own per-request and per-task lines are turned down (their errors, with tracebacks, remain)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "raci.observability.ContextFilter"}},
        "formatters": {
            "json": {"()": "raci.observability.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": "json" if json_format else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # 4xx are in the request line; 5xx keep Django's line with the traceback.
            "django.request": {"level": "ERROR"},
            # runserver's own line per request: the request line replaces it.
            "django.server": {"level": "ERROR"},
            # "Task received" / "succeeded" / "raised": the task line replaces them (with the traceback).
            "celery.app.trace": {"level": "CRITICAL"},
            "celery.worker.strategy": {"level": "WARNING"},
            # WeasyPrint logs every step and page of a PDF at INFO; its warnings still show.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


# Celery: one line per task -----------------------------------------------------------------

_running: dict[str, tuple[float, Token[str | None], Token[str | None]]] = {}
_failures: dict[str, BaseException] = {}


def task_started(sender=None, task_id: str | None = None, task=None, **kwargs: Any) -> None:
    """task_prerun: remember when, and carry the task's id (and its request's) in the context."""
    if task_id is None:
        return
    enqueued_by = getattr(getattr(task, "request", None), REQUEST_ID_HEADER, None)
    # An eager task runs inside the request that called it: that request's id stays.
    request_token = current_request_id.set(current_request_id.get() or _sane(enqueued_by))
    _running[task_id] = (time.monotonic(), current_task_id.set(task_id), request_token)


def task_failed(sender=None, task_id: str | None = None, exception: BaseException | None = None, **kwargs):
    """task_failure: keep the exception for the task's line."""
    if task_id is not None and exception is not None:
        _failures[task_id] = exception


def task_finished(
    sender=None, task_id: str | None = None, task=None, state: str | None = None, **kwargs: Any
) -> None:
    """task_postrun: the task's one line — name, id, outcome, duration (and the traceback)."""
    if task_id is None:
        return
    started = _running.pop(task_id, None)
    exception = _failures.pop(task_id, None)
    outcome = state or "UNKNOWN"
    if state is None and sys.exc_info()[1] is not None:
        # Run in-process with CELERY_TASK_EAGER_PROPAGATES: the exception is on its way to the
        # caller, and Celery sends no task_failure nor a state.
        outcome, exception = "FAILURE", exception or sys.exc_info()[1]
    duration_ms = round((time.monotonic() - started[0]) * 1000, 1) if started else None
    name = getattr(task, "name", None) or getattr(sender, "name", "?")
    level = logging.ERROR if outcome == "FAILURE" else logging.INFO
    task_logger.log(
        level,
        "task %s[%s] %s %sms",
        name,
        task_id,
        outcome,
        duration_ms,
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
        extra={
            "task_name": name,
            "task_id": task_id,
            "outcome": outcome,
            "duration_ms": duration_ms,
            "request_id": current_request_id.get(),
        },
    )
    if started:
        with suppress(ValueError):  # set in another context: nothing of ours to undo
            current_task_id.reset(started[1])
            current_request_id.reset(started[2])


def task_publishing(headers: dict | None = None, **kwargs: Any) -> None:
    """before_task_publish: a task enqueued during a request carries that request's id."""
    current = current_request_id.get()
    if current and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, current)


def _sane(value: object) -> str | None:
    return value if isinstance(value, str) and sane_request_id(value) else None


# Sentry ------------------------------------------------------------------------------------


def sentry_init(*, dsn: str, environment: str | None, traces_sample_rate: float) -> None:
    """Error reporting to Sentry (or anything speaking its protocol): Django and Celery exceptions,
    no personal data. Called by settings only when SENTRY_DSN is set; otherwise never imported."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
    # The request and task lines are access logs: the integrations report the exceptions themselves.
    ignore_logger(request_logger.name)
    ignore_logger(task_logger.name)
