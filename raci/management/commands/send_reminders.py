"""manage.py send_reminders: what the daily beat tasks do, now — review reminders to owners whose
matrix is due for review, and acknowledgement reminders to people who have not acknowledged a
revision that concerns them (email, and chat channels that chose those events).

Safe to run as often as you like: a revision's review is reminded once, a person at most once every
ACKNOWLEDGEMENT_REMINDER_DAYS per revision. Useful under ``make run`` (no beat) and from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from raci.delivery.notifications import review_reminders_send
from raci.delivery.reminders import acknowledgement_reminders_send


class Command(BaseCommand):
    help = "Send the review and acknowledgement reminders that are due (idempotent)."

    def handle(self, *args, **options):
        reviews = review_reminders_send()
        people = acknowledgement_reminders_send()
        self.stdout.write(
            f"Review reminders: {reviews} matri{'x' if reviews == 1 else 'ces'}. "
            f"Acknowledgement reminders: {people} {'person' if people == 1 else 'people'}."
        )
