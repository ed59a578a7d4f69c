"""Stored health: the rules engine's verdict on each matrix's draft, kept on the ``Matrix`` row so the
organization home reads it with the list of matrices instead of loading and analysing every one
(200 matrices took 2.1 s and 1,008 queries that way).

It is derived data, not a change to the matrix: no version, no history, no event, so it is written
here and not through the one writer. The writer emits ``assignment.changed`` or ``matrix.changed``
for every change; the handler below (run by a Celery worker in production, in-process under
``make run`` and in tests) recomputes the health unless it is already at the matrix's version. A burst
of edits costs one analysis every ``HEALTH_REFRESH_DELAY`` seconds per matrix, and none in the web
request: the first change enqueues a refresh to run that much later and marks it pending in the cache
(shared by every process in production), the changes after it find the mark and add nothing, and the
refresh reads the matrix as it is by then. Without a broker (``make run``, tests) the refresh runs at
once after every change, so the page is never behind.

A change to the organization's rule settings (its split pairs, ``orgs.services.
organization_split_pairs_set``) changes every matrix's findings without changing a matrix: the
``rule_settings_changed`` signal enqueues ``refresh_organization_health`` after the commit (in the
worker, or in-process without a broker), which recomputes them all in the loader's fixed queries.

What it does not see: other changes outside matrices that the person rules read (someone gains a
role, the headcount changes) and a recalibration of the rules. ``manage.py refresh_health``
recomputes every matrix (or one organization's) for those; until then the home shows the health as
of the last change.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from raci import rules
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_grid_get, matrix_grids_get
from raci.outbox.handlers import enqueue_on_commit, outbox_handler

# Seconds between two analyses of one matrix under a stream of edits (see the module docstring).
HEALTH_REFRESH_DELAY = 2


def matrix_health_refresh(*, matrix_id: int, force: bool = False) -> bool:
    """Analyse the draft of matrix ``matrix_id`` and store its health and finding counts, stamped with
    the version analysed. Returns False when there was nothing to do (already current, or no such
    matrix). ``force`` recomputes a current one (after a recalibration, or people changes)."""
    matrix = Matrix.objects.select_related("organization").filter(pk=matrix_id).first()
    if matrix is None or (not force and matrix.health_version == matrix.version):
        return False
    _store(matrix, rules.analyse(matrix_grid_get(matrix=matrix), fixes=False))
    return True


def matrix_health_store(*, matrix: Matrix, analysis: rules.Analysis) -> None:
    """Store ``analysis`` (of ``matrix``'s draft at ``matrix.version``) as its health: for a caller that
    analysed the draft anyway (the editor after an edit), so the refresh the change enqueued finds the
    health current and has nothing to do."""
    _store(matrix, analysis)


def organization_health_refresh(*, organization_id: int) -> int:
    """Recompute the stored health of every matrix of organization ``organization_id`` (its rule
    settings changed); returns how many. The matrices are loaded together: the loader's queries
    whatever their number, then one UPDATE each."""
    matrices = list(
        Matrix.objects.select_related("organization").filter(organization_id=organization_id).order_by("pk")
    )
    grids = matrix_grids_get(matrices=matrices)
    for matrix in matrices:
        _store(matrix, rules.analyse(grids[matrix.pk], fixes=False))
    return len(matrices)


def _store(matrix: Matrix, analysis: rules.Analysis) -> None:
    # Never overwrite a health computed at a newer version by a concurrent refresh.
    newer = Q(health_version__gt=matrix.version)
    Matrix.objects.filter(pk=matrix.pk).exclude(newer).update(
        health=analysis.health, finding_counts=analysis.counts(), health_version=matrix.version
    )


@outbox_handler("assignment.changed")
@outbox_handler("matrix.changed")
def refresh_health_after_change(event) -> None:
    # Events of these kinds come from the one writer, which always names the matrix; one that does
    # not (written by hand) has no matrix to refresh.
    matrix_id = (event.payload.get("matrix") or {}).get("id")
    if not isinstance(matrix_id, int):
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        matrix_health_refresh(matrix_id=matrix_id)
    # The mark lives as long as the delay: a change after the refresh has read the matrix enqueues
    # the next one.
    elif cache.add(f"raci:health-refresh:{matrix_id}", 1, timeout=HEALTH_REFRESH_DELAY):
        enqueue_on_commit(refresh_matrix_health, matrix_id, countdown=HEALTH_REFRESH_DELAY)


@shared_task(name="raci.tasks.refresh_matrix_health")
def refresh_matrix_health(matrix_id: int) -> bool:
    return matrix_health_refresh(matrix_id=matrix_id)


@shared_task(name="raci.tasks.refresh_organization_health")
def refresh_organization_health(organization_id: int) -> int:
    return organization_health_refresh(organization_id=organization_id)
