"""What leaves the system: signed webhooks (endpoints, fan-out, attempts) and notification emails
(publication notices, review reminders, disabled endpoints), their Celery tasks, pages and API."""
