"""Revisions: publishing freezes an immutable, numbered snapshot of a matrix; revisions
are compared, exported and restored; Accountable people sign off; everyone with letters
acknowledges. Publishing and restoring are changes of the matrix and go through its one writer
(``raci.matrices.changes``); sign-off and acknowledgement write only their own rows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from orgs.access import may_act_for
from orgs.models import Person, Role
from raci import rules
from raci.exchange import export_json
from raci.matrices.bulk import rows_insert
from raci.matrices.changes import matrix_change
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.models import Assignment, ChangeRecord, Matrix, MatrixRole, Task
from raci.matrices.selectors import matrix_grid_get
from raci.outbox.emit import outbox_emit
from raci.revisions.models import Acknowledgement, PublishedCell, PublishedTask, Revision, SignOff
from raci.revisions.selectors import revision_diff, signoff_state, snapshot_grid
from raci.rules.grid import MatrixGrid


def _accountable_people(grid: MatrixGrid, organization_id: int) -> list[Person]:
    """The people who sign off: the active people behind the roles Accountable somewhere in the
    matrix, as the loader resolved them for the matrix's team."""
    accountable_roles = {
        code for (_, code), letters in grid.cells.items() if grid.scheme.accountable in letters
    }
    ids = {p.id for p in grid.people if p.active and p.role_codes & accountable_roles}
    return list(Person.objects.filter(organization_id=organization_id, pk__in=ids).order_by("name"))


def agreement_rebuild(*, revision: Revision, grid: MatrixGrid) -> None:
    """Replace the matrix's published tasks and cells (the read model of its agreement) with those
    of ``revision``, frozen from ``grid``: three statements and batched inserts, whatever the size.
    For a grid that is not the draft (an organization restored from a backup); publishing uses
    ``agreement_refresh``, which writes only the difference."""
    matrix_id = revision.matrix_id
    PublishedCell.objects.filter(matrix_id=matrix_id).delete()
    PublishedTask.objects.filter(matrix_id=matrix_id).delete()
    descriptions = dict(Task.objects.filter(matrix_id=matrix_id).values_list("id", "description"))
    tasks = PublishedTask.objects.bulk_create(
        [
            PublishedTask(
                matrix_id=matrix_id,
                revision=revision,
                task_id=task.id,
                name=task.name,
                stage=task.stage,
                description=descriptions.get(task.id, ""),
                order=task.order,
            )
            for task in grid.tasks
        ]
    )
    task_pk = {task.task_id: task.pk for task in tasks}
    rows_insert(
        PublishedCell,
        ["matrix_id", "task_id", "role_id", "role_code", "column", "letters"],
        [
            (matrix_id, task_pk[task.id], role.id, role.code, column, letters)
            for task in grid.tasks
            for column, role in enumerate(grid.roles)
            if (letters := grid.letters(task.id, role.code))
        ],
    )


def agreement_refresh(*, revision: Revision) -> None:
    """Bring the matrix's published tasks and cells (the read model of its agreement) to the
    draft as it stands in this transaction, which ``revision`` freezes: five set-based statements
    whatever the size, run under the matrix's lock (``matrix_change``) so the draft's tables are
    exactly the grid the snapshot was built from. Only the difference is written: cells no longer
    agreed are deleted, new ones inserted, unchanged ones stay; every task row moves to the new
    revision. Readers see the old agreement until the publishing transaction commits."""
    cells, tasks = PublishedCell._meta.db_table, PublishedTask._meta.db_table
    draft_tasks, assignments = Task._meta.db_table, Assignment._meta.db_table
    columns, roles = MatrixRole._meta.db_table, Role._meta.db_table
    m = revision.matrix_id
    # The draft's cells as the loader reads them: live tasks, roles shown as columns, each with its
    # column's position (``column``), the role's code and the letters.
    current = f"""
        WITH cur AS (
            SELECT a.task_id AS task_id, a.role_id AS role_id, r.code AS role_code,
                   c.position AS position, a.letters AS letters
            FROM {assignments} a
            JOIN {draft_tasks} t ON t.id = a.task_id
            JOIN (SELECT role_id, ROW_NUMBER() OVER (ORDER BY "order", id) - 1 AS position
                  FROM {columns} WHERE matrix_id = %s) c ON c.role_id = a.role_id
            JOIN {roles} r ON r.id = a.role_id
            WHERE t.matrix_id = %s AND t.archived = %s AND a.letters <> ''
        )"""
    # The draft's cells as published rows would hold them, and the published rows: compared with
    # EXCEPT, a hashed set difference whatever the planner's statistics (NULL role ids compare equal).
    agreed = f"""SELECT pt.id, cur.role_id, cur.role_code, cur.position, cur.letters
        FROM cur JOIN {tasks} pt ON pt.matrix_id = %s AND pt.task_id = cur.task_id"""
    published = f"""SELECT task_id, role_id, role_code, "column", letters FROM {cells} WHERE matrix_id = %s"""
    with connection.cursor() as cursor:
        # 1. Cells no longer agreed (changed, of a task or column gone, or of a role deleted).
        cursor.execute(
            f"""{current}
            DELETE FROM {cells} WHERE matrix_id = %s AND (role_id IS NULL
                OR (task_id, role_id, role_code, "column", letters) IN ({published} EXCEPT {agreed}))""",
            [m, m, False, m, m, m],
        )
        # 2. Tasks gone from the draft (deleted or archived); their cells went in 1.
        cursor.execute(
            f"""DELETE FROM {tasks} WHERE matrix_id = %s AND task_id NOT IN (
                SELECT id FROM {draft_tasks} WHERE matrix_id = %s AND archived = %s)""",
            [m, m, False],
        )
        # 3. The tasks kept: the new revision, and their name, stage, description and order now.
        cursor.execute(
            f"""UPDATE {tasks} SET revision_id = %s, name = t.name, stage = t.stage,
                description = t.description, "order" = t."order"
            FROM {draft_tasks} t
            WHERE {tasks}.matrix_id = %s AND t.id = {tasks}.task_id AND t.matrix_id = %s""",
            [revision.pk, m, m],
        )
        # 4. Tasks new since the last publication.
        cursor.execute(
            f"""INSERT INTO {tasks} (matrix_id, revision_id, task_id, name, stage, description, "order")
            SELECT %s, %s, t.id, t.name, t.stage, t.description, t."order" FROM {draft_tasks} t
            WHERE t.matrix_id = %s AND t.archived = %s
            AND NOT EXISTS (SELECT 1 FROM {tasks} pt WHERE pt.matrix_id = %s AND pt.task_id = t.id)""",
            [m, revision.pk, m, False, m],
        )
        # 5. Cells new or changed since the last publication.
        cursor.execute(
            f"""{current}
            INSERT INTO {cells} (matrix_id, task_id, role_id, role_code, "column", letters)
            SELECT %s, diff.* FROM ({agreed} EXCEPT {published}) AS diff""",
            [m, m, False, m, m, m],
        )


