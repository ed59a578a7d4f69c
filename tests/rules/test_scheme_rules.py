"""Scheme-specific rules: letter names in messages, DACI's and RAPID's exactly-one letters."""

from __future__ import annotations

from frameworks.schemes import CAIRO, DACI, RAPID, RASCI
from raci.rules.findings import Severity

from .builders import codes, found, grid


def test_daci_messages_use_the_scheme_letter_names():
    g = grid({"Pricing": {"PM": "D", "PMM": "C"}}, scheme=DACI)

    [finding] = found(g, "task.no_accountable")
    assert "no Approver role" in finding.message
    assert "Accountable" not in finding.message


def test_daci_decision_with_one_driver_and_one_approver_has_no_errors():
    g = grid({"Pricing": {"PM": "D", "PMM": "A", "ENG": "C"}}, roles="PM PMM ENG CS", scheme=DACI)

    assert [c for c in codes(g) if c.startswith(("task.", "cell."))] == []


def test_daci_two_drivers_is_an_exactly_one_error():
    g = grid({"Pricing": {"PM": "D", "PMM": "D", "ENG": "A"}}, scheme=DACI)

    [finding] = found(g, "task.exactly_one")
    assert finding.severity is Severity.ERROR
    assert finding.message == "'Pricing' has two Driver roles: PM and PMM; DACI needs exactly one."


def test_daci_many_drivers_are_not_also_reported_as_too_many_responsible():
    g = grid(
        {"Pricing": {"PM": "D", "PMM": "D", "ENG": "D", "CS": "A"}},
        roles="PM PMM ENG CS",
        scheme=DACI,
        max_responsible=1,
    )

    assert codes(g).count("task.exactly_one") == 1
    assert "task.too_many_responsible" not in codes(g)


def test_daci_missing_driver_is_reported_once_as_no_responsible():
    g = grid({"Pricing": {"PM": "A", "PMM": "C"}}, scheme=DACI)

    [finding] = found(g, "task.no_responsible")
    assert "no Driver role" in finding.message
    assert "task.exactly_one" not in codes(g)


def test_daci_two_approvers_are_reported_once_by_the_accountable_rule():
    g = grid({"Pricing": {"PM": "A", "PMM": "A", "ENG": "D"}}, scheme=DACI)

    [finding] = found(g, "task.multiple_accountable")
    assert "DACI needs exactly one" in finding.message
    assert "task.exactly_one" not in codes(g)


def test_daci_two_approvers_stay_an_error_even_with_shared_accountability():
    g = grid({"Pricing": {"PM": "A", "PMM": "A", "ENG": "D"}}, scheme=DACI, shared_accountability=True)

    [finding] = found(g, "task.multiple_accountable")
    assert finding.severity is Severity.ERROR


def test_rapid_two_deciders_is_an_error_naming_decide():
    g = grid(
        {"Pricing": {"PM": "D", "PMM": "D", "ENG": "P", "SALES": "R"}}, roles="PM PMM ENG SALES", scheme=RAPID
    )

    [finding] = found(g, "task.multiple_accountable")
    assert finding.severity is Severity.ERROR
    assert "two Decide roles: PM and PMM" in finding.message
    assert "task.exactly_one" not in codes(g)


def test_rapid_without_perform_has_no_responsible_named_perform():
    g = grid({"Pricing": {"PM": "D", "PMM": "R"}}, scheme=RAPID)

    [finding] = found(g, "task.no_responsible")
    assert "no Perform role" in finding.message


def test_rapid_recommend_and_perform_may_share_a_cell():
    g = grid({"Pricing": {"PM": "D", "PMM": "RP", "ENG": "I"}}, scheme=RAPID)

    assert [c for c in codes(g) if c.startswith(("task.", "cell."))] == []


def test_rapid_counts_agree_and_input_as_consulted():
    g = grid(
        {"Pricing": {"PM": "D", "PMM": "P", "ENG": "A", "CS": "I"}},
        roles="PM PMM ENG CS",
        scheme=RAPID,
        max_consulted=1,
    )

    [finding] = found(g, "task.too_many_consulted")
    assert "two Agree or Input roles (ENG and CS)" in finding.message


def test_rasci_support_is_neither_responsible_nor_consulted():
    g = grid({"Pricing": {"PM": "A", "PMM": "S"}}, scheme=RASCI)

    assert "task.no_responsible" in codes(g)
    assert "task.silo" in codes(g)


def test_rapid_without_a_recommend_is_an_error():
    g = grid({"Pricing": {"PM": "D", "PMM": "P", "ENG": "I"}}, scheme=RAPID)

    [finding] = found(g, "task.exactly_one")
    assert finding.message == "'Pricing' has no Recommend role; RAPID needs exactly one."


def test_rapid_two_recommenders_is_an_error():
    g = grid({"Pricing": {"PM": "D", "PMM": "RP", "ENG": "R"}}, scheme=RAPID)

    [finding] = found(g, "task.exactly_one")
    assert finding.message == "'Pricing' has two Recommend roles: PMM and ENG; RAPID needs exactly one."


def test_rapid_recommender_is_a_central_role_not_an_unneeded_one():
    g = grid(
        {"Pricing": {"PM": "D", "PMM": "P", "ENG": "R"}, "Launch": {"PM": "D", "PMM": "P", "ENG": "R"}},
        scheme=RAPID,
    )

    assert "role.no_work" not in codes(g)


def test_rapid_recommender_nobody_holds_is_unstaffed():
    g = grid(
        {"Pricing": {"PM": "D", "PMM": "P", "ENG": "R"}}, scheme=RAPID, people={"Ana": "PM", "Bo": "PMM"}
    )

    [finding] = found(g, "role.unstaffed")
    assert finding.role_code == "ENG"


def test_daci_without_a_driver_says_nobody_drives_the_decision():
    g = grid({"Pricing": {"PM": "A", "PMM": "C"}}, scheme=DACI)

    [finding] = found(g, "task.no_responsible")
    assert finding.message == "'Pricing' has no Driver role: nobody drives the decision."


def test_cairo_out_of_the_loop_everywhere_leaves_a_role_without_work():
    g = grid({"T1": {"PM": "A", "PMM": "R", "ENG": "O"}, "T2": {"PM": "AR", "ENG": "O"}}, scheme=CAIRO)

    assert [f.role_code for f in found(g, "role.no_work")] == ["ENG"]
