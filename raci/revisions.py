"""Revisions: publishing freezes an immutable, numbered snapshot of a matrix; revisions
are compared, exported and restored; Accountable people sign off; everyone with letters
acknowledges. Writes here follow the services' rules (one transaction, validation,
history, events enqueued on commit)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from orgs.models import Person, Role
from raci import exchange, outbox, rules
from raci.grid import MatrixGrid, RoleColumn, TaskRow
from raci.history import SYSTEM, Actor, cell_change, history_record, history_record_many
from raci.models import Acknowledgement, Assignment, ChangeRecord, Matrix, MatrixRole, Revision, SignOff, Task
from raci.schemes import get_scheme
from raci.selectors import matrix_grid_get
from raci.services import matrix_bump_version


def snapshot_grid(revision: Revision) -> MatrixGrid:
    """The revision's frozen matrix as a MatrixGrid (ids are those of the time)."""
    data = revision.snapshot
    return MatrixGrid(
        id=data["id"],
        name=data["name"],
        version=data["version"],
        scheme=get_scheme(data["scheme"]),
        roles=tuple(RoleColumn(id=r["id"], code=r["code"], name=r["name"]) for r in data["roles"]),
        tasks=tuple(
            TaskRow(id=t["id"], name=t["name"], stage=t["stage"], order=t["order"]) for t in data["tasks"]
        ),
        cells={(c["task"], c["role"]): c["letters"] for c in data["cells"]},
    )


def _accountable_people(grid: MatrixGrid, organization) -> list[Person]:
    accountable_roles = {
        code for (_, code), letters in grid.cells.items() if grid.scheme.accountable in letters
    }
    return list(
        Person.objects.filter(organization=organization, active=True, roles__code__in=accountable_roles)
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def matrix_publish(
    *,
    matrix: Matrix,
    actor: Actor = SYSTEM,
    note: str = "",
    require_signoff: bool = False,
    override_reason: str = "",
) -> Revision:
    """Freeze the matrix as its next revision and mark it published.

    A matrix the rules engine finds errors in is published only with an override reason,
    which the revision records. With ``require_signoff``, every active person holding a
    role that is Accountable somewhere in the matrix is asked to approve.
    """
    locked = Matrix.objects.select_for_update().select_related("organization").get(pk=matrix.pk)
    if locked.status == Matrix.Status.ARCHIVED:
        raise ValidationError(
            {"status": "An archived matrix cannot be published; restore it to draft first."}
        )
    grid = matrix_grid_get(matrix=locked)
    analysis = rules.analyse(grid)
    errors = analysis.counts()["error"]
    if errors and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": f"The rules engine found {errors} error{'s' if errors != 1 else ''}; "
                "fix them, or publish anyway with a reason."
            }
        )
    last = locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    revision = Revision(
        matrix=locked,
        number=last + 1,
        note=note.strip(),
        published_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        version=grid.version,
        snapshot=exchange.export_json(grid),
        health=analysis.health,
        error_count=errors,
        override_reason=override_reason.strip() if errors else "",
        signoff_required=require_signoff,
    )
    revision.full_clean()
    revision.save()
    if require_signoff:
        SignOff.objects.bulk_create(
            [SignOff(revision=revision, person=p) for p in _accountable_people(grid, locked.organization)]
        )
    before = locked.status
    if before != Matrix.Status.PUBLISHED:
        locked.status = Matrix.Status.PUBLISHED
        locked.save(update_fields=["status", "updated_at"])
        matrix_bump_version(matrix=locked)
    history_record(
        matrix=locked,
        actor=actor,
        kind=ChangeRecord.Kind.MATRIX,
        field="published",
        before=before,
        after=f"revision {revision.number}" + (f" (override: {revision.override_reason})" if errors else ""),
    )
    outbox.outbox_emit(
        kind="matrix.published",
        organization=locked.organization,
        payload={
            "matrix": {"id": locked.pk, "name": locked.name},
            "revision": {"id": revision.pk, "number": revision.number, "version": revision.version},
            "health": revision.health,
            "errors": errors,
            "signoff_required": require_signoff,
        },
    )
    matrix.refresh_from_db()
    return revision


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
    for decision in revision.signoffs.values_list("decision", flat=True):
        counts[decision] += 1
    return SignOffState(
        required=revision.signoff_required,
        approved=counts["approved"],
        rejected=counts["rejected"],
        pending=counts["pending"],
    )


def _acting_for(person: Person, user, *, owners_may: bool) -> None:
    if person.user_id is not None and person.user_id == getattr(user, "pk", None):
        return
    if owners_may and person.organization.memberships.filter(user=user, level="owner").exists():
        return
    raise PermissionDenied(f"Only {person.name} can do this{' (or an owner)' if owners_may else ''}.")


