"""The editor's cell edit as one unit: apply the batch, read the draft after it and analyse it once.

The editor answers every edit with the findings of the matrix as it now is, and the change it made
enqueues a refresh of the stored health (``raci.matrices.standing``), which would read and analyse
the same draft again (in the request itself under ``make run``, where Celery runs eagerly). Doing
the write, the read and the analysis in one transaction and storing the health before it commits
lets that refresh find the health current: one read and one analysis per edit instead of two.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from raci import rules
from raci.matrices.cells import BatchInvalid, CellChange, CellConflict, grid_apply_changes
from raci.matrices.changes import MatrixArchived
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.standing import matrix_health_store
from raci.rules.grid import MatrixGrid


@dataclass(frozen=True)
class CellsEdited:
    """The draft after the batch (unchanged when ``refused``), its analysis, and why the batch was
    refused, if it was (``CellConflict``, ``BatchInvalid`` or ``MatrixArchived``)."""

    grid: MatrixGrid
    analysis: rules.Analysis
    refused: CellConflict | BatchInvalid | MatrixArchived | None = None


def cells_edit(*, matrix: Matrix, changes: list[CellChange], actor: Actor = SYSTEM) -> CellsEdited:
    """Apply ``changes`` through the writer (all or nothing), then read and analyse the draft."""
    refused = None
    with transaction.atomic():
        try:
            grid_apply_changes(actor=actor, matrix=matrix, changes=changes)
        except (CellConflict, BatchInvalid, MatrixArchived) as exc:
            refused = exc
        grid = matrix_grid_get(matrix=matrix)
        analysis = rules.analyse(grid)
        if refused is None:
            # Before the commit, which runs the refresh the change enqueued (eagerly under make run).
            matrix_health_store(matrix=matrix, analysis=analysis)
    return CellsEdited(grid=grid, analysis=analysis, refused=refused)
