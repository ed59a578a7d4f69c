"""Write one organization as a versioned JSON document (raci/management/backup.py says what is in it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization
from raci.management.backup import document_dumps, organization_export


class Command(BaseCommand):
    help = (
        "Write one organization (roles, people, members, its own frameworks, matrices with their "
        "history, revisions, sign-offs and acknowledgements, webhooks without secrets) as one JSON "
        "file that org_import reads."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("org_slug", help="the organization's slug")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, org_slug: str, output: str | None, **options) -> None:
        organization = Organization.objects.filter(slug=org_slug).first()
        if organization is None:
            raise CommandError(f"No organization with slug '{org_slug}'.")
        document = organization_export(organization=organization)
        text = document_dumps(document)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from None
        revisions = sum(len(matrix["revisions"]) for matrix in document["matrices"])
        self.stdout.write(
            f"Wrote {organization.name} ({organization.slug}) to {output}: {len(document['matrices'])} "
            f"matrices, {revisions} revisions, {len(document['people'])} people, "
            f"{len(document['members'])} members, {len(document['webhooks'])} webhook endpoints "
            "(without their secrets)."
        )