def matrix_publish(
    *,
    matrix: Matrix,
    actor: Actor = SYSTEM,
    note: str = "",
    require_signoff: bool = False,
    override_reason: str = "",
) -> Revision:
    """Freeze the matrix as its next revision and mark it published.

    A matrix not scored yet (no task holds a letter) is refused: there is nothing to agree on.
    A matrix the rules engine finds errors in is published only with an override reason,
    which the revision records. With ``require_signoff``, every active person holding a
    role that is Accountable somewhere in the matrix is asked to approve.
    """
    with matrix_change(matrix=matrix, actor=actor) as change:
        locked = change.matrix
        grid = matrix_grid_get(matrix=locked)
        # Publishing records counts and health: no suggested fixes to build.
        analysis = rules.analyse(grid, fixes=False)
        if analysis.health is None:
            # No task holds a letter: there is nothing to agree on, and no score to record.
            raise ValidationError({"matrix": "This matrix is not scored yet: it has no letters to publish."})
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
            snapshot=export_json(grid),
            health=analysis.health,
            error_count=errors,
            override_reason=override_reason.strip() if errors else "",
            signoff_required=require_signoff,
        )
        # The snapshot is the loader's own document, serialised once by the save (validating it would
        # serialise a megabyte of JSON a second time).
        revision.full_clean(exclude=["snapshot"])
        revision.save()
        locked.published_revision = revision
        locked.save(update_fields=["published_revision"])
        agreement_refresh(revision=revision)
        if require_signoff:
            SignOff.objects.bulk_create(
                [
                    SignOff(revision=revision, person=p)
                    for p in _accountable_people(grid, locked.organization_id)
                ]
            )
        before = locked.status
        if before != Matrix.Status.PUBLISHED:
            locked.status = Matrix.Status.PUBLISHED
            locked.save(update_fields=["status", "updated_at"])
            # The status changed (a new version), but the content did not: no matrix.changed event.
            change.touched = True
        change.note(
            kind=ChangeRecord.Kind.MATRIX,
            field="published",
            before=before,
            after=f"revision {revision.number}"
            + (f" (override: {revision.override_reason})" if errors else ""),
        )
        outbox_emit(
            kind="matrix.published",
            organization_id=locked.organization_id,
            payload={
                "matrix": {"id": locked.pk, "name": locked.name},
                "revision": {"id": revision.pk, "number": revision.number, "version": revision.version},
                "health": revision.health,
                "errors": errors,
                "signoff_required": require_signoff,
            },
        )
    return revision


def _acting_for(person: Person, user, *, owners_may: bool) -> None:
    if not may_act_for(user, person, owners_may=owners_may):
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
    signoff.full_clean(exclude=["revision", "person"])
    signoff.save(update_fields=["decision", "comment", "decided_at", "decided_by"])
    revision = signoff.revision
    state = signoff_state(revision)
    if state.pending == 0:
        outbox_emit(
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


def revision_restore(*, revision: Revision, actor: Actor = SYSTEM) -> Matrix:
    """Make the revision's content the matrix's new draft: its tasks, columns and cells.

    Tasks added since are archived (kept, not deleted); tasks deleted since are recreated.
    """
    with matrix_change(matrix=revision.matrix, actor=actor) as change:
        matrix = change.matrix
        grid = snapshot_grid(revision)
        changes = revision_diff(matrix_grid_get(matrix=matrix, people=False), grid)
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
        if matrix.status != Matrix.Status.DRAFT:
            matrix.status = Matrix.Status.DRAFT
            matrix.save(update_fields=["status", "updated_at"])
        change.record(kind=ChangeRecord.Kind.MATRIX, field="restored", after=f"revision {revision.number}")
        for cell in changes.changed_cells:
            if cell["task"] in kept:
                change.record_cell(
                    task_id=kept[cell["task"]].pk,
                    task_name=cell["name"],
                    role_id=roles[cell["role"]].pk if cell["role"] in roles else None,
                    role_code=cell["role"],
                    before=cell["before"],
                    after=cell["after"],
                )
    return revision.matrix
