"""framework_from_matrix keeps what the matrix knows of where its work comes from: each activity's
source, which activities share accountability by design."""

from __future__ import annotations

import pytest

from frameworks.models import Activity, Framework
from frameworks.services import framework_load
from raci.matrices.adoption import framework_from_matrix, matrix_adopt
from raci.matrices.services import matrix_update, task_create

pytestmark = pytest.mark.django_db

SOURCE = "seeds/001: both roles accountable for revenue"


@pytest.fixture
def adopted(org):
    framework_load(
        data={
            "slug": "revenue",
            "name": "Revenue",
            "roles": [{"code": "PM", "name": "Product"}, {"code": "PMM", "name": "Marketing"}],
            "stages": [
                {
                    "name": "Grow",
                    "activities": [
                        {
                            "name": "Pricing",
                            "source": "seeds/004: pricing",
                            "letters": {"PMM": "AR", "PM": "C"},
                        },
                        {
                            "name": "Revenue growth",
                            "source": SOURCE,
                            "shared_accountability": True,
                            "letters": {"PM": "A", "PMM": "AR"},
                        },
                    ],
                }
            ],
        }
    )
    return matrix_adopt(organization=org, framework=Framework.objects.get(slug="revenue"), name="Revenue")


def _activities(framework: Framework) -> dict[str, Activity]:
    return {a.name: a for a in Activity.objects.filter(stage__framework=framework)}


def test_saved_activities_keep_the_source_of_the_activity_they_were_adopted_from(adopted):
    saved = _activities(framework_from_matrix(matrix=adopted, slug="ours", name="Ours"))
    assert saved["Pricing"].source == "seeds/004: pricing"
    assert saved["Revenue growth"].source == SOURCE


def test_saved_activities_keep_the_accountability_the_matrix_declares_shared(adopted):
    saved = _activities(framework_from_matrix(matrix=adopted, slug="ours", name="Ours"))
    assert saved["Revenue growth"].shared_accountability is True
    assert saved["Pricing"].shared_accountability is False


def test_a_task_added_by_hand_names_the_matrix_as_its_source(adopted):
    task_create(matrix=adopted, name="Win-loss review", stage="Grow")
    saved = _activities(framework_from_matrix(matrix=adopted, slug="ours", name="Ours"))
    assert saved["Win-loss review"].source == "this organization's matrix Revenue"
    assert saved["Win-loss review"].shared_accountability is False


def test_accountability_the_matrix_no_longer_shares_is_not_saved_as_shared(adopted):
    matrix_update(matrix=adopted, rule_settings={**adopted.rule_settings, "shared_accountability_tasks": []})
    saved = _activities(framework_from_matrix(matrix=adopted, slug="ours", name="Ours"))
    assert saved["Revenue growth"].shared_accountability is False


def test_a_framework_saved_from_a_matrix_adopts_with_the_same_shared_accountability(org, adopted):
    saved = framework_from_matrix(matrix=adopted, slug="ours", name="Ours")
    again = matrix_adopt(organization=org, framework=saved, name="Again")
    shared = set(again.rule_settings["shared_accountability_tasks"])
    assert set(again.tasks.filter(pk__in=shared).values_list("name", flat=True)) == {"Revenue growth"}
