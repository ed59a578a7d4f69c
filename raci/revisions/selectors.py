"""Reads of revisions: a revision's frozen grid, its sign-off state, comparing two grids, and
which revision each person has acknowledged."""

from __future__ import annotations

from dataclasses import dataclass

from orgs.models import Person
from raci.exchange import grid_from_json
from raci.revisions.models import Acknowledgement, Revision, SignOff
from raci.rules.grid import MatrixGrid


def snapshot_grid(revision: Revision) -> MatrixGrid:
    """The revision's frozen matrix as a MatrixGrid (ids are those of the time)."""
    return grid_from_json(revision.snapshot)


@dataclass(frozen=True)
class SignOffState:
    required: bool
    approved: int
    rejected: int
    pending: int

    @property
    def label(self) -> str:
        if not self.required:
            return "published"
        if self.rejected:
            return "rejected"
        if self.pending:
            return "awaiting sign-off"
        return "signed off"


def signoff_state(revision: Revision) -> SignOffState:
    counts = dict.fromkeys(SignOff.Decision.values, 0)
    # .all() so a list of revisions prefetching their sign-offs costs no query per revision.
    for signoff in revision.signoffs.all():
        counts[signoff.decision] += 1
    return SignOffState(
        required=revision.signoff_required,
        approved=counts["approved"],
        rejected=counts["rejected"],
        pending=counts["pending"],
    )


@dataclass(frozen=True)
class RevisionDiff:
    added_tasks: tuple[dict, ...]
    removed_tasks: tuple[dict, ...]
    changed_cells: tuple[dict, ...]
    renamed_tasks: tuple[dict, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added_tasks or self.removed_tasks or self.changed_cells or self.renamed_tasks)

    def to_dict(self) -> dict:
        return {
            "is_empty": self.is_empty,
            "added_tasks": list(self.added_tasks),
            "removed_tasks": list(self.removed_tasks),
            "renamed_tasks": list(self.renamed_tasks),
            "changed_cells": list(self.changed_cells),
        }


def revision_diff(old: MatrixGrid, new: MatrixGrid) -> RevisionDiff:
    """What changed from ``old`` to ``new``: tasks matched by id (stable within a matrix)."""
    old_tasks = {t.id: t for t in old.tasks}
    new_tasks = {t.id: t for t in new.tasks}
    codes = list(dict.fromkeys([r.code for r in old.roles] + [r.code for r in new.roles]))
    changed = []
    for task in new.tasks:
        if task.id not in old_tasks:
            continue
        for code in codes:
            before, after = old.letters(task.id, code), new.letters(task.id, code)
            if before != after:
                changed.append(
                    {"task": task.id, "name": task.name, "role": code, "before": before, "after": after}
                )
    return RevisionDiff(
        added_tasks=tuple(
            {"task": t.id, "name": t.name, "stage": t.stage} for t in new.tasks if t.id not in old_tasks
        ),
        removed_tasks=tuple(
            {"task": t.id, "name": t.name, "stage": t.stage} for t in old.tasks if t.id not in new_tasks
        ),
        renamed_tasks=tuple(
            {"task": t.id, "before": old_tasks[t.id].name, "after": t.name}
            for t in new.tasks
            if t.id in old_tasks and old_tasks[t.id].name != t.name
        ),
        changed_cells=tuple(changed),
    )


@dataclass(frozen=True)
class AcknowledgementStatus:
    revision: int
    acknowledged_at: object | None


def acknowledgement_status(*, person: Person, matrix_ids: set[int]) -> dict[int, AcknowledgementStatus]:
    """For each published matrix: its latest revision number and when ``person`` acknowledged it
    (None if not yet). Two queries."""
    latest: dict[int, tuple[int, int]] = {}
    for revision_id, matrix_id, number in Revision.objects.filter(matrix_id__in=matrix_ids).values_list(
        "id", "matrix_id", "number"
    ):
        if matrix_id not in latest or number > latest[matrix_id][1]:
            latest[matrix_id] = (revision_id, number)
    acknowledged = dict(
        Acknowledgement.objects.filter(
            person=person, revision_id__in=[revision_id for revision_id, _ in latest.values()]
        ).values_list("revision_id", "at")
    )
    return {
        matrix_id: AcknowledgementStatus(revision=number, acknowledged_at=acknowledged.get(revision_id))
        for matrix_id, (revision_id, number) in latest.items()
    }
