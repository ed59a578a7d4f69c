"""Person rules: overload through the roles people hold, and roles that should check each other."""

from __future__ import annotations

from raci.rules.findings import Severity

from .builders import codes, found, grid, person_id

# Four working roles, each A+R on two tasks (load 10 each): a typical working role's load is 10.
ROWS = {
    "T1": {"PM": "AR", "ENG": "C"},
    "T2": {"PM": "AR", "PMM": "C"},
    "T3": {"PMM": "AR", "PM": "C"},
    "T4": {"PMM": "AR", "SALES": "I"},
    "T5": {"ENG": "AR", "PM": "I"},
    "T6": {"ENG": "AR", "PMM": "I"},
    "T7": {"SALES": "AR", "PMM": "C"},
    "T8": {"SALES": "AR", "ENG": "I"},
}
ROLES = "PM PMM ENG SALES"
# Ana holds three working roles: PM 11.25 + PMM 12.25 + SALES 10.25 = 33.75, three times the
# typical working role's 11.25 (the mean of PM, PMM, ENG 11.25 and SALES).
COMBINED = {"Ana": "PM PMM SALES", "Bo": "ENG"}


def test_person_combining_roles_far_above_a_typical_role_is_overloaded():
    g = grid(ROWS, roles=ROLES, people=COMBINED, headcount=50)

    [finding] = found(g, "person.overload")
    assert finding.severity is Severity.WARNING
    assert finding.person_id == person_id(g, "Ana")
    assert finding.message == "Ana carries 3.0 times a typical role's load (through PM, PMM and SALES)."


def test_person_just_below_the_overload_factor_is_fine():
    assert "person.overload" not in codes(
        grid(ROWS, roles=ROLES, people=COMBINED, headcount=50, person_overload_factor=3.0)
    )
    assert "person.overload" in codes(
        grid(ROWS, roles=ROLES, people=COMBINED, headcount=50, person_overload_factor=2.9)
    )


def test_person_holding_one_heavy_role_alone_is_not_overloaded():
    # The old rule compared Ana with the mean person: a lone PM was "3.4 times overloaded" for
    # holding the role the matrix is built around. A role's weight is the role rules' business.
    rows = {f"T{i}": {"PM": "AR", "ENG": "C", "PMM": "I"} for i in range(6)}
    g = grid(rows, roles=ROLES, people={"Ana": "PM", "Bo": "PMM", "Cy": "ENG"}, headcount=50)

    assert "person.overload" not in codes(g)


def test_founder_combining_roles_in_a_small_organization_is_not_overloaded():
    g = grid(ROWS, roles=ROLES, people=COMBINED, headcount=10)

    assert "person.overload" not in codes(g)


def test_hiring_people_into_another_role_changes_nobodys_overload():
    hired = COMBINED | {f"Engineer {i}": "ENG" for i in range(40)}

    assert found(grid(ROWS, roles=ROLES, people=hired, headcount=50), "person.overload") == found(
        grid(ROWS, roles=ROLES, people=COMBINED, headcount=50), "person.overload"
    )


def test_people_sharing_a_role_share_its_load():
    # Two more people hold PMM with Ana: her share falls to 11.25 + 4.08 + 10.25 = 25.6, 2.3 times.
    people = COMBINED | {"Al": "PMM", "Am": "PMM"}

    assert "person.overload" in codes(
        grid(ROWS, roles=ROLES, people=COMBINED, headcount=50, person_overload_factor=2.5)
    )
    assert "person.overload" not in codes(
        grid(ROWS, roles=ROLES, people=people, headcount=50, person_overload_factor=2.5)
    )


def test_inactive_people_are_not_flagged():
    g = grid(ROWS, roles=ROLES, people=COMBINED, inactive=["Ana"], headcount=50)

    assert "person.overload" not in codes(g)


def test_one_person_holding_both_roles_of_a_split_pair_is_normal_in_a_small_organization():
    g = grid({"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}}, people={"Ana": "PM PMM", "Cy": "ENG"})

    [finding] = found(g, "person.split_pair")
    assert finding.severity is Severity.INFO
    assert (finding.person_id, finding.role_code) == (person_id(g, "Ana"), "PM")
    assert finding.message == "Ana holds both PM and PMM: normal in an organization of 2."


def test_one_person_holding_both_roles_of_a_split_pair_once_a_second_product_person_joins_is_a_warning():
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}},
        people={"Ana": "PM PMM", "Bo": "PM", "Cy": "ENG"},
        headcount=11,
        small_org_headcount=10,
    )

    [finding] = found(g, "person.split_pair")
    assert finding.severity is Severity.WARNING
    assert "nobody keeps the other honest" in finding.message


def test_the_only_product_person_holding_both_roles_in_a_larger_organization_is_an_info():
    # The seeds' trigger is the second or third product person, not the headcount.
    g = grid(
        {"Pricing": {"PM": "A", "PMM": "R", "ENG": "C"}},
        people={"Ana": "PM PMM", "Cy": "ENG"},
        headcount=300,
    )

    [finding] = found(g, "person.split_pair")
    assert finding.severity is Severity.INFO
    assert finding.message == "Ana holds both PM and PMM: normal while nobody else holds PM or PMM."


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


FOUNDER_ROWS = {
    "Roadmap": {"PM": "AR", "ENG": "C"},
    "Deals": {"SALES": "AR", "PM": "I"},
    "Renewals": {"CS": "AR", "SALES": "C"},
    "Strategy": {"EXEC": "AR", "PM": "C"},
    "Build": {"ENG": "AR", "PM": "C"},
}


def test_founder_holding_four_working_roles_in_a_large_organization_holds_too_many():
    g = grid(
        FOUNDER_ROWS,
        roles="PM ENG SALES CS EXEC",
        people={"Fay": "PM SALES CS EXEC", "Ed": "ENG"},
        headcount=300,
    )

    [finding] = found(g, "person.many_roles")
    assert finding.severity is Severity.WARNING
    assert (
        finding.message
        == "Fay holds 4 roles that own work (PM, SALES, CS and EXEC) in an organization of 300."
    )


def test_founder_holding_four_roles_in_a_small_organization_is_normal():
    g = grid(
        FOUNDER_ROWS,
        roles="PM ENG SALES CS EXEC",
        people={"Fay": "PM SALES CS EXEC", "Ed": "ENG"},
        headcount=10,
    )

    assert "person.many_roles" not in codes(g)


def test_holding_two_working_roles_is_within_the_limit():
    g = grid(
        FOUNDER_ROWS,
        roles="PM ENG SALES CS EXEC",
        people={"Fay": "PM SALES", "Ed": "ENG CS EXEC"},
        headcount=300,
    )

    assert [f.person_id for f in found(g, "person.many_roles")] == [person_id(g, "Ed")]
