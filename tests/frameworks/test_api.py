"""The framework library over the API: built-in frameworks for everyone, an
organization's own frameworks for its members only, and saving a matrix as one."""

from __future__ import annotations

import pytest

from frameworks.models import Framework
from frameworks.services import frameworks_load_builtin
from tests.factories import ActivityFactory, FrameworkFactory, OrganizationFactory, RoleFactory, StageFactory
from tests.helpers import API, assert_error


@pytest.fixture
def builtin(db):
    frameworks_load_builtin()
    return set(Framework.objects.filter(organization__isnull=True).values_list("slug", flat=True))


@pytest.fixture
def own_framework(org):
    framework = FrameworkFactory(slug="acme-way", name="The Acme way", organization=org)
    stage = StageFactory(framework=framework, name="Discover", order=1)
    ActivityFactory(stage=stage, name="Interview customers", order=1, suggested_letters={"PM": "A/R"})
    ActivityFactory(stage=stage, name="Size the market", order=2)
    StageFactory(framework=framework, name="Deliver", order=2)
    return framework


@pytest.fixture
def foreign_framework(db):
    return FrameworkFactory(
        slug="rival-way", name="The Rival way", organization=OrganizationFactory(slug="rival")
    )


@pytest.fixture
def matrix(org, build_matrix):
    """A small matrix to save as a framework: two tasks in two stages, PM and PMM columns."""
    RoleFactory(organization=org, code="PM", name="Product manager")
    RoleFactory(organization=org, code="PMM", name="Product marketing")
    matrix = build_matrix(
        organization=org,
        name="Launch plan",
        tasks=["Pricing", "Launch"],
        roles=["PM", "PMM"],
        stages=["Market", "Launch"],
        fill="empty",
        cells={("Pricing", "PM"): "A", ("Pricing", "PMM"): "R", ("Launch", "PMM"): "AR"},
    )
    matrix.tasks.filter(name="Pricing").update(description="Set the price.")
    return matrix


def _save_url(org, matrix) -> str:
    return f"{API}orgs/{org.slug}/matrices/{matrix.pk}/save-as-framework/"


def _slugs(response) -> set[str]:
    assert response.status_code == 200
    return {f["slug"] for f in response.json()["results"]}


def test_list_shows_the_built_in_frameworks(client_for, viewer, builtin):
    assert builtin
    assert _slugs(client_for(viewer).get(f"{API}frameworks/")) == builtin


def test_list_shows_my_organizations_frameworks(client_for, viewer, builtin, own_framework):
    assert _slugs(client_for(viewer).get(f"{API}frameworks/")) == builtin | {"acme-way"}


def test_list_hides_another_organizations_frameworks(client_for, viewer, builtin, foreign_framework):
    response = client_for(viewer).get(f"{API}frameworks/")
    assert "rival-way" not in _slugs(response)
    assert "Rival" not in response.content.decode()


def test_list_marks_built_in_and_own_frameworks(client_for, viewer, builtin, own_framework):
    rows = {f["slug"]: f for f in client_for(viewer).get(f"{API}frameworks/").json()["results"]}
    assert rows["acme-way"]["builtin"] is False
    assert rows["acme-way"]["organization"] == "acme-test"
    assert all(rows[slug]["builtin"] and rows[slug]["organization"] is None for slug in builtin)


def test_list_needs_credentials(builtin, client_for):
    assert_error(client_for(None).get(f"{API}frameworks/"), 401)


def test_detail_has_stages_each_with_activities(client_for, viewer, own_framework):
    body = client_for(viewer).get(f"{API}frameworks/acme-way/").json()
    assert body["slug"] == "acme-way"
    assert [s["name"] for s in body["stages"]] == ["Discover", "Deliver"]
    assert [a["name"] for a in body["stages"][0]["activities"]] == ["Interview customers", "Size the market"]
    assert body["stages"][1]["activities"] == []


def test_detail_activity_carries_its_suggested_letters(client_for, viewer, own_framework):
    activity = client_for(viewer).get(f"{API}frameworks/acme-way/").json()["stages"][0]["activities"][0]
    assert set(activity) == {
        "id",
        "name",
        "description",
        "order",
        "letters",
        "source",
        "shared_accountability",
    }
    assert activity["letters"] == {"PM": "A/R"}


def test_built_in_framework_detail_has_stages_with_activities(client_for, viewer, builtin):
    body = client_for(viewer).get(f"{API}frameworks/pragmatic-pm-pmm/").json()
    assert body["builtin"] is True
    assert body["stages"]
    assert all(stage["activities"] for stage in body["stages"])


def test_another_organizations_framework_detail_gets_404(client_for, viewer, foreign_framework):
    response = client_for(viewer).get(f"{API}frameworks/rival-way/")
    assert_error(response, 404)
    assert "Rival" not in response.content.decode()


def test_unknown_framework_gets_404(client_for, viewer, builtin):
    assert_error(client_for(viewer).get(f"{API}frameworks/no-such-framework/"), 404)


