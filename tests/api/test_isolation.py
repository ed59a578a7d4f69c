"""An organization's data is invisible to everyone outside it.

The walks take every operation the OpenAPI schema documents, so a new endpoint is
covered the day it is added. Authenticated as an owner of organization A only, they
put organization B's real slug and ids in the path three ways: all of B's; A's slug
with B's ids; A's slug, matrix and revision with B's ids for what is looked up inside
them. Every answer must be 404 (or 405) with no trace of B's names, and B must be
unchanged afterwards. A path parameter the walks do not know fails the suite rather
than being skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from frameworks.models import Framework
from orgs.invitations import invitation_create
from orgs.models import Invitation, Membership, Organization, Person, Role
from orgs.teams import holding_add, team_create
from raci.delivery import webhooks
from raci.delivery.models import ChatChannel, WebhookDelivery, WebhookEndpoint
from raci.discussion.models import Comment, Thread
from raci.discussion.services import thread_start
from raci.exports.models import ExportJob
from raci.matrices.models import Assignment, Matrix, Task
from raci.outbox.models import OutboxEvent
from raci.revisions.models import Acknowledgement, Revision, SignOff
from raci.revisions.services import matrix_publish
from raci.sharing.models import ShareLink
from raci.sharing.services import share_link_create
from tests.builders import matrix_build
from tests.factories import (
    ActivityFactory,
    FrameworkFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    StageFactory,
)
from tests.helpers import API, matrix_state

# Every name in organization B carries this word, and nothing in A or in a request does.
SECRET = "zanzibar"
PARAM = re.compile(r"{([a-z_]+)}")
KNOWN_PARAMS = {
    "org_slug",
    "matrix_id",
    "task_id",
    "role_id",
    "person_id",
    "member_id",
    "framework_slug",
    "number",
    "signoff_id",
    "webhook_id",
    "delivery_id",
    "team_id",
    "holding_id",
    "link_id",
    "invitation_id",
    "job_id",
    "channel_id",
    "thread_id",
}
# The parameters that name the containers others are looked up in; the "innermost" walk
# keeps A's for these and puts B's everywhere else.
CONTAINERS = {"org_slug", "matrix_id", "number", "webhook_id"}
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Tenant:
    organization: Organization
    ids: dict[str, object]


def _tenant(slug: str, label: str) -> Tenant:
    organization = OrganizationFactory(slug=slug, name=f"{label} organization")
    boss = MembershipFactory(organization=organization, level="owner", user__username=f"{slug}-boss")
    role = RoleFactory(
        organization=organization, code="BX", name=f"{label} role", description=f"{label} desc"
    )
    person = PersonFactory(
        organization=organization, name=f"{label} person", email=f"{slug}@example.com", roles=[role]
    )
    matrix = matrix_build(
        organization=organization,
        name=f"{label} matrix",
        tasks=[f"{label} task"],
        roles=["BX"],
        stages=f"{label} stage",
        fill="empty",
        cells={(f"{label} task", "BX"): "A"},
    )
    task = matrix.tasks.get()
    team = team_create(organization=organization, name=f"{label} team")
    holding = holding_add(person=person, role=role, team=team)
    framework = FrameworkFactory(slug=f"{slug}-way", name=f"{label} framework", organization=organization)
    ActivityFactory(stage=StageFactory(framework=framework, name=f"{label} phase"), name=f"{label} activity")
    # The person holds the Accountable role, so publishing with sign-off asks them.
    revision = matrix_publish(
        matrix=matrix, note=f"{label} note", require_signoff=True, override_reason=f"{label} reason"
    )
    signoff = SignOff.objects.get(revision=revision, person=person)
    endpoint = webhooks.webhook_endpoint_create(
        organization=organization, url=f"https://93.184.215.14/{slug}/hook"
    )
    event = OutboxEvent.objects.create(organization=organization, kind="matrix.published")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, kind=event.kind, status="failed"
    )
    link, _ = share_link_create(
        matrix=matrix, name=f"{label} link", expires_at=timezone.now() + timedelta(days=1), created_by=None
    )
    invitation = invitation_create(
        organization=organization,
        email=f"{label.split()[0].lower()}-invitee@example.com",
        person=PersonFactory(organization=organization, name=f"{label} invitee", email=""),
        invited_by=boss.user,
        base_url="http://testserver/",
    )
    job = ExportJob.objects.create(
        organization=organization,
        matrix=matrix,
        kind="pdf",
        reading="draft",
        status="done",
        content=b"%PDF-1.7",
        filename=f"{slug}.pdf",
    )
    # Created directly: the service would look the host up.
    channel = ChatChannel.objects.create(
        organization=organization,
        platform="slack",
        name=f"{label} channel",
        url=f"https://93.184.215.14/{slug}/chat",
    )
    thread = thread_start(
        matrix=matrix, task_id=task.pk, role_code="BX", body=f"{label} comment", author=boss.user
    )
    return Tenant(
        organization=organization,
        ids={
            "org_slug": organization.slug,
            "matrix_id": matrix.pk,
            "task_id": task.pk,
            "role_id": role.pk,
            "person_id": person.pk,
            "member_id": boss.pk,
            "framework_slug": framework.slug,
            "number": revision.number,
            "signoff_id": signoff.pk,
            "webhook_id": endpoint.pk,
            "delivery_id": str(delivery.delivery_id),
            "team_id": team.pk,
            "holding_id": holding.pk,
            "link_id": link.pk,
            "invitation_id": invitation.pk,
            "job_id": str(job.pk),
            "channel_id": channel.pk,
            "thread_id": thread.pk,
        },
    )


@pytest.fixture
def tenant_a(org, owner) -> Tenant:
    """The caller's organization (the cast's), with one of everything."""
    a = _tenant("acme-a", "Acme")
    Membership.objects.create(user=owner, organization=a.organization, level="owner")
    return a


@pytest.fixture
def tenant_b(db) -> Tenant:
    """The other organization: every name in it contains SECRET."""
    return _tenant("other-b", f"Zanzibar {SECRET}")


@pytest.fixture
def schema(client_for, owner) -> dict:
    response = client_for(owner).get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict) -> list[tuple[str, str]]:
    return [
        (path, method)
        for path, item in sorted(schema["paths"].items())
        for method in METHODS
        if method in item
    ]


def _snapshot(organization: Organization) -> dict:
    """Everything of B an attack could change, in comparable form."""
    matrices = Matrix.objects.filter(organization=organization)
    return {
        "organization": Organization.objects.filter(pk=organization.pk)
        .values("name", "slug", "headcount")
        .first(),
        "members": sorted(
            Membership.objects.filter(organization=organization).values_list("user_id", "level")
        ),
        "roles": sorted(
            Role.objects.filter(organization=organization).values_list("id", "code", "name", "order")
        ),
        "people": sorted(
            Person.objects.filter(organization=organization).values_list("id", "name", "active")
        ),
        "person_roles": sorted(
            Person.roles.through.objects.filter(person__organization=organization).values_list(
                "person_id", "role_id"
            )
        ),
        "matrices": sorted(matrices.values_list("id", "name", "status", "version")),
        "tasks": sorted(
            Task.objects.filter(matrix__in=matrices).values_list("id", "name", "order", "archived")
        ),
        "cells": sorted(
            Assignment.objects.filter(task__matrix__in=matrices).values_list("task_id", "role_id", "letters")
        ),
        "frameworks": sorted(Framework.objects.filter(organization=organization).values_list("slug", "name")),
        "revisions": sorted(
            Revision.objects.filter(matrix__in=matrices).values_list("id", "number", "note", "version")
        ),
        "signoffs": sorted(
            SignOff.objects.filter(revision__matrix__in=matrices).values_list("id", "person_id", "decision")
        ),
        "acknowledgements": sorted(
            Acknowledgement.objects.filter(revision__matrix__in=matrices).values_list(
                "revision_id", "person_id"
            )
        ),
        "invitations": sorted(
            Invitation.objects.filter(organization=organization).values_list(
                "id", "email", "level", "person_id", "sent_at", "expires_at", "accepted_at", "revoked_at"
            )
        ),
        "webhooks": sorted(
            WebhookEndpoint.objects.filter(organization=organization).values_list(
                "id", "url", "active", "events"
            )
        ),
        "share_links": sorted(
            ShareLink.objects.filter(matrix__in=matrices).values_list("id", "name", "revoked_at", "use_count")
        ),
        "threads": sorted(
            Thread.objects.filter(matrix__in=matrices).values_list("id", "task_id", "role_id", "resolved_at")
        ),
        "comments": sorted(Comment.objects.filter(thread__matrix__in=matrices).values_list("id", "body")),
        "deliveries": sorted(
            (str(d), s, a)
            for d, s, a in WebhookDelivery.objects.filter(endpoint__organization=organization).values_list(
                "delivery_id", "status", "attempts"
            )
        ),
    }


def _body(path: str, method: str, ids: dict):
    """A request body that would succeed if access were not checked (None: no body)."""
    if method in ("get", "delete"):
        return None
    if method == "put" and path.endswith("/people/"):
        return {"people": [{"name": "Hijacked", "email": "hijack@example.com", "roles": ["BX"]}]}
    if path.endswith("/import/"):
        csv = b"Stage,Task,BX\r\nMarket,Hijacked,R\r\n"
        return {"file": SimpleUploadedFile("hijack.csv", csv, content_type="text/csv")}
    bodies = {
        "/members/": {"username": "owner", "level": "owner"},
        "/members/{member_id}/": {"level": "viewer"},
        "/roles/": {"code": "HJ", "name": "Hijacked"},
        "/people/": {"name": "Hijacked", "roles": ["BX"]},
        "/matrices/": {"name": "Hijacked"},
        "/tasks/": {"name": "Hijacked"},
        "/tasks/reorder/": {"order": [ids["task_id"]]},
        "/grid/": {"changes": [{"task": ids["task_id"], "role": "BX", "expected": "A", "letters": "R"}]},
        "/what-if/": {"operations": [{"op": "remove_role", "role": "BX"}]},
        "/what-if/save/": {"operations": [{"op": "remove_role", "role": "BX"}], "name": "Hijacked"},
        "/save-as-framework/": {"slug": "hijacked", "name": "Hijacked"},
        "/revisions/": {"note": "Hijacked", "override_reason": "Hijacked"},
        "/restore/": {},
        "/signoffs/{signoff_id}/": {"decision": "approved", "comment": "Hijacked"},
        "/acknowledge/": {"person": ids["person_id"]},
        "/webhooks/": {"url": "https://hijack.example/hook"},
        "/webhooks/{webhook_id}/": {"active": False},
        "/redeliver/": {},
        "/threads/": {"task": ids["task_id"], "role": "BX", "body": "Hijacked"},
        "/threads/{thread_id}/": {"resolved": True},
        "/comments/": {"body": "Hijacked"},
    }
    for suffix, body in bodies.items():
        if path.endswith(suffix):
            return body
    return {"name": "Hijacked"}


def _query(path: str, ids: dict) -> dict:
    if path.endswith("/gap/"):
        return {"proposed": ids["matrix_id"]}
    if path.endswith("/overlap/"):
        return {"a": "BX", "b": "BX"}
    if path.endswith("/export/"):
        return {"format": "json"}
    if path.endswith("/revisions/compare/"):
        return {"a": ids.get("number", 1)}
    if path.endswith("/history/"):
        return {"person": ids["person_id"]}
    return {}


def _request(client, path: str, method: str, ids: dict):
    url = path.format(**ids)
    body = _body(path, method, ids)
    query = _query(path, ids)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if body is None:
        return getattr(client, method)(url)
    if "file" in body:
        return getattr(client, method)(url, body, format="multipart")
    return getattr(client, method)(url, body, format="json")


def _walk(client, schema: dict, ids_for) -> list[str]:
    """Send every operation with the ids ``ids_for(path)`` gives; return what went wrong."""
    problems = []
    for path, method in _operations(schema):
        ids = ids_for(path)
        if ids is None:
            continue
        response = _request(client, path, method, ids)
        where = f"{method.upper()} {path.format(**ids)}"
        if response.status_code not in (404, 405):
            problems.append(f"{where}: {response.status_code} {response.content[:200]!r}")
        elif SECRET in response.content.decode(errors="replace").lower():
            problems.append(f"{where}: the body shows organization B's data")
    return problems


def _needs(path: str) -> set[str]:
    return set(PARAM.findall(path))


def test_schema_is_served_as_json_to_a_logged_in_user(client_for, owner):
    response = client_for(owner).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert response.json()["paths"]


def test_schema_is_public_and_holds_no_organization_data(client_for, tenant_b):
    response = client_for(None).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert SECRET not in response.content.decode().lower()


def test_schema_names_only_path_parameters_the_walk_knows(schema):
    used = {name for path in schema["paths"] for name in _needs(path)}
    assert used <= KNOWN_PARAMS, f"teach test_isolation about {sorted(used - KNOWN_PARAMS)}"


def test_walk_covers_every_organization_scoped_operation(schema):
    scoped = [(p, m) for p, m in _operations(schema) if "{org_slug}" in p]
    assert len(scoped) >= 30
    assert all(p.startswith(API.rstrip("/")) for p, _ in _operations(schema))


def _b_everywhere(tenant_a: Tenant, tenant_b: Tenant):
    """B's slug and ids in every path that takes any."""
    return lambda path: tenant_b.ids if _needs(path) else None


