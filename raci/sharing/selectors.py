"""What a share link shows: the published agreement of one matrix as plain data.

Tasks by stage with each role's letters, the roles with who holds them, and the letters'
meaning. Nothing else leaves: no draft, no history, no members, no emails, no ids of other
objects. The agreement is read through ``matrix_read`` (the published revision), in four queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from raci.matrices.readings import READ_PUBLISHED, matrix_read
from raci.sharing.models import ShareLink


@dataclass(frozen=True)
class SharedRole:
    code: str
    name: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class SharedTask:
    name: str
    # (letters, role code) in the matrix's column order, empty cells left out.
    holders: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SharedMatrix:
    name: str
    organization: str
    published: bool
    revision: int | None = None
    published_at: datetime | None = None
    legend: tuple[tuple[str, str], ...] = ()
    stages: tuple[tuple[str, tuple[SharedTask, ...]], ...] = ()
    roles: tuple[SharedRole, ...] = ()


def shared_matrix_get(*, link: ShareLink) -> SharedMatrix:
    """The agreement behind ``link`` (opened with ``share_link_open``, matrix loaded with it)."""
    matrix = link.matrix
    base = {"name": matrix.name, "organization": matrix.organization.name}
    if matrix.published_revision_id is None:
        return SharedMatrix(published=False, **base)
    grid, shown = matrix_read(matrix=matrix, reading=READ_PUBLISHED)
    stages: dict[str, list[SharedTask]] = {}
    for task in grid.tasks:
        holders = tuple(
            (letters, role.code) for role in grid.roles if (letters := grid.letters(task.id, role.code))
        )
        stages.setdefault(task.stage, []).append(SharedTask(name=task.name, holders=holders))
    roles = tuple(
        SharedRole(
            code=role.code,
            name=role.name,
            people=tuple(p.name for p in grid.people if p.active and role.code in p.role_codes),
        )
        for role in grid.roles
    )
    return SharedMatrix(
        published=True,
        revision=shown.revision,
        published_at=shown.published_at,
        legend=tuple((letter.code, letter.name) for letter in grid.scheme.letters),
        stages=tuple((stage, tuple(tasks)) for stage, tasks in stages.items()),
        roles=roles,
        **base,
    )
