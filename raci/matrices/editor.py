"""What the matrix editor shows, as plain data: rows grouped by stage, with their
findings badges, after the filters, and the grid's body as HTML. Pure: reads a MatrixGrid
and the rules engine's findings, no database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from raci.rules.findings import Finding, Severity
from raci.rules.grid import MatrixGrid, TaskRow


@dataclass(frozen=True)
class Filters:
    stage: str = ""
    role: str = ""
    letter: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.stage or self.role or self.letter or self.text)


@dataclass(frozen=True)
class Badge:
    """The worst severity of a task's findings, with their messages for the tooltip and screen readers."""

    severity: str = ""
    messages: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.messages)


@dataclass(frozen=True)
class Row:
    task: TaskRow
    badge: Badge


@dataclass(frozen=True)
class StageGroup:
    stage: str
    rows: list[Row] = field(default_factory=list)


def badges_by_task(findings: Iterable[Finding]) -> dict[int, Badge]:
    grouped: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.task_id is not None:
            grouped.setdefault(finding.task_id, []).append(finding)
    badges = {}
    for task_id, items in grouped.items():
        worst = min(items, key=lambda f: Severity(f.severity).rank)
        badges[task_id] = Badge(severity=str(worst.severity), messages=tuple(f.message for f in items))
    return badges


def badge_for(task_id: int, findings: Iterable[Finding]) -> Badge:
    return badges_by_task(f for f in findings if f.task_id == task_id).get(task_id, Badge())


def _keep(grid: MatrixGrid, task: TaskRow, filters: Filters) -> bool:
    if filters.stage and task.stage != filters.stage:
        return False
    if filters.text and filters.text.casefold() not in task.name.casefold():
        return False
    if filters.role or filters.letter:
        codes = [filters.role] if filters.role else [r.code for r in grid.roles]
        held = [grid.letters(task.id, code) for code in codes]
        if filters.letter:
            return any(filters.letter in letters for letters in held)
        return any(held)
    return True


def editor_groups(
    grid: MatrixGrid, findings: Iterable[Finding], filters: Filters = Filters()
) -> list[StageGroup]:
    badges = badges_by_task(findings)
    groups: dict[str, StageGroup] = {}
    for task in grid.tasks:
        if not _keep(grid, task, filters):
            continue
        group = groups.setdefault(task.stage, StageGroup(task.stage))
        group.rows.append(Row(task, badges.get(task.id, Badge())))
    return list(groups.values())


def stages(grid: MatrixGrid) -> list[str]:
    return list(dict.fromkeys(task.stage for task in grid.tasks))


def combinations_attr(grid: MatrixGrid) -> str:
    """The letter sets that may share a cell, for the editor's script: "AR,RP"."""
    return ",".join(sorted(grid.scheme.order(c) for c in grid.scheme.combinations))


# How many findings the panel lists: a 1,000-task matrix can have thousands, and every one is
# also on its row's badge; the panel shows the worst first and says how many it left out.
FINDINGS_SHOWN = 100


def findings_shown(findings: Iterable[Finding], limit: int = FINDINGS_SHOWN) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: Severity(f.severity).rank)
    return ordered[:limit] if limit else ordered


def slashed(letters: str) -> str:
    """ "AR" -> "A/R": the one way letters are written on every page."""
    return "/".join(letters)


def cell_html(letters: str) -> str:
    """One cell: its letters as written, and a class naming its strongest letter for the colour.
    Nothing else: the task is its row's, the role its column's, so 50,000 cells stay small."""
    if not letters:
        return "<td></td>"
    return f'<td class="k{escape(letters[0])}">{escape(slashed(letters))}</td>'


def badge_html(task_id: int, badge: Badge, oob: bool = False) -> str:
    """A row's findings badge: the count and worst severity; the messages, written once, are read
    by screen readers and shown on hover (editor.css), not repeated in a title."""
    inner = ""
    if badge.count:
        inner = (
            f'<span class="badge {escape(badge.severity)}">{badge.count}<span class="badge-detail"> '
            f"finding{'' if badge.count == 1 else 's'}: {escape('; '.join(badge.messages))}</span></span>"
        )
    swap = ' hx-swap-oob="true"' if oob else ""
    return f'<span id="badge-{task_id}" class="row-badge"{swap}>{inner}</span>'