def _my_slug_b_ids(tenant_a: Tenant, tenant_b: Tenant):
    """A's slug with B's ids, in every path that takes an id besides the slug."""
    ids = {**tenant_b.ids, "org_slug": tenant_a.ids["org_slug"]}
    return lambda path: ids if _needs(path) - {"org_slug"} else None


def _my_containers_b_ids(tenant_a: Tenant, tenant_b: Tenant):
    """A's slug, matrix and revision with B's ids for what is looked up inside them."""
    ids = {**tenant_b.ids, **{name: tenant_a.ids[name] for name in CONTAINERS}}
    return lambda path: ids if _needs(path) - CONTAINERS else None


WALKS = [_b_everywhere, _my_slug_b_ids, _my_containers_b_ids]


def test_every_operation_with_another_organizations_slug_and_ids_gets_404(
    client_for, owner, tenant_a, tenant_b, schema
):
    assert _walk(client_for(owner), schema, _b_everywhere(tenant_a, tenant_b)) == []


def test_every_operation_with_my_slug_and_another_organizations_ids_gets_404(
    client_for, owner, tenant_a, tenant_b, schema
):
    assert _walk(client_for(owner), schema, _my_slug_b_ids(tenant_a, tenant_b)) == []


def test_every_operation_with_my_matrix_and_another_organizations_inner_ids_gets_404(
    client_for, owner, tenant_a, tenant_b, schema
):
    assert _walk(client_for(owner), schema, _my_containers_b_ids(tenant_a, tenant_b)) == []


