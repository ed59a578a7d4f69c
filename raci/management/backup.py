"""Backing up and moving one organization: the document ``manage.py org_export`` writes and
``manage.py org_import`` reads. The commands only read arguments and files and print; the work is here.

The document
------------
One JSON object, written with sorted keys and every list in a stable order, so exporting the same
data twice gives the same text (only ``exported_at`` differs)::

    {"format": "raci-organization", "version": 1, "exported_at": "<ISO 8601, UTC>",
     "organization": {"name", "slug", "headcount", "rule_settings", "created_at"},
     "organization": {"name", "slug", "headcount", "viewers_may_comment", "created_at"},
     "roles":       [{"code", "name", "description", "order"}],                       by code
     "teams":       [{"key", "name", "description", "parent": key, "created_at"}],  by path of names
     "people":      [{"key", "name", "email", "title", "user", "active", "roles": [code], by name
                      "teams": [key], "team_roles": [{"role": code, "team": key}]}]
     "members":     [{"username", "email", "level", "created_at"}],                   by username
     "other_users": [{"username", "email"}],                                          by username
     "frameworks":  [{"slug", "name", "summary", "scheme", "version", "role_names", "split_pairs",
                      "stages": [{"name", "description", "order",
                                  "activities": [{"name", "description", "order",
                                                  "suggested_letters", "source",
                                                  "shared_accountability"}]}]}],    by slug
     "matrices":    [{"name", "scheme", "status", "version", "rule_settings",
                      "review_interval_days", "framework": slug, "published_revision": number,
                      "team": key,
                      "created_at", "updated_at",
                      "columns":   [{"role", "order"}],
                      "tasks":     [{"key", "name", "stage", "description", "order", "archived",
                                     "activity": {"framework", "stage", "activity"}}],
                      "cells":     [{"task", "role", "letters"}],
                      "history":   [{"at", "actor", "channel", "kind", "task", "task_name", "role",
                                     "role_code", "field", "before", "after", "version"}],
                      "revisions": [{"number", "note", "published_at", "published_by", "version",
                                     "snapshot", "health", "error_count", "override_reason",
                                     "signoff_required", "review_reminded_at",
                                     "signoffs": [{"person", "decision", "comment", "decided_at",
                                                   "decided_by"}],
                                     "acknowledgements": [{"person", "at"}]}],
                      "threads":   [{"task", "role", "created_by", "created_at", "resolved_at",
                                     "resolved_by", "resolved_revision",
                                     "comments": [{"author", "body", "created_at",
                                                   "mentions": [username]}]}]}],  by name
     "webhooks":    [{"url", "events", "active", "log_response_excerpt", "created_by",
                      "created_at"}]}

Natural keys, never database ids, so the file can be read into another database: a role is its
code; a person is their email, or ``no-email-N`` (numbered in list order) without one; a user is
their username (``members`` are the organization's members with their access level,
``other_users`` everyone else the document names: authors of history, publishers, deciders of
sign-offs, people's linked accounts, webhooks' creators); a framework is its slug, an activity
``{framework, stage, activity}`` by names; a task is ``tN``, numbered within its matrix in the order
of the source's ids; a revision is its number; a team is ``team-N``, numbered in the order of the
teams' paths of names (so parents come before their teams). ``teams``, a person's ``teams`` and
``team_roles`` and a matrix's ``team`` came with teams: a file written before them reads as an
organization without any.

A revision's snapshot is the grid document of ``raci.exchange.export_json``, which names tasks and
roles by the source's database ids. The file writes them as the keys above: a task's key (tasks
the draft no longer has keep a key of their own), a role's code, or ``deleted-role-N`` for a role
deleted since; the matrix's own id is written as null. Importing maps them to the new ids, so
comparing revisions, restoring one, reading "as of revision N" and the read model work as before.
Tasks and deleted roles get new ids in the order of their keys (a deleted one's id is reserved by
inserting and deleting a placeholder row, so no later row ever takes it), which is why exporting
an imported organization numbers everything as the first export did.

A matrix's ``rule_settings`` name the tasks whose accountability is shared by design
(``shared_accountability_tasks``) by id as well: the file writes their task keys, and importing maps
them to the new tasks. A file written before this did wrote the source's ids, which name nothing
here: importing drops them (the tasks then report two Accountables as an error again, as they would
after any change of ids). The organization's ``rule_settings`` (its split pairs), a framework's
``split_pairs`` and an activity's ``source`` and ``shared_accountability`` came later too: a file
without them reads as an organization or framework that declares none.

What is not in the file, and why
--------------------------------
- Outbox events and sent-notification keys: work queued for, or already done by, *this*
  instance. Replayed elsewhere they would send webhooks and emails about things long past, with
  payloads naming this database's ids.
- Webhook deliveries and attempts: a log of this instance's traffic to receivers, not the
  organization's data. Webhook secrets: credentials; an imported endpoint gets a new secret and
  starts inactive, so nothing is sent until an owner has given its receiver the new secret. Its
  URL is checked as registration checks it, but not resolved (the import holds its transaction;
  sending resolves and checks the target at every attempt, raci/delivery/targets.py).
- API tokens and sessions: credentials of users on this instance (tokens are stored only as
  hashes, so they could not be carried anyway); users sign in and create new ones. Passwords
  likewise: a user the import creates has an unusable password until an administrator sets one.
- Share links: credentials like tokens (only their hashes are stored, so they could not work
  elsewhere); owners make new ones for the moved organization.
- The read model (``PublishedTask``/``PublishedCell``): derived from each matrix's published
  revision and rebuilt from it on import (``raci.revisions.services.agreement_rebuild``).

Writing rows without the one writer
-----------------------------------
Every change to a matrix goes through ``raci.matrices.changes.matrix_change``, which bumps the
version, records history and emits events. An import is not a change: it restores rows exactly as
they were — versions, history rows with their authors and times, revisions with their snapshots,
sign-offs, acknowledgements — so it writes them with bulk inserts and puts back the timestamps
Django sets on insert (``auto_now_add``/``auto_now``) right after. Going through the writer would
add a version and a history row per matrix and emit events for receivers of the new instance about
nothing new. Everything runs in one transaction: a refused file writes nothing.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from frameworks.models import Activity, Framework, Stage
from frameworks.schemes import SCHEMES
from orgs.models import Membership, Organization, Person, Role, RoleHolding, Team
from orgs.validators import split_pairs_clean
from raci.delivery.models import WebhookEndpoint
from raci.delivery.webhooks import webhook_events_validate, webhook_url_validate
from raci.discussion.models import Comment, Thread
from raci.matrices.models import Assignment, ChangeRecord, Matrix, MatrixRole, Task
from raci.revisions.models import Acknowledgement, Revision, SignOff
from raci.revisions.selectors import snapshot_grid
from raci.revisions.services import agreement_rebuild

FORMAT = "raci-organization"
VERSION = 1

__all__ = [
    "FORMAT",
    "VERSION",
    "BackupError",
    "ImportReport",
    "document_check",
    "document_dumps",
    "organization_export",
    "organization_import",
]


class BackupError(Exception):
    """A document that cannot be imported, or a refused import; the message says where and why."""


def document_dumps(document: dict[str, Any]) -> str:
    """The document as the file's text: sorted keys, indented, UTF-8 characters as they are."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _settings_out(settings: dict[str, Any], task_key: dict[int, str]) -> dict[str, Any]:
    """A matrix's rule settings with the tasks they name written as task keys."""
    if "shared_accountability_tasks" not in settings:
        return settings
    shared = settings["shared_accountability_tasks"]
    return {
        **settings,
        "shared_accountability_tasks": [task_key[pk] for pk in shared if pk in task_key],
    }