# session, user, framework (visibility is a subquery), stages, activities.
def test_detail_query_count_does_not_grow_with_activities(
    client_for, viewer, own_framework, django_assert_max_num_queries
):
    client = client_for(viewer)
    with django_assert_max_num_queries(5):
        client.get(f"{API}frameworks/acme-way/")
    for i in range(40):
        stage = StageFactory(framework=own_framework, name=f"Extra {i}")
        ActivityFactory.create_batch(3, stage=stage)
    with django_assert_max_num_queries(5):
        assert len(client.get(f"{API}frameworks/acme-way/").json()["stages"]) == 42


def test_save_as_framework_contract(client_for, org, editor, matrix):
    response = client_for(editor).post(
        _save_url(org, matrix), {"slug": "acme-launch", "name": "Acme launch"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["name"], body["builtin"], body["organization"]) == (
        "acme-launch",
        "Acme launch",
        False,
        org.slug,
    )
    created = Framework.objects.get(slug="acme-launch")
    assert (created.name, created.organization) == ("Acme launch", org)


def test_save_as_framework_creates_an_organization_framework_from_the_tasks(client_for, org, editor, matrix):
    client_for(editor).post(
        _save_url(org, matrix), {"slug": "acme-launch", "name": "Acme launch"}, format="json"
    )
    framework = Framework.objects.get(slug="acme-launch")
    assert framework.organization == org
    activities = {
        a.name: (a.stage.name, a.suggested_letters, a.description)
        for a in framework.stages.get(name="Market").activities.all()
    }
    assert activities == {"Pricing": ("Market", {"PM": "A", "PMM": "R"}, "Set the price.")}


def test_saved_framework_is_visible_to_members(client_for, org, editor, viewer, matrix):
    client_for(editor).post(
        _save_url(org, matrix), {"slug": "acme-launch", "name": "Acme launch"}, format="json"
    )
    client = client_for(viewer)
    assert "acme-launch" in _slugs(client.get(f"{API}frameworks/"))
    assert client.get(f"{API}frameworks/acme-launch/").status_code == 200


def test_saved_framework_is_invisible_to_outsiders(client_for, org, editor, outsider, matrix):
    saved = client_for(editor).post(
        _save_url(org, matrix), {"slug": "acme-launch", "name": "Acme launch"}, format="json"
    )
    assert saved.status_code == 201
    assert Framework.objects.filter(slug="acme-launch", organization=org).exists()
    client = client_for(outsider)
    assert "acme-launch" not in _slugs(client.get(f"{API}frameworks/"))
    assert_error(client.get(f"{API}frameworks/acme-launch/"), 404)


def test_save_as_framework_with_a_taken_slug_gets_400_and_creates_nothing(client_for, org, editor, matrix):
    FrameworkFactory(slug="acme-launch", name="Older", organization=org)
    response = client_for(editor).post(
        _save_url(org, matrix), {"slug": "acme-launch", "name": "Acme launch"}, format="json"
    )
    assert "slug" in assert_error(response, 400, "invalid")["details"]
    assert list(Framework.objects.filter(slug="acme-launch").values_list("name", flat=True)) == ["Older"]


def test_save_as_framework_with_a_built_in_slug_gets_400(client_for, org, editor, matrix, builtin):
    before = Framework.objects.get(slug="pragmatic-pm-pmm")
    response = client_for(editor).post(
        _save_url(org, matrix), {"slug": "pragmatic-pm-pmm", "name": "Mine now"}, format="json"
    )
    assert_error(response, 400, "invalid")
    after = Framework.objects.get(slug="pragmatic-pm-pmm")
    assert (after.name, after.organization_id) == (before.name, None)


def test_save_as_framework_twice_gets_400_the_second_time(client_for, org, editor, matrix):
    client = client_for(editor)
    assert (
        client.post(_save_url(org, matrix), {"slug": "s1", "name": "One"}, format="json").status_code == 201
    )
    assert_error(client.post(_save_url(org, matrix), {"slug": "s1", "name": "Two"}, format="json"), 400)
    assert Framework.objects.get(slug="s1").name == "One"


def test_viewer_gets_403_on_save_as_framework(client_for, org, viewer, matrix):
    response = client_for(viewer).post(_save_url(org, matrix), {"slug": "v", "name": "V"}, format="json")
    assert_error(response, 403)
    assert not Framework.objects.filter(slug="v").exists()


def test_outsider_gets_404_on_save_as_framework(client_for, org, outsider, matrix):
    response = client_for(outsider).post(_save_url(org, matrix), {"slug": "o", "name": "O"}, format="json")
    assert_error(response, 404)
    assert not Framework.objects.filter(slug="o").exists()


def test_save_as_framework_of_a_missing_matrix_gets_404_and_creates_nothing(client_for, org, editor):
    response = client_for(editor).post(
        f"{API}orgs/{org.slug}/matrices/999999/save-as-framework/", {"slug": "m", "name": "M"}, format="json"
    )
    assert_error(response, 404)
    assert not Framework.objects.filter(organization=org).exists()


def test_schema_documents_a_built_in_frameworks_organization_as_null(client_for, viewer):
    schemas = client_for(viewer).get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schemas["Framework"]["properties"]["organization"]["nullable"] is True
    assert schemas["FrameworkDetail"]["properties"]["organization"]["nullable"] is True