@transaction.atomic
def signoff_decide(*, signoff: SignOff, user, decision: str, comment: str = "") -> SignOff:
    """Record an approval or rejection (with a comment) by the person asked, or an owner for them."""
    if decision not in (SignOff.Decision.APPROVED, SignOff.Decision.REJECTED):
        raise ValidationError({"decision": "Choose approved or rejected."})
    if decision == SignOff.Decision.REJECTED and not comment.strip():
        raise ValidationError({"comment": "Say why you reject it, so the matrix can be fixed."})
    signoff = (
        SignOff.objects.select_for_update()
        .select_related("person__organization", "revision")
        .get(pk=signoff.pk)
    )
    _acting_for(signoff.person, user, owners_may=True)
    if signoff.decision != SignOff.Decision.PENDING:
        raise ValidationError(
            {"decision": f"{signoff.person.name} already {signoff.decision} this revision."}
        )
    signoff.decision = decision
    signoff.comment = comment.strip()
    signoff.decided_at = timezone.now()
    signoff.decided_by = user
    signoff.save(update_fields=["decision", "comment", "decided_at", "decided_by"])
    revision = signoff.revision
    state = signoff_state(revision)
    if state.pending == 0:
        outbox.outbox_emit(
            kind="signoff.completed",
            organization=signoff.person.organization,
            payload={
                "matrix": {"id": revision.matrix_id},
                "revision": {"id": revision.pk, "number": revision.number},
                "outcome": state.label,
                "approved": state.approved,
                "rejected": state.rejected,
            },
        )
    return signoff


@transaction.atomic
def acknowledge(*, revision: Revision, person: Person, user) -> Acknowledgement:
    """A person confirms they have read their responsibilities in this revision (idempotent)."""
    if person.organization_id != revision.matrix.organization_id:
        raise ValidationError({"person": "This person belongs to another organization."})
    _acting_for(person, user, owners_may=False)
    acknowledgement, _ = Acknowledgement.objects.get_or_create(revision=revision, person=person)
    return acknowledgement


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


@transaction.atomic
def revision_restore(*, revision: Revision, actor: Actor = SYSTEM) -> Matrix:
    """Make the revision's content the matrix's new draft: its tasks, columns and cells.

    Tasks added since are archived (kept, not deleted); tasks deleted since are recreated.
    """
    matrix = Matrix.objects.select_for_update().select_related("organization").get(pk=revision.matrix_id)
    grid = snapshot_grid(revision)
    changes = revision_diff(matrix_grid_get(matrix=matrix), grid)
    roles = {r.code: r for r in Role.objects.filter(organization_id=matrix.organization_id)}
    codes = [r.code for r in grid.roles if r.code in roles]
    MatrixRole.objects.filter(matrix=matrix).delete()
    MatrixRole.objects.bulk_create(
        [MatrixRole(matrix=matrix, role=roles[c], order=i) for i, c in enumerate(codes)]
    )

    existing = {t.pk: t for t in Task.objects.filter(matrix=matrix)}
    by_name = {t.name.casefold(): t for t in existing.values()}
    kept: dict[int, Task] = {}
    for row in grid.tasks:
        task = existing.get(row.id) or by_name.get(row.name.casefold())
        if task is None:
            task = Task.objects.create(matrix=matrix, name=row.name, stage=row.stage, order=row.order)
        kept[row.id] = task
    # Rename in two steps so a swap of names between tasks never trips the unique constraint.
    for task in kept.values():
        task.name = f"~restoring~{task.pk}~"
    Task.objects.bulk_update(kept.values(), ["name"])
    for row in grid.tasks:
        task = kept[row.id]
        task.name, task.stage, task.order, task.archived = row.name, row.stage, row.order, False
    Task.objects.bulk_update(kept.values(), ["name", "stage", "order", "archived"])
    kept_ids = {t.pk for t in kept.values()}
    Task.objects.filter(matrix=matrix).exclude(pk__in=kept_ids).update(archived=True)

    Assignment.objects.filter(task__matrix=matrix).delete()
    Assignment.objects.bulk_create(
        [
            Assignment(task=kept[task_id], role=roles[code], letters=letters)
            for (task_id, code), letters in grid.cells.items()
            if code in roles and task_id in kept
        ]
    )
    matrix.status = Matrix.Status.DRAFT
    matrix.save(update_fields=["status", "updated_at"])
    matrix_bump_version(matrix=matrix)
    history_record_many(
        matrix=matrix,
        actor=actor,
        records=[
            {"kind": ChangeRecord.Kind.MATRIX, "field": "restored", "after": f"revision {revision.number}"},
            *(
                cell_change(
                    task_id=kept[cell["task"]].pk,
                    task_name=cell["name"],
                    role_id=roles[cell["role"]].pk if cell["role"] in roles else None,
                    role_code=cell["role"],
                    before=cell["before"],
                    after=cell["after"],
                )
                for cell in changes.changed_cells
                if cell["task"] in kept
            ),
        ],
    )
    return matrix
