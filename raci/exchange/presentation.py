"""What goes on each page, sheet and slide of the exports people present (XLSX, PDF, PPTX).

Pure module: no Django, no database. The renderers (``raci.exchange.workbook`` for XLSX,
``raci.exports`` for PDF and slides) only lay out what these functions decide:

- ``letter_tone``: which of five tones a cell takes (accountable, responsible, consulted, informed,
  other), so every format colours a cell the same way and writes its letters on it.
- ``matrix_pages``: a large matrix is cut into pages of at most ``rows`` lines and ``roles``
  columns, never shrunk. Pages go row-major: the first rows with the first roles, the same rows
  with the next roles, then the next rows; a stage heading opens each stage and is repeated (as
  "continued") at the top of a page that starts inside a stage.
- ``person_cards``: "what I own" for every active person, from the roles they hold.
- ``findings_summary``: counts per severity and the first findings, for a summary page or slide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from frameworks.schemes import Scheme
from raci.rules.findings import Finding, Severity
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, TaskRow

# The tones, strongest first; every format maps a tone to its colour (``TONE_COLOURS``).
ACCOUNTABLE = "accountable"
RESPONSIBLE = "responsible"
CONSULTED = "consulted"
INFORMED = "informed"
OTHER = "other"
TONES = (ACCOUNTABLE, RESPONSIBLE, CONSULTED, INFORMED, OTHER)

# Light fills, so black letters stay readable on paper and on a projector, and distinct in grey.
TONE_COLOURS = {
    ACCOUNTABLE: "F4A09C",
    RESPONSIBLE: "FFD97A",
    CONSULTED: "A9CBEF",
    INFORMED: "DEDEDE",
    OTHER: "D7C6EE",
}

# A page of the PDF holds this many lines (tasks and stage headings) and role columns; a slide less.
PDF_ROWS_PER_PAGE = 30
PDF_ROLES_PER_PAGE = 25
SLIDE_ROWS = 12
SLIDE_ROLES = 12
# A person's card is one page of this many lines (section titles and tasks); what does not fit is
# counted ("and 12 more"), strongest letters first.
CARD_LINES = 40
# How many findings a summary lists (the counts cover them all).
SUMMARY_FINDINGS = 12


def letter_tone(scheme: Scheme, letters: str) -> str:
    """The tone of a cell: that of its strongest letter (letters come in canonical order)."""
    if not letters:
        return ""
    first = letters[0]
    if first == scheme.accountable:
        return ACCOUNTABLE
    if first in scheme.responsible:
        return RESPONSIBLE
    if first in scheme.consulted:
        return CONSULTED
    if first in scheme.informed:
        return INFORMED
    return OTHER


def legend(scheme: Scheme) -> list[tuple[str, str, str, str]]:
    """(letter, name, meaning, tone) for every letter of the scheme, in canonical order."""
    return [
        (letter.code, letter.name, letter.meaning, letter_tone(scheme, letter.code))
        for letter in scheme.letters
    ]


@dataclass(frozen=True)
class Cell:
    letters: str
    tone: str

    @property
    def written(self) -> str:
        """The letters as every page writes them: ``A/R``."""
        return "/".join(self.letters)


@dataclass(frozen=True)
class Line:
    """One line of a page: a stage heading (``task`` is None) or a task with its cells."""

    stage: str
    task: TaskRow | None = None
    cells: tuple[Cell, ...] = ()
    continued: bool = False


@dataclass(frozen=True)
class MatrixPage:
    number: int
    roles: tuple[RoleColumn, ...]
    lines: tuple[Line, ...]
    # 1-based positions of the first and last role column on the page, of ``role_count``.
    first_role: int
    last_role: int
    role_count: int


def _role_bands(roles: Sequence[RoleColumn], size: int) -> list[tuple[int, tuple[RoleColumn, ...]]]:
    if not roles:
        return [(0, ())]
    return [(start, tuple(roles[start : start + size])) for start in range(0, len(roles), size)]


def _row_chunks(grid: MatrixGrid, rows: int) -> list[list[tuple[str, TaskRow | None, bool]]]:
    """The tasks cut into chunks of ``rows`` lines, stage headings included."""
    chunks: list[list[tuple[str, TaskRow | None, bool]]] = [[]]
    stage: str | None = None
    for task in grid.tasks:
        chunk = chunks[-1]
        # A stage heading never ends a page: it needs its first task on the same page.
        needs = 2 if task.stage != stage else 1
        if len(chunk) + needs > rows:
            chunk = []
            chunks.append(chunk)
            if task.stage == stage:
                chunk.append((task.stage, None, True))
        if task.stage != stage:
            chunk.append((task.stage, None, False))
            stage = task.stage
        chunk.append((task.stage, task, False))
    return chunks


def matrix_pages(
    grid: MatrixGrid, *, rows: int = PDF_ROWS_PER_PAGE, roles: int = PDF_ROLES_PER_PAGE
) -> list[MatrixPage]:
    """The matrix cut into pages of at most ``rows`` lines and ``roles`` columns (module docstring)."""
    if rows < 3 or roles < 1:
        raise ValueError("A page needs at least three lines and one role column.")
    scheme = grid.scheme
    cells = grid.cells
    pages: list[MatrixPage] = []
    bands = _role_bands(grid.roles, roles)
    for chunk in _row_chunks(grid, rows):
        for start, band in bands:
            lines = []
            for stage, task, continued in chunk:
                if task is None:
                    lines.append(Line(stage=stage, continued=continued))
                    continue
                row = []
                for role in band:
                    letters = cells.get((task.id, role.code), "")
                    row.append(Cell(letters, letter_tone(scheme, letters)))
                lines.append(Line(stage=stage, task=task, cells=tuple(row)))
            pages.append(
                MatrixPage(
                    number=len(pages) + 1,
                    roles=band,
                    lines=tuple(lines),
                    first_role=start + 1 if band else 0,
                    last_role=start + len(band),
                    role_count=len(grid.roles),
                )
            )
    return pages


def stage_runs(grid: MatrixGrid) -> list[tuple[str, list[TaskRow]]]:
    """Consecutive tasks of the same stage, in task order (a stage split by another comes twice)."""
    runs: list[tuple[str, list[TaskRow]]] = []
    for task in grid.tasks:
        if runs and runs[-1][0] == task.stage:
            runs[-1][1].append(task)
        else:
            runs.append((task.stage, [task]))
    return runs


@dataclass(frozen=True)
class StageSlide:
    """One slide of a stage's grid: its tasks (a slice) and role columns (a band)."""

    stage: str
    part: int
    parts: int
    roles: tuple[RoleColumn, ...]
    rows: tuple[tuple[TaskRow, tuple[Cell, ...]], ...]


