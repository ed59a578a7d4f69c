"""One pass over a grid's cells that every rule and analysis reads from.

Pure module. ``Tally.of(grid)`` walks ``grid.cells`` once and keeps, per task, the cells it
has and, per role, how many cells hold each distinct letter string. Rules then work from
these tallies, so evaluating a matrix is O(cells) however many rules there are.

Cells are parsed defensively: a grid built from an import may hold unknown letters, repeated
letters or letters that may not share a cell. Each distinct cell string is parsed once (a
matrix uses a handful of them) and the result shared by every cell holding it. Cells whose
task or role is not part of the grid are ignored: they cannot be shown or fixed anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from frameworks.schemes import Scheme
from raci.rules.grid import MatrixGrid, PersonEntry


@dataclass(frozen=True)
class CellInfo:
    """What one cell string means under a scheme."""

    raw: str
    # Letters the scheme knows, deduplicated, in canonical order.
    known: str
    # Characters the scheme does not know, sorted.
    unknown: str
    # The known letters may share a cell (always true for zero or one letter).
    combinable: bool
    accountable: bool
    responsible: bool
    consulted: bool
    informed: bool
    # Holds a letter that makes the role central to the task besides A and R (RAPID's Recommend).
    central: bool
    # Holds a letter that means work (weight > 0); CAIRO's "Out of the loop" does not.
    involved: bool
    weight: float
    # No unknown letters and a combination the scheme allows.
    valid: bool

    @classmethod
    def parse(cls, scheme: Scheme, raw: str) -> CellInfo:
        codes = scheme.codes
        present = set(raw)
        known = "".join(c for c in codes if c in present)
        unknown = "".join(sorted(c for c in present if c not in codes))
        letters = frozenset(known)
        combinable = scheme.may_combine(letters)
        return cls(
            raw=raw,
            known=known,
            unknown=unknown,
            combinable=combinable,
            accountable=scheme.accountable in letters,
            responsible=not scheme.responsible.isdisjoint(letters),
            consulted=not scheme.consulted.isdisjoint(letters),
            informed=not scheme.informed.isdisjoint(letters),
            central=not scheme.central.isdisjoint(letters),
            involved=any(scheme.letter(c).weight > 0 for c in known),
            weight=scheme.weight(known),
            valid=combinable and not unknown,
        )


@dataclass(frozen=True)
class RoleTally:
    """Per-role totals over the column; counts are numbers of tasks (cells)."""

    code: str
    # Letter code -> cells holding it, every scheme letter present, in canonical order.
    letter_counts: Mapping[str, int]
    filled: int
    involved: int
    accountable: int
    responsible: int
    # Cells holding an accountable, a responsible or a central letter: the tasks the role owns,
    # does or (RAPID) recommends on.
    owns: int
    # Weighted load: sum of letter weights over the column.
    load: float
    # Active people holding the role (0 when the grid has no people data).
    holders: int


@dataclass(frozen=True)
class Tally:
    grid: MatrixGrid
    task_pos: Mapping[int, int]
    role_pos: Mapping[str, int]
    # Task id -> (role code, cell) for its non-empty cells, in no particular order.
    task_cells: Mapping[int, tuple[tuple[str, CellInfo], ...]]
    roles: Mapping[str, RoleTally]
    # Tasks with at least one letter the scheme knows.
    non_empty_tasks: int
    # Role codes an active person holds (empty when the grid has no people data).
    staffed: frozenset[str]

    @classmethod
    def of(cls, grid: MatrixGrid) -> Tally:
        scheme = grid.scheme
        task_pos = {task.id: i for i, task in enumerate(grid.tasks)}
        role_pos = {role.code: i for i, role in enumerate(grid.roles)}
        task_lists: dict[int, list[tuple[str, CellInfo]]] = {task.id: [] for task in grid.tasks}
        # Role code -> cell string -> cells: counting strings, not letters, keeps the hot loop
        # to one dict update per cell; letters are expanded once per distinct string below.
        strings: dict[str, dict[str, int]] = {role.code: {} for role in grid.roles}
        parsed: dict[str, CellInfo] = {}

        # Subscripts with try/except rather than .get(): misses are rare (a foreign task or role,
        # a cell string not parsed yet), and a subscript is cheaper than a method call per cell.
        for (task_id, code), raw in grid.cells.items():
            if not raw:
                continue
            try:
                cells = task_lists[task_id]
                per_role = strings[code]
            except KeyError:
                continue
            try:
                info = parsed[raw]
            except KeyError:
                info = parsed[raw] = CellInfo.parse(scheme, raw)
            cells.append((code, info))
            if raw in per_role:
                per_role[raw] += 1
            else:
                per_role[raw] = 1

        holders: dict[str, int] = {}
        for person in grid.people:
            if person.active:
                for code in person.role_codes:
                    holders[code] = holders.get(code, 0) + 1

        roles: dict[str, RoleTally] = {}
        for role in grid.roles:
            counts = dict.fromkeys(scheme.codes, 0)
            filled = involved = accountable = responsible = owns = 0
            for raw, n in strings[role.code].items():
                info = parsed[raw]
                for letter in info.known:
                    counts[letter] += n
                filled += n
                involved += n if info.involved else 0
                accountable += n if info.accountable else 0
                responsible += n if info.responsible else 0
                owns += n if info.accountable or info.responsible or info.central else 0
            # Integer counts times weights, in canonical order: the same load whatever order
            # the cells mapping happens to iterate in.
            load = sum(counts[c] * scheme.letter(c).weight for c in scheme.codes)
            roles[role.code] = RoleTally(
                code=role.code,
                letter_counts=counts,
                filled=filled,
                involved=involved,
                accountable=accountable,
                responsible=responsible,
                owns=owns,
                load=load,
                holders=holders.get(role.code, 0),
            )

        if all(info.known for info in parsed.values()):
            # The usual case: every cell string holds a known letter, so any cell makes a task non-empty.
            non_empty = sum(1 for cells in task_lists.values() if cells)
        else:
            non_empty = sum(1 for cells in task_lists.values() if any(info.known for _, info in cells))

        return cls(
            grid=grid,
            task_pos=task_pos,
            role_pos=role_pos,
            task_cells={task_id: tuple(cells) for task_id, cells in task_lists.items()},
            roles=roles,
            non_empty_tasks=non_empty,
            staffed=frozenset(holders),
        )

    def in_role_order(self, codes: Iterable[str]) -> list[str]:
        return sorted(codes, key=self.role_pos.__getitem__)

    def held_roles(self, person: PersonEntry) -> list[str]:
        """The matrix's roles a person holds, in column order; codes of other matrices are skipped."""
        return self.in_role_order(code for code in person.role_codes if code in self.role_pos)

    def share(self, person: PersonEntry) -> float:
        """A person's part of the work: each held role's load divided among its active holders.

        Ten engineers holding ENG do not each carry all of ENG's work; a lone PM carries all of
        PM's. Inactive people carry nothing.
        """
        if not person.active:
            return 0.0
        return sum(self.roles[code].load / self.roles[code].holders for code in self.held_roles(person))
