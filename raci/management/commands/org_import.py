"""Restore an organization from a file org_export wrote (raci/management/backup.py does the work)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from raci.management.backup import BackupError, organization_import


class Command(BaseCommand):
    help = (
        "Restore an organization from an org_export file into this instance, in one transaction. "
        "Refuses, writing nothing, when its slug or one of its frameworks' slugs is taken here."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the file org_export wrote ('-' reads standard input)")
        parser.add_argument("--slug", help="import the organization under this slug instead of its own")

    def handle(self, *args, file: str, slug: str | None, **options) -> None:
        document = self._read(file)
        try:
            report = organization_import(document=document, slug=slug)
        except BackupError as exc:
            raise CommandError(f"{file}: {exc}") from None
        organization, counts = report.organization, report.counts
        self.stdout.write(
            f"Imported {organization.name} as '{organization.slug}': {counts['matrices']} matrices "
            f"({counts['tasks']} tasks, {counts['revisions']} revisions, {counts['history']} history "
            f"entries), {counts['roles']} roles, {counts['people']} people, {counts['members']} members, "
            f"{counts['frameworks']} frameworks of its own."
        )
        if report.users_created:
            self.stdout.write(
                f"Created {len(report.users_created)} user accounts without a usable password: "
                f"{', '.join(report.users_created)}. They cannot sign in until a password is set "
                "(manage.py changepassword USERNAME)."
            )
        if report.users_existing:
            self.stdout.write(
                f"Used {len(report.users_existing)} existing accounts of this instance with the same "
                f"usernames: {', '.join(report.users_existing)}. Check they are the same people."
            )
        if report.frameworks_missing:
            self.stdout.write(
                f"This instance has no framework {', '.join(report.frameworks_missing)} (load the "
                "built-in library with manage.py load_frameworks); matrices adopted from it keep their "
                "tasks without the link."
            )
        if report.webhooks:
            self.stdout.write(
                f"{report.webhooks} webhook endpoints were imported inactive, with new secrets: an owner "
                "gives each receiver its new secret and switches the endpoint on, on the organization's "
                f"webhooks page (/o/{organization.slug}/settings/webhooks/)."
            )

    def _read(self, file: str):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text; it is not a file org_export wrote.") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            ) from None
        except RecursionError:
            raise CommandError(f"{file} nests too deeply to be a file org_export wrote.") from None
