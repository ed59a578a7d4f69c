"""Writes to a matrix as a whole and to its tasks and columns: create, update (name, status,
thresholds, review interval, columns), delete; add, edit, archive and reorder tasks.

Every change runs through the one writer (``raci.matrices.changes.matrix_change``), which locks the
matrix, refuses an archived one, bumps the version once, records history and emits the events.
Services here validate (bad input raises ``ValidationError`` and changes nothing), write, tell the
writer what changed and return what the caller renders. Cells are in ``cells.py``, adoption in
``adoption.py``, imports in ``imports.py``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.models import Framework
from orgs.integrity import unique_or_invalid
from orgs.models import Organization, Role, Team
from orgs.validators import split_pairs_clean
from raci.matrices.changes import MatrixChange, matrix_change
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.models import ChangeRecord, Matrix, MatrixRole, Task
from raci.outbox.emit import outbox_emit
from raci.rules.grid import RuleSettings

logger = logging.getLogger(__name__)

MATRIX_NAME_TAKEN = "A matrix with this name already exists in this organization."


def matrix_create(
    *,
    organization: Organization,
    name: str,
    scheme: str = "RACI",
    columns: Iterable[str] | None = None,
    framework: Framework | None = None,
    status: str = Matrix.Status.DRAFT,
    actor: Actor = SYSTEM,
) -> Matrix:
    """An empty matrix whose columns are the roles ``columns`` names, in order (default: all the
    organization's roles)."""
    with matrix_creation(
        organization=organization,
        name=name,
        scheme=scheme,
        columns=columns,
        framework=framework,
        status=status,
        actor=actor,
        created="empty",
    ) as change:
        pass
    return change.matrix


@contextmanager
def matrix_creation(
    *,
    organization: Organization,
    name: str,
    scheme: str,
    columns: Iterable[str] | None,
    framework: Framework | None,
    status: str,
    actor: Actor,
    created: str,
) -> Iterator[MatrixChange]:
    """A new matrix with its columns, as the writer's first change (recorded as created, version
    1); the caller adds its first content inside the block (adoption copies a framework)."""
    with transaction.atomic():
        matrix = _matrix_insert(
            organization=organization, name=name, scheme=scheme, framework=framework, status=status
        )
        # A new matrix is archived only if asked to be: let the writer in all the same.
        with matrix_change(matrix=matrix, actor=actor, allow_archived=True) as change:
            if columns is None:
                roles = list(organization.roles.all())
            else:
                roles = _roles_for_columns(organization.pk, list(columns))
            MatrixRole.objects.bulk_create(
                [MatrixRole(matrix=change.matrix, role=role, order=i) for i, role in enumerate(roles)]
            )
            change.record(kind=ChangeRecord.Kind.MATRIX, field="created", after=created)
            yield change


def _matrix_insert(*, organization, name, scheme, framework, status) -> Matrix:
    # Version 0 until the writer's first change (the creation itself) makes it 1.
    matrix = Matrix(
        organization=organization,
        name=name.strip(),
        scheme=scheme,
        framework=framework,
        status=status,
        version=0,
    )
    # Two requests creating the same name at once both pass full_clean's check: the loser gets
    # the same 400 as arriving second.
    with _name_free(matrix):
        matrix.full_clean()
        matrix.save()
    return matrix


def _name_free(matrix: Matrix):
    return unique_or_invalid(matrix, "matrix_name_unique_per_org", field="name", message=MATRIX_NAME_TAKEN)


def _roles_for_columns(organization_id: int, codes: list[str]) -> list[Role]:
    wanted = [str(code).strip().upper() for code in codes]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"columns": "A role may appear only once among the columns."})
    roles = {r.code: r for r in Role.objects.filter(organization_id=organization_id, code__in=wanted)}
    missing = [code for code in wanted if code not in roles]
    if missing:
        raise ValidationError({"columns": f"No role {', '.join(missing)} in this organization."})
    return [roles[code] for code in wanted]


UNCHANGED = object()


