"""Bad input gets a clear 4xx and changes nothing: control characters in names, one limit per text
field, NUL in queries and forms, JSON nested too deeply, a CSV whose quote never closes."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from frameworks.models import Framework
from frameworks.services import framework_load
from orgs.forms import RoleForm
from orgs.models import Organization, Person, Role
from orgs.validators import validate_multiline_text, validate_single_line
from raci.matrices.api.serializers import TaskCreateSerializer, TaskUpdateSerializer
from raci.matrices.forms import TaskForm
from raci.matrices.models import ChangeRecord, Matrix, Task
from raci.revisions.api import DecisionSerializer, PublishSerializer
from raci.revisions.models import Revision
from tests.factories import RoleFactory
from tests.helpers import API, assert_error

pytestmark = pytest.mark.django_db

# A name with each of these would break an email header, a CSV line or a log line.
SINGLE_LINE_REFUSED = [
    "Launch\r\nBcc: x",
    "Launch\nplan",
    "Tab\tbed",
    "Bell\x07",
    "Next\x85line",
    "Sep\u2028arated",
]


@pytest.fixture
def matrix(org, build_matrix):
    """One task, Roadmap in stage Plan, one empty column PM."""
    return build_matrix(organization=org, tasks=["Roadmap"], roles=["PM"], stages="Plan", fill="empty")


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state(matrix: Matrix) -> tuple:
    """What a refused request must leave as it was."""
    matrix.refresh_from_db()
    return (
        matrix.version,
        list(matrix.tasks.values_list("name", "stage", "description")),
        list(matrix.columns.values_list("role__code", flat=True)),
        ChangeRecord.objects.filter(matrix=matrix).count(),
        Revision.objects.filter(matrix=matrix).count(),
    )


# --------------------------------------------------------------------------------------------
# The validators


@pytest.mark.parametrize("value", [*SINGLE_LINE_REFUSED, "\x00", "\x7f", "\ud800"])
def test_single_line_validator_refuses_control_characters_line_separators_and_surrogates(value):
    with pytest.raises(ValidationError):
        validate_single_line(value)


def test_single_line_validator_names_the_character_and_its_position():
    with pytest.raises(ValidationError) as caught:
        validate_single_line("Launch\nplan")

    assert caught.value.messages == [
        "Must be one line without control characters; found a line break at character 7."
    ]


@pytest.mark.parametrize(
    "value",
    ["Café — 価格", "Ünïcödé", "👩\u200d💻 team", "مهدی\u200cزاده", "soft\u00adhyphen", "\u200fRTL mark"],
)
def test_names_keep_letters_emoji_joiners_and_other_format_characters(value):
    validate_single_line(value)


def test_multiline_validator_accepts_line_breaks_and_tabs():
    validate_multiline_text("First line\r\nsecond\tline\nthird\u2028fourth")


@pytest.mark.parametrize(
    "value", ["bell\x07", "nul\x00", "escape\x1b[31m", "form\x0cfeed", "vertical\x0btab"]
)
def test_multiline_validator_refuses_other_control_characters(value):
    with pytest.raises(ValidationError):
        validate_multiline_text(value)


# --------------------------------------------------------------------------------------------
# Control characters through the API


@pytest.mark.parametrize("name", SINGLE_LINE_REFUSED)
def test_api_refuses_a_task_name_with_a_control_character_and_writes_nothing(
    client_for, editor, matrix, name
):
    before = _state(matrix)

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/", {"name": name}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert "one line without control characters" in error["details"]["name"][0]
    assert _state(matrix) == before


def test_api_refuses_a_task_stage_with_a_line_break(client_for, editor, matrix):
    before = _state(matrix)

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/",
        {"name": "Pricing", "stage": "Plan\nBuild"},
        format="json",
    )

    assert "stage" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before


def test_api_renaming_a_task_with_a_line_break_is_refused(client_for, editor, matrix):
    task = matrix.tasks.get()
    before = _state(matrix)

    response = client_for(editor).patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/{task.pk}/",
        {"name": "Road\r\nmap"},
        format="json",
    )

    assert "name" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before


def test_api_accepts_line_breaks_and_tabs_in_a_task_description(client_for, editor, matrix):
    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/",
        {"name": "Pricing", "description": "Two lines:\r\n\tindented"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert matrix.tasks.get(name="Pricing").description == "Two lines:\r\n\tindented"


def test_api_refuses_a_task_description_with_an_escape_sequence(client_for, editor, matrix):
    before = _state(matrix)

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/",
        {"name": "Pricing", "description": "Looks \x1b[31mred\x1b[0m in a terminal"},
        format="json",
    )

    assert "description" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before


def test_api_refuses_a_matrix_name_with_a_line_break(client_for, editor, org):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/matrices/", {"name": "Q3\r\nSubject: spoofed"}, format="json"
    )

    assert "name" in assert_error(response, 400, "invalid")["details"]
    assert not Matrix.objects.exists()


def test_api_renaming_a_matrix_with_a_line_break_is_refused(client_for, owner, matrix):
    before = _state(matrix)

    response = client_for(owner).patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/", {"name": "Own\nership"}, format="json"
    )

    assert "name" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before
    assert matrix.name == "Ownership"


def test_api_refuses_a_role_name_or_code_with_a_line_break(client_for, owner, org):
    client = client_for(owner)

    name = client.post(
        f"{API}orgs/{org.slug}/roles/", {"code": "PMM", "name": "Product\nmarketing"}, format="json"
    )
    code = client.post(f"{API}orgs/{org.slug}/roles/", {"code": "P\nMM", "name": "Marketing"}, format="json")

    assert "name" in assert_error(name, 400, "invalid")["details"]
    assert "code" in assert_error(code, 400, "invalid")["details"]
    assert not Role.objects.filter(organization=org).exists()


def test_api_refuses_a_person_name_with_a_line_break(client_for, owner, org):
    response = client_for(owner).post(
        f"{API}orgs/{org.slug}/people/", {"name": "Ada\nLovelace"}, format="json"
    )

    assert "name" in assert_error(response, 400, "invalid")["details"]
    assert not Person.objects.filter(organization=org).exists()


def test_api_refuses_an_organization_name_with_a_line_break(client_for, owner):
    response = client_for(owner).post(
        f"{API}orgs/", {"name": "Acme\r\nInc", "slug": "acme-inc"}, format="json"
    )

    assert "name" in assert_error(response, 400, "invalid")["details"]
    assert not Organization.objects.filter(slug="acme-inc").exists()


def test_api_refuses_a_revision_note_with_a_control_character_and_publishes_nothing(
    client_for, owner, matrix
):
    before = _state(matrix)

    response = client_for(owner).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/revisions/",
        {"note": "Ring\x07", "override_reason": "Known gaps"},
        format="json",
    )

    assert "note" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before


def test_signoff_comment_refuses_control_characters_but_keeps_line_breaks():
    assert DecisionSerializer(data={"decision": "rejected", "comment": "No:\nsee\tabove"}).is_valid()

    serializer = DecisionSerializer(data={"decision": "rejected", "comment": "No\x00"})

    assert not serializer.is_valid()
    assert "comment" in serializer.errors


# --------------------------------------------------------------------------------------------
# Control characters through the pages and the framework library


def test_task_page_refuses_a_name_with_a_line_break_and_writes_nothing(editor, matrix):
    before = _state(matrix)

    response = _page_client(editor).post(
        reverse("task-add", args=[matrix.organization.slug, matrix.pk]), {"name": "Launch\r\nplan"}
    )

    assert response.status_code == 302
    assert _state(matrix) == before


def test_role_page_shows_the_error_on_a_name_with_a_line_break(owner, org):
    response = _page_client(owner).post(
        reverse("settings-roles", args=[org.slug]), {"code": "PMM", "name": "Product\nmarketing"}
    )

    assert "one line without control characters" in response.content.decode()
    assert not Role.objects.filter(organization=org).exists()


def _framework_data(**changes) -> dict:
    data = {
        "slug": "launch",
        "name": "Launch",
        "roles": [{"code": "PM", "name": "Product manager"}],
        "stages": [{"name": "Plan", "activities": [{"name": "Roadmap", "letters": {"PM": "A"}}]}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "data",
    [
        _framework_data(name="Launch\nplaybook"),
        _framework_data(stages=[{"name": "Plan\tning", "activities": []}]),
        _framework_data(stages=[{"name": "Plan", "activities": [{"name": "Road\r\nmap"}]}]),
        _framework_data(
            stages=[{"name": "Plan", "activities": [{"name": "Roadmap", "description": "\x1b"}]}]
        ),
        _framework_data(roles=[{"code": "PM", "name": "Product\nmanager"}]),
    ],
    ids=["framework name", "stage name", "activity name", "activity description", "role name"],
)
def test_framework_load_refuses_control_characters_and_writes_nothing(data):
    with pytest.raises(ValidationError):
        framework_load(data=data)

    assert not Framework.objects.filter(slug="launch").exists()


def test_framework_load_names_where_the_bad_activity_is():
    with pytest.raises(ValidationError) as caught:
        framework_load(data=_framework_data(stages=[{"name": "Plan", "activities": [{"name": "Road\nmap"}]}]))

    assert caught.value.messages == [
        "launch, stage 'Plan', activity 'Road\\nmap': name: "
        "Must be one line without control characters; found a line break at character 5."
    ]


# --------------------------------------------------------------------------------------------
# One limit per text field, defined on the model


def test_task_description_limit_is_the_models_in_the_form_and_the_serializers():
    limit = Task._meta.get_field("description").max_length

    assert limit == 5000
    assert TaskForm().fields["description"].max_length == limit
    assert TaskCreateSerializer().fields["description"].max_length == limit
    assert TaskUpdateSerializer().fields["description"].max_length == limit


def test_revision_text_limits_are_the_models_in_the_serializers():
    publish = PublishSerializer().fields

    assert publish["note"].max_length == Revision._meta.get_field("note").max_length == 5000
    assert (
        publish["override_reason"].max_length
        == Revision._meta.get_field("override_reason").max_length
        == 2000
    )
    assert DecisionSerializer().fields["comment"].max_length == 5000


def test_task_page_refuses_a_description_over_the_limit_and_writes_nothing(editor, matrix):
    before = _state(matrix)

    response = _page_client(editor).post(
        reverse("task-add", args=[matrix.organization.slug, matrix.pk]),
        {"name": "Pricing", "description": "x" * 5001},
    )

    assert response.status_code == 302
    assert _state(matrix) == before


def test_task_page_accepts_a_description_at_the_limit(editor, matrix):
    _page_client(editor).post(
        reverse("task-add", args=[matrix.organization.slug, matrix.pk]),
        {"name": "Pricing", "description": "x" * 5000},
    )

    assert len(matrix.tasks.get(name="Pricing").description) == 5000


def test_role_form_refuses_a_description_over_the_limit():
    form = RoleForm({"code": "PM", "name": "Product", "description": "x" * 5001})

    assert not form.is_valid()
    assert "description" in form.errors


def test_publish_page_refuses_a_note_over_the_limit_and_publishes_nothing(owner, matrix):
    before = _state(matrix)

    response = _page_client(owner).post(
        reverse("revision-list", args=[matrix.organization.slug, matrix.pk]),
        {"note": "x" * 5001, "override_reason": "Known gaps"},
    )

    assert response.status_code == 400
    assert _state(matrix) == before


def test_model_refuses_a_task_description_over_the_limit(matrix):
    task = matrix.tasks.get()
    task.description = "x" * 5001

    with pytest.raises(ValidationError) as caught:
        task.full_clean()

    assert "description" in caught.value.message_dict


# --------------------------------------------------------------------------------------------
# NUL in query strings and forms


def test_history_page_with_nul_in_a_filter_gets_400(viewer, matrix):
    response = _page_client(viewer).get(
        reverse("matrix-history", args=[matrix.organization.slug, matrix.pk]) + "?role=P%00M"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL" in response.content.decode()


def test_search_with_nul_gets_400(viewer, org):
    response = _page_client(viewer).get(reverse("search", args=[org.slug]) + "?q=a%00b")

    assert response.status_code == 400


def test_search_without_nul_still_answers(viewer, org):
    assert _page_client(viewer).get(reverse("search", args=[org.slug]), {"q": "ab"}).status_code == 200


def test_column_form_with_nul_gets_400_and_leaves_the_columns(editor, matrix):
    before = _state(matrix)

    response = _page_client(editor).post(
        reverse("matrix-columns", args=[matrix.organization.slug, matrix.pk]),
        {"action": "add", "role": "P\x00M"},
    )

    assert response.status_code == 400
    assert _state(matrix) == before


def test_urlencoded_form_with_nul_in_a_field_name_gets_400(editor, matrix):
    before = _state(matrix)

    response = _page_client(editor).post(
        reverse("matrix-columns", args=[matrix.organization.slug, matrix.pk]),
        "action=add&role=PM&x%00=1",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert _state(matrix) == before


def test_revision_note_form_with_nul_gets_400_and_publishes_nothing(owner, matrix):
    before = _state(matrix)

    response = _page_client(owner).post(
        reverse("revision-list", args=[matrix.organization.slug, matrix.pk]),
        {"note": "after\x00the reorg", "override_reason": "Known gaps"},
    )

    assert response.status_code == 400
    assert _state(matrix) == before


def test_api_query_with_nul_gets_400_in_the_error_shape(client_for, viewer, matrix):
    response = client_for(viewer).get(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/history/?role=P%00M"
    )

    error = assert_error(response, 400, "invalid")
    assert "role" in error["details"]


def test_api_multipart_field_with_nul_gets_400_and_imports_nothing(client_for, editor, matrix):
    before = _state(matrix)

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/import/",
        {"file": SimpleUploadedFile("m.csv", b"Stage,Task,PM\r\nPlan,Pricing,A\r\n"), "note": "a\x00b"},
        format="multipart",
    )

    assert_error(response, 400, "invalid")
    assert _state(matrix) == before


def test_api_form_over_the_upload_limit_still_gets_413_in_the_error_shape(
    client_for, editor, matrix, settings
):
    # The middleware reads the form first; a form too large to read answers as the API always has.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = _state(matrix)

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/import/",
        {"file": SimpleUploadedFile("m.csv", b"Stage,Task,PM\r\nPlan,Pricing,A\r\n"), "note": "x" * 2000},
        format="multipart",
    )

    assert_error(response, 413, "payload_too_large")
    assert _state(matrix) == before


def test_page_form_with_too_many_fields_still_gets_400(editor, matrix, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    before = _state(matrix)

    response = _page_client(editor).post(
        reverse("matrix-columns", args=[matrix.organization.slug, matrix.pk]),
        "action=add&role=PM&a=1&b=2",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert _state(matrix) == before


def test_api_json_task_name_with_nul_gets_400(client_for, editor, matrix):
    before = _state(matrix)

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/", {"name": "a\x00b"}, format="json"
    )

    assert "name" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before


def test_api_role_map_key_with_nul_gets_400_and_creates_no_matrix(client_for, editor, org):
    RoleFactory(organization=org, code="PM")
    framework_load(data=_framework_data())

    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/matrices/",
        {"name": "x", "framework": "launch", "role_map": {"P\x00M": "PM"}},
        format="json",
    )

    assert "role_map" in assert_error(response, 400, "invalid")["details"]
    assert not Matrix.objects.exists()


def test_api_rule_settings_with_nul_in_a_role_code_gets_400_and_stores_nothing(client_for, owner, matrix):
    # split_pairs passes the rules' own checks (two strings) and used to reach PostgreSQL's jsonb.
    before = _state(matrix)

    response = client_for(owner).patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/",
        {"rule_settings": {"split_pairs": [["P\x00M", "PMM"]]}},
        format="json",
    )

    assert "rule_settings" in assert_error(response, 400, "invalid")["details"]
    assert _state(matrix) == before
    assert matrix.rule_settings == {}


# --------------------------------------------------------------------------------------------
# JSON nested too deeply


def test_deeply_nested_json_body_gets_400_parse_error_and_writes_nothing(client_for, owner, org):
    response = client_for(owner).post(
        f"{API}orgs/{org.slug}/roles/", data="[" * 100_000, content_type="application/json"
    )

    assert_error(response, 400, "parse_error")
    assert not Role.objects.filter(organization=org).exists()


def test_deeply_nested_json_inside_a_field_gets_400(client_for, owner, matrix):
    before = _state(matrix)
    nested = "[" * 100_000 + "]" * 100_000

    response = client_for(owner).patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/",
        data=f'{{"rule_settings": {{"x": {nested}}}}}',
        content_type="application/json",
    )

    assert_error(response, 400, "parse_error")
    assert _state(matrix) == before


# --------------------------------------------------------------------------------------------
# A CSV whose quote never closes


def test_import_of_a_csv_with_an_unterminated_quote_gets_400_naming_the_line_and_writes_nothing(
    client_for, editor, matrix
):
    before = _state(matrix)
    content = b'Stage,Task,PM\r\nPlan,Pricing,A\r\nPlan,"Launch,R\r\nBuild,Spec,A\r\nBuild,Ship,R\r\n'

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/import/",
        {"file": SimpleUploadedFile("matrix.csv", content)},
        format="multipart",
    )

    error = assert_error(response, 400, "invalid")
    [issue] = error["details"]["rows"]
    assert issue["line"] == 3
    assert "never closed" in issue["message"]
    assert _state(matrix) == before


def test_import_of_a_task_name_with_a_line_break_gets_400_with_its_line_and_column(
    client_for, editor, matrix
):
    before = _state(matrix)
    content = b'Stage,Task,PM\r\nPlan,"Two\r\nlines",A\r\n'

    response = client_for(editor).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/import/",
        {"file": SimpleUploadedFile("matrix.csv", content)},
        format="multipart",
    )

    [issue] = assert_error(response, 400, "invalid")["details"]["rows"]
    assert (issue["line"], issue["column"]) == (2, "Task")
    assert "line break" in issue["message"]
    assert _state(matrix) == before


def test_json_error_body_is_valid_json_for_a_nul_field_name(client_for, viewer, matrix):
    response = client_for(viewer).get(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/history/?r%00le=PM"
    )

    assert_error(response, 400, "invalid")
    assert json.loads(response.content)["error"]["details"]
