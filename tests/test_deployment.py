"""docker-compose.yml names real things: the WSGI module, the Celery app, our commands."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _commands(service: str) -> list[list[str]]:
    command = COMPOSE["services"][service]["command"]
    if command.startswith("sh -c "):
        command = shlex.split(command)[2]
    return [shlex.split(part) for part in command.split("&&")]


def test_compose_describes_web_worker_beat_postgres_and_redis():
    assert {"web", "worker", "beat", "db", "redis"} <= set(COMPOSE["services"])


def test_web_migrates_before_serving():
    commands = _commands("web")
    assert commands[0][-2:] == ["migrate", "--noinput"]
    assert commands[-1][0] == "gunicorn"


def test_gunicorn_target_is_the_project_wsgi_application():
    gunicorn = _commands("web")[-1]
    module, attribute = gunicorn[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_name_the_project_celery_app(service):
    command = _commands(service)[0]
    app_path = command[command.index("-A") + 1]
    module = importlib.import_module(app_path)
    assert module.celery_app.main == "raci"


def test_management_commands_named_in_compose_exist():
    named = {c[2] for c in _commands("web") if c[:2] == ["python", "manage.py"]}
    assert named <= set(get_commands())


def test_dockerfile_serves_the_same_wsgi_application():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'"raci\.wsgi:application"', dockerfile)
