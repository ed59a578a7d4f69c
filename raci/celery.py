"""The Celery app. Without CELERY_BROKER_URL, tasks run eagerly in-process (see settings)."""

from __future__ import annotations

import os

from celery import Celery, signals

from raci import observability

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raci.settings")

app = Celery("raci")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in the feature packages that own them (raci/outbox/tasks.py, raci/delivery/tasks.py).
app.autodiscover_tasks(["raci.outbox", "raci.delivery", "raci.exports"])

# One log line per task, carrying its id and the id of the request that enqueued it
# (raci/observability.py). Connected here, so workers and in-process (eager) runs alike have them.
signals.before_task_publish.connect(observability.task_publishing, weak=False)
signals.task_prerun.connect(observability.task_started, weak=False)
signals.task_failure.connect(observability.task_failed, weak=False)
signals.task_postrun.connect(observability.task_finished, weak=False)


@signals.setup_logging.connect(weak=False)
def use_django_logging(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING (LOG_FORMAT, LOG_LEVEL), not Celery's own
    setup; a receiver here is what tells Celery to leave logging alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
