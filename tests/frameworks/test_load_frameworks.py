from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from frameworks.models import Activity, Framework, Stage
from frameworks.services import BUILTIN_DIR, framework_load, frameworks_load_builtin

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Framework.objects.count(), Stage.objects.count(), Activity.objects.count()


def test_builtin_library_loads_the_four_frameworks():
    frameworks_load_builtin()
    assert set(Framework.objects.values_list("slug", flat=True)) == {
        "pragmatic-pm-pmm",
        "pm-vs-pmm",
        "product-launch",
        "founder-led",
    }
    assert all(f.is_builtin for f in Framework.objects.all())


def test_pragmatic_framework_has_the_seven_stages_in_order():
    frameworks_load_builtin()
    stages = list(Stage.objects.filter(framework__slug="pragmatic-pm-pmm").values_list("name", flat=True))
    assert stages == ["Market", "Focus", "Business", "Planning", "Programs", "Enablement", "Support"]
    assert 35 <= Activity.objects.filter(stage__framework__slug="pragmatic-pm-pmm").count() <= 40


def test_loading_twice_creates_no_duplicates_and_reports_unchanged():
    first = frameworks_load_builtin()
    before = _counts()
    second = frameworks_load_builtin()
    assert _counts() == before
    assert all(r.created for r in first)
    assert not any(r.created or r.changed for r in second)


def test_load_frameworks_command_is_idempotent(capsys):
    call_command("load_frameworks")
    before = _counts()
    call_command("load_frameworks")
    assert _counts() == before
    assert "pragmatic-pm-pmm: unchanged" in capsys.readouterr().out


def _data(**overrides):
    data = {
        "slug": "tiny",
        "name": "Tiny",
        "scheme": "RACI",
        "roles": [{"code": "PM", "name": "Product manager"}],
        "stages": [
            {"name": "One", "activities": [{"name": "First", "letters": {"PM": "A/R"}}, {"name": "Second"}]},
        ],
    }
    data.update(overrides)
    return data


def test_loader_stores_letters_in_canonical_order():
    framework_load(data=_data())
    assert Activity.objects.get(name="First").suggested_letters == {"PM": "AR"}


def test_reloading_a_changed_file_updates_and_removes_what_it_no_longer_has():
    framework_load(data=_data())
    result = framework_load(
        data=_data(stages=[{"name": "One", "activities": [{"name": "First", "letters": {"PM": "A"}}]}])
    )
    assert result.changed
    assert list(Activity.objects.values_list("name", "suggested_letters")) == [("First", {"PM": "A"})]


def test_bad_letters_in_a_framework_file_are_refused_and_nothing_is_written():
    bad = _data(stages=[{"name": "One", "activities": [{"name": "First", "letters": {"PM": "AX"}}]}])
    with pytest.raises(ValidationError, match="tiny / One / First, role PM: RACI has no letter X"):
        framework_load(data=bad)
    assert _counts() == (0, 0, 0)


def test_builtin_files_are_valid_json_with_the_expected_slugs():
    slugs = {json.loads(p.read_text())["slug"] for p in BUILTIN_DIR.glob("*.json")}
    assert slugs == {"pragmatic-pm-pmm", "pm-vs-pmm", "product-launch", "founder-led"}
