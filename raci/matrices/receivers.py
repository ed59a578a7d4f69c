"""What the matrices app does when something below it changes (connected in RaciConfig.ready)."""

from __future__ import annotations

from raci.matrices.changes import matrix_change
from raci.matrices.history import Actor
from raci.matrices.models import Assignment, ChangeRecord, Matrix
from raci.matrices.standing import refresh_organization_health
from raci.outbox.handlers import enqueue_on_commit


def role_changing(sender, *, role, old_code: str, new_code: str | None, acting_user, channel: str, **kwargs):
    """Record in every matrix showing the role that its column was renamed or removed, and, when
    the role is deleted, every cell it held (the deletion then takes column and cells with it).
    Archived matrices too: the role is gone for them as well, so their history says so."""
    actor = Actor(user=acting_user, channel=channel)
    for matrix in Matrix.objects.filter(columns__role=role).order_by("pk"):
        with matrix_change(matrix=matrix, actor=actor, allow_archived=True) as change:
            codes = list(change.matrix.columns.order_by("order", "id").values_list("role__code", flat=True))
            if new_code is not None:
                # The role was renamed before this signal: its column already reads the new code.
                before = [old_code if code == new_code else code for code in codes]
                change.record(
                    kind=ChangeRecord.Kind.COLUMNS,
                    field="columns",
                    before=" ".join(before),
                    after=" ".join(codes),
                    role_id=role.pk,
                    role_code=new_code,
                )
                continue
            change.record(
                kind=ChangeRecord.Kind.COLUMNS,
                field="columns",
                before=" ".join(codes),
                after=" ".join(code for code in codes if code != old_code),
                role_code=old_code,
            )
            cells = Assignment.objects.filter(task__matrix=change.matrix, role=role).values_list(
                "task_id", "task__name", "letters"
            )
            for task_id, task_name, letters in cells:
                change.record_cell(
                    task_id=task_id,
                    task_name=task_name,
                    role_id=None,
                    role_code=old_code,
                    before=letters,
                    after="",
                )


def rule_settings_changed(sender, *, organization, **kwargs) -> None:
    """The organization's rule settings changed (its split pairs): every matrix's findings may have,
    so their stored health is recomputed after the commit (raci.matrices.standing)."""
    enqueue_on_commit(refresh_organization_health, organization.pk)
