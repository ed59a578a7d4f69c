"""What every presentation export reads: one state of a matrix (through ``matrix_read``), its
findings and health, and what it says about publication and sign-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from raci.matrices.models import Matrix
from raci.matrices.readings import Reading, Shown, matrix_read
from raci.revisions.models import Revision
from raci.revisions.selectors import signoff_state
from raci.rules import analyse
from raci.rules.findings import Finding
from raci.rules.grid import MatrixGrid


@dataclass(frozen=True)
class Presentation:
    organization: str
    grid: MatrixGrid
    shown: Shown
    findings: tuple[Finding, ...]
    health: int
    # "Revision 3, published 4 Dec 2026" or "Draft, version 12 (not published)".
    state: str
    # "signed off (2 of 2)", "awaiting sign-off (1 of 2 approved)", "no sign-off: this is the draft" …
    signoff: str
    generated_at: datetime

    @property
    def tag(self) -> str:
        """What ends the file name: ``r<number>`` for a revision, ``v<version>`` for the draft."""
        return f"v{self.shown.version}" if self.shown.draft else f"r{self.shown.revision}"


def presentation_read(*, matrix: Matrix, reading: Reading, fallback_to_draft: bool = False) -> Presentation:
    """``matrix`` as ``reading`` asks, ready to present (at most two queries more than ``matrix_read``).
    Raises ``RevisionMissing`` (a 404) as ``matrix_read`` does."""
    grid, shown = matrix_read(matrix=matrix, reading=reading, fallback_to_draft=fallback_to_draft)
    analysis = analyse(grid)
    if shown.draft:
        state = f"Draft, version {shown.version}" + (" (never published)" if shown.never_published else "")
        signoff = "none: a draft is signed off once published"
    else:
        published = timezone.localtime(shown.published_at) if shown.published_at else None
        state = f"Revision {shown.revision}" + (f", published {published:%d %b %Y}" if published else "")
        revision = Revision.objects.prefetch_related("signoffs").get(matrix=matrix, number=shown.revision)
        signoff = _signoff_text(revision)
    return Presentation(
        organization=matrix.organization.name,
        grid=grid,
        shown=shown,
        findings=analysis.findings,
        health=analysis.health,
        state=state,
        signoff=signoff,
        generated_at=timezone.localtime(),
    )


def _signoff_text(revision: Revision) -> str:
    state = signoff_state(revision)
    if not state.required:
        return "not required for this revision"
    asked = state.approved + state.rejected + state.pending
    if state.rejected:
        return f"rejected ({state.rejected} of {asked} rejected)"
    if state.pending:
        return f"awaiting sign-off ({state.approved} of {asked} approved)"
    return f"signed off ({state.approved} of {asked} approved)"