def _row_head(task: TaskRow, badge: Badge, edit_url: str | None) -> str:
    # For editors the name links to the task's page (rename, stage, order, archive): a row carries
    # no buttons, forms or tokens, which would be most of the page at 1,000 rows.
    name = escape(task.name)
    if edit_url is not None:
        name = f'<a href="{escape(edit_url.format(id=task.id))}">{name}</a>'
    return f'<span class="task-name">{name}</span> {badge_html(task.id, badge)}'


# Rows in the editor page itself; the rest follow in one request once the page is usable
# (views.editor.matrix_rows), so a 1,000-row matrix is editable as fast as a 50-row one.
FIRST_ROWS = 50


def grid_body_html(
    grid: MatrixGrid,
    groups: list[StageGroup],
    edit_url: str | None,
    start: int = 0,
    stop: int | None = None,
) -> str:
    """Rows ``start`` to ``stop`` (over all stages, in order) as ``<tbody>`` elements, one per stage,
    as one string: built in Python because a template loop over 50,000 cells would take seconds
    (bench/bench_editor.py). A stage split by ``start`` continues in a ``<tbody>`` without its
    header; every part carries ``data-stage`` so the stage folds as one."""
    parts: list[str] = []
    codes = [role.code for role in grid.roles]
    get = grid.cells.get
    span = len(codes) + 1
    offset = 0
    for index, group in enumerate(groups):
        first, count = offset, len(group.rows)
        offset += count
        if offset <= start or (stop is not None and first >= stop):
            continue
        if first >= start:
            stage = escape(group.stage or "No stage")
            parts.append(
                f'<tbody id="stage-{index}" data-stage="{index}"><tr class="stage"><th colspan="{span}" '
                f'scope="colgroup"><button type="button" class="stage-toggle" aria-expanded="true" '
                f'aria-controls="stage-{index}">{stage}</button> '
                f'<span class="muted">{count} task{"" if count == 1 else "s"}</span></th></tr>'
            )
        else:
            parts.append(f'<tbody data-stage="{index}">')
        for row in group.rows[max(0, start - first) : None if stop is None else max(0, stop - first)]:
            task_id = row.task.id
            cells = "".join([cell_html(get((task_id, code), "")) for code in codes])
            parts.append(
                f'<tr id="task-{row.task.id}" data-task="{row.task.id}"><th scope="row">'
                f"{_row_head(row.task, row.badge, edit_url)}</th>{cells}</tr>"
            )
        parts.append("</tbody>")
    return "".join(parts)


@dataclass(frozen=True)
class ColumnLoad:
    """A column's Responsible and Accountable count, and the busiest column's, for its load bar."""

    responsible: int
    accountable: int
    busiest: int

    @property
    def total(self) -> int:
        return self.responsible + self.accountable


@dataclass(frozen=True)
class ColumnHolders:
    """Who does a column's role in the matrix's team: the names a header shows, and the rest."""

    names: tuple[str, ...]
    more: int = 0

    @property
    def title(self) -> str:
        return ", ".join(self.names) + (f" and {self.more} more" if self.more else "")


HEADER_NAMES = 2


def column_holders(grid: MatrixGrid) -> dict[str, ColumnHolders]:
    """Per role code, the active people behind the column (as the loader resolved them for the
    matrix's team), the first two by name and how many more."""
    result = {}
    for role in grid.roles:
        names = sorted(p.name for p in grid.people if p.active and role.code in p.role_codes)
        result[role.code] = ColumnHolders(tuple(names[:HEADER_NAMES]), max(0, len(names) - HEADER_NAMES))
    return result