def _split_pairs_check(value: Any, path: str) -> None:
    try:
        split_pairs_clean(value)
    except ValidationError as exc:
        raise BackupError(f"{path}: {exc.messages[0]}") from None


def _natural(key: str) -> tuple[str, int, str]:
    """Keys in the order they were numbered: t2 before t10."""
    match = re.fullmatch(r"(.*?)(\d+)", key)
    return (match.group(1), int(match.group(2)), key) if match else (key, -1, key)


# Export ------------------------------------------------------------------------------------------


def organization_export(*, organization: Organization) -> dict[str, Any]:
    """The document of ``organization``, read in one transaction (on PostgreSQL a repeatable-read
    one, so a change committed while exporting is either wholly in the file or not at all)."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _Export(organization).document()


class _Export:
    def __init__(self, organization: Organization) -> None:
        self.organization = organization

    def document(self) -> dict[str, Any]:
        organization = self.organization
        roles = list(Role.objects.filter(organization=organization).order_by("code"))
        self.role_code = {role.pk: role.code for role in roles}
        self.usernames = self._usernames()
        teams = self._teams()
        people = self._people()
        matrices = self._matrices()
        members = [
            {
                "username": membership.user.username,
                "email": membership.user.email,
                "level": membership.level,
                "created_at": _when(membership.created_at),
            }
            for membership in Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__username")
        ]
        member_names = {member["username"] for member in members}
        others = [
            {"username": user.username, "email": user.email}
            for user in self.users.values()
            if user.username not in member_names
        ]
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": _when(timezone.now()),
            "organization": {
                "name": organization.name,
                "slug": organization.slug,
                "headcount": organization.headcount,
                "rule_settings": organization.rule_settings,
                "viewers_may_comment": organization.viewers_may_comment,
                "created_at": _when(organization.created_at),
            },
            "roles": [
                {"code": role.code, "name": role.name, "description": role.description, "order": role.order}
                for role in roles
            ],
            "teams": teams,
            "people": people,
            "members": members,
            "other_users": sorted(others, key=lambda user: user["username"]),
            "frameworks": self._frameworks(),
            "matrices": matrices,
            "webhooks": [
                {
                    "url": endpoint["url"],
                    "events": list(endpoint["events"]),
                    "active": endpoint["active"],
                    "log_response_excerpt": endpoint["log_response_excerpt"],
                    "created_by": self.username(endpoint["created_by_id"]),
                    "created_at": _when(endpoint["created_at"]),
                }
                # values(): the secret is never even read.
                for endpoint in WebhookEndpoint.objects.filter(organization=organization)
                .order_by("created_at", "id")
                .values("url", "events", "active", "log_response_excerpt", "created_by_id", "created_at")
            ],
        }

    def _usernames(self) -> dict[int, str]:
        organization = self.organization
        sources = [
            Membership.objects.filter(organization=organization).values_list("user_id", flat=True),
            Person.objects.filter(organization=organization).values_list("user_id", flat=True),
            ChangeRecord.objects.filter(matrix__organization=organization).values_list("actor_id", flat=True),
            Revision.objects.filter(matrix__organization=organization).values_list(
                "published_by_id", flat=True
            ),
            SignOff.objects.filter(revision__matrix__organization=organization).values_list(
                "decided_by_id", flat=True
            ),
            WebhookEndpoint.objects.filter(organization=organization).values_list("created_by_id", flat=True),
            Thread.objects.filter(matrix__organization=organization).values_list("created_by_id", flat=True),
            Thread.objects.filter(matrix__organization=organization).values_list("resolved_by_id", flat=True),
            Comment.objects.filter(thread__matrix__organization=organization).values_list(
                "author_id", flat=True
            ),
            Comment.mentions.through.objects.filter(
                comment__thread__matrix__organization=organization
            ).values_list("user_id", flat=True),
        ]
        ids = {pk for source in sources for pk in source.order_by().distinct() if pk is not None}
        users = get_user_model().objects.filter(pk__in=ids).order_by("username")
        self.users = {user.pk: user for user in users}
        return {pk: user.username for pk, user in self.users.items()}

    def username(self, user_id: int | None) -> str | None:
        return None if user_id is None else self.usernames[user_id]

    def _teams(self) -> list[dict[str, Any]]:
        teams = {team.pk: team for team in Team.objects.filter(organization=self.organization)}
        names = {pk: [teams[i].name for i in team.lineage_ids] for pk, team in teams.items()}
        ordered = sorted(teams.values(), key=lambda team: (names[team.pk], team.pk))
        self.team_key = {team.pk: f"team-{n}" for n, team in enumerate(ordered, start=1)}
        return [
            {
                "key": self.team_key[team.pk],
                "name": team.name,
                "description": team.description,
                "parent": self.team_key.get(team.parent_id),
                "created_at": _when(team.created_at),
            }
            for team in ordered
        ]

    def _people(self) -> list[dict[str, Any]]:
        people = sorted(
            Person.objects.filter(organization=self.organization).prefetch_related("holdings", "teams"),
            key=lambda person: (person.name, person.email.lower(), person.pk),
        )
        self.person_key: dict[int, str] = {}
        without_email = 0
        rows = []
        for person in people:
            if person.email:
                key = person.email
            else:
                without_email += 1
                key = f"no-email-{without_email}"
            self.person_key[person.pk] = key
            rows.append(
                {
                    "key": key,
                    "name": person.name,
                    "email": person.email,
                    "title": person.title,
                    "user": self.username(person.user_id),
                    "active": person.active,
                    "roles": sorted(
                        self.role_code[h.role_id] for h in person.holdings.all() if h.team_id is None
                    ),
                    "teams": sorted(self.team_key[team.pk] for team in person.teams.all()),
                    "team_roles": sorted(
                        (
                            {"role": self.role_code[h.role_id], "team": self.team_key[h.team_id]}
                            for h in person.holdings.all()
                            if h.team_id is not None
                        ),
                        key=lambda held: (held["team"], held["role"]),
                    ),
                }
            )
        return rows

    def _frameworks(self) -> list[dict[str, Any]]:
        activities = Prefetch("activities", queryset=Activity.objects.order_by("order", "id"))
        stages = Prefetch(
            "stages", queryset=Stage.objects.order_by("order", "id").prefetch_related(activities)
        )
        return [
            {
                "slug": framework.slug,
                "name": framework.name,
                "summary": framework.summary,
                "scheme": framework.scheme,
                "version": framework.version,
                "role_names": framework.role_names,
                "split_pairs": framework.split_pairs,
                "stages": [
                    {
                        "name": stage.name,
                        "description": stage.description,
                        "order": stage.order,
                        "activities": [
                            {
                                "name": activity.name,
                                "description": activity.description,
                                "order": activity.order,
                                "suggested_letters": activity.suggested_letters,
                                "source": activity.source,
                                "shared_accountability": activity.shared_accountability,
                            }
                            for activity in stage.activities.all()
                        ],
                    }
                    for stage in framework.stages.all()
                ],
            }
            for framework in Framework.objects.filter(organization=self.organization)
            .order_by("slug")
            .prefetch_related(stages)
        ]

    def _matrices(self) -> list[dict[str, Any]]:
        organization = self.organization
        in_org = {"matrix__organization": organization}
        matrices = list(
            Matrix.objects.filter(organization=organization)
            .select_related("framework")
            .order_by("name", "id")
        )
        columns: dict[int, list[dict]] = {}
        for matrix_id, role_id, order in (
            MatrixRole.objects.filter(**in_org)
            .order_by("order", "id")
            .values_list("matrix_id", "role_id", "order")
        ):
            columns.setdefault(matrix_id, []).append({"role": self.role_code[role_id], "order": order})
        tasks: dict[int, list[Task]] = {}
        for task in Task.objects.filter(**in_org).order_by("order", "id"):
            tasks.setdefault(task.matrix_id, []).append(task)
        activity_refs = {
            activity.pk: {
                "framework": activity.stage.framework.slug,
                "stage": activity.stage.name,
                "activity": activity.name,
            }
            for activity in Activity.objects.filter(
                pk__in={t.activity_id for rows in tasks.values() for t in rows if t.activity_id}
            ).select_related("stage__framework")
        }
        cells: dict[int, list[tuple[int, int, str]]] = {}
        for matrix_id, task_id, role_id, letters in Assignment.objects.filter(
            task__matrix__organization=organization
        ).values_list("task__matrix_id", "task_id", "role_id", "letters"):
            cells.setdefault(matrix_id, []).append((task_id, role_id, letters))
        history: dict[int, list[ChangeRecord]] = {}
        for record in ChangeRecord.objects.filter(**in_org).order_by("at", "id"):
            history.setdefault(record.matrix_id, []).append(record)
        revisions: dict[int, list[Revision]] = {}
        for revision in Revision.objects.filter(**in_org).order_by("number"):
            revisions.setdefault(revision.matrix_id, []).append(revision)
        signoffs: dict[int, list[SignOff]] = {}
        for signoff in SignOff.objects.filter(revision__matrix__organization=organization):
            signoffs.setdefault(signoff.revision_id, []).append(signoff)
        acknowledgements: dict[int, list[Acknowledgement]] = {}
        for acknowledgement in Acknowledgement.objects.filter(revision__matrix__organization=organization):
            acknowledgements.setdefault(acknowledgement.revision_id, []).append(acknowledgement)
        threads: dict[int, list[Thread]] = {}
        for thread in (
            Thread.objects.filter(**in_org)
            .prefetch_related(
                Prefetch(
                    "comments",
                    queryset=Comment.objects.order_by("created_at", "id").prefetch_related("mentions"),
                )
            )
            .order_by("created_at", "id")
        ):
            threads.setdefault(thread.matrix_id, []).append(thread)

        # Roles deleted since a revision was published: numbered across the organization.
        snapshot_roles = {
            role["id"]
            for rows in revisions.values()
            for revision in rows
            for role in revision.snapshot.get("roles", ())
        }
        deleted = sorted(pk for pk in snapshot_roles if pk not in self.role_code)
        self.snapshot_role_key = {
            **self.role_code,
            **{pk: f"deleted-role-{n}" for n, pk in enumerate(deleted, start=1)},
        }

        documents = []
        for matrix in matrices:
            matrix_revisions = revisions.get(matrix.pk, [])
            task_ids = {t.pk for t in tasks.get(matrix.pk, [])}
            for revision in matrix_revisions:
                task_ids |= {t["id"] for t in revision.snapshot.get("tasks", ())}
                task_ids |= {c["task"] for c in revision.snapshot.get("cells", ())}
            ordered_ids = sorted(task_ids)
            task_key = {pk: f"t{n}" for n, pk in enumerate(ordered_ids, start=1)}
            position = {pk: n for n, pk in enumerate(ordered_ids)}
            numbers = {revision.pk: revision.number for revision in matrix_revisions}
            documents.append(
                {
                    "name": matrix.name,
                    "scheme": matrix.scheme,
                    "status": matrix.status,
                    "version": matrix.version,
                    "rule_settings": _settings_out(matrix.rule_settings, task_key),
                    "review_interval_days": matrix.review_interval_days,
                    "framework": matrix.framework.slug if matrix.framework else None,
                    "published_revision": numbers.get(matrix.published_revision_id),
                    "team": self.team_key.get(matrix.team_id),
                    "created_at": _when(matrix.created_at),
                    "updated_at": _when(matrix.updated_at),
                    "columns": columns.get(matrix.pk, []),
                    "tasks": [
                        {
                            "key": task_key[task.pk],
                            "name": task.name,
                            "stage": task.stage,
                            "description": task.description,
                            "order": task.order,
                            "archived": task.archived,
                            "activity": activity_refs.get(task.activity_id),
                        }
                        for task in tasks.get(matrix.pk, [])
                    ],
                    "cells": [
                        {"task": task_key[task_id], "role": self.role_code[role_id], "letters": letters}
                        for task_id, role_id, letters in sorted(
                            cells.get(matrix.pk, []),
                            key=lambda cell: (position[cell[0]], self.role_code[cell[1]]),
                        )
                    ],
                    "history": [
                        {
                            "at": _when(record.at),
                            "actor": self.username(record.actor_id),
                            "channel": record.channel,
                            "kind": record.kind,
                            "task": task_key.get(record.task_id) if record.task_id else None,
                            "task_name": record.task_name,
                            "role": self.role_code.get(record.role_id) if record.role_id else None,
                            "role_code": record.role_code,
                            "field": record.field,
                            "before": record.before,
                            "after": record.after,
                            "version": record.version,
                        }
                        for record in history.get(matrix.pk, [])
                    ],
                    "revisions": [
                        self._revision(r, task_key, signoffs, acknowledgements) for r in matrix_revisions
                    ],
                    "threads": [self._thread(thread, task_key) for thread in threads.get(matrix.pk, [])],
                }
            )
        return documents

    def _thread(self, thread: Thread, task_key: dict[int, str]) -> dict:
        return {
            "task": task_key[thread.task_id],
            "role": self.role_code[thread.role_id] if thread.role_id else None,
            "created_by": self.username(thread.created_by_id),
            "created_at": _when(thread.created_at),
            "resolved_at": _when(thread.resolved_at),
            "resolved_by": self.username(thread.resolved_by_id),
            "resolved_revision": thread.resolved_revision,
            "comments": [
                {
                    "author": self.username(comment.author_id),
                    "body": comment.body,
                    "created_at": _when(comment.created_at),
                    "mentions": sorted(self.usernames[user.pk] for user in comment.mentions.all()),
                }
                for comment in thread.comments.all()
            ],
        }

    def _revision(self, revision: Revision, task_key: dict[int, str], signoffs, acknowledgements) -> dict:
        snapshot = copy.deepcopy(revision.snapshot)
        snapshot["id"] = None
        for role in snapshot.get("roles", ()):
            role["id"] = self.snapshot_role_key[role["id"]]
        for task in snapshot.get("tasks", ()):
            task["id"] = task_key[task["id"]]
        for cell in snapshot.get("cells", ()):
            cell["task"] = task_key[cell["task"]]
        return {
            "number": revision.number,
            "note": revision.note,
            "published_at": _when(revision.published_at),
            "published_by": self.username(revision.published_by_id),
            "version": revision.version,
            "snapshot": snapshot,
            "health": revision.health,
            "error_count": revision.error_count,
            "override_reason": revision.override_reason,
            "signoff_required": revision.signoff_required,
            "review_reminded_at": _when(revision.review_reminded_at),
            "signoffs": sorted(
                (
                    {
                        "person": self.person_key[signoff.person_id],
                        "decision": signoff.decision,
                        "comment": signoff.comment,
                        "decided_at": _when(signoff.decided_at),
                        "decided_by": self.username(signoff.decided_by_id),
                    }
                    for signoff in signoffs.get(revision.pk, [])
                ),
                key=lambda row: row["person"],
            ),
            "acknowledgements": sorted(
                (
                    {"person": self.person_key[ack.person_id], "at": _when(ack.at)}
                    for ack in acknowledgements.get(revision.pk, [])
                ),
                key=lambda row: row["person"],
            ),
        }


# Reading a document ------------------------------------------------------------------------------

TEXT, NUMBER, FLAG, OBJECT, LIST, TIME = (
    "text",
    "a whole number",
    "true or false",
    "an object",
    "a list",
    "a time",
)
_NULL = object()


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return {str: "text", int: "a number", float: "a number", dict: "an object", list: "a list"}.get(
        type(value), type(value).__name__
    )


def _check(value: Any, kind: str, path: str, *, null: bool = False) -> None:
    if value is None:
        if null:
            return
        raise BackupError(f"{path}: a value is needed, the file has null.")
    if kind == TIME:
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise BackupError(
                f"{path}: expected a date and time with its offset (ISO 8601), found {value!r}."
            )
        return
    fits = {
        TEXT: isinstance(value, str),
        NUMBER: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        FLAG: isinstance(value, bool),
        OBJECT: isinstance(value, dict),
        LIST: isinstance(value, list),
    }[kind]
    if not fits:
        raise BackupError(f"{path}: expected {kind}, found {_kind(value)}.")


def _fields(value: Any, path: str, spec: dict[str, str | tuple[str, object]]) -> dict[str, Any]:
    """``value`` if it is an object with every field of ``spec`` of the right kind (a tuple
    ``(kind, _NULL)`` allows null). Fields the spec does not name are ignored."""
    if not isinstance(value, dict):
        raise BackupError(f"{path}: expected an object, found {_kind(value)}.")
    for name, kind in spec.items():
        if name not in value:
            raise BackupError(f"{path}: the field '{name}' is missing.")
        if isinstance(kind, tuple):
            _check(value[name], kind[0], f"{path}.{name}", null=True)
        else:
            _check(value[name], kind, f"{path}.{name}")
    return value


def _each(parent: dict[str, Any], name: str, path: str, spec: dict) -> list[tuple[dict[str, Any], str]]:
    return [
        (_fields(item, f"{path}.{name}[{i}]", spec), f"{path}.{name}[{i}]")
        for i, item in enumerate(parent[name])
    ]


def _unique(values: list[tuple[Any, str]], what: str) -> set:
    seen: set = set()
    for value, path in values:
        if value in seen:
            raise BackupError(f"{path}: {what} {value!r} appears twice.")
        seen.add(value)
    return seen


def _known(value: Any, known: set, path: str, what: str) -> None:
    if value is not None and value not in known:
        raise BackupError(f"{path}: {what} {value!r} is not in the file.")


ORGANIZATION = {"name": TEXT, "slug": TEXT, "headcount": (NUMBER, _NULL), "created_at": TIME}
ROLE = {"code": TEXT, "name": TEXT, "description": TEXT, "order": NUMBER}
TEAM = {"key": TEXT, "name": TEXT, "description": TEXT, "parent": (TEXT, _NULL), "created_at": TIME}
TEAM_ROLE = {"role": TEXT, "team": TEXT}
PERSON = {"key": TEXT, "name": TEXT, "email": TEXT, "user": (TEXT, _NULL), "active": FLAG, "roles": LIST}
MEMBER = {"username": TEXT, "email": TEXT, "level": TEXT, "created_at": TIME}
USER = {"username": TEXT, "email": TEXT}
FRAMEWORK = {
    "slug": TEXT,
    "name": TEXT,
    "summary": TEXT,
    "scheme": TEXT,
    "version": NUMBER,
    "role_names": OBJECT,
    "stages": LIST,
}
STAGE = {"name": TEXT, "description": TEXT, "order": NUMBER, "activities": LIST}
ACTIVITY = {"name": TEXT, "description": TEXT, "order": NUMBER, "suggested_letters": OBJECT}
MATRIX = {
    "name": TEXT,
    "scheme": TEXT,
    "status": TEXT,
    "version": NUMBER,
    "rule_settings": OBJECT,
    "review_interval_days": NUMBER,
    "framework": (TEXT, _NULL),
    "published_revision": (NUMBER, _NULL),
    "created_at": TIME,
    "updated_at": TIME,
    "columns": LIST,
    "tasks": LIST,
    "cells": LIST,
    "history": LIST,
    "revisions": LIST,
}
COLUMN = {"role": TEXT, "order": NUMBER}
TASK = {
    "key": TEXT,
    "name": TEXT,
    "stage": TEXT,
    "description": TEXT,
    "order": NUMBER,
    "archived": FLAG,
    "activity": (OBJECT, _NULL),
}
ACTIVITY_REF = {"framework": TEXT, "stage": TEXT, "activity": TEXT}
CELL = {"task": TEXT, "role": TEXT, "letters": TEXT}
CHANGE = {
    "at": TIME,
    "actor": (TEXT, _NULL),
    "channel": TEXT,
    "kind": TEXT,
    "task": (TEXT, _NULL),
    "task_name": TEXT,
    "role": (TEXT, _NULL),
    "role_code": TEXT,
    "field": TEXT,
    "before": TEXT,
    "after": TEXT,
    "version": NUMBER,
}
REVISION = {
    "number": NUMBER,
    "note": TEXT,
    "published_at": TIME,
    "published_by": (TEXT, _NULL),
    "version": NUMBER,
    "snapshot": OBJECT,
    "health": NUMBER,
    "error_count": NUMBER,
    "override_reason": TEXT,
    "signoff_required": FLAG,
    "review_reminded_at": (TIME, _NULL),
    "signoffs": LIST,
    "acknowledgements": LIST,
}
SIGNOFF = {
    "person": TEXT,
    "decision": TEXT,
    "comment": TEXT,
    "decided_at": (TIME, _NULL),
    "decided_by": (TEXT, _NULL),
}
ACKNOWLEDGEMENT = {"person": TEXT, "at": TIME}
THREAD = {
    "task": TEXT,
    "role": (TEXT, _NULL),
    "created_by": (TEXT, _NULL),
    "created_at": TIME,
    "resolved_at": (TIME, _NULL),
    "resolved_by": (TEXT, _NULL),
    "resolved_revision": (NUMBER, _NULL),
    "comments": LIST,
}
COMMENT = {"author": (TEXT, _NULL), "body": TEXT, "created_at": TIME, "mentions": LIST}
SNAPSHOT = {"name": TEXT, "version": NUMBER, "scheme": TEXT, "roles": LIST, "tasks": LIST, "cells": LIST}
SNAPSHOT_ROLE = {"id": TEXT, "code": TEXT, "name": TEXT}
SNAPSHOT_TASK = {"id": TEXT, "name": TEXT, "stage": TEXT, "order": NUMBER}
SNAPSHOT_CELL = {"task": TEXT, "role": TEXT, "letters": TEXT}
WEBHOOK = {
    "url": TEXT,
    "events": LIST,
    "active": FLAG,
    "log_response_excerpt": FLAG,
    "created_by": (TEXT, _NULL),
    "created_at": TIME,
}
TOP = {
    "organization": OBJECT,
    "roles": LIST,
    "people": LIST,
    "members": LIST,
    "other_users": LIST,
    "frameworks": LIST,
    "matrices": LIST,
    "webhooks": LIST,
}
LETTERS = re.compile(r"[A-Z]{1,8}")


def _optional_list(value: dict, name: str, path: str) -> list:
    """A list field that files written before it existed do not have."""
    items = value.get(name, [])
    _check(items, LIST, f"{path}.{name}")
    return items


def document_check(document: Any) -> dict[str, Any]:
    """``document`` if it is a version-1 organization document whose every reference resolves
    inside it; else BackupError naming the first problem by its path (``matrices[0].tasks[2].name``)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"This is not an organization export: its 'format' is not '{FORMAT}'.")
    version = document.get("version")
    if version != VERSION:
        raise BackupError(
            f"This file is an organization export of version {version!r}; "
            f"this instance reads version {VERSION}."
        )
    _fields(document, "document", TOP)
    _fields(document["organization"], "organization", ORGANIZATION)
    organization_settings = document["organization"].get("rule_settings", {})
    _check(organization_settings, OBJECT, "organization.rule_settings")
    if "split_pairs" in organization_settings:
        _split_pairs_check(organization_settings["split_pairs"], "organization.rule_settings.split_pairs")
    roles = _each(document, "roles", "document", ROLE)
    codes = _unique([(role["code"], path) for role, path in roles], "the role code")
    users = _each(document, "members", "document", MEMBER) + _each(document, "other_users", "document", USER)
    usernames = _unique([(user["username"], path) for user, path in users], "the username")
    teams = _each({"teams": document.get("teams", [])}, "teams", "document", TEAM)
    team_keys = _unique([(team["key"], path) for team, path in teams], "the team key")
    seen_teams: set[str] = set()
    for team, path in teams:
        if team["parent"] is not None and team["parent"] not in seen_teams:
            raise BackupError(
                f"{path}.parent: the team {team['parent']!r} must come before the teams under it."
            )
        seen_teams.add(team["key"])
    _unique(
        [((team["parent"], team["name"].lower()), path) for team, path in teams],
        "the team name under one parent",
    )
    people = _each(document, "people", "document", PERSON)
    keys = _unique([(person["key"], path) for person, path in people], "the person key")
    for person, path in people:
        for i, key in enumerate(_optional_list(person, "teams", path)):
            _known(key, team_keys, f"{path}.teams[{i}]", "the team")
        for i, held in enumerate(_optional_list(person, "team_roles", path)):
            _fields(held, f"{path}.team_roles[{i}]", TEAM_ROLE)
            _known(held["role"], codes, f"{path}.team_roles[{i}].role", "the role")
            _known(held["team"], team_keys, f"{path}.team_roles[{i}].team", "the team")
    _unique([(person["email"].lower(), path) for person, path in people if person["email"]], "the email")
    _unique([(person["user"], path) for person, path in people if person["user"]], "the linked user")
    for person, path in people:
        _known(person["user"], usernames, f"{path}.user", "the user")
        if "title" in person:  # added after version 1 first shipped: files without it still read
            _check(person["title"], TEXT, f"{path}.title")
        for i, code in enumerate(person["roles"]):
            _check(code, TEXT, f"{path}.roles[{i}]")
            _known(code, codes, f"{path}.roles[{i}]", "the role")
    frameworks = _each(document, "frameworks", "document", FRAMEWORK)
    _unique([(framework["slug"], path) for framework, path in frameworks], "the framework slug")
    for framework, path in frameworks:
        _split_pairs_check(framework.get("split_pairs", []), f"{path}.split_pairs")
        stages = _each(framework, "stages", path, STAGE)
        _unique([(stage["name"], p) for stage, p in stages], "the stage")
        for stage, stage_path in stages:
            activities = _each(stage, "activities", stage_path, ACTIVITY)
            _unique([(activity["name"], p) for activity, p in activities], "the activity")
            for activity, p in activities:
                _check(activity.get("source", ""), TEXT, f"{p}.source")
                _check(activity.get("shared_accountability", False), FLAG, f"{p}.shared_accountability")
    matrices = _each(document, "matrices", "document", MATRIX)
    _unique([(matrix["name"], path) for matrix, path in matrices], "the matrix name")
    for matrix, path in matrices:
        _matrix_check(matrix, path, codes=codes, usernames=usernames, people=keys)
        if matrix.get("team") is not None:
            _check(matrix["team"], TEXT, f"{path}.team")
            _known(matrix["team"], team_keys, f"{path}.team", "the team")
    for webhook, path in _each(document, "webhooks", "document", WEBHOOK):
        _known(webhook["created_by"], usernames, f"{path}.created_by", "the user")
    return document


