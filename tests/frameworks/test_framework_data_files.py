"""The built-in framework library in frameworks/data/*.json is well formed and clean under RACI.

Pure checks on the data files: no Django, no database. Every file is loaded as plain JSON and
checked against the file format and the RACI rules a built-in framework must satisfy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "frameworks" / "data"
DATA_FILES = sorted(DATA_DIR.glob("*.json"))

EXPECTED_SLUGS = {"pragmatic-pm-pmm", "pm-vs-pmm", "product-launch", "founder-led"}

FRAMEWORK_KEYS = ["slug", "name", "summary", "scheme", "version", "roles", "stages"]
ROLE_KEYS = ["code", "name"]
STAGE_KEYS = ["name", "description", "activities"]
ACTIVITY_KEYS = ["name", "description", "source", "letters"]
# An activity whose accountability the framework shares by design says so after its letters.
SHARED_ACTIVITY_KEYS = [*ACTIVITY_KEYS, "shared_accountability"]
# Where activities come from: a seed article (seeds/NNN) or a published framework.
SOURCES = (
    "seeds/000:",
    "seeds/001:",
    "seeds/002:",
    "seeds/003:",
    "seeds/004:",
    "Pragmatic Marketing Framework",
)

ROLE_NAMES = {
    "PM": "Product manager",
    "PMM": "Product marketing manager",
    "ENG": "Engineering",
    "SALES": "Sales",
    "CS": "Customer success / support",
    "EXEC": "Executive team / leadership",
}
ALLOWED_CELLS = {"A", "R", "C", "I", "AR"}
MAX_RESPONSIBLE = 3
MAX_CONSULTED = 3
MAX_INFORMED = 5
MAX_DESCRIPTION_LENGTH = 160

PRAGMATIC_STAGES = ["Market", "Focus", "Business", "Planning", "Programs", "Enablement", "Support"]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _activities(framework: dict) -> list[dict]:
    return [activity for stage in framework["stages"] for activity in stage["activities"]]


def _holders(letters: dict[str, str], letter: str) -> list[str]:
    return [code for code, cell in letters.items() if letter in cell]


def _assert_one_line_description(text: object, where: str) -> None:
    assert isinstance(text, str), f"{where}: description must be a string"
    assert text.strip(), f"{where}: description is empty"
    assert text == text.strip(), f"{where}: description has leading or trailing whitespace"
    assert len(text.splitlines()) == 1, f"{where}: description spans more than one line"
    assert len(text) < MAX_DESCRIPTION_LENGTH, f"{where}: description is {len(text)} characters long"


@pytest.fixture(params=DATA_FILES, ids=[path.stem for path in DATA_FILES])
def data_file(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture
def framework(data_file: Path) -> dict:
    return _load(data_file)


def test_library_ships_the_four_builtin_frameworks():
    assert {path.stem for path in DATA_FILES} == EXPECTED_SLUGS


def test_slugs_are_unique_across_files():
    slugs = [_load(path)["slug"] for path in DATA_FILES]
    assert len(slugs) == len(set(slugs))


def test_file_is_utf8_json_with_two_space_indent_and_trailing_newline(data_file: Path):
    text = data_file.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_top_level_keys_are_present_in_order(framework: dict):
    assert list(framework) == FRAMEWORK_KEYS


def test_slug_matches_file_name(framework: dict, data_file: Path):
    assert framework["slug"] == data_file.stem


def test_name_and_summary_are_non_empty_text(framework: dict):
    assert isinstance(framework["name"], str)
    assert framework["name"].strip()
    assert isinstance(framework["summary"], str)
    assert framework["summary"].strip()
    assert "\n" not in framework["summary"]


def test_scheme_is_raci_and_version_is_a_positive_integer(framework: dict):
    assert framework["scheme"] == "RACI"
    assert isinstance(framework["version"], int)
    assert not isinstance(framework["version"], bool)
    assert framework["version"] >= 1


def test_roles_use_only_known_codes_with_their_standard_names(framework: dict):
    roles = framework["roles"]
    assert roles, "a framework declares at least one role"
    for role in roles:
        assert list(role) == ROLE_KEYS
        assert role["code"] in ROLE_NAMES, f"unknown role code {role['code']!r}"
        assert role["name"] == ROLE_NAMES[role["code"]]
    codes = [role["code"] for role in roles]
    assert len(codes) == len(set(codes)), "a role code is declared twice"


def test_every_declared_role_is_used_and_every_used_role_is_declared(framework: dict):
    declared = {role["code"] for role in framework["roles"]}
    used = {code for activity in _activities(framework) for code in activity["letters"]}
    assert used <= declared, f"undeclared role codes: {sorted(used - declared)}"
    assert declared <= used, f"declared but unused role codes: {sorted(declared - used)}"


def test_stages_have_keys_in_order_unique_names_and_one_line_descriptions(framework: dict):
    stages = framework["stages"]
    assert stages
    for stage in stages:
        assert list(stage) == STAGE_KEYS
        assert isinstance(stage["name"], str)
        assert stage["name"].strip()
        _assert_one_line_description(stage["description"], f"stage {stage['name']!r}")
        assert stage["activities"], f"stage {stage['name']!r} has no activities"
    names = [stage["name"] for stage in stages]
    assert len(names) == len(set(names)), "stage names repeat"


def test_activities_have_keys_in_order_unique_names_and_one_line_descriptions(framework: dict):
    activities = _activities(framework)
    for activity in activities:
        assert list(activity) in (ACTIVITY_KEYS, SHARED_ACTIVITY_KEYS)
        assert isinstance(activity["name"], str)
        assert activity["name"].strip()
        _assert_one_line_description(activity["description"], f"activity {activity['name']!r}")
    names = [activity["name"] for activity in activities]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"activity names repeat: {duplicates}"


def test_every_cell_is_a_valid_raci_letter_combination(framework: dict):
    for activity in _activities(framework):
        letters = activity["letters"]
        assert isinstance(letters, dict)
        assert letters, f"{activity['name']!r} assigns no letters"
        for code, cell in letters.items():
            assert cell in ALLOWED_CELLS, f"{activity['name']!r}: {code} has invalid letters {cell!r}"


def test_every_activity_names_its_sources(framework: dict):
    for activity in _activities(framework):
        parts = activity["source"].split("; ")
        assert all(part.startswith(SOURCES) for part in parts), (
            f"{activity['name']!r}: {activity['source']!r}"
        )


def test_every_activity_has_exactly_one_accountable_role_unless_it_declares_shared_accountability(
    framework: dict,
):
    for activity in _activities(framework):
        accountable = _holders(activity["letters"], "A")
        if activity.get("shared_accountability"):
            assert activity["shared_accountability"] is True
            assert len(accountable) == 2, f"{activity['name']!r} shares between {accountable}"
        else:
            assert len(accountable) == 1, f"{activity['name']!r} has accountable roles {accountable}"


def test_frameworks_say_which_pricing_school_they_follow(framework: dict):
    pricing = [a for a in _activities(framework) if a["name"].startswith("Pricing")]
    text = framework["summary"] + " ".join(a["description"] for a in pricing)
    assert "Opower" in text or "Pragmatic school" in text or "pricing decisions" in text


def test_launch_plans_are_product_marketings():
    # seeds/000 lists launch plans among product marketing's responsibilities.
    for path in DATA_FILES:
        for activity in _activities(_load(path)):
            if activity["name"] in ("Launch", "Launch plan", "Launch plan and timeline"):
                assert activity["letters"]["PMM"] == "AR", f"{path.stem}: {activity['name']!r}"
                assert activity["letters"]["PM"] == "C", f"{path.stem}: {activity['name']!r}"


def test_the_opower_split_gives_pricing_decisions_to_product_marketing_and_revenue_to_both():
    activities = {a["name"]: a for a in _activities(_load(DATA_DIR / "pm-vs-pmm.json"))}
    assert activities["Pricing"]["letters"]["PMM"] == "A"
    assert _holders(activities["Revenue growth"]["letters"], "A") == ["PM", "PMM"]
    assert activities["Revenue growth"]["shared_accountability"] is True


def test_the_cpo_or_cmo_owns_aligning_product_and_marketing():
    framework = _load(DATA_DIR / "pm-vs-pmm.json")
    [stage] = [s for s in framework["stages"] if s["name"] == "Align product and marketing"]
    assert len(stage["activities"]) >= 3
    assert all(_holders(a["letters"], "A") == ["EXEC"] for a in stage["activities"])


def test_every_activity_has_one_to_three_responsible_roles(framework: dict):
    for activity in _activities(framework):
        responsible = _holders(activity["letters"], "R")
        assert 1 <= len(responsible) <= MAX_RESPONSIBLE, (
            f"{activity['name']!r} has responsible roles {responsible}"
        )


def test_no_activity_consults_or_informs_too_many_roles(framework: dict):
    for activity in _activities(framework):
        consulted = _holders(activity["letters"], "C")
        informed = _holders(activity["letters"], "I")
        assert len(consulted) <= MAX_CONSULTED, f"{activity['name']!r} consults {consulted}"
        assert len(informed) <= MAX_INFORMED, f"{activity['name']!r} informs {informed}"


def test_every_activity_consults_or_informs_someone(framework: dict):
    for activity in _activities(framework):
        others = _holders(activity["letters"], "C") + _holders(activity["letters"], "I")
        assert others, f"{activity['name']!r} neither consults nor informs anyone"


def test_pragmatic_framework_has_its_seven_stages_in_order():
    framework = _load(DATA_DIR / "pragmatic-pm-pmm.json")
    assert [stage["name"] for stage in framework["stages"]] == PRAGMATIC_STAGES
    assert 35 <= len(_activities(framework)) <= 40


def test_pm_vs_pmm_framework_has_four_to_six_stages_and_about_twenty_activities():
    framework = _load(DATA_DIR / "pm-vs-pmm.json")
    assert 4 <= len(framework["stages"]) <= 6
    assert 20 <= len(_activities(framework)) <= 30


def test_product_launch_framework_is_small():
    framework = _load(DATA_DIR / "product-launch.json")
    assert 3 <= len(framework["stages"]) <= 4
    assert 12 <= len(_activities(framework)) <= 18


@pytest.mark.parametrize("slug", ["pragmatic-pm-pmm", "pm-vs-pmm"])
def test_shared_areas_are_split_between_product_and_marketing(slug: str):
    """Pricing and buyer personas are owned by one of PM/PMM with the other doing or advising the work."""
    activities = {activity["name"]: activity for activity in _activities(_load(DATA_DIR / f"{slug}.json"))}
    for name in ("Pricing", "Buyer personas"):
        letters = activities[name]["letters"]
        assert {"PM", "PMM"} <= set(letters), f"{slug}: {name} lacks PM or PMM"
        owner = _holders(letters, "A")[0]
        assert owner in {"PM", "PMM"}
        other = "PMM" if owner == "PM" else "PM"
        assert letters[other] in {"R", "C"}, f"{slug}: {name} is not visibly shared"