def stage_slides(grid: MatrixGrid, *, rows: int = SLIDE_ROWS, roles: int = SLIDE_ROLES) -> list[StageSlide]:
    """One slide per stage, or as many as its tasks and the role columns need at ``rows`` x ``roles``."""
    scheme = grid.scheme
    bands = _role_bands(grid.roles, roles)
    slides: list[StageSlide] = []
    for stage, tasks in stage_runs(grid):
        slices = [tasks[i : i + rows] for i in range(0, len(tasks), rows)]
        parts = len(slices) * len(bands)
        part = 0
        for task_slice in slices:
            for _start, band in bands:
                part += 1
                body = []
                for task in task_slice:
                    letters = [grid.cells.get((task.id, role.code), "") for role in band]
                    body.append((task, tuple(Cell(value, letter_tone(scheme, value)) for value in letters)))
                slides.append(StageSlide(stage=stage, part=part, parts=parts, roles=band, rows=tuple(body)))
    return slides


@dataclass(frozen=True)
class CardSection:
    """The tasks a person holds one kind of letter on; ``more`` is how many did not fit the card."""

    title: str
    tone: str
    tasks: tuple[tuple[str, str, str], ...]  # (stage, task, letters with the role that gives them)
    more: int = 0


@dataclass(frozen=True)
class PersonCard:
    person: PersonEntry
    roles: tuple[str, ...]
    sections: tuple[CardSection, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not any(section.tasks for section in self.sections)


_SECTION_TITLES = {
    ACCOUNTABLE: "I answer for",
    RESPONSIBLE: "I do",
    CONSULTED: "I am consulted on",
    INFORMED: "I am kept informed of",
    OTHER: "I also hold",
}


def person_cards(grid: MatrixGrid, *, lines: int = CARD_LINES) -> list[PersonCard]:
    """ "What I own" for each active person holding a role of the matrix, in name order: the tasks
    where one of their roles holds a letter, under the strongest tone of their letters there."""
    scheme = grid.scheme
    codes = [role.code for role in grid.roles]
    cards = []
    for person in sorted(grid.people, key=lambda p: (p.name.casefold(), p.id)):
        held = [code for code in codes if code in person.role_codes]
        if not person.active or not held:
            continue
        found: dict[str, list[tuple[str, str, str]]] = {tone: [] for tone in TONES}
        for task in grid.tasks:
            spelled = []
            tones = []
            for code in held:
                letters = grid.cells.get((task.id, code), "")
                if letters:
                    spelled.append(f"{'/'.join(letters)} as {code}")
                    tones.extend(letter_tone(scheme, letter) for letter in letters)
            if spelled:
                tone = min(tones, key=TONES.index)
                found[tone].append((task.stage, task.name, ", ".join(spelled)))
        sections = []
        room = lines
        for tone in TONES:
            if not found[tone]:
                continue
            # The title takes a line, and a line is kept for "and N more" when needed.
            fits = max(0, room - 1) if len(found[tone]) <= room - 1 else max(0, room - 2)
            shown = found[tone][:fits]
            room -= len(shown) + 1
            sections.append(
                CardSection(_SECTION_TITLES[tone], tone, tuple(shown), more=len(found[tone]) - len(shown))
            )
        cards.append(PersonCard(person=person, roles=tuple(held), sections=tuple(sections)))
    return cards


@dataclass(frozen=True)
class FindingsSummary:
    errors: int
    warnings: int
    infos: int
    shown: tuple[Finding, ...]

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def findings_summary(findings: Iterable[Finding], *, limit: int = SUMMARY_FINDINGS) -> FindingsSummary:
    """Counts per severity and the first ``limit`` findings (the engine lists errors first)."""
    listed = list(findings)
    counts = Counter(finding.severity for finding in listed)
    return FindingsSummary(
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
        shown=tuple(listed[:limit]),
    )


def people_by_role(grid: MatrixGrid) -> list[tuple[RoleColumn, list[str]]]:
    """Each role column with the names of the active people holding it, in name order."""
    return [
        (
            role,
            sorted((p.name for p in grid.people if p.active and role.code in p.role_codes), key=str.casefold),
        )
        for role in grid.roles
    ]
