"""Participation schemes as data: the letters a matrix may use and how they combine.

Pure module: no Django, no database. Everything that needs to know what a letter
means (validation, the rules engine, exports, the legend in the editor) asks here.

Letters in a cell are stored as a string in the scheme's canonical order
(``"AR"`` for Accountable + Responsible in RACI). ``normalize`` accepts the ways
people write them (``"R/A"``, ``"a, r"``, ``"RA"``) and returns that canonical form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class LettersError(ValueError):
    """Letters that the scheme does not allow, with a message a manager understands."""


@dataclass(frozen=True)
class Letter:
    code: str
    name: str
    meaning: str
    # How much work holding this letter means, for workload analyses.
    weight: float


@dataclass(frozen=True)
class Scheme:
    key: str
    name: str
    summary: str
    # Canonical order: the order letters are stored and shown in a cell.
    letters: tuple[Letter, ...]
    # Sets of letters that may share one cell besides single letters (A with R in RACI).
    combinations: frozenset[frozenset[str]]
    # The roles letters play for the rules engine: the single owner of the outcome,
    # the ones doing the work, the ones asked before, the ones told after.
    accountable: str
    responsible: frozenset[str]
    consulted: frozenset[str] = frozenset()
    informed: frozenset[str] = frozenset()
    # Letters that must appear exactly once per task (DACI's Driver and Approver,
    # RAPID's Decide); the accountable letter's own rule covers the usual case.
    exactly_one: frozenset[str] = frozenset()
    # Letters besides the accountable and responsible ones that make a role central to a task
    # (RAPID's Recommend): a role holding one owns part of the task, so it must be staffed.
    central: frozenset[str] = frozenset()
    # What the responsible letters do, for messages: "nobody does the work" reads wrong for
    # DACI's Driver, who drives a decision rather than doing the work.
    work_phrase: str = "does the work"
    rule_notes: str = ""
    _by_code: dict[str, Letter] = field(init=False, repr=False, compare=False)
    _codes: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {letter.code: letter for letter in self.letters})
        # Joined once: the rules and their fixes ask for the canonical order thousands of times.
        object.__setattr__(self, "_codes", "".join(letter.code for letter in self.letters))

    @property
    def codes(self) -> str:
        return self._codes

    def letter(self, code: str) -> Letter:
        return self._by_code[code]

    def weight(self, letters: str) -> float:
        return sum(self._by_code[c].weight for c in letters)

    def order(self, letters: set[str] | frozenset[str]) -> str:
        return "".join(c for c in self.codes if c in letters)

    def may_combine(self, letters: set[str] | frozenset[str]) -> bool:
        return len(letters) <= 1 or frozenset(letters) in self.combinations

    def merge(self, *cells: str) -> str:
        """Union of several cells' letters, keeping the strongest letters that may share a cell.

        Letters are taken in canonical order (strongest first), so merging an "A" cell
        with a "C" cell in RACI keeps "A" rather than producing an invalid "AC".
        """
        wanted = set().union(*cells) if cells else set()
        kept: set[str] = set()
        for code in self.codes:
            if code in wanted and self.may_combine(kept | {code}):
                kept.add(code)
        return self.order(kept)

    def normalize(self, raw: str | None) -> str:
        """Return ``raw`` as canonical letters, or raise LettersError saying what is wrong."""
        if raw is None:
            return ""
        text = raw.upper()
        # Separators people type between letters: "A/R", "A, R", "A+R", "A R".
        text = re.sub(r"[\s/,+;|&-]", "", text)
        unknown = sorted({c for c in text if c not in self._by_code})
        if unknown:
            allowed = ", ".join(f"{letter.code} ({letter.name})" for letter in self.letters)
            raise LettersError(f"{self.name} has no letter {'/'.join(unknown)}; use {allowed}.")
        letters = set(text)
        if len(letters) != len(text):
            raise LettersError(f"'{raw}' repeats a letter; write each letter once.")
        if not self.may_combine(letters):
            raise LettersError(
                f"{' and '.join(self.order(letters))} may not share a cell in {self.name}"
                f"{self._combinations_hint()}."
            )
        return self.order(letters)

    def _combinations_hint(self) -> str:
        if not self.combinations:
            return "; each cell holds one letter"
        pairs = ", ".join(sorted("+".join(self.order(c)) for c in self.combinations))
        return f"; allowed together: {pairs}"


def _combos(*groups: str) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(g) for g in groups)


RACI = Scheme(
    key="RACI",
    name="RACI",
    summary="Responsible, Accountable, Consulted, Informed: the classic responsibility matrix.",
    letters=(
        Letter("A", "Accountable", "Owns the outcome and signs it off; exactly one per task.", 2.0),
        Letter("R", "Responsible", "Does the work.", 3.0),
        Letter("C", "Consulted", "Asked for input before the work is done; two-way.", 1.0),
        Letter("I", "Informed", "Kept up to date after decisions; one-way.", 0.25),
    ),
    combinations=_combos("AR"),
    accountable="A",
    responsible=frozenset("R"),
    consulted=frozenset("C"),
    informed=frozenset("I"),
)

RASCI = Scheme(
    key="RASCI",
    name="RASCI",
    summary="RACI with Support: the people who help the Responsible do the work.",
    letters=(
        Letter("A", "Accountable", "Owns the outcome and signs it off; exactly one per task.", 2.0),
        Letter("R", "Responsible", "Does the work.", 3.0),
        Letter("S", "Support", "Helps the Responsible do the work.", 2.0),
        Letter("C", "Consulted", "Asked for input before the work is done; two-way.", 1.0),
        Letter("I", "Informed", "Kept up to date after decisions; one-way.", 0.25),
    ),
    combinations=_combos("AR"),
    accountable="A",
    responsible=frozenset("R"),
    consulted=frozenset("C"),
    informed=frozenset("I"),
)

DACI = Scheme(
    key="DACI",
    name="DACI",
    summary="Driver, Approver, Contributors, Informed: for decisions rather than ongoing work.",
    letters=(
        Letter("D", "Driver", "Runs the decision: gathers input, drives it to a close; exactly one.", 3.0),
        Letter("A", "Approver", "Makes the call; exactly one.", 2.0),
        Letter("C", "Contributor", "Brings knowledge the decision needs.", 1.0),
        Letter("I", "Informed", "Told the outcome.", 0.25),
    ),
    combinations=frozenset(),
    accountable="A",
    responsible=frozenset("D"),
    consulted=frozenset("C"),
    informed=frozenset("I"),
    exactly_one=frozenset("DA"),
    work_phrase="drives the decision",
    rule_notes="Each decision has exactly one Driver and exactly one Approver.",
)

RAPID = Scheme(
    key="RAPID",
    name="RAPID",
    summary="Recommend, Agree, Perform, Input, Decide: who holds which part of a decision.",
    letters=(
        Letter("D", "Decide", "Makes the decision and commits the organization; exactly one.", 2.0),
        Letter("R", "Recommend", "Proposes a course of action, backed by data.", 2.0),
        Letter("A", "Agree", "Must sign off on the recommendation; a veto.", 1.0),
        Letter("P", "Perform", "Carries the decision out.", 3.0),
        Letter("I", "Input", "Is consulted on the recommendation.", 0.5),
    ),
    combinations=_combos("RP"),
    accountable="D",
    responsible=frozenset("P"),
    consulted=frozenset("AI"),
    informed=frozenset(),
    # One Decide and one Recommend per decision: two recommendations are two decisions.
    exactly_one=frozenset("DR"),
    central=frozenset("R"),
    work_phrase="carries the decision out",
    rule_notes="Each decision has exactly one Decide and exactly one Recommend; Agree and Input are "
    "consulted.",
)

CAIRO = Scheme(
    key="CAIRO",
    name="CAIRO",
    summary="RACI plus Out of the loop: says explicitly who need not be involved.",
    letters=(
        Letter("A", "Accountable", "Owns the outcome and signs it off; exactly one per task.", 2.0),
        Letter("R", "Responsible", "Does the work.", 3.0),
        Letter("C", "Consulted", "Asked for input before the work is done; two-way.", 1.0),
        Letter("I", "Informed", "Kept up to date after decisions; one-way.", 0.25),
        Letter("O", "Out of the loop", "Deliberately not involved.", 0.0),
    ),
    combinations=_combos("AR"),
    accountable="A",
    responsible=frozenset("R"),
    consulted=frozenset("C"),
    informed=frozenset("I"),
)

SCHEMES: dict[str, Scheme] = {s.key: s for s in (RACI, RASCI, DACI, RAPID, CAIRO)}
DEFAULT_SCHEME = RACI.key


def get_scheme(key: str) -> Scheme:
    try:
        return SCHEMES[key]
    except KeyError:
        raise LettersError(f"Unknown scheme '{key}'; choose one of {', '.join(SCHEMES)}.") from None


def scheme_choices() -> list[tuple[str, str]]:
    return [(s.key, s.name) for s in SCHEMES.values()]