def test_walking_every_operation_changes_nothing_in_the_other_organization(
    client_for, owner, tenant_a, tenant_b, schema
):
    before = _snapshot(tenant_b.organization)
    client = client_for(owner)
    for walk in WALKS:
        _walk(client, schema, walk(tenant_a, tenant_b))
    assert _snapshot(tenant_b.organization) == before
    assert not Membership.objects.filter(user=owner, organization=tenant_b.organization).exists()
    assert not Framework.objects.filter(slug="hijacked").exists()


@pytest.mark.parametrize("path", ["orgs/", "frameworks/"])
def test_unscoped_lists_show_nothing_of_another_organization(client_for, owner, tenant_a, tenant_b, path):
    response = client_for(owner).get(API + path)
    assert response.status_code == 200
    assert SECRET not in response.content.decode().lower()


def _a(tenant_a: Tenant, rest: str) -> str:
    return f"{API}orgs/{tenant_a.ids['org_slug']}/{rest}"


def test_gap_against_another_organizations_matrix_gets_404(client_for, owner, tenant_a, tenant_b):
    url = _a(tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/gap/?proposed={tenant_b.ids['matrix_id']}")
    response = client_for(owner).get(url)
    assert response.status_code == 404
    assert SECRET not in response.content.decode().lower()


def test_grid_change_naming_another_organizations_task_gets_400_and_changes_nothing(
    client_for, owner, tenant_a, tenant_b
):
    before = _snapshot(tenant_b.organization)
    change = {"task": tenant_b.ids["task_id"], "role": "BX", "expected": "A", "letters": "R"}
    response = client_for(owner).patch(
        _a(tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/grid/"), {"changes": [change]}, format="json"
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode().lower()
    assert _snapshot(tenant_b.organization) == before


def test_reorder_with_another_organizations_task_ids_gets_400(client_for, owner, tenant_a, tenant_b):
    before = _snapshot(tenant_b.organization)
    response = client_for(owner).post(
        _a(tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/tasks/reorder/"),
        {"order": [tenant_a.ids["task_id"], tenant_b.ids["task_id"]]},
        format="json",
    )
    assert response.status_code == 400
    assert _snapshot(tenant_b.organization) == before


def test_person_cannot_hold_a_role_of_another_organization(client_for, owner, tenant_a, tenant_b):
    Role.objects.filter(pk=tenant_a.ids["role_id"]).update(code="AX")  # BX now exists only in B
    response = client_for(owner).post(
        _a(tenant_a, "people/"), {"name": "Ana", "roles": ["BX"]}, format="json"
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode().lower()
    assert not Person.objects.filter(name="Ana").exists()


def test_matrix_columns_cannot_name_a_role_of_another_organization(client_for, owner, tenant_a, tenant_b):
    Role.objects.filter(pk=tenant_a.ids["role_id"]).update(code="AX")
    mine = Matrix.objects.get(pk=tenant_a.ids["matrix_id"])
    before = (matrix_state(mine), _snapshot(tenant_b.organization))
    response = client_for(owner).patch(
        _a(tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/"), {"columns": ["BX"]}, format="json"
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode().lower()
    assert (matrix_state(mine), _snapshot(tenant_b.organization)) == before


def test_adopting_another_organizations_framework_gets_400(client_for, owner, tenant_a, tenant_b):
    response = client_for(owner).post(
        _a(tenant_a, "matrices/"),
        {"name": "Adopted", "framework": tenant_b.ids["framework_slug"]},
        format="json",
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode().lower()
    assert not Matrix.objects.filter(name="Adopted").exists()


def test_assignments_filtered_by_another_organizations_person_show_nothing(
    client_for, owner, tenant_a, tenant_b
):
    url = _a(
        tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/assignments/?person={tenant_b.ids['person_id']}"
    )
    response = client_for(owner).get(url)
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_what_if_removing_another_organizations_person_gets_400(client_for, owner, tenant_a, tenant_b):
    mine = Matrix.objects.get(pk=tenant_a.ids["matrix_id"])
    before = (matrix_state(mine), _snapshot(tenant_b.organization))
    operations = [{"op": "remove_person", "person_id": tenant_b.ids["person_id"]}]
    response = client_for(owner).post(
        _a(tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/what-if/"),
        {"operations": operations},
        format="json",
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode().lower()
    assert (matrix_state(mine), _snapshot(tenant_b.organization)) == before


def test_acknowledging_as_another_organizations_person_gets_404(client_for, owner, tenant_a, tenant_b):
    before = _snapshot(tenant_b.organization)
    url = _a(
        tenant_a, f"matrices/{tenant_a.ids['matrix_id']}/revisions/{tenant_a.ids['number']}/acknowledge/"
    )
    response = client_for(owner).post(url, {"person": tenant_b.ids["person_id"]}, format="json")
    assert response.status_code == 404
    assert SECRET not in response.content.decode().lower()
    assert _snapshot(tenant_b.organization) == before
