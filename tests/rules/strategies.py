"""Hypothesis strategies for random grids of any built-in scheme.

``grids()`` draws valid grids (every cell a single letter or an allowed combination, as the
loader produces); ``assigned_grids()`` draws grids where every task has exactly one
accountable role, exactly one of each exactly-one letter and at least one responsible role.
"""

from __future__ import annotations

from hypothesis import strategies as st

from frameworks.schemes import SCHEMES, Scheme
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow

ROLE_CODES = ("PM", "PMM", "ENG", "SALES", "CS", "DES")


def valid_cells(scheme: Scheme) -> list[str]:
    """Every non-empty value a cell may hold under ``scheme``."""
    return [letter.code for letter in scheme.letters] + sorted(scheme.order(c) for c in scheme.combinations)


schemes = st.sampled_from(sorted(SCHEMES.values(), key=lambda s: s.key))
settings = st.builds(
    RuleSettings,
    shared_accountability=st.booleans(),
    max_responsible=st.integers(1, 4),
    max_consulted=st.integers(1, 4),
    max_informed=st.integers(1, 5),
)


def _people(codes: list[str]) -> st.SearchStrategy[tuple[PersonEntry, ...]]:
    person = st.tuples(st.frozensets(st.sampled_from(codes), min_size=1, max_size=2), st.booleans())
    return st.lists(person, max_size=5).map(
        lambda entries: tuple(
            PersonEntry(id=i + 1, name=f"Person {i + 1}", role_codes=held, active=active)
            for i, (held, active) in enumerate(entries)
        )
    )


@st.composite
def grids(draw: st.DrawFn, scheme: Scheme | None = None, *, max_tasks: int = 8) -> MatrixGrid:
    scheme = scheme or draw(schemes)
    codes = list(ROLE_CODES[: draw(st.integers(1, len(ROLE_CODES)))])
    n_tasks = draw(st.integers(0, max_tasks))
    values = valid_cells(scheme)
    cells: dict[tuple[int, str], str] = {}
    for task_id in range(1, n_tasks + 1):
        for code in codes:
            # Roughly half the cells empty, as in real matrices.
            value = draw(st.one_of(st.just(""), st.sampled_from(values)))
            if value:
                cells[(task_id, code)] = value
    return _grid(draw, scheme, codes, n_tasks, cells)


@st.composite
def assigned_grids(draw: st.DrawFn, scheme: Scheme | None = None, *, max_tasks: int = 8) -> MatrixGrid:
    """Grids every task of which has its owner letters right (see module docstring)."""
    scheme = scheme or draw(schemes)
    # The accountable letter and the exactly-one letters (DACI's Driver, RAPID's Recommend) go to
    # distinct roles (at most two such letters), and one more role may do the work.
    singles = sorted(scheme.exactly_one | {scheme.accountable})
    codes = list(ROLE_CODES[: draw(st.integers(len(singles) + 1, len(ROLE_CODES)))])
    n_tasks = draw(st.integers(0, max_tasks))
    extra = [value for value in valid_cells(scheme) if not set(singles) & set(value)]
    cells: dict[tuple[int, str], str] = {}
    for task_id in range(1, n_tasks + 1):
        order = draw(st.permutations(codes))
        held = {code: set() for code in codes}
        for code, letter in zip(order, singles, strict=False):
            held[code].add(letter)
        if not any(scheme.responsible & letters for letters in held.values()):
            doer = sorted(scheme.responsible)[0]
            # Sometimes the accountable role also does the work (AR), where the scheme allows it.
            if scheme.may_combine({scheme.accountable, doer}) and draw(st.booleans()):
                held[order[0]].add(doer)
            else:
                held[order[len(singles)]].add(doer)
        for code in order:
            if not held[code] and extra and draw(st.booleans()):
                held[code].update(draw(st.sampled_from(extra)))
        for code, letters in held.items():
            if letters:
                cells[(task_id, code)] = scheme.order(letters)
    return _grid(draw, scheme, codes, n_tasks, cells)


def _grid(
    draw: st.DrawFn, scheme: Scheme, codes: list[str], n_tasks: int, cells: dict[tuple[int, str], str]
) -> MatrixGrid:
    return MatrixGrid(
        id=1,
        name="Random",
        version=1,
        scheme=scheme,
        roles=tuple(RoleColumn(id=i + 1, code=code, name=code) for i, code in enumerate(codes)),
        tasks=tuple(
            TaskRow(id=i, name=f"Task {i}", stage=f"Stage {i % 3}", order=i) for i in range(1, n_tasks + 1)
        ),
        cells=cells,
        people=draw(_people(codes)),
        settings=draw(settings),
    )
