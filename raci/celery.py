"""The Celery app. Without CELERY_BROKER_URL, tasks run eagerly in-process (see settings)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raci.settings")

app = Celery("raci")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in the feature packages that own them (raci/outbox/tasks.py, raci/delivery/tasks.py).
app.autodiscover_tasks(["raci.outbox", "raci.delivery"])
