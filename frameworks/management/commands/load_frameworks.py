from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from frameworks.services import frameworks_load_builtin


class Command(BaseCommand):
    help = "Load the built-in framework library from frameworks/data/ (idempotent)."

    def handle(self, *args, **options) -> None:
        try:
            results = frameworks_load_builtin()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if options["verbosity"] < 1:
            return
        for result in results:
            state = "created" if result.created else ("updated" if result.changed else "unchanged")
            self.stdout.write(f"{result.slug}: {state} ({result.activities} activities)")
