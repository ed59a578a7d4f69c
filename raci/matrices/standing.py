"""Stored health: the rules engine's verdict on each matrix's draft, kept on the ``Matrix`` row so the
organization home reads it with the list of matrices instead of loading and analysing every one
(200 matrices took 2.1 s and 1,008 queries that way).

It is derived data, not a change to the matrix: no version, no history, no event, so it is written
here and not through the one writer. The writer emits ``assignment.changed`` or ``matrix.changed``
for every change; the handler below (run by a Celery worker in production, in-process under
``make run`` and in tests) recomputes the health unless it is already at the matrix's version. A burst
of edits costs an analysis per dispatch that finds the health behind, and none in the web request.

What it does not see: changes outside matrices that the person rules read (someone gains a role, the
headcount changes) and a recalibration of the rules. ``manage.py refresh_health`` recomputes every
matrix (or one organization's) for those; until then the home shows the health as of the last change.
"""

from __future__ import annotations

from django.db.models import Q

from raci import rules
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_grid_get
from raci.outbox.handlers import outbox_handler


def matrix_health_refresh(*, matrix_id: int, force: bool = False) -> bool:
    """Analyse the draft of matrix ``matrix_id`` and store its health and finding counts, stamped with
    the version analysed. Returns False when there was nothing to do (already current, or no such
    matrix). ``force`` recomputes a current one (after a recalibration, or people changes)."""
    matrix = Matrix.objects.select_related("organization").filter(pk=matrix_id).first()
    if matrix is None or (not force and matrix.health_version == matrix.version):
        return False
    analysis = rules.analyse(matrix_grid_get(matrix=matrix))
    # Never overwrite a health computed at a newer version by a concurrent refresh.
    newer = Q(health_version__gt=matrix.version)
    Matrix.objects.filter(pk=matrix.pk).exclude(newer).update(
        health=analysis.health, finding_counts=analysis.counts(), health_version=matrix.version
    )
    return True


@outbox_handler("assignment.changed")
@outbox_handler("matrix.changed")
def refresh_health_after_change(event) -> None:
    # Events of these kinds come from the one writer, which always names the matrix; one that does
    # not (written by hand) has no matrix to refresh.
    matrix_id = (event.payload.get("matrix") or {}).get("id")
    if isinstance(matrix_id, int):
        matrix_health_refresh(matrix_id=matrix_id)