def _team_name(team_id: int | None) -> str:
    if team_id is None:
        return "the whole organization"
    return Team.objects.filter(pk=team_id).values_list("name", flat=True).first() or ""


def matrix_update(
    *,
    matrix: Matrix,
    name: str | None = None,
    status: str | None = None,
    rule_settings: dict | None = None,
    review_interval_days: int | None = None,
    columns: list[str] | None = None,
    team: Team | object | None = UNCHANGED,
    actor: Actor = SYSTEM,
) -> Matrix:
    """Rename, change status, rule thresholds or review interval, the team whose work it is
    (``None``: the whole organization), or set the role columns (in order).

    An archived matrix accepts one change only: a new status, which takes it out of the archive.
    """
    if rule_settings is not None:
        rule_settings = _validate_rule_settings(rule_settings)
    if name is not None:
        name = name.strip()
    wanted = {
        "name": name,
        "status": status,
        "rule_settings": rule_settings,
        "review_interval_days": review_interval_days,
    }
    with matrix_change(matrix=matrix, actor=actor, allow_archived=True) as change:
        locked = change.matrix
        changes = {f: v for f, v in wanted.items() if v is not None and getattr(locked, f) != v}
        if team is not UNCHANGED and getattr(team, "pk", None) != locked.team_id:
            if team is not None and team.organization_id != locked.organization_id:
                raise ValidationError({"team": "A matrix can only belong to a team of its own organization."})
            changes["team"] = team
        leaving_archive = set(changes) == {"status"} and columns is None
        if not leaving_archive:
            change.refuse_if_archived()
        before = {f: getattr(locked, f) for f in changes}
        if "team" in changes:
            before["team"] = _team_name(locked.team_id)
        # A refusal rolls the writer back and leaves the caller's instance as it was: the locked
        # row can keep the new values. Another matrix renamed alike at once is a race, not a lock.
        for f, value in changes.items():
            setattr(locked, f, value)
        with _name_free(locked):
            locked.full_clean()
            if changes:
                locked.save(update_fields=[*changes, "updated_at"])
        for f, value in changes.items():
            after = _team_name(value.pk if value else None) if f == "team" else _text(value)
            change.record(kind=ChangeRecord.Kind.MATRIX, field=f, before=_text(before[f]), after=after)
        if columns is not None:
            _set_columns(change, columns)
    return matrix


def _text(value) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else str(value)


def _validate_rule_settings(values: dict) -> dict:
    """``values`` checked, with split pairs as the organization's are stored (upper case, once each)."""
    unknown = sorted(set(values) - set(RuleSettings.__dataclass_fields__))
    if unknown:
        raise ValidationError({"rule_settings": f"Unknown setting {', '.join(unknown)}."})
    try:
        RuleSettings.from_overrides(values).validate()
    except (TypeError, ValueError) as exc:
        raise ValidationError({"rule_settings": str(exc)}) from None
    if "split_pairs" in values:
        try:
            values = {**values, "split_pairs": split_pairs_clean(values["split_pairs"])}
        except ValidationError as exc:
            raise ValidationError({"rule_settings": f"split_pairs: {exc.messages[0]}"}) from None
    return values


def _set_columns(change: MatrixChange, codes: list[str]) -> None:
    """Show exactly these role columns, in this order. Removing a column keeps its cells stored
    (hidden everywhere), so putting the column back restores them."""
    matrix = change.matrix
    roles = _roles_for_columns(matrix.organization_id, codes)
    wanted = [role.code for role in roles]
    current = list(matrix.columns.order_by("order", "id").values_list("role__code", flat=True))
    if current == wanted:
        return
    MatrixRole.objects.filter(matrix=matrix).exclude(role__in=roles).delete()
    existing = {c.role_id: c for c in MatrixRole.objects.filter(matrix=matrix)}
    to_create, to_update = [], []
    for order, role in enumerate(roles):
        column = existing.get(role.pk)
        if column is None:
            to_create.append(MatrixRole(matrix=matrix, role=role, order=order))
        elif column.order != order:
            column.order = order
            to_update.append(column)
    MatrixRole.objects.bulk_create(to_create)
    MatrixRole.objects.bulk_update(to_update, ["order"])
    change.record(
        kind=ChangeRecord.Kind.COLUMNS, field="columns", before=" ".join(current), after=" ".join(wanted)
    )