def column_loads(grid: MatrixGrid, counts: Mapping[str, Mapping[str, int]]) -> dict[str, ColumnLoad]:
    """Per role code, from the workload's letter counts per role (``counts[code][letter]``)."""
    scheme = grid.scheme
    ra = {
        role.code: (
            sum(counts.get(role.code, {}).get(letter, 0) for letter in sorted(scheme.responsible)),
            counts.get(role.code, {}).get(scheme.accountable, 0),
        )
        for role in grid.roles
    }
    busiest = max((r + a for r, a in ra.values()), default=0)
    return {code: ColumnLoad(r, a, busiest) for code, (r, a) in ra.items()}


def fix_changes(raw: str, *, limit: int) -> list[dict[str, object]] | None:
    """The cell edits a fix button posts (``Fix.changes_json``), checked for shape; None when the
    text is not a list of at most ``limit`` edits each with an integer task and string role,
    expected and letters. Whether they still fit the grid is the batch's to say."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, list) or not 0 < len(data) <= limit:
        return None
    changes = []
    for item in data:
        if not isinstance(item, dict) or set(item) != {"task", "role", "expected", "letters"}:
            return None
        task = item["task"]
        if not isinstance(task, int) or isinstance(task, bool) or not 0 < task < 2**63:
            return None
        texts = (item["role"], item["expected"], item["letters"])
        if not all(isinstance(text, str) and len(text) <= 20 for text in texts):
            return None
        changes.append(
            {
                "task": task,
                "role": item["role"].upper(),
                "expected": item["expected"],
                "letters": item["letters"],
            }
        )
    return changes


def findings_list_html(findings: Iterable[Finding], *, fix_url: str | None, csrf_token: str) -> str:
    """The findings panel's list, built in Python like the grid body: the panel is sent with every
    edit, and a hundred findings of a large matrix may offer more than a thousand fixes, each a form
    (Django's template engine took about 40 ms for them at 1,000 x 50). ``fix_url`` None: no fix
    buttons (a reader, an archived matrix). Every value is escaped."""
    token = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">' if fix_url else ""
    )
    parts = ["<ol>"]
    for finding in findings:
        severity = escape(str(finding.severity))
        message = escape(finding.message)
        parts.append(f'<li class="finding {severity}"><span class="badge {severity}">{severity}</span> ')
        if finding.task_id:
            role = f' data-role="{escape(finding.role_code)}"' if finding.role_code else ""
            parts.append(
                f'<a href="#task-{finding.task_id}" data-task="{finding.task_id}"{role}>{message}</a>'
            )
        elif finding.role_code:
            code = escape(finding.role_code)
            parts.append(f'<a href="#col-{code}" data-role="{code}">{message}</a>')
        else:
            parts.append(message)
        if finding.hint:
            parts.append(f'<p class="hint">{escape(finding.hint)}</p>')
        if fix_url and finding.suggested_fixes:
            parts.append('<div class="fixes">')
            for fix in finding.suggested_fixes:
                parts.append(
                    f'<form method="post" action="{escape(fix_url)}">{token}'
                    f'<input type="hidden" name="changes" value="{escape(fix.changes_json)}">'
                    f'<button type="submit" class="secondary">{escape(fix.label)}</button></form>'
                )
            parts.append("</div>")
        parts.append("</li>")
    parts.append("</ol>")
    return "".join(parts)


def findings_digest(findings: Iterable[Finding], total: int) -> str:
    """A short fingerprint of the findings panel's content: the editor sends back the one it shows,
    and an edit that leaves the panel as it was is answered without it (at 1,000 x 50 the panel is
    hundreds of kilobytes of fix forms for the browser to parse and swap)."""
    digest = hashlib.blake2b(str(total).encode(), digest_size=12)
    for finding in findings:
        digest.update(
            repr(
                (
                    finding.code,
                    str(finding.severity),
                    finding.message,
                    finding.hint,
                    finding.task_id,
                    finding.role_code,
                    tuple((fix.label, fix.changes_json) for fix in finding.suggested_fixes),
                )
            ).encode()
        )
    return digest.hexdigest()