def _matrix_check(matrix: dict, path: str, *, codes: set, usernames: set, people: set) -> None:
    columns = _each(matrix, "columns", path, COLUMN)
    _unique([(column["role"], p) for column, p in columns], "the column")
    for column, p in columns:
        _known(column["role"], codes, f"{p}.role", "the role")
    tasks = _each(matrix, "tasks", path, TASK)
    task_keys = _unique([(task["key"], p) for task, p in tasks], "the task key")
    _unique([(task["name"].lower(), p) for task, p in tasks], "the task name")
    for task, p in tasks:
        if task["activity"] is not None:
            _fields(task["activity"], f"{p}.activity", ACTIVITY_REF)
    shared = matrix["rule_settings"].get("shared_accountability_tasks", [])
    _check(shared, LIST, f"{path}.rule_settings.shared_accountability_tasks")
    for i, key in enumerate(shared):
        where = f"{path}.rule_settings.shared_accountability_tasks[{i}]"
        # A number is a task id of a file written before keys were: importing drops it.
        if not isinstance(key, int) or isinstance(key, bool):
            _check(key, TEXT, where)
            _known(key, task_keys, where, "the task")
    cells = _each(matrix, "cells", path, CELL)
    _unique([((cell["task"], cell["role"]), p) for cell, p in cells], "the cell")
    for cell, p in cells:
        _known(cell["task"], task_keys, f"{p}.task", "the task")
        _known(cell["role"], codes, f"{p}.role", "the role")
        if not LETTERS.fullmatch(cell["letters"]):
            raise BackupError(f"{p}.letters: expected 1 to 8 capital letters, found {cell['letters']!r}.")
    for record, p in _each(matrix, "history", path, CHANGE):
        _known(record["actor"], usernames, f"{p}.actor", "the user")
        _known(record["task"], task_keys, f"{p}.task", "the task")
        _known(record["role"], codes, f"{p}.role", "the role")
    revisions = _each(matrix, "revisions", path, REVISION)
    numbers = _unique([(revision["number"], p) for revision, p in revisions], "the revision number")
    _known(matrix["published_revision"], numbers, f"{path}.published_revision", "the revision")
    for revision, p in revisions:
        _known(revision["published_by"], usernames, f"{p}.published_by", "the user")
        snapshot = _fields(revision["snapshot"], f"{p}.snapshot", SNAPSHOT)
        if snapshot["scheme"] not in SCHEMES:
            raise BackupError(f"{p}.snapshot.scheme: unknown scheme {snapshot['scheme']!r}.")
        _each(snapshot, "roles", f"{p}.snapshot", SNAPSHOT_ROLE)
        _each(snapshot, "tasks", f"{p}.snapshot", SNAPSHOT_TASK)
        _each(snapshot, "cells", f"{p}.snapshot", SNAPSHOT_CELL)
        signoffs = _each(revision, "signoffs", p, SIGNOFF)
        _unique([(signoff["person"], sp) for signoff, sp in signoffs], "the person")
        for signoff, sp in signoffs:
            _known(signoff["person"], people, f"{sp}.person", "the person")
            _known(signoff["decided_by"], usernames, f"{sp}.decided_by", "the user")
        acknowledgements = _each(revision, "acknowledgements", p, ACKNOWLEDGEMENT)
        _unique([(ack["person"], ap) for ack, ap in acknowledgements], "the person")
        for ack, ap in acknowledgements:
            _known(ack["person"], people, f"{ap}.person", "the person")
    # Discussion threads came after version 1 first shipped: files without them still read.
    live_tasks = {task["key"] for task, _ in tasks}
    for thread, p in _each({"threads": _optional_list(matrix, "threads", path)}, "threads", path, THREAD):
        _known(thread["task"], live_tasks, f"{p}.task", "the task")
        _known(thread["role"], codes, f"{p}.role", "the role")
        _known(thread["created_by"], usernames, f"{p}.created_by", "the user")
        _known(thread["resolved_by"], usernames, f"{p}.resolved_by", "the user")
        if (thread["resolved_at"] is None) != (thread["resolved_revision"] is None):
            raise BackupError(f"{p}: a resolved thread names its revision, an open one does not.")
        for comment, cp in _each(thread, "comments", p, COMMENT):
            _known(comment["author"], usernames, f"{cp}.author", "the user")
            for i, name in enumerate(comment["mentions"]):
                _check(name, TEXT, f"{cp}.mentions[{i}]")
                _known(name, usernames, f"{cp}.mentions[{i}]", "the user")


