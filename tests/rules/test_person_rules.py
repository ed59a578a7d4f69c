"""Person rules: overload through the roles people hold, and roles that should check each other."""

from __future__ import annotations

from raci.rules.findings import Severity

from .builders import codes, found, grid, person_id

# PM carries A+R on four tasks (load 20), every other role a lighter load.
ROWS = {
    "T1": {"PM": "AR", "PMM": "C", "ENG": "I"},
    "T2": {"PM": "AR", "ENG": "C"},
    "T3": {"PM": "AR", "SALES": "C"},
    "T4": {"PM": "AR", "PMM": "I"},
}
ROLES = "PM PMM ENG SALES"


def test_person_far_above_the_average_load_is_overloaded():
    g = grid(ROWS, roles=ROLES, people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG", "Di": "SALES"})

    [finding] = found(g, "person.overload")
    assert finding.severity is Severity.WARNING
    assert finding.person_id == person_id(g, "Ana")
    assert finding.message.startswith("Ana carries 3.")
    assert "(through PM)" in finding.message


def test_person_just_below_the_overload_factor_is_fine():
    # Ana's share is 20 against a mean of (20 + 1.25 + 1.25 + 1) / 4 = 5.875: 3.4 times.
    g = grid(ROWS, roles=ROLES, people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG", "Di": "SALES"})

    assert "person.overload" not in codes(
        grid(ROWS, roles=ROLES, people=_people(g), person_overload_factor=3.5)
    )
    assert "person.overload" in codes(grid(ROWS, roles=ROLES, people=_people(g), person_overload_factor=3.3))


def _people(g):
    return {p.name: " ".join(sorted(p.role_codes)) for p in g.people}


def test_people_sharing_a_role_share_its_load():
    # Three people hold PM: each carries a third of it, 6.7 against a mean of (20 + 3.5) / 6 = 3.9.
    people = {"Ana": "PM", "Al": "PM", "Am": "PM", "Bo": "PMM", "Cy": "ENG", "Di": "SALES"}
    g = grid(ROWS, roles=ROLES, people=people)

    assert "person.overload" not in codes(g)


def test_inactive_people_neither_count_nor_get_flagged():
    g = grid(ROWS, roles=ROLES, people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG"}, inactive=["Bo", "Cy"])

    # Only Ana is left with a load: there is nobody to compare her with.
    assert "person.overload" not in codes(g)


def test_one_person_holding_both_roles_of_a_split_pair_is_normal_in_a_small_organization():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}}, people={"Ana": "PM PMM", "Cy": "ENG"})

    [finding] = found(g, "person.split_pair")
    assert finding.severity is Severity.INFO
    assert (finding.person_id, finding.role_code) == (person_id(g, "Ana"), "PM")
    assert finding.message == "Ana holds both PM and PMM: normal in an organization of 2."


def test_one_person_holding_both_roles_of_a_split_pair_in_a_larger_organization_is_a_warning():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}},
        people={"Ana": "PM PMM", "Cy": "ENG"},
        headcount=11,
        small_org_headcount=10,
    )

    [finding] = found(g, "person.split_pair")
    assert finding.severity is Severity.WARNING
    assert "nobody keeps the other honest" in finding.message


def test_split_pair_at_the_small_organization_headcount_is_still_an_info():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R"}}, people={"Ana": "PM PMM"}, headcount=10, small_org_headcount=10
    )

    assert found(g, "person.split_pair")[0].severity is Severity.INFO


def test_split_pairs_come_from_the_settings():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}},
        people={"Ana": "PM PMM", "Cy": "ENG PM"},
        split_pairs=(("PM", "ENG"),),
    )

    assert [f.person_id for f in found(g, "person.split_pair")] == [person_id(g, "Cy")]


def test_inactive_person_holding_a_split_pair_is_not_flagged():
    g = grid({"Pricing": {"PM": "A", "PMM": "R"}}, people={"Ana": "PM PMM", "Bo": "PM"}, inactive=["Ana"])

    assert "person.split_pair" not in codes(g)
