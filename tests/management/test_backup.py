"""Backing up and moving an organization: ``manage.py org_export`` and ``manage.py org_import``.

The round trip is the specification: export, empty the instance of the organization, import,
export again — the two documents are the same, and what people see (grids, revisions compared,
the person pages) is the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import StringIO
from itertools import pairwise
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.models import Framework
from orgs.models import Membership, Organization, Person, Role, Team
from orgs.services import (
    membership_set,
    organization_create,
    organization_delete,
    person_create,
    role_create,
    role_delete,
)
from orgs.teams import holding_add, person_teams_set, team_create
from raci import rules
from raci.delivery.models import WebhookEndpoint
from raci.delivery.webhooks import webhook_endpoint_create, webhook_endpoint_update
from raci.discussion.models import Thread
from raci.discussion.services import comment_add, thread_resolve, thread_start
from raci.insights.selectors import person_responsibilities
from raci.management.backup import FORMAT, VERSION
from raci.matrices.adoption import framework_from_matrix, matrix_adopt
from raci.matrices.cells import assignment_set
from raci.matrices.history import Actor
from raci.matrices.models import ChangeRecord, Matrix, Task
from raci.matrices.readings import READ_PUBLISHED, matrix_read
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.services import matrix_update, task_create, task_update
from raci.revisions import services as revisions
from raci.revisions.models import PublishedCell, PublishedTask, Revision, SignOff
from raci.revisions.selectors import revision_diff, snapshot_grid
from tests.factories import ActivityFactory, FrameworkFactory, StageFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@dataclass
class Acme:
    organization: Organization
    owner: object
    webhook_secrets: list[str]


def _tasks(matrix: Matrix) -> dict[str, Task]:
    return {task.name: task for task in matrix.tasks.all()}


@pytest.fixture
def acme(build_matrix) -> Acme:
    """An organization with a bit of everything the document carries."""
    olga = UserFactory(username="olga", email="olga@example.com")
    ed = UserFactory(username="ed", email="ed@example.com")
    vic = UserFactory(username="vic", email="vic@example.com")
    contractor = UserFactory(username="contractor", email="")  # made a change, never a member
    org = organization_create(name="Acme", slug="acme", owner=olga, headcount=40)
    membership_set(organization=org, user=ed, level=Membership.Level.EDITOR)
    membership_set(organization=org, user=vic, level=Membership.Level.VIEWER)
    roles = {
        code: role_create(
            organization=org, code=code, name=name, description=f"What {name} does.\nTwo lines."
        )
        for code, name in [("PM", "Product manager"), ("ENG", "Engineering"), ("OPS", "Operations")]
    }
    roles["LEGAL"] = role_create(organization=org, code="LEGAL", name="Legal")
    olga_person = person_create(
        organization=org, name="Olga Owner", email="olga@example.com", roles=[roles["PM"]]
    )
    assert olga_person.user == olga  # linked by email
    ed_person = person_create(
        organization=org, name="Ed", email="ed.work@example.com", user=ed, roles=[roles["ENG"]]
    )
    # Two people without an email, with the same name: keyed by position, tie broken by id.
    person_create(organization=org, name="Sam", roles=[roles["ENG"]])
    person_create(organization=org, name="Sam", roles=[roles["OPS"]])
    person_create(
        organization=org,
        name="Eve",
        email="Eve@Example.com",
        title="Counsel",
        roles=[roles["OPS"], roles["LEGAL"]],
    )
    person_create(organization=org, name="Ivan", email="ivan@example.com", active=False, roles=[roles["OPS"]])

    # Ed is the Mobile team's PM: the Delivery matrix, Mobile's work, names him for PM.
    product = team_create(organization=org, name="Product", description="Every product line.")
    mobile = team_create(organization=org, name="Mobile", parent=product)
    holding_add(person=ed_person, role=roles["PM"], team=mobile)
    person_teams_set(person=olga_person, teams=[product])

    web = Actor(user=olga, channel="web")
    delivery = build_matrix(
        organization=org,
        tasks=["Plan", "Build", "Ship", "Support"],
        roles=["PM", "ENG", "OPS"],
        name="Delivery",
        cells={("Build", "ENG"): "R", ("Ship", "OPS"): "C"},
        published=True,
    )
    tasks = _tasks(delivery)
    assignment_set(
        matrix=delivery, task=tasks["Build"], role=roles["ENG"], letters="I", actor=Actor(ed, "web")
    )
    assignment_set(
        matrix=delivery, task=tasks["Plan"], role=roles["OPS"], letters="C", actor=Actor(contractor, "api")
    )
    retro = task_create(matrix=delivery, name="Retro", stage="Stage 0", description="Look back.", actor=web)
    assignment_set(matrix=delivery, task=retro, role=roles["PM"], letters="AR", actor=web)
    # Discussion: a cell's thread with a mention and a reply, and the task's own thread, resolved.
    cell_thread = thread_start(
        matrix=delivery, task_id=tasks["Build"].pk, role_code="ENG", body="@vic ok?", author=ed
    )
    comment_add(thread=cell_thread, body="Fine by me <b>really</b>", author=vic)
    settled = thread_start(matrix=delivery, task_id=retro.pk, body="Monthly?", author=olga)
    thread_resolve(thread=settled, user=ed)
    second = revisions.matrix_publish(matrix=delivery, actor=web, note="Second cut", require_signoff=True)
    signoff = SignOff.objects.get(revision=second)
    revisions.signoff_decide(signoff=signoff, user=olga, decision="approved", comment="Looks right")
    revisions.acknowledge(revision=second, person=olga_person, user=olga)
    revisions.acknowledge(revision=delivery.revisions.get(number=1), person=ed_person, user=ed)
    matrix_update(matrix=delivery, team=mobile, actor=web)
    # The draft moves on after the agreement: an archived task, a new cell.
    task_update(task=tasks["Support"], archived=True, actor=web)
    assignment_set(matrix=delivery, task=tasks["Build"], role=roles["OPS"], letters="I", actor=web)
    # A task deleted outright (as the admin can): only the revisions' snapshots still have it.
    Task.objects.filter(pk=tasks["Ship"].pk).delete()

    support = build_matrix(
        organization=org,
        tasks=["Triage", "Escalate"],
        roles=["OPS", "LEGAL"],
        name="Support desk",
        published=True,
    )
    assignment_set(
        matrix=support, task=_tasks(support)["Escalate"], role=roles["LEGAL"], letters="C", actor=web
    )
    revisions.matrix_publish(matrix=support, actor=web, note="With legal")
    # LEGAL deleted after both revisions, and a new LEGAL created: the snapshots name the old one.
    role_delete(role=roles["LEGAL"], acting_user=olga)
    role_create(organization=org, code="LEGAL", name="Legal (new)")

    own = framework_from_matrix(matrix=delivery, slug="acme-delivery", name="Acme delivery", summary="Ours.")
    matrix_adopt(organization=org, framework=own, name="Adopted", actor=web)
    library = FrameworkFactory(slug="library-launch", name="Launch", organization=None)
    ActivityFactory(
        stage=StageFactory(framework=library, name="Go"), name="Announce", suggested_letters={"PM": "AR"}
    )
    matrix_adopt(organization=org, framework=library, name="From the library", actor=web)

    hook = webhook_endpoint_create(
        organization=org, url="https://93.184.215.14/raci", events=["matrix.published"], created_by=olga
    )
    quiet = webhook_endpoint_create(
        organization=org, url="http://93.184.215.15:8080/hook", log_response_excerpt=True, created_by=ed
    )
    webhook_endpoint_update(endpoint=quiet, active=False)
    return Acme(organization=org, owner=olga, webhook_secrets=[hook.secret, quiet.secret])


def _export(slug: str, path: Path) -> dict:
    out = StringIO()
    call_command("org_export", slug, "-o", str(path), stdout=out)
    assert f"to {path}" in out.getvalue()
    return json.loads(path.read_text(encoding="utf-8"))


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("org_import", str(path), *args, stdout=out)
    return out.getvalue()


def _named(grid) -> dict:
    """A grid with names for ids, to compare across databases."""
    name = {task.id: task.name for task in grid.tasks}
    return {
        "name": grid.name,
        "version": grid.version,
        "roles": [(role.code, role.name) for role in grid.roles],
        "tasks": [(task.name, task.stage, task.order) for task in grid.tasks],
        "cells": sorted((name[task_id], code, letters) for (task_id, code), letters in grid.cells.items()),
        "people": sorted((p.name, sorted(p.role_codes), p.active) for p in grid.people),
    }


def _diff(old, new) -> dict:
    name = {task.id: task.name for task in (*old.tasks, *new.tasks)}

    def rename(rows):
        return [{**row, "task": name[row["task"]]} for row in rows]

    diff = revision_diff(old, new).to_dict()
    return {key: rename(value) if isinstance(value, list) else value for key, value in diff.items()}


def _what_people_see(organization: Organization) -> dict:
    seen: dict = {"matrices": {}, "people": {}}
    for matrix in (
        Matrix.objects.filter(organization=organization).select_related("organization").order_by("name")
    ):
        draft = matrix_grid_get(matrix=matrix)
        entry = {"draft": _named(draft), "status": matrix.status, "health": rules.analyse(draft).health}
        numbered = list(matrix.revisions.order_by("number"))
        if matrix.published_revision_id:
            published, _ = matrix_read(matrix=matrix, reading=READ_PUBLISHED)
            entry["published"] = _named(published)
            entry["published_health"] = rules.analyse(published).health
            entry["unpublished_changes"] = _diff(published, draft)
            entry["compare"] = [_diff(snapshot_grid(a), snapshot_grid(b)) for a, b in pairwise(numbered)]
            entry["read_model"] = sorted(
                (
                    cell.task.name,
                    cell.role_code,
                    cell.column,
                    cell.letters,
                    cell.role.code if cell.role else None,
                )
                for cell in PublishedCell.objects.filter(matrix=matrix).select_related("task", "role")
            )
        seen["matrices"][matrix.name] = entry
    for person in Person.objects.filter(organization=organization).order_by("name", "id"):
        pages = []
        for draft in (False, True):
            rows = [r.to_dict() for r in person_responsibilities(person=person, draft=draft)]
            for row in rows:
                row["matrix"].pop("id")
                row["task"].pop("id")
            pages.append(rows)
        seen["people"].setdefault(person.name, []).append(pages)
    return seen


def _without_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


# The round trip -----------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_instance_then_export_again_gives_the_same_document(acme, tmp_path):
    seen_before = _what_people_see(acme.organization)
    first = _export("acme", tmp_path / "acme.json")
    assert (first["format"], first["version"]) == (FORMAT, VERSION)

    organization_delete(organization=acme.organization, acting_user=acme.owner)
    User.objects.filter(username__in=["ed", "vic", "contractor"]).delete()
    assert not Framework.objects.filter(slug="acme-delivery").exists()

    output = _import(tmp_path / "acme.json")
    assert "Imported Acme as 'acme': 4 matrices" in output
    assert "Created 3 user accounts without a usable password: contractor, ed, vic." in output
    assert "Used 1 existing accounts of this instance with the same usernames: olga." in output
    assert "2 webhook endpoints were imported inactive, with new secrets" in output
    for username in ["ed", "vic", "contractor"]:
        user = User.objects.get(username=username)
        assert not user.has_usable_password()
    assert User.objects.get(username="ed").email == "ed@example.com"

    second = _export("acme", tmp_path / "again.json")
    # Endpoints come back switched off; everything else is as it was.
    assert second["webhooks"] == [{**webhook, "active": False} for webhook in first["webhooks"]]
    first["webhooks"] = second["webhooks"]
    assert _without_time(second) == _without_time(first)
    assert _what_people_see(Organization.objects.get(slug="acme")) == seen_before


def test_the_document_names_everything_by_natural_keys(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    assert [role["code"] for role in document["roles"]] == ["ENG", "LEGAL", "OPS", "PM"]
    assert [(p["key"], p["name"], p["user"]) for p in document["people"]] == [
        ("ed.work@example.com", "Ed", "ed"),
        ("Eve@Example.com", "Eve", None),
        ("ivan@example.com", "Ivan", None),
        ("olga@example.com", "Olga Owner", "olga"),
        ("no-email-1", "Sam", None),
        ("no-email-2", "Sam", None),
    ]
    assert [(m["username"], m["level"]) for m in document["members"]] == [
        ("ed", "editor"),
        ("olga", "owner"),
        ("vic", "viewer"),
    ]
    assert document["other_users"] == [{"username": "contractor", "email": ""}]
    assert [f["slug"] for f in document["frameworks"]] == ["acme-delivery"]
    matrices = {matrix["name"]: matrix for matrix in document["matrices"]}
    delivery = matrices["Delivery"]
    assert [(t["key"], t["name"], t["archived"]) for t in delivery["tasks"]] == [
        ("t1", "Plan", False),
        ("t2", "Build", False),
        ("t4", "Support", True),
        ("t5", "Retro", False),
    ]
    assert delivery["published_revision"] == 2
    first, second = delivery["revisions"]
    # The deleted task keeps its key in the snapshots; the matrix's own id is not written.
    assert [t["id"] for t in first["snapshot"]["tasks"]] == ["t1", "t2", "t3", "t4"]
    assert first["snapshot"]["id"] is None
    assert [r["id"] for r in first["snapshot"]["roles"]] == ["PM", "ENG", "OPS"]
    assert second["signoffs"] == [
        {
            "person": "olga@example.com",
            "decision": "approved",
            "comment": "Looks right",
            "decided_at": second["signoffs"][0]["decided_at"],
            "decided_by": "olga",
        }
    ]
    assert [a["person"] for a in second["acknowledgements"]] == ["olga@example.com"]
    assert [a["person"] for a in first["acknowledgements"]] == ["ed.work@example.com"]
    assert {(h["actor"], h["channel"]) for h in delivery["history"]} >= {("contractor", "api"), ("ed", "web")}
    # The old LEGAL, deleted since, is told apart from the new one.
    support = matrices["Support desk"]
    assert [r["id"] for r in support["revisions"][0]["snapshot"]["roles"]] == ["OPS", "deleted-role-1"]
    assert [c["role"] for c in support["columns"]] == ["OPS"]
    assert matrices["Adopted"]["framework"] == "acme-delivery"
    assert matrices["Adopted"]["tasks"][0]["activity"]["framework"] == "acme-delivery"
    assert matrices["From the library"]["tasks"][0]["activity"] == {
        "framework": "library-launch",
        "stage": "Go",
        "activity": "Announce",
    }
    text = (tmp_path / "acme.json").read_text(encoding="utf-8")
    assert '"id": 1' not in text.replace('"id": null', "")


def test_webhook_secrets_never_leave_and_imported_endpoints_wait_switched_off(acme, tmp_path):
    _export("acme", tmp_path / "acme.json")
    text = (tmp_path / "acme.json").read_text(encoding="utf-8")
    for secret in acme.webhook_secrets:
        assert secret not in text
    document = json.loads(text)
    assert all("secret" not in webhook for webhook in document["webhooks"])
    assert [w["active"] for w in document["webhooks"]] == [True, False]

    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "acme.json")
    endpoints = list(WebhookEndpoint.objects.filter(organization__slug="acme").order_by("created_at", "id"))
    assert [e.url for e in endpoints] == ["https://93.184.215.14/raci", "http://93.184.215.15:8080/hook"]
    assert not any(e.active for e in endpoints)
    assert all(e.secret.startswith("whsec_") and e.secret not in acme.webhook_secrets for e in endpoints)
    assert endpoints[0].events == ["matrix.published"]
    assert [e.log_response_excerpt for e in endpoints] == [False, True]


def test_an_imported_matrix_compares_restores_and_publishes_as_the_original(acme, tmp_path):
    _export("acme", tmp_path / "acme.json")
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "acme.json")
    matrix = Matrix.objects.select_related("organization").get(organization__slug="acme", name="Delivery")
    assert matrix.published_revision.number == 2
    assert PublishedTask.objects.filter(matrix=matrix, revision=matrix.published_revision).count() == 5

    first = matrix.revisions.get(number=1)
    revisions.revision_restore(revision=first, actor=Actor(acme.owner, "web"))
    restored = matrix_grid_get(matrix=matrix)
    assert _named(restored)["cells"] == _named(snapshot_grid(first))["cells"]
    assert "Ship" in [task.name for task in restored.tasks]  # the deleted task, recreated
    assert ChangeRecord.objects.filter(matrix=matrix, field="restored").count() == 1

    third = revisions.matrix_publish(matrix=matrix, override_reason="Back to the first cut.")
    assert third.number == 3
    assert _named(snapshot_grid(third))["cells"] == _named(snapshot_grid(first))["cells"]
    # Compared by task id, as everywhere: only the recreated task is new, as it would be in the source.
    diff = _diff(snapshot_grid(first), snapshot_grid(third))
    assert [row["task"] for row in diff["removed_tasks"]] == ["Ship"]
    assert [row["task"] for row in diff["added_tasks"]] == ["Ship"]
    assert (diff["changed_cells"], diff["renamed_tasks"]) == ([], [])


def test_importing_under_another_slug_copies_an_organization_beside_the_original(acme, tmp_path):
    # Own frameworks are unique across the instance: without one, a copy can sit beside the original.
    Framework.objects.filter(slug="acme-delivery").delete()
    first = _export("acme", tmp_path / "acme.json")
    output = _import(tmp_path / "acme.json", "--slug", "acme-copy")
    assert "Imported Acme as 'acme-copy'" in output
    assert "Used 4 existing accounts" in output
    assert "Created" not in output
    second = _export("acme-copy", tmp_path / "copy.json")
    assert second["organization"]["slug"] == "acme-copy"
    second["organization"]["slug"] = "acme"
    first["webhooks"] = [{**webhook, "active": False} for webhook in first["webhooks"]]
    assert _without_time(second) == _without_time(first)
    original, copy = (Organization.objects.get(slug=slug) for slug in ("acme", "acme-copy"))
    assert _what_people_see(copy) == _what_people_see(original)
    assert Membership.objects.filter(user=acme.owner, level="owner").count() == 2


# Refusals -----------------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organization,
            User,
            Membership,
            Role,
            Person,
            Framework,
            Matrix,
            Task,
            Revision,
            WebhookEndpoint,
        )
    }


def test_an_import_whose_slug_is_taken_is_refused_and_writes_nothing(acme, tmp_path):
    _export("acme", tmp_path / "acme.json")
    User.objects.filter(username="vic").delete()
    before = _counts()
    with pytest.raises(CommandError) as refused:
        _import(tmp_path / "acme.json")
    message = str(refused.value)
    assert "Nothing was imported" in message
    assert "an organization with the slug 'acme' already exists here" in message
    assert "--slug NEW" in message
    assert "a framework with the slug 'acme-delivery' already exists here" in message
    assert _counts() == before


def test_a_framework_slug_taken_here_refuses_even_under_another_slug(acme, tmp_path):
    _export("acme", tmp_path / "acme.json")
    before = _counts()
    with pytest.raises(
        CommandError, match="framework with the slug 'acme-delivery' already exists"
    ) as refused:
        _import(tmp_path / "acme.json", "--slug", "acme-copy")
    assert "organization with the slug" not in str(refused.value)
    assert _counts() == before


@pytest.fixture
def small(build_matrix, tmp_path) -> dict:
    owner = UserFactory(username="owner1")
    org = organization_create(name="Small", slug="small", owner=owner)
    build_matrix(organization=org, tasks=2, roles=["PM"], name="Tiny", published=True)
    document = _export("small", tmp_path / "small.json")
    organization_delete(organization=org, acting_user=owner)
    return document


def _refused(tmp_path: Path, document, *args: str) -> str:
    path = tmp_path / "broken.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    before = _counts()
    with pytest.raises(CommandError) as refused:
        _import(path, *args)
    assert _counts() == before
    return str(refused.value)


def test_a_file_that_is_not_json_is_refused_clearly(small, tmp_path):
    assert "is not valid JSON (line 1, column 2" in _refused(tmp_path, "{nope")
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.json"):
        _import(missing)


def test_a_file_of_another_kind_or_version_is_refused_clearly(small, tmp_path):
    assert "not an organization export" in _refused(tmp_path, [1, 2])
    assert "not an organization export" in _refused(tmp_path, {**small, "format": "raci-matrix"})
    message = _refused(tmp_path, {**small, "version": 2})
    assert "version 2; this instance reads version 1" in message


def test_a_malformed_document_is_refused_with_the_place_of_the_problem(small, tmp_path):
    without_roles = {key: value for key, value in small.items() if key != "roles"}
    assert "document: the field 'roles' is missing." in _refused(tmp_path, without_roles)

    broken = json.loads(json.dumps(small))
    broken["matrices"][0]["tasks"][1]["order"] = "second"
    assert "matrices[0].tasks[1].order: expected a whole number, found text." in _refused(tmp_path, broken)

    broken = json.loads(json.dumps(small))
    broken["matrices"][0]["cells"][0]["role"] = "CEO"
    assert "matrices[0].cells[0].role: the role 'CEO' is not in the file." in _refused(tmp_path, broken)

    broken = json.loads(json.dumps(small))
    broken["roles"][0]["code"] = "pm"
    broken["matrices"] = []
    assert "roles[0]: code: A role code is 1–16 capital letters" in _refused(tmp_path, broken)

    broken = json.loads(json.dumps(small))
    broken["matrices"][0]["history"][0]["at"] = "yesterday"
    assert "matrices[0].history[0].at: expected a date and time" in _refused(tmp_path, broken)

    assert "Enter a valid “slug”" in _refused(tmp_path, small, "--slug", "not a slug")


def test_a_valid_file_imports_and_a_second_import_is_refused(small, tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(small), encoding="utf-8")
    assert "Imported Small as 'small'" in _import(path)
    with pytest.raises(CommandError, match="slug 'small' already exists"):
        _import(path)


def test_export_writes_to_standard_output_and_names_an_unknown_slug(small, tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(small), encoding="utf-8")
    _import(path)
    out = StringIO()
    call_command("org_export", "small", stdout=out)
    assert _without_time(json.loads(out.getvalue())) == _without_time(small)
    with pytest.raises(CommandError, match="No organization with slug 'nowhere'"):
        call_command("org_export", "nowhere")


@pytest.mark.django_db(transaction=True)
def test_export_outside_a_transaction_reads_one_consistent_state(build_matrix, tmp_path):
    # Outside any transaction the export opens its own (repeatable read on PostgreSQL).
    owner = UserFactory(username="owner2")
    org = organization_create(name="Solo", slug="solo", owner=owner)
    build_matrix(organization=org, tasks=3, roles=["PM"], name="Only", published=True)
    document = _export("solo", tmp_path / "solo.json")
    assert [m["name"] for m in document["matrices"]] == ["Only"]
    assert Role.objects.filter(organization=org).count() == 1


def test_teams_and_who_holds_a_role_for_them_survive_the_round_trip(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    assert [(t["key"], t["name"], t["parent"]) for t in document["teams"]] == [
        ("team-1", "Product", None),
        ("team-2", "Mobile", "team-1"),
    ]
    ed = next(p for p in document["people"] if p["name"] == "Ed")
    assert ed["team_roles"] == [{"role": "PM", "team": "team-2"}]
    assert next(m for m in document["matrices"] if m["name"] == "Delivery")["team"] == "team-2"
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "acme.json", "--slug", "acme-copy")
    mobile = Team.objects.get(organization__slug="acme-copy", name="Mobile")
    assert mobile.parent.name == "Product"
    assert mobile.lineage_ids == [mobile.parent_id, mobile.pk]


def test_a_file_written_before_teams_imports_as_an_organization_without_teams(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    document.pop("teams")
    for person in document["people"]:
        person.pop("teams")
        person.pop("team_roles")
    for matrix in document["matrices"]:
        matrix.pop("team")
    (tmp_path / "old.json").write_text(json.dumps(document))
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "old.json", "--slug", "acme-old")
    assert not Team.objects.filter(organization__slug="acme-old").exists()


def test_a_persons_title_is_exported_and_imported(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    assert [p["title"] for p in document["people"] if p["name"] == "Eve"] == ["Counsel"]
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "acme.json")
    assert Person.objects.get(organization__slug="acme", name="Eve").title == "Counsel"


def test_a_document_written_before_titles_still_imports(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    for person in document["people"]:
        del person["title"]
    (tmp_path / "old.json").write_text(json.dumps(document), encoding="utf-8")
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "old.json")
    assert Person.objects.get(organization__slug="acme", name="Eve").title == ""


def test_a_title_that_is_not_text_is_refused_with_its_place(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    document["people"][0]["title"] = ["not", "text"]
    assert "people[0].title" in _refused(tmp_path, document)


# Shared accountability, split pairs and sources ----------------------------------------------------


@pytest.fixture
def shared(build_matrix) -> Organization:
    """A matrix adopted from the organization's own framework that shares accountability for revenue
    growth by design, pairs SALES and CS, and names its sources; the organization pairs PM and ENG."""
    from frameworks.services import framework_load
    from orgs.services import organization_split_pairs_set

    owner = UserFactory(username="sharer")
    org = organization_create(name="Shared", slug="shared", owner=owner, headcount=30)
    organization_split_pairs_set(organization=org, split_pairs=[["PM", "ENG"]])
    for code in ["PM", "PMM"]:
        role_create(organization=org, code=code, name=code)
    framework_load(
        organization=org,
        data={
            "slug": "shared-growth",
            "name": "Growth",
            "split_pairs": [["SALES", "CS"]],
            "stages": [
                {
                    "name": "Grow",
                    "activities": [
                        {"name": "Pricing", "source": "seeds/004", "letters": {"PMM": "AR", "PM": "C"}},
                        {
                            "name": "Revenue growth",
                            "source": "seeds/001",
                            "shared_accountability": True,
                            "letters": {"PM": "A", "PMM": "AR"},
                        },
                    ],
                }
            ],
        },
    )
    matrix_adopt(organization=org, framework=Framework.objects.get(slug="shared-growth"), name="Growth")
    return org


def _shared_task_names(organization: Organization) -> set[str]:
    matrix = Matrix.objects.get(organization=organization, name="Growth")
    ids = matrix.rule_settings["shared_accountability_tasks"]
    return set(Task.objects.filter(pk__in=ids, matrix=matrix).values_list("name", flat=True))


def test_shared_accountability_tasks_are_written_as_task_keys(shared, tmp_path):
    document = _export("shared", tmp_path / "shared.json")
    [matrix] = document["matrices"]
    key = {task["name"]: task["key"] for task in matrix["tasks"]}["Revenue growth"]
    assert matrix["rule_settings"]["shared_accountability_tasks"] == [key]


def test_shared_accountability_survives_the_round_trip_as_the_same_tasks_by_name(shared, tmp_path):
    old_ids = set(
        Matrix.objects.get(organization=shared, name="Growth").rule_settings["shared_accountability_tasks"]
    )
    assert _shared_task_names(shared) == {"Revenue growth"}
    _export("shared", tmp_path / "shared.json")
    organization_delete(organization=shared, acting_user=User.objects.get(username="sharer"))

    _import(tmp_path / "shared.json")

    imported = Organization.objects.get(slug="shared")
    assert _shared_task_names(imported) == {"Revenue growth"}
    matrix = Matrix.objects.select_related("organization").get(organization=imported, name="Growth")
    assert not old_ids & set(matrix.rule_settings["shared_accountability_tasks"])
    # Two Accountables on revenue growth are by design again: information, not an error.
    codes = {(f.code, f.severity) for f in rules.analyse(matrix_grid_get(matrix=matrix)).findings}
    assert ("task.multiple_accountable", rules.Severity.INFO) in codes
    assert ("task.multiple_accountable", rules.Severity.ERROR) not in codes


def test_split_pairs_and_sources_survive_the_round_trip(shared, tmp_path):
    _export("shared", tmp_path / "shared.json")
    organization_delete(organization=shared, acting_user=User.objects.get(username="sharer"))
    _import(tmp_path / "shared.json")
    imported = Organization.objects.get(slug="shared")
    assert imported.rule_settings == {"split_pairs": [["PM", "ENG"]]}
    framework = Framework.objects.get(slug="shared-growth")
    assert framework.split_pairs == [["SALES", "CS"]]
    activities = {a.name: a for a in framework.stages.get().activities.all()}
    assert (activities["Revenue growth"].source, activities["Revenue growth"].shared_accountability) == (
        "seeds/001",
        True,
    )
    assert Matrix.objects.get(organization=imported).rule_settings["split_pairs"] == [["SALES", "CS"]]


def test_task_ids_in_a_file_written_before_task_keys_are_dropped(shared, tmp_path):
    document = _export("shared", tmp_path / "shared.json")
    organization_delete(organization=shared, acting_user=User.objects.get(username="sharer"))
    document["matrices"][0]["rule_settings"]["shared_accountability_tasks"] = [7, 8]
    (tmp_path / "old.json").write_text(json.dumps(document), encoding="utf-8")
    _import(tmp_path / "old.json")
    matrix = Matrix.objects.get(organization__slug="shared")
    assert matrix.rule_settings["shared_accountability_tasks"] == []


def test_a_shared_task_key_not_in_the_file_is_refused_with_its_place(shared, tmp_path):
    document = _export("shared", tmp_path / "shared.json")
    organization_delete(organization=shared, acting_user=User.objects.get(username="sharer"))
    document["matrices"][0]["rule_settings"]["shared_accountability_tasks"] = ["t99"]
    refused = _refused(tmp_path, document)
    assert (
        "matrices[0].rule_settings.shared_accountability_tasks[0]: the task 't99' is not in the file"
        in refused
    )


def test_a_bad_split_pair_in_the_file_is_refused_with_its_place(shared, tmp_path):
    document = _export("shared", tmp_path / "shared.json")
    organization_delete(organization=shared, acting_user=User.objects.get(username="sharer"))
    document["organization"]["rule_settings"] = {"split_pairs": [["PM", "PM"]]}
    assert "organization.rule_settings.split_pairs: Pair 1 names PM twice" in _refused(tmp_path, document)


def test_discussion_threads_survive_the_round_trip(acme, tmp_path):
    def discussion(slug):
        return sorted(
            (
                thread.task.name,
                thread.role.code if thread.role_id else None,
                thread.created_by.username,
                thread.resolved_by.username if thread.resolved_by_id else None,
                thread.resolved_revision,
                tuple(
                    (
                        c.author.username,
                        c.body,
                        tuple(sorted(u.username for u in c.mentions.all())),
                        c.created_at,
                    )
                    for c in thread.comments.order_by("id")
                ),
            )
            for thread in Thread.objects.filter(matrix__organization__slug=slug)
        )

    before = discussion("acme")
    assert len(before) == 2
    document = _export("acme", tmp_path / "acme.json")
    delivery = next(m for m in document["matrices"] if m["name"] == "Delivery")
    assert [t["comments"][0]["mentions"] for t in delivery["threads"]] == [["vic"], []]
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "acme.json", "--slug", "acme-copy")
    assert discussion("acme-copy") == before


def test_a_file_written_before_discussion_imports_without_threads(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    document["organization"].pop("viewers_may_comment")
    for matrix in document["matrices"]:
        matrix.pop("threads")
    (tmp_path / "old.json").write_text(json.dumps(document))
    organization_delete(organization=acme.organization, acting_user=acme.owner)
    _import(tmp_path / "old.json", "--slug", "acme-old")
    assert not Thread.objects.filter(matrix__organization__slug="acme-old").exists()
    assert Organization.objects.get(slug="acme-old").viewers_may_comment is True


def test_a_resolved_thread_without_its_revision_is_refused_with_its_place(acme, tmp_path):
    document = _export("acme", tmp_path / "acme.json")
    delivery = next(m for m in document["matrices"] if m["name"] == "Delivery")
    delivery["threads"][1]["resolved_revision"] = None
    message = _refused(tmp_path, document, "--slug", "acme-bad")
    assert "threads[1]: a resolved thread names its revision" in message
