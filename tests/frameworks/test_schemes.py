"""Schemes are pure data: no database needed."""

from __future__ import annotations

import pytest

from frameworks.schemes import CAIRO, DACI, RACI, RAPID, SCHEMES, LettersError, get_scheme


@pytest.mark.parametrize("raw", ["A/R", "R/A", "ar", "RA", "a, r", "A+R", " A R "])
def test_common_spellings_of_accountable_and_responsible_normalize_to_canonical_order(raw):
    assert RACI.normalize(raw) == "AR"


@pytest.mark.parametrize("raw", ["", None, " / "])
def test_empty_input_normalizes_to_a_cleared_cell(raw):
    assert RACI.normalize(raw) == ""


def test_letter_outside_the_scheme_is_rejected_with_the_allowed_letters():
    with pytest.raises(LettersError, match=r"RACI has no letter X; use A \(Accountable\), R \(Responsible\)"):
        RACI.normalize("X")


def test_letters_that_may_not_share_a_cell_are_rejected():
    with pytest.raises(LettersError, match="A and C may not share a cell in RACI; allowed together: A\\+R"):
        RACI.normalize("AC")


def test_repeated_letter_is_rejected():
    with pytest.raises(LettersError, match="repeats a letter"):
        RACI.normalize("AA")


def test_daci_allows_one_letter_per_cell():
    with pytest.raises(LettersError, match="each cell holds one letter"):
        DACI.normalize("DA")


def test_cairo_has_out_of_the_loop():
    assert CAIRO.normalize("o") == "O"


def test_rapid_decide_is_its_accountable_letter():
    assert RAPID.accountable == "D"
    assert RAPID.exactly_one == frozenset("DR")


def test_every_scheme_accountable_and_responsible_letters_are_its_own():
    for scheme in SCHEMES.values():
        assert scheme.accountable in scheme.codes
        assert scheme.responsible <= set(scheme.codes)
        for combination in scheme.combinations:
            assert combination <= set(scheme.codes)


def test_merge_keeps_the_strongest_letters_that_may_share_a_cell():
    assert RACI.merge("A", "C") == "A"
    assert RACI.merge("R", "A") == "AR"
    assert RACI.merge("C", "I") == "C"
    assert RACI.merge() == ""


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(LettersError, match="Unknown scheme 'XYZ'"):
        get_scheme("XYZ")
