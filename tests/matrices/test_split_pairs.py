"""Split pairs (roles that should check each other) declared by a matrix, its framework or its
organization: the loader resolves them (matrix, then framework copied at adoption, then
organization, then PM/PMM), and the organization's change refreshes its matrices' stored health."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from frameworks.services import framework_load
from orgs.models import Organization
from orgs.services import organization_split_pairs_set
from raci import rules
from raci.matrices.adoption import framework_from_matrix, matrix_adopt
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.services import matrix_update
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _sales_and_cs(build_matrix, organization: Organization) -> Matrix:
    """Ann holds SALES and CS, Bob holds SALES too: a split pair worth fixing in an organization
    of 50, if SALES and CS are declared one."""
    matrix = build_matrix(
        organization=organization, tasks=["Demo", "Renewal"], roles=["SALES", "CS"], fill="empty",
        cells={("Demo", "SALES"): "AR", ("Renewal", "CS"): "AR"},
    )  # fmt: skip
    roles = {column.role.code: column.role for column in matrix.columns.select_related("role")}
    PersonFactory(organization=organization, name="Ann", roles=[roles["SALES"], roles["CS"]])
    PersonFactory(organization=organization, name="Bob", roles=[roles["SALES"]])
    return matrix


def _split_pair_findings(matrix: Matrix) -> list[rules.Finding]:
    grid = matrix_grid_get(matrix=Matrix.objects.select_related("organization").get(pk=matrix.pk))
    return [f for f in rules.analyse(grid).findings if f.code == "person.split_pair"]


def test_a_matrix_uses_pm_and_pmm_when_nobody_declares_pairs(build_matrix):
    matrix = _sales_and_cs(build_matrix, OrganizationFactory(headcount=50))
    assert matrix_grid_get(matrix=matrix).settings.split_pairs == (("PM", "PMM"),)
    assert _split_pair_findings(matrix) == []


def test_the_organizations_pairs_reach_every_matrix_it_has(build_matrix):
    organization = OrganizationFactory(headcount=50)
    matrix = _sales_and_cs(build_matrix, organization)
    organization_split_pairs_set(organization=organization, split_pairs=[["SALES", "CS"]])
    [finding] = _split_pair_findings(matrix)
    assert finding.severity is rules.Severity.WARNING
    assert "Ann holds both SALES and CS" in finding.message


def test_the_organizations_pairs_cost_the_loader_no_query(build_matrix, django_assert_num_queries):
    organization = OrganizationFactory(headcount=50)
    matrix = _sales_and_cs(build_matrix, organization)
    organization_split_pairs_set(organization=organization, split_pairs=[["SALES", "CS"]])
    matrix = Matrix.objects.select_related("organization").get(pk=matrix.pk)
    # 1 columns, 2 tasks, 3 cells, 4 people's roles, 5 people: as without the declaration.
    with django_assert_num_queries(5):
        grid = matrix_grid_get(matrix=matrix)
    assert grid.settings.split_pairs == (("SALES", "CS"),)


def test_a_matrixs_own_pairs_win_over_the_organizations(build_matrix):
    organization = OrganizationFactory(headcount=50)
    matrix = _sales_and_cs(build_matrix, organization)
    organization_split_pairs_set(organization=organization, split_pairs=[["SALES", "CS"]])
    matrix_update(matrix=matrix, rule_settings={"split_pairs": [["PM", "PMM"]]})
    assert _split_pair_findings(matrix) == []


def test_an_organization_declaring_no_pairs_silences_pm_and_pmm(build_matrix):
    organization = OrganizationFactory(headcount=50)
    organization_split_pairs_set(organization=organization, split_pairs=[])
    matrix = build_matrix(organization=organization, roles=["PM", "PMM"])
    assert matrix_grid_get(matrix=matrix).settings.split_pairs == ()


def test_removing_the_organizations_declaration_brings_back_the_default(build_matrix):
    organization = OrganizationFactory(headcount=50)
    organization_split_pairs_set(organization=organization, split_pairs=[["SALES", "CS"]])
    organization_split_pairs_set(organization=organization, split_pairs=None)
    organization.refresh_from_db()
    assert organization.rule_settings == {}
    matrix = build_matrix(organization=organization, roles=["PM"])
    assert matrix_grid_get(matrix=matrix).settings.split_pairs == (("PM", "PMM"),)


@pytest.mark.parametrize(
    ("pairs", "says"),
    [
        ([["PM", "PM"]], "names PM twice"),
        ([["PM"]], "two role codes each"),
        ([["PM", "not a code"]], "is not a role code"),
        ("PM PMM", "must be a list"),
        ([["PM", "PMM"]] * 21, "At most 20"),
    ],
)
def test_bad_pairs_are_refused_and_change_nothing(pairs, says):
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as raised:
        organization_split_pairs_set(organization=organization, split_pairs=pairs)
    assert says in " ".join(raised.value.message_dict["split_pairs"])
    organization.refresh_from_db()
    assert organization.rule_settings == {}


def test_pairs_are_stored_upper_case_once_each():
    organization = OrganizationFactory()
    organization_split_pairs_set(organization=organization, split_pairs=[["sales", " cs"], ["CS", "SALES"]])
    organization.refresh_from_db()
    assert organization.rule_settings == {"split_pairs": [["SALES", "CS"]]}


# Frameworks ---------------------------------------------------------------------------------


def _framework(slug: str = "sales-split", **extra):
    framework_load(
        data={
            "slug": slug,
            "name": "Sales and success",
            "roles": [{"code": "SALES", "name": "Sales"}, {"code": "CS", "name": "Success"}],
            "stages": [{"name": "Sell", "activities": [{"name": "Demo", "letters": {"SALES": "AR"}}]}],
            **extra,
        }
    )
    from frameworks.models import Framework

    return Framework.objects.get(slug=slug)


def test_a_framework_file_declares_its_split_pairs():
    assert _framework(split_pairs=[["SALES", "CS"]]).split_pairs == [["SALES", "CS"]]


def test_a_framework_file_with_a_bad_pair_is_refused():
    with pytest.raises(ValidationError, match="sales-split, split_pairs: Pair 1 names CS twice"):
        _framework(split_pairs=[["CS", "CS"]])


def test_adopting_a_framework_makes_its_pairs_the_matrixs_own(org):
    organization_split_pairs_set(organization=org, split_pairs=[["PM", "PMM"]])
    framework = _framework(split_pairs=[["SALES", "CS"]])
    matrix = matrix_adopt(organization=org, framework=framework, name="Sales")
    assert matrix.rule_settings["split_pairs"] == [["SALES", "CS"]]
    assert matrix_grid_get(matrix=matrix).settings.split_pairs == (("SALES", "CS"),)


def test_adopting_a_framework_without_pairs_leaves_the_organizations(org):
    organization_split_pairs_set(organization=org, split_pairs=[["SALES", "CS"]])
    matrix = matrix_adopt(organization=org, framework=_framework(), name="Sales")
    assert "split_pairs" not in matrix.rule_settings
    assert matrix_grid_get(matrix=matrix).settings.split_pairs == (("SALES", "CS"),)


def test_saving_a_matrix_as_a_framework_keeps_its_own_pairs(org):
    matrix = matrix_adopt(organization=org, framework=_framework(split_pairs=[["SALES", "CS"]]), name="Sales")
    saved = framework_from_matrix(matrix=matrix, slug="ours", name="Ours")
    assert saved.split_pairs == [["SALES", "CS"]]


# Stored health ------------------------------------------------------------------------------


def _stored_health(matrix: Matrix) -> tuple[int | None, dict]:
    return Matrix.objects.filter(pk=matrix.pk).values_list("health", "finding_counts").get()


def test_changing_the_organizations_pairs_recomputes_its_matrices_health(
    build_matrix, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(headcount=50)
    matrix = _sales_and_cs(build_matrix, organization)
    other = build_matrix(organization=organization, name="Other", roles=["PM"])
    from raci.matrices.standing import organization_health_refresh

    organization_health_refresh(organization_id=organization.pk)
    before = _stored_health(matrix)
    with django_capture_on_commit_callbacks(execute=True):
        organization_split_pairs_set(organization=organization, split_pairs=[["SALES", "CS"]])
    analysis = rules.analyse(matrix_grid_get(matrix=Matrix.objects.get(pk=matrix.pk)))
    assert _stored_health(matrix) == (analysis.health, analysis.counts())
    assert analysis.counts()["warning"] == before[1]["warning"] + 1
    assert Matrix.objects.get(pk=other.pk).health_version == other.version


def test_saving_the_same_pairs_again_refreshes_nothing(build_matrix, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(headcount=50)
    organization_split_pairs_set(organization=organization, split_pairs=[["SALES", "CS"]])
    with django_capture_on_commit_callbacks() as callbacks:
        organization_split_pairs_set(organization=organization, split_pairs=[["sales", "cs"]])
    assert callbacks == []


def test_a_refresh_of_the_organization_loads_its_matrices_together(build_matrix, django_assert_num_queries):
    organization = OrganizationFactory(headcount=50)
    for n in range(6):
        build_matrix(organization=organization, name=f"M{n}", roles=["PM", "PMM"], people=True)
    from raci.matrices.standing import organization_health_refresh

    # The matrices, the loader's five queries, one UPDATE per matrix.
    with django_assert_num_queries(1 + 5 + 6):
        assert organization_health_refresh(organization_id=organization.pk) == 6


# Surfaces: the roles settings page and the organization API ---------------------------------


def test_an_owner_saves_pairs_on_the_roles_page(client, org, owner):
    client.force_login(owner)
    response = client.post(
        reverse("settings-split-pairs", args=[org.slug]), {"split_pairs": "SALES CS\nPM/PMM"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.rule_settings == {"split_pairs": [["SALES", "CS"], ["PM", "PMM"]]}


def test_an_owner_goes_back_to_the_default_on_the_roles_page(client, org, owner):
    organization_split_pairs_set(organization=org, split_pairs=[["SALES", "CS"]])
    client.force_login(owner)
    response = client.post(
        reverse("settings-split-pairs", args=[org.slug]), {"split_pairs": "SALES CS", "use_default": "on"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.rule_settings == {}


def test_a_line_that_is_not_a_pair_is_a_400_on_the_roles_page(client, org, owner):
    client.force_login(owner)
    response = client.post(reverse("settings-split-pairs", args=[org.slug]), {"split_pairs": "PM PMM ENG"})
    assert response.status_code == 400
    assert "Line 1: write two role codes" in response.content.decode()
    org.refresh_from_db()
    assert org.rule_settings == {}


def test_a_pair_of_one_role_twice_is_a_400_on_the_roles_page(client, org, owner):
    client.force_login(owner)
    response = client.post(reverse("settings-split-pairs", args=[org.slug]), {"split_pairs": "PM pm"})
    assert response.status_code == 400
    assert "names PM twice" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_save_pairs_on_the_roles_page(client, org, request, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("settings-split-pairs", args=[org.slug]), {"split_pairs": "SALES CS"})
    assert response.status_code == status
    org.refresh_from_db()
    assert org.rule_settings == {}


def test_the_roles_page_shows_the_pairs_to_viewers_without_the_form(client, org, viewer):
    organization_split_pairs_set(organization=org, split_pairs=[["SALES", "CS"]])
    client.force_login(viewer)
    page = client.get(reverse("settings-roles", args=[org.slug])).content.decode()
    assert "<strong>SALES and CS</strong>" in page
    assert 'id="split-pairs"' not in page


def test_the_roles_page_says_pm_and_pmm_is_the_default(client, org, owner):
    client.force_login(owner)
    page = client.get(reverse("settings-roles", args=[org.slug])).content.decode()
    assert "<strong>PM and PMM</strong> (the default)" in page
    assert 'id="split-pairs"' in page


def _org_url(org) -> str:
    return f"/api/v1/orgs/{org.slug}/"


def test_an_owner_declares_pairs_through_the_api(client_for, org, owner):
    response = client_for(owner).patch(_org_url(org), {"split_pairs": [["SALES", "CS"]]}, format="json")
    assert response.status_code == 200
    assert response.json()["split_pairs"] == [["SALES", "CS"]]
    org.refresh_from_db()
    assert org.rule_settings == {"split_pairs": [["SALES", "CS"]]}


def test_the_api_shows_null_pairs_when_the_organization_declares_none(client_for, org, viewer):
    response = client_for(viewer).get(_org_url(org))
    assert response.status_code == 200
    assert response.json()["split_pairs"] is None


def test_null_pairs_through_the_api_bring_back_the_default(client_for, org, owner):
    organization_split_pairs_set(organization=org, split_pairs=[["SALES", "CS"]])
    response = client_for(owner).patch(_org_url(org), {"split_pairs": None}, format="json")
    assert response.status_code == 200
    assert response.json()["split_pairs"] is None
    org.refresh_from_db()
    assert org.rule_settings == {}


@pytest.mark.parametrize(
    "pairs", [[["PM", "PM"]], [["PM"]], [["PM", "PMM", "ENG"]], [["pm", "bad code"]], "PM PMM", [[1, 2]]]
)
def test_bad_pairs_through_the_api_are_a_400_that_changes_nothing(client_for, org, owner, pairs):
    response = client_for(owner).patch(
        _org_url(org), {"name": "Renamed", "split_pairs": pairs}, format="json"
    )
    assert response.status_code == 400
    assert "split_pairs" in str(response.json())
    org.refresh_from_db()
    assert (org.name, org.rule_settings) == ("Acme", {})


def test_an_editor_cannot_declare_pairs_through_the_api(client_for, org, editor):
    response = client_for(editor).patch(_org_url(org), {"split_pairs": [["SALES", "CS"]]}, format="json")
    assert response.status_code == 403


def test_a_matrixs_own_pairs_are_stored_as_the_organizations_are(build_matrix, org):
    matrix = build_matrix(organization=org, roles=["PM"])
    matrix_update(matrix=matrix, rule_settings={"split_pairs": [["sales", "cs"], ["CS", "SALES"]]})
    matrix.refresh_from_db()
    assert matrix.rule_settings == {"split_pairs": [["SALES", "CS"]]}


def test_a_matrix_pair_of_one_role_twice_is_refused(build_matrix, org):
    matrix = build_matrix(organization=org, roles=["PM"])
    with pytest.raises(ValidationError, match="split_pairs: Pair 1 names PM twice"):
        matrix_update(matrix=matrix, rule_settings={"split_pairs": [["PM", "PM"]]})