def matrix_delete(*, matrix: Matrix, actor: Actor = SYSTEM) -> None:
    """Delete the matrix with its tasks, cells, history and revisions (archived ones too).

    Its history goes with it, so the deletion itself is told to webhooks (``matrix.deleted``) and
    logged; archiving keeps everything instead.
    """
    with transaction.atomic():
        locked = Matrix.objects.select_for_update().get(pk=matrix.pk)
        outbox_emit(
            kind="matrix.deleted",
            organization_id=locked.organization_id,
            payload={
                "matrix": {"id": locked.pk, "name": locked.name, "version": locked.version},
                "by": {"user": getattr(actor.user, "username", None), "channel": str(actor.channel)},
            },
        )
        locked.delete()
    logger.info("Matrix %s (%s) deleted by %s via %s.", matrix.pk, matrix.name, actor.user, actor.channel)


def task_create(
    *,
    matrix: Matrix,
    name: str,
    stage: str = "",
    description: str = "",
    order: int | None = None,
    actor: Actor = SYSTEM,
) -> Task:
    """Add a task (at the end unless ``order`` is given)."""
    with matrix_change(matrix=matrix, actor=actor) as change:
        locked = change.matrix
        if order is None:
            last = locked.tasks.order_by("-order").values_list("order", flat=True).first()
            order = 0 if last is None else last + 1
        task = Task(
            matrix=locked, name=name.strip(), stage=stage.strip(), description=description, order=order
        )
        # Under the writer's lock, so two people adding the same name at once take turns and the
        # second gets full_clean's "already has a task with this name".
        task.full_clean()
        task.save()
        change.record(
            kind=ChangeRecord.Kind.TASK,
            field="created",
            after=task.name,
            task_id=task.pk,
            task_name=task.name,
        )
    return task


def task_update(*, task: Task, actor: Actor = SYSTEM, **changes) -> Task:
    """Rename, restage, describe, archive or restore a task."""
    allowed = {"name", "stage", "description", "archived"}
    cleaned = {
        f: value.strip() if f in {"name", "stage"} else value for f, value in changes.items() if f in allowed
    }
    with matrix_change(matrix=task.matrix, actor=actor) as change:
        fields = [f for f, v in cleaned.items() if getattr(task, f) != v]
        before = {f: getattr(task, f) for f in fields}
        for f in fields:
            setattr(task, f, cleaned[f])
        try:
            task.full_clean()
        except ValidationError:
            for f, value in before.items():
                setattr(task, f, value)
            raise
        if not fields:
            return task
        task.save(update_fields=fields)
        for f in fields:
            change.record(
                kind=ChangeRecord.Kind.TASK,
                field=f,
                before=_text(before[f]),
                after=_text(cleaned[f]),
                task_id=task.pk,
                task_name=task.name,
            )
    return task


def tasks_reorder(*, matrix: Matrix, task_ids: list[int], actor: Actor = SYSTEM) -> Matrix:
    """Put the matrix's tasks in the order given; every task must be listed once."""
    with matrix_change(matrix=matrix, actor=actor) as change:
        tasks = list(change.matrix.tasks.order_by("order", "id"))
        if len(set(task_ids)) != len(task_ids) or set(task_ids) != {t.pk for t in tasks}:
            raise ValidationError({"order": "List every task of the matrix exactly once."})
        before = [t.name for t in tasks]
        position = {task_id: i for i, task_id in enumerate(task_ids)}
        for task in tasks:
            task.order = position[task.pk]
        Task.objects.bulk_update(tasks, ["order"])
        after = [t.name for t in sorted(tasks, key=lambda t: t.order)]
        if after != before:
            change.record(
                kind=ChangeRecord.Kind.TASK, field="order", before="\n".join(before), after="\n".join(after)
            )
    return matrix
