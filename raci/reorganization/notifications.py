"""Emails to the people a reorganization gives or takes responsibilities from (outbox handler)."""

from __future__ import annotations

from orgs.models import Organization, Person
from raci.outbox.handlers import outbox_handler, send_email_once


def _lines(entries) -> list[str]:
    return [
        f"- {role} in {matrix}: Accountable for {a} task{'s' * (a != 1)}, Responsible for {r}"
        for matrix, role, a, r in entries
    ]


@outbox_handler("organization.reorganized")
def send_reorganization_emails(event) -> None:
    organization = Organization.objects.get(pk=event.organization_id)
    changes = {entry["person"]: entry for entry in event.payload["people"]}
    for person in Person.objects.filter(pk__in=changes, organization=organization, active=True).exclude(
        email=""
    ):
        entry = changes[person.pk]
        subject = " ".join(f"[RACI] Your responsibilities in {organization.name} changed".split())
        parts = [f"Hello {person.name},", "", f"{organization.name} reorganized:"]
        parts += [f"- {move}" for move in event.payload["moves"]]
        if entry["gained"]:
            parts += ["", "You now do:", *_lines(entry["gained"])]
        if entry["lost"]:
            parts += ["", "You no longer do:", *_lines(entry["lost"])]
        parts += ["", "Your page in RACI lists everything you own."]
        send_email_once(
            key=f"reorganized:{event.pk}:person:{person.pk}",
            subject=subject,
            body="\n".join(parts),
            to=[person.email],
        )