# Import ------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    organization: Organization
    counts: dict[str, int] = field(default_factory=dict)
    # Usernames: accounts created (unusable password) and accounts of this instance used as they are.
    users_created: list[str] = field(default_factory=list)
    users_existing: list[str] = field(default_factory=list)
    # Framework slugs matrices or tasks referred to that this instance does not have (links left empty).
    frameworks_missing: list[str] = field(default_factory=list)
    webhooks: int = 0


def organization_import(*, document: Any, slug: str | None = None) -> ImportReport:
    """Restore the organization ``document`` describes (under ``slug`` if given) in one transaction.

    Refused with BackupError, writing nothing, when the document is malformed or of another
    version, or when its organization's slug or one of its frameworks' slugs is taken here."""
    document_check(document)
    try:
        with transaction.atomic():
            return _Import(document, slug).run()
    except DatabaseError as exc:
        # A check above should have named the problem; this is the last line (a race, a limit).
        raise BackupError(f"The database refused the import, nothing was written: {exc}") from None


def _time(value: str | None) -> datetime | None:
    return None if value is None else parse_datetime(value)


def _clean(obj: Model, path: str, *, exclude: tuple[str, ...] = ()) -> Model:
    """``obj`` after its fields' validators (relations are set by the import itself)."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.clean_fields(exclude=[*relations, *exclude])
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
        raise BackupError(f"{path}: {problems}") from None
    return obj


def _insert_as_was(model: type[Model], rows: list[tuple[Model, dict[str, datetime | None]]]) -> list[Model]:
    """Insert the objects, then put back the times Django set on insert (auto_now_add/auto_now)."""
    objects = model.objects.bulk_create([obj for obj, _ in rows], batch_size=1000)
    stamped = sorted({name for _, stamps in rows for name in stamps})
    for obj, stamps in rows:
        for name, value in stamps.items():
            setattr(obj, name, value)
    if objects and stamped:
        model.objects.bulk_update(objects, stamped, batch_size=500)
    return objects


def _placeholder() -> str:
    return f"~{uuid.uuid4().hex}~"


def webhook_secret_new() -> str:
    """A new endpoint secret, as ``raci.delivery.webhooks.webhook_endpoint_create`` makes them."""
    return "whsec_" + secrets.token_urlsafe(32)


class _Import:
    def __init__(self, document: dict[str, Any], slug: str | None) -> None:
        self.doc = document
        self.slug = slug or document["organization"]["slug"]
        self.report: ImportReport

    def run(self) -> ImportReport:
        self._refuse_clashes()
        self._organization()
        self._users()
        self._members()
        self._roles()
        self._teams()
        self._people()
        self._frameworks()
        self._framework_links()
        counts = {"revisions": 0, "history": 0, "tasks": 0}
        for i, matrix in enumerate(self.doc["matrices"]):
            self._matrix(matrix, f"matrices[{i}]", counts)
        self._webhooks()
        self.report.counts = {
            "roles": len(self.doc["roles"]),
            "people": len(self.doc["people"]),
            "members": len(self.doc["members"]),
            "frameworks": len(self.doc["frameworks"]),
            "matrices": len(self.doc["matrices"]),
            **counts,
        }
        return self.report

    def _refuse_clashes(self) -> None:
        clashes = []
        if Organization.objects.filter(slug=self.slug).exists():
            clashes.append(
                f"an organization with the slug '{self.slug}' already exists here "
                "(import it under another slug with --slug NEW)"
            )
        slugs = [framework["slug"] for framework in self.doc["frameworks"]]
        for slug in Framework.objects.filter(slug__in=slugs).order_by("slug").values_list("slug", flat=True):
            clashes.append(
                f"a framework with the slug '{slug}' already exists here "
                "(framework slugs are unique across the instance; rename or delete that framework first)"
            )
        if clashes:
            raise BackupError("Nothing was imported: " + "; ".join(clashes) + ".")

    def _organization(self) -> None:
        data = self.doc["organization"]
        organization = Organization(
            name=data["name"],
            slug=self.slug,
            headcount=data["headcount"],
            rule_settings=data.get("rule_settings", {}),
            viewers_may_comment=bool(data.get("viewers_may_comment", True)),
        )
        _clean(organization, "organization")
        organization.save()
        Organization.objects.filter(pk=organization.pk).update(created_at=_time(data["created_at"]))
        organization.refresh_from_db(fields=["created_at"])
        self.organization = organization
        self.report = ImportReport(organization=organization)

    def _users(self) -> None:
        user_model = get_user_model()
        wanted = {
            user["username"]: user["email"] for user in [*self.doc["members"], *self.doc["other_users"]]
        }
        self.users = {user.username: user for user in user_model.objects.filter(username__in=wanted)}
        self.report.users_existing = sorted(self.users)
        for username in sorted(set(wanted) - set(self.users)):
            user = user_model(username=username, email=wanted[username])
            user.set_unusable_password()
            _clean(user, f"user '{username}'", exclude=("password",))
            user.save()
            self.users[username] = user
            self.report.users_created.append(username)

    def user(self, username: str | None):
        return None if username is None else self.users[username]

    def _members(self) -> None:
        rows = []
        for i, member in enumerate(self.doc["members"]):
            membership = Membership(
                user=self.users[member["username"]], organization=self.organization, level=member["level"]
            )
            rows.append((_clean(membership, f"members[{i}]"), {"created_at": _time(member["created_at"])}))
        _insert_as_was(Membership, rows)

    def _roles(self) -> None:
        roles = [
            _clean(
                Role(
                    organization=self.organization,
                    code=role["code"],
                    name=role["name"],
                    description=role["description"],
                    order=role["order"],
                ),
                f"roles[{i}]",
            )
            for i, role in enumerate(self.doc["roles"])
        ]
        self.role_id = {role.code: role.pk for role in Role.objects.bulk_create(roles)}
        # Roles deleted since a revision: ids reserved (a placeholder inserted and deleted), so
        # snapshots name a role no row will ever be again, as they did in the source.
        deleted = sorted(
            {
                role["id"]
                for matrix in self.doc["matrices"]
                for revision in matrix["revisions"]
                for role in revision["snapshot"]["roles"]
                if role["id"] not in self.role_id
            },
            key=_natural,
        )
        codes = set(self.role_id)
        placeholders = []
        for _ in deleted:
            code = "Z" + uuid.uuid4().hex.upper()[:15]
            while code in codes:
                code = "Z" + uuid.uuid4().hex.upper()[:15]
            codes.add(code)
            placeholders.append(Role(organization=self.organization, code=code, name="~"))
        placeholders = Role.objects.bulk_create(placeholders)
        Role.objects.filter(pk__in=[role.pk for role in placeholders]).delete()
        self.snapshot_role_id = {
            **self.role_id,
            **{key: role.pk for key, role in zip(deleted, placeholders, strict=True)},
        }

    def _teams(self) -> None:
        self.team_id: dict[str, int] = {}
        paths: dict[str, str] = {}
        for i, data in enumerate(self.doc.get("teams", [])):
            parent = data["parent"]
            team = _clean(
                Team(
                    organization=self.organization,
                    name=data["name"],
                    description=data["description"],
                    parent_id=self.team_id[parent] if parent else None,
                ),
                f"teams[{i}]",
                exclude=("path",),
            )
            team.save()
            paths[data["key"]] = f"{paths[parent] if parent else '/'}{team.pk}/"
            Team.objects.filter(pk=team.pk).update(
                path=paths[data["key"]], created_at=_time(data["created_at"])
            )
            self.team_id[data["key"]] = team.pk

    def _people(self) -> None:
        people = [
            _clean(
                Person(
                    organization=self.organization,
                    name=person["name"],
                    email=person["email"],
                    title=person.get("title", ""),
                    user=self.user(person["user"]),
                    active=person["active"],
                ),
                f"people[{i}]",
            )
            for i, person in enumerate(self.doc["people"])
        ]
        Person.objects.bulk_create(people)
        self.person_id = {
            data["key"]: person.pk for data, person in zip(self.doc["people"], people, strict=True)
        }
        pairs = list(zip(self.doc["people"], people, strict=True))
        RoleHolding.objects.bulk_create(
            [
                RoleHolding(person_id=person.pk, role_id=self.role_id[code])
                for data, person in pairs
                for code in data["roles"]
            ]
            + [
                RoleHolding(
                    person_id=person.pk,
                    role_id=self.role_id[held["role"]],
                    team_id=self.team_id[held["team"]],
                )
                for data, person in pairs
                for held in data.get("team_roles", [])
            ]
        )
        Person.teams.through.objects.bulk_create(
            [
                Person.teams.through(person_id=person.pk, team_id=self.team_id[key])
                for data, person in pairs
                for key in data.get("teams", [])
            ]
        )

    def _frameworks(self) -> None:
        self.own_frameworks: dict[str, Framework] = {}
        self.activity_id: dict[tuple[str, str, str], int] = {}
        for i, data in enumerate(self.doc["frameworks"]):
            path = f"frameworks[{i}]"
            framework = Framework(
                slug=data["slug"],
                name=data["name"],
                summary=data["summary"],
                scheme=data["scheme"],
                version=data["version"],
                organization=self.organization,
                role_names=data["role_names"],
                split_pairs=split_pairs_clean(data.get("split_pairs", [])),
            )
            _clean(framework, path)
            framework.save()
            self.own_frameworks[framework.slug] = framework
            stages = Stage.objects.bulk_create(
                [
                    _clean(
                        Stage(
                            framework=framework,
                            name=stage["name"],
                            description=stage["description"],
                            order=stage["order"],
                        ),
                        f"{path}.stages[{j}]",
                    )
                    for j, stage in enumerate(data["stages"])
                ]
            )
            activities = []
            for j, (stage, stage_data) in enumerate(zip(stages, data["stages"], strict=True)):
                for k, activity in enumerate(stage_data["activities"]):
                    activities.append(
                        _clean(
                            Activity(
                                stage=stage,
                                name=activity["name"],
                                description=activity["description"],
                                order=activity["order"],
                                suggested_letters=activity["suggested_letters"],
                                source=activity.get("source", ""),
                                shared_accountability=activity.get("shared_accountability", False),
                            ),
                            f"{path}.stages[{j}].activities[{k}]",
                        )
                    )
            for activity in Activity.objects.bulk_create(activities):
                self.activity_id[(framework.slug, activity.stage.name, activity.name)] = activity.pk

    def _framework_links(self) -> None:
        """Frameworks the matrices name that the file does not carry: the built-in library's, found
        here by slug (two queries whatever the number); a slug this instance lacks leaves the link
        empty, as deleting a framework does."""
        wanted = {matrix["framework"] for matrix in self.doc["matrices"] if matrix["framework"]}
        wanted |= {
            task["activity"]["framework"]
            for matrix in self.doc["matrices"]
            for task in matrix["tasks"]
            if task["activity"]
        }
        wanted -= set(self.own_frameworks)
        self.builtin = {
            f.slug: f for f in Framework.objects.filter(slug__in=wanted, organization__isnull=True)
        }
        for slug, stage, name, pk in Activity.objects.filter(
            stage__framework__in=self.builtin.values()
        ).values_list("stage__framework__slug", "stage__name", "name", "pk"):
            self.activity_id[(slug, stage, name)] = pk
        self.report.frameworks_missing = sorted(wanted - set(self.builtin))

    def _framework(self, slug: str | None) -> Framework | None:
        if slug is None:
            return None
        return self.own_frameworks.get(slug) or self.builtin.get(slug)

    def _matrix(self, data: dict, path: str, counts: dict[str, int]) -> None:
        matrix = Matrix(
            organization=self.organization,
            name=data["name"],
            framework=self._framework(data["framework"]),
            scheme=data["scheme"],
            status=data["status"],
            version=data["version"],
            rule_settings=data["rule_settings"],
            review_interval_days=data["review_interval_days"],
            team_id=self.team_id[data["team"]] if data.get("team") else None,
        )
        _clean(matrix, path)
        matrix.save()
        MatrixRole.objects.bulk_create(
            [
                MatrixRole(matrix=matrix, role_id=self.role_id[column["role"]], order=column["order"])
                for column in data["columns"]
            ]
        )
        task_id = self._tasks(matrix, data, path)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    task_id=task_id[cell["task"]], role_id=self.role_id[cell["role"]], letters=cell["letters"]
                )
                for cell in data["cells"]
            ],
            batch_size=5000,
        )
        _insert_as_was(
            ChangeRecord,
            [
                (
                    _clean(
                        ChangeRecord(
                            matrix=matrix,
                            actor=self.user(record["actor"]),
                            channel=record["channel"],
                            kind=record["kind"],
                            task_id=task_id[record["task"]] if record["task"] else None,
                            task_name=record["task_name"],
                            role_id=self.role_id[record["role"]] if record["role"] else None,
                            role_code=record["role_code"],
                            field=record["field"],
                            before=record["before"],
                            after=record["after"],
                            version=record["version"],
                        ),
                        f"{path}.history[{i}]",
                    ),
                    {"at": _time(record["at"])},
                )
                for i, record in enumerate(data["history"])
            ],
        )
        revisions = self._revisions(matrix, data, path, task_id)
        self._threads(matrix, data, path, task_id)
        published = revisions.get(data["published_revision"])
        settings = data["rule_settings"]
        if "shared_accountability_tasks" in settings:
            # Task keys to the new ids; numbers (the source's ids, in older files) name nothing here.
            settings = {
                **settings,
                "shared_accountability_tasks": [
                    task_id[key] for key in settings["shared_accountability_tasks"] if isinstance(key, str)
                ],
            }
        Matrix.objects.filter(pk=matrix.pk).update(
            rule_settings=settings,
            published_revision=published,
            created_at=_time(data["created_at"]),
            updated_at=_time(data["updated_at"]),
        )
        if published is not None:
            # The read model of the agreement, derived from its snapshot as publishing does. A role
            # deleted since has no row: its cells keep their code without a role, as in the source.
            grid = snapshot_grid(published)
            live = set(self.role_id.values())
            grid = replace(
                grid, roles=tuple(role if role.id in live else replace(role, id=None) for role in grid.roles)
            )
            agreement_rebuild(revision=published, grid=grid)
        counts["tasks"] += len(data["tasks"])
        counts["history"] += len(data["history"])
        counts["revisions"] += len(revisions)

    def _tasks(self, matrix: Matrix, data: dict, path: str) -> dict[str, int]:
        """The draft's tasks, and ids for the tasks only snapshots still name, all given in the
        order of their keys (the source's id order); the latter are placeholders deleted at once."""
        live = {task["key"]: (i, task) for i, task in enumerate(data["tasks"])}
        keys = set(live)
        for revision in data["revisions"]:
            keys |= {task["id"] for task in revision["snapshot"]["tasks"]}
            keys |= {cell["task"] for cell in revision["snapshot"]["cells"]}
        ordered = sorted(keys, key=_natural)
        rows, placeholders = [], []
        for key in ordered:
            if key not in live:
                row = Task(matrix=matrix, name=_placeholder())
                placeholders.append(row)
                rows.append(row)
                continue
            i, task = live[key]
            activity = task["activity"]
            rows.append(
                _clean(
                    Task(
                        matrix=matrix,
                        name=task["name"],
                        stage=task["stage"],
                        description=task["description"],
                        order=task["order"],
                        archived=task["archived"],
                        activity_id=self.activity_id.get(
                            (activity["framework"], activity["stage"], activity["activity"])
                        )
                        if activity
                        else None,
                    ),
                    f"{path}.tasks[{i}]",
                )
            )
        Task.objects.bulk_create(rows, batch_size=1000)
        Task.objects.filter(pk__in=[row.pk for row in placeholders]).delete()
        return {key: row.pk for key, row in zip(ordered, rows, strict=True)}

    def _threads(self, matrix: Matrix, data: dict, path: str, task_id: dict[str, int]) -> None:
        items = data.get("threads", [])
        threads = _insert_as_was(
            Thread,
            [
                (
                    Thread(
                        matrix=matrix,
                        task_id=task_id[item["task"]],
                        role_id=self.role_id[item["role"]] if item["role"] else None,
                        created_by=self.user(item["created_by"]),
                        resolved_at=_time(item["resolved_at"]),
                        resolved_by=self.user(item["resolved_by"]),
                        resolved_revision=item["resolved_revision"],
                    ),
                    {"created_at": _time(item["created_at"])},
                )
                for item in items
            ],
        )
        written = [
            (thread, comment, f"{path}.threads[{i}].comments[{j}]")
            for i, (thread, item) in enumerate(zip(threads, items, strict=True))
            for j, comment in enumerate(item["comments"])
        ]
        comments = _insert_as_was(
            Comment,
            [
                (
                    _clean(
                        Comment(thread=thread, author=self.user(data["author"]), body=data["body"]), where
                    ),
                    {"created_at": _time(data["created_at"])},
                )
                for thread, data, where in written
            ],
        )
        mention = Comment.mentions.through
        mention.objects.bulk_create(
            [
                mention(comment_id=comment.pk, user_id=self.users[name].pk)
                for comment, (_, data, _) in zip(comments, written, strict=True)
                for name in data["mentions"]
            ]
        )

    def _revisions(
        self, matrix: Matrix, data: dict, path: str, task_id: dict[str, int]
    ) -> dict[int, Revision]:
        rows = []
        for i, revision in enumerate(data["revisions"]):
            snapshot = copy.deepcopy(revision["snapshot"])
            snapshot["id"] = matrix.pk
            for role in snapshot["roles"]:
                role["id"] = self.snapshot_role_id[role["id"]]
            for task in snapshot["tasks"]:
                task["id"] = task_id[task["id"]]
            for cell in snapshot["cells"]:
                cell["task"] = task_id[cell["task"]]
            row = Revision(
                matrix=matrix,
                number=revision["number"],
                note=revision["note"],
                published_by=self.user(revision["published_by"]),
                version=revision["version"],
                snapshot=snapshot,
                health=revision["health"],
                error_count=revision["error_count"],
                override_reason=revision["override_reason"],
                signoff_required=revision["signoff_required"],
                review_reminded_at=_time(revision["review_reminded_at"]),
            )
            _clean(row, f"{path}.revisions[{i}]", exclude=("snapshot",))
            rows.append((row, {"published_at": _time(revision["published_at"])}))
        created = _insert_as_was(Revision, rows)
        SignOff.objects.bulk_create(
            [
                _clean(
                    SignOff(
                        revision=row,
                        person_id=self.person_id[signoff["person"]],
                        decision=signoff["decision"],
                        comment=signoff["comment"],
                        decided_at=_time(signoff["decided_at"]),
                        decided_by=self.user(signoff["decided_by"]),
                    ),
                    f"{path}.revisions[{i}].signoffs[{j}]",
                )
                for i, (row, revision) in enumerate(zip(created, data["revisions"], strict=True))
                for j, signoff in enumerate(revision["signoffs"])
            ]
        )
        _insert_as_was(
            Acknowledgement,
            [
                (
                    Acknowledgement(revision=row, person_id=self.person_id[ack["person"]]),
                    {"at": _time(ack["at"])},
                )
                for row, revision in zip(created, data["revisions"], strict=True)
                for ack in revision["acknowledgements"]
            ],
        )
        return {row.number: row for row in created}

    def _webhooks(self) -> None:
        rows = []
        for i, webhook in enumerate(self.doc["webhooks"]):
            path = f"webhooks[{i}]"
            try:
                url = webhook_url_validate(webhook["url"])
                events = webhook_events_validate(webhook["events"])
            except ValidationError as exc:
                problems = "; ".join(" ".join(messages) for messages in exc.message_dict.values())
                raise BackupError(f"{path}: {problems}") from None
            endpoint = WebhookEndpoint(
                organization=self.organization,
                url=url,
                events=events,
                secret=webhook_secret_new(),
                active=False,
                log_response_excerpt=webhook["log_response_excerpt"],
                created_by=self.user(webhook["created_by"]),
            )
            rows.append((endpoint, {"created_at": _time(webhook["created_at"])}))
        _insert_as_was(WebhookEndpoint, rows)
        self.report.webhooks = len(rows)
