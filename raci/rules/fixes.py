"""Suggested fixes: the cell edits that settle a task finding, built from its ``TaskFacts``.

Pure module. A fix is one conflict-checked batch (``findings.Fix``): every edit names the
letters it expects to find, so applying a fix computed on an old view of the grid is refused
rather than silently overwriting someone's change. Only what is mechanical is offered: moving,
adding or dropping a letter within a task; hiring, removing columns or splitting tasks is left
to the hint.
"""

from __future__ import annotations

from frameworks.schemes import Scheme
from raci.rules.context import RuleContext, TaskFacts
from raci.rules.findings import CellEdit, Fix


def soft_letter(scheme: Scheme) -> str:
    """The letter a role keeps when it gives up a stronger one: the weakest consulted letter
    (RACI's C, RAPID's Input rather than its veto Agree), else the informed one, else none."""
    for group in (scheme.consulted, scheme.informed):
        letters = [c for c in scheme.codes if c in group]
        if letters:
            return letters[-1]
    return ""


# (scheme, letters, letter) -> letters without it: a scheme spells a handful of cells, and a large
# matrix asks the same question thousands of times.
_WITHOUT: dict[tuple[str, str, str, str], str] = {}


def without(scheme: Scheme, raw: str, letter: str) -> str:
    """``raw`` without ``letter``; a cell left empty keeps the role asked (``soft_letter``)."""
    key = (scheme.key, scheme.codes, raw, letter)
    found = _WITHOUT.get(key)
    if found is None:
        found = scheme.order(set(raw) - {letter}) or soft_letter(scheme)
        if len(_WITHOUT) < 10_000:
            _WITHOUT[key] = found
    return found


def with_letter(scheme: Scheme, raw: str, letter: str) -> str | None:
    """``raw`` plus ``letter`` when the scheme lets them share a cell, else None."""
    wanted = set(raw) | {letter}
    return scheme.order(wanted) if scheme.may_combine(wanted) else None


def keep_one(ctx: RuleContext, task: TaskFacts, letter: str, holders: list[str]) -> tuple[Fix, ...]:
    """One fix per holder: keep ``letter`` there, the others give it up."""
    if not ctx.fixes:
        return ()
    scheme = ctx.scheme
    raw = {code: info.raw for code, info in task.cells}
    name = scheme.letter(letter).name
    ordered = ctx.tally.in_role_order(holders)
    # What each holder's cell becomes when it gives the letter up, and how that reads: once per
    # holder, not once per holder and fix (a task with 15 accountable roles has 15 fixes of 14).
    edits = {code: CellEdit(task.id, code, raw[code], without(scheme, raw[code], letter)) for code in ordered}
    said = {code: f"{code} becomes {edit.letters or 'empty'}" for code, edit in edits.items()}
    fixes = []
    for keeper in ordered:
        others = [code for code in ordered if code != keeper]
        changes = tuple(edits[code] for code in others)
        becomes = ", ".join(said[code] for code in others)
        fixes.append(Fix(f"Keep {name} on {keeper}; {becomes}", changes))
    return tuple(fixes)


def give_letter(ctx: RuleContext, task: TaskFacts, letter: str, candidates: list[str]) -> tuple[Fix, ...]:
    """One fix per candidate role whose cell can take ``letter``."""
    if not ctx.fixes:
        return ()
    scheme = ctx.scheme
    raw = {code: info.raw for code, info in task.cells}
    name = scheme.letter(letter).name
    fixes = []
    for code in ctx.tally.in_role_order(candidates):
        letters = with_letter(scheme, raw.get(code, ""), letter)
        if letters is None:
            # The candidate's letters cannot share the cell: it takes the letter instead.
            letters = letter
        fixes.append(Fix(f"Make {code} {name}", (CellEdit(task.id, code, raw.get(code, ""), letters),)))
    return tuple(fixes)
