from __future__ import annotations

from django.core.management.base import BaseCommand

from raci.management.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo organization Acme Analytics and its demo owner (idempotent)."

    def handle(self, *args, **options) -> None:
        login = demo_seed()
        self.stdout.write(f"Demo organization: {login.organization.name} — matrix '{login.matrix.name}'")
        self.stdout.write(f"username: {login.username}")
        self.stdout.write(f"password: {login.password}")
