"""Celery task of exports: render one queued export job (takes its id, calls the service)."""

from __future__ import annotations

from celery import shared_task

from raci.exports import services


@shared_task(name="raci.exports.run_job")
def export_job_run_task(job_id: str) -> str | None:
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else None
