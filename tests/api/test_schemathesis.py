"""Property-based tests of every documented operation: no input, however odd, gives a
server error, and every answer has a status code and content type the schema documents.

schemathesis reads the live schema from the application in-process and generates
requests for each operation, sent through the WSGI application against the real test
database with a Bearer token. One test seeds the demo organization and puts its real
slugs and ids in the path, so requests reach the handlers and their validation as its
owner; the other leaves the path parameters as schemathesis generates them, so routing
and lookups see junk too. At the end, what the fuzzing found, pinned as plain tests.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from orgs.models import Membership
from orgs.services import api_token_create
from raci.discussion.services import thread_start
from raci.management.demo import demo_seed
from raci.revisions.services import matrix_publish
from raci.wsgi import application
from tests.helpers import matrix_state

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# Without an explicit seed schemathesis draws a random one per run, which overrides
# Hypothesis' `derandomize`; every run must find the same things.
schema.config.seed = 20_261_123


@pytest.fixture
def _keep_the_test_connection(db):
    # Django closes "old" connections at the start and end of every request; in a test
    # that is the connection holding the test transaction, so every later case would
    # fail with "connection already closed".
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo(_keep_the_test_connection) -> dict:
    """The demo organization, a Bearer token of its owner, and real values for every path parameter."""
    login = demo_seed()
    user = get_user_model().objects.get(username=login.username)
    _, key = api_token_create(user=user, name="schemathesis")
    organization, matrix = login.organization, login.matrix
    # A revision awaiting sign-off, so the sign-off endpoints have something to decide.
    revision = matrix_publish(matrix=matrix, require_signoff=True, override_reason="Still being decided.")
    first_task = matrix.tasks.order_by("order").first()
    thread = thread_start(matrix=matrix, task_id=first_task.pk, body="Who owns this?", author=user)
    return {
        "headers": {"Authorization": f"Bearer {key}"},
        "path": {
            "org_slug": organization.slug,
            "matrix_id": matrix.pk,
            "task_id": matrix.tasks.order_by("order").first().pk,
            "role_id": organization.roles.order_by("order").first().pk,
            "person_id": organization.people.order_by("name").first().pk,
            "member_id": Membership.objects.get(organization=organization, user=user).pk,
            "framework_slug": matrix.framework.slug,
            "number": revision.number,
            "signoff_id": revision.signoffs.order_by("id").first().pk,
            "thread_id": thread.pk,
        },
    }


# No 5xx; every status code and content type is one the schema documents for the operation.
# (response_schema_conformance is not here yet: see the schema tests at the end.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@schema.parametrize()
@SETTINGS
def test_every_operation_on_real_objects_answers_as_documented_without_a_server_error(case, demo):
    if case.path_parameters:
        case.path_parameters = {
            name: demo["path"].get(name, value) for name, value in case.path_parameters.items()
        }
    case.call_and_validate(headers=demo["headers"], checks=CHECKS)


@pytest.fixture
def owner_headers(_keep_the_test_connection, owner) -> dict:
    _, key = api_token_create(user=owner, name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@SETTINGS
def test_every_operation_on_generated_ids_answers_as_documented_without_a_server_error(case, owner_headers):
    case.call_and_validate(headers=owner_headers, checks=CHECKS)


# What schemathesis found, pinned as plain tests so they fail (or pass) the same way every run.


@pytest.fixture
def matrix(org, build_matrix):
    return build_matrix(organization=org, tasks=1, roles=["PM"])


@pytest.fixture
def matrix_url(org, owner, matrix) -> str:
    return f"/api/v1/orgs/{org.slug}/matrices/{matrix.pk}/"


@pytest.mark.parametrize("endpoint", ["what-if/", "import/", "save-as-framework/", "grid/", ""])
def test_options_describes_an_endpoint_without_a_server_error(client_for, owner, matrix_url, endpoint):
    # DRF's default metadata called get_serializer() on views without a serializer_class.
    response = client_for(owner).options(matrix_url + endpoint)
    assert response.status_code == 200
    assert set(response.json()) == {"name", "description", "renders", "parses"}


@pytest.mark.parametrize(
    ("endpoint", "query"),
    [
        # str.isdigit() accepts digits int() refuses; an id past 2**63 overflowed SQLite.
        pytest.param("gap/", {"proposed": "²"}, id="gap-proposed-²"),
        pytest.param("gap/", {"proposed": str(2**70)}, id="gap-proposed-2**70"),
        pytest.param("history/", {"task": "²"}, id="history-task-²"),
        pytest.param("history/", {"task": str(2**70)}, id="history-task-2**70"),
        pytest.param("history/", {"person": "²"}, id="history-person-²"),
        pytest.param("history/", {"person": "x"}, id="history-person-x"),
        pytest.param("revisions/compare/", {"a": "²"}, id="compare-a-²"),
    ],
)
def test_an_odd_id_parameter_is_refused_or_matches_nothing(client_for, owner, matrix_url, endpoint, query):
    response = client_for(owner).get(matrix_url + endpoint, query)
    assert response.status_code in (200, 400, 404)
    if response.status_code == 200:
        assert response.json()["results"] == []


def test_grid_change_with_a_task_id_past_the_integer_range_gets_400_and_changes_nothing(
    client_for, owner, matrix, matrix_url
):
    before = matrix_state(matrix)
    change = {"task": 2**70, "role": "PM", "expected": "", "letters": "R"}
    valid = {"task": matrix.tasks.get().pk, "role": "PM", "expected": "AR", "letters": "R"}
    response = client_for(owner).patch(matrix_url + "grid/", {"changes": [valid, change]}, format="json")
    assert response.status_code == 400
    assert matrix_state(matrix) == before


@pytest.fixture
def openapi(client_for, owner) -> dict:
    return client_for(owner).get("/api/schema/?format=json").json()


# schemathesis' response_schema_conformance check found these once: the schema promised a
# string where the API answers null, or a binary file where it answers a JSON object.
@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Matrix", "framework"),
        ("Revision", "published_by"),
        ("ChangeRecord", "actor"),
    ],
)
def test_schema_documents_a_field_the_api_may_answer_null_as_nullable(openapi, component, field):
    assert openapi["components"]["schemas"][component]["properties"][field].get("nullable") is True


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orgs/{org_slug}/matrices/{matrix_id}/export/",
        "/api/v1/orgs/{org_slug}/matrices/{matrix_id}/revisions/{number}/export/",
    ],
)
def test_schema_documents_the_json_export_as_a_json_document(openapi, path):
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema.get("format") != "binary"
