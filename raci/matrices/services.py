"""Writes to matrices: creating, adopting a framework, tasks and cells.

Every write runs in one transaction, validates before saving (bad input raises
``ValidationError`` and changes nothing) and bumps the matrix version, which
ETags and conflict detection rely on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from frameworks.models import Activity, Framework
from frameworks.schemes import LettersError, get_scheme
from frameworks.services import framework_load
from orgs.models import Organization, Role
from raci import exchange
from raci.matrices.history import SYSTEM, Actor, cell_change, history_record, history_record_many, task_change
from raci.matrices.models import Assignment, ChangeRecord, Channel, Matrix, MatrixRole, Task
from raci.matrices.selectors import matrix_grid_get
from raci.outbox.emit import outbox_emit
from raci.rules.grid import RuleSettings


def matrix_bump_version(*, matrix: Matrix) -> int:
    Matrix.objects.filter(pk=matrix.pk).update(version=F("version") + 1)
    matrix.refresh_from_db(fields=["version", "updated_at"])
    return matrix.version


@transaction.atomic
def matrix_create(
    *,
    organization: Organization,
    name: str,
    scheme: str = "RACI",
    roles: Iterable[Role] | None = None,
    framework: Framework | None = None,
    status: str = Matrix.Status.DRAFT,
) -> Matrix:
    """Create an empty matrix whose columns are ``roles`` (default: all the organization's roles)."""
    matrix = Matrix(organization=organization, name=name, scheme=scheme, framework=framework, status=status)
    matrix.full_clean()
    matrix.save()
    columns = list(organization.roles.all()) if roles is None else list(roles)
    if any(role.organization_id != organization.pk for role in columns):
        raise ValidationError({"roles": "A matrix can only show roles of its own organization."})
    MatrixRole.objects.bulk_create(
        [MatrixRole(matrix=matrix, role=role, order=i) for i, role in enumerate(columns)]
    )
    return matrix


def _included_activities(framework: Framework, include: Iterable[str | int] | None) -> list[Activity]:
    activities = list(
        Activity.objects.filter(stage__framework=framework)
        .select_related("stage")
        .order_by("stage__order", "stage__id", "order", "id")
    )
    if include is None:
        return activities
    wanted = {str(item).strip().casefold() for item in include}
    known = set()
    for activity in activities:
        known |= {str(activity.pk), activity.name.casefold(), activity.stage.name.casefold()}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValidationError(
            {"include": f"{framework.name} has no stage or activity named {', '.join(map(repr, unknown))}."}
        )
    return [a for a in activities if {str(a.pk), a.name.casefold(), a.stage.name.casefold()} & wanted]


@transaction.atomic
def matrix_adopt(
    *,
    organization: Organization,
    framework: Framework,
    name: str,
    include: Iterable[str | int] | None = None,
    role_map: Mapping[str, str | None] | None = None,
    status: str = Matrix.Status.DRAFT,
) -> Matrix:
    """Adopt ``framework`` as a new matrix of ``organization``.

    Tasks are copies of the framework's activities, so the organization can trim or
    extend them freely. ``include`` keeps only the listed stages or activities (by
    name or id). Suggested letters go to the organization's role with the same code,
    or to the role ``role_map`` names for a framework code (``None`` leaves that code
    out). Two framework codes mapped to one role merge their letters.
    """
    if framework.organization_id not in (None, organization.pk):
        raise ValidationError({"framework": "This framework belongs to another organization."})
    scheme = get_scheme(framework.scheme)
    roles_by_code = {role.code: role for role in organization.roles.all()}
    role_map = dict(role_map or {})
    unknown = sorted(code for code in role_map.values() if code and code not in roles_by_code)
    if unknown:
        raise ValidationError({"role_map": f"{organization.name} has no role {', '.join(unknown)}."})

    def target(code: str) -> Role | None:
        mapped = role_map.get(code, code)
        return roles_by_code.get(mapped) if mapped else None

    activities = _included_activities(framework, include)
    matrix = matrix_create(
        organization=organization, name=name, scheme=scheme.key, framework=framework, status=status
    )
    tasks = Task.objects.bulk_create(
        [
            Task(
                matrix=matrix, stage=a.stage.name, name=a.name, description=a.description, order=i, activity=a
            )
            for i, a in enumerate(activities)
        ]
    )
    assignments = []
    for task, activity in zip(tasks, activities, strict=True):
        merged: dict[int, list[str]] = {}
        roles: dict[int, Role] = {}
        for code, letters in activity.suggested_letters.items():
            role = target(code)
            if role is not None:
                merged.setdefault(role.pk, []).append(letters)
                roles[role.pk] = role
        for role_id, cells in merged.items():
            letters = scheme.merge(*cells)
            if letters:
                assignments.append(Assignment(task=task, role=roles[role_id], letters=letters))
    Assignment.objects.bulk_create(assignments)
    return matrix


@transaction.atomic
def task_create(
    *,
    matrix: Matrix,
    name: str,
    stage: str = "",
    description: str = "",
    order: int | None = None,
    actor: Actor = SYSTEM,
) -> Task:
    if order is None:
        last = matrix.tasks.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    task = Task(matrix=matrix, name=name.strip(), stage=stage.strip(), description=description, order=order)
    task.full_clean()
    task.save()
    matrix_bump_version(matrix=matrix)
    history_record(
        matrix=matrix, actor=actor, kind=ChangeRecord.Kind.TASK, field="created", after=task.name, task=task
    )
    return task


@transaction.atomic
def assignment_set(
    *, matrix: Matrix, task: Task, role: Role, letters: str | None, actor: Actor = SYSTEM
) -> str:
    """Set one cell to ``letters`` (any common spelling: "A/R", "ra"); empty clears it.

    Returns the canonical letters stored.
    """
    if task.matrix_id != matrix.pk:
        raise ValidationError({"task": "This task belongs to another matrix."})
    if not MatrixRole.objects.filter(matrix=matrix, role=role).exists():
        raise ValidationError({"role": f"{role.code} is not a column of {matrix.name}."})
    try:
        canonical = get_scheme(matrix.scheme).normalize(letters)
    except LettersError as exc:
        raise ValidationError({"letters": str(exc)}) from None
    before = Assignment.objects.filter(task=task, role=role).values_list("letters", flat=True).first() or ""
    if canonical == before:
        return canonical
    if canonical:
        Assignment.objects.update_or_create(task=task, role=role, defaults={"letters": canonical})
    else:
        Assignment.objects.filter(task=task, role=role).delete()
    matrix_bump_version(matrix=matrix)
    history_record(
        matrix=matrix,
        actor=actor,
        kind=ChangeRecord.Kind.CELL,
        field="letters",
        before=before,
        after=canonical,
        task=task,
        role=role,
    )
    _emit_cells_changed(
        matrix, [{"task": task.pk, "role": role.code, "before": before, "letters": canonical}]
    )
    return canonical


@transaction.atomic
def matrix_update(
    *,
    matrix: Matrix,
    name: str | None = None,
    status: str | None = None,
    rule_settings: dict | None = None,
    review_interval_days: int | None = None,
    columns: list[str] | None = None,
    actor: Actor = SYSTEM,
) -> Matrix:
    """Rename, change status, rule thresholds or review interval, or set the role columns (in order)."""
    if rule_settings is not None:
        _validate_rule_settings(rule_settings)
    values = {
        "name": name,
        "status": status,
        "rule_settings": rule_settings,
        "review_interval_days": review_interval_days,
    }
    changes = {f: v for f, v in values.items() if v is not None and getattr(matrix, f) != v}
    before = {field: getattr(matrix, field) for field in changes}
    for field, value in changes.items():
        setattr(matrix, field, value)
    try:
        matrix.full_clean()
    except ValidationError:
        for field, value in before.items():
            setattr(matrix, field, value)
        raise
    if changes:
        matrix.save(update_fields=[*changes, "updated_at"])
    records = [
        {
            "kind": ChangeRecord.Kind.MATRIX,
            "field": field,
            "before": _text(before[field]),
            "after": _text(value),
        }
        for field, value in changes.items()
    ]
    if columns is not None:
        old_columns, new_columns = _set_columns(matrix, columns)
        if old_columns != new_columns:
            records.append(
                {
                    "kind": ChangeRecord.Kind.COLUMNS,
                    "field": "columns",
                    "before": " ".join(old_columns),
                    "after": " ".join(new_columns),
                }
            )
    if records:
        matrix_bump_version(matrix=matrix)
        history_record_many(matrix=matrix, actor=actor, records=records)
    return matrix


def _text(value) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else str(value)


def _validate_rule_settings(values: dict) -> None:
    unknown = sorted(set(values) - set(RuleSettings.__dataclass_fields__))
    if unknown:
        raise ValidationError({"rule_settings": f"Unknown setting {', '.join(unknown)}."})
    try:
        RuleSettings.from_overrides(values).validate()
    except (TypeError, ValueError) as exc:
        raise ValidationError({"rule_settings": str(exc)}) from None


def _set_columns(matrix: Matrix, codes: list[str]) -> tuple[list[str], list[str]]:
    """Show exactly these role columns, in this order; returns the columns before and after."""
    wanted = [code.strip().upper() for code in codes]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"columns": "A role may appear only once among the columns."})
    roles = {r.code: r for r in Role.objects.filter(organization_id=matrix.organization_id, code__in=wanted)}
    missing = [code for code in wanted if code not in roles]
    if missing:
        raise ValidationError({"columns": f"No role {', '.join(missing)} in this organization."})
    current = list(matrix.columns.order_by("order", "id").values_list("role__code", flat=True))
    if current == wanted:
        return current, wanted
    MatrixRole.objects.filter(matrix=matrix).exclude(role__code__in=wanted).delete()
    existing = {c.role_id: c for c in MatrixRole.objects.filter(matrix=matrix)}
    to_create, to_update = [], []
    for order, code in enumerate(wanted):
        column = existing.get(roles[code].pk)
        if column is None:
            to_create.append(MatrixRole(matrix=matrix, role=roles[code], order=order))
        elif column.order != order:
            column.order = order
            to_update.append(column)
    MatrixRole.objects.bulk_create(to_create)
    MatrixRole.objects.bulk_update(to_update, ["order"])
    return current, wanted


@transaction.atomic
def task_update(*, task: Task, actor: Actor = SYSTEM, **changes) -> Task:
    """Rename, restage, describe, archive or restore a task."""
    allowed = {"name", "stage", "description", "archived"}
    cleaned = {
        field: value.strip() if field in {"name", "stage"} else value
        for field, value in changes.items()
        if field in allowed
    }
    fields = [f for f, v in cleaned.items() if getattr(task, f) != v]
    before = {field: getattr(task, field) for field in fields}
    for field in fields:
        setattr(task, field, cleaned[field])
    try:
        task.full_clean()
    except ValidationError:
        for field, value in before.items():
            setattr(task, field, value)
        raise
    if fields:
        task.save(update_fields=fields)
        matrix_bump_version(matrix=task.matrix)
        history_record_many(
            matrix=task.matrix,
            actor=actor,
            records=[
                task_change(
                    task_id=task.pk,
                    task_name=task.name,
                    field=field,
                    before=_text(before[field]),
                    after=_text(cleaned[field]),
                )
                for field in fields
            ],
        )
    return task


@transaction.atomic
def tasks_reorder(*, matrix: Matrix, task_ids: list[int], actor: Actor = SYSTEM) -> None:
    """Put the matrix's tasks in the order given; every task must be listed once."""
    current = set(matrix.tasks.values_list("id", flat=True))
    if len(set(task_ids)) != len(task_ids) or set(task_ids) != current:
        raise ValidationError({"order": "List every task of the matrix exactly once."})
    tasks = list(matrix.tasks.order_by("order", "id"))
    before = [t.name for t in tasks]
    position = {task_id: i for i, task_id in enumerate(task_ids)}
    for task in tasks:
        task.order = position[task.pk]
    Task.objects.bulk_update(tasks, ["order"])
    matrix_bump_version(matrix=matrix)
    after = [t.name for t in sorted(tasks, key=lambda t: t.order)]
    history_record(
        matrix=matrix,
        actor=actor,
        kind=ChangeRecord.Kind.TASK,
        field="order",
        before="\n".join(before),
        after="\n".join(after),
    )


def _emit_cells_changed(matrix: Matrix, cells: list[dict]) -> None:
    """Tell webhooks about changed cells, once per batch, after the transaction commits."""

    outbox_emit(
        kind="assignment.changed",
        organization=matrix.organization,
        payload={"matrix": {"id": matrix.pk, "name": matrix.name, "version": matrix.version}, "cells": cells},
    )


@dataclass(frozen=True)
class CellChange:
    task: int
    role: str
    expected: str
    letters: str


class CellConflict(Exception):
    """Some cells no longer hold what the change expected; nothing was applied."""

    def __init__(self, cells: list[dict]):
        super().__init__("Someone else changed these cells first; nothing was applied.")
        self.cells = cells


class BatchInvalid(Exception):
    """Some changes of a batch are malformed; ``errors`` maps each change's index to its field errors."""

    def __init__(self, errors: dict[str, dict[str, str]]):
        super().__init__("Some changes are invalid; nothing was applied.")
        self.errors = errors


class VersionMismatch(Exception):
    def __init__(self, version: int):
        super().__init__(f"The matrix is at version {version}.")
        self.version = version


@transaction.atomic
def grid_apply_changes(
    *,
    matrix: Matrix,
    changes: list[CellChange],
    expected_version: int | None = None,
    actor: Actor = SYSTEM,
) -> tuple[int, list[dict]]:
    """Apply a batch of cell changes atomically: all of them, or none.

    Each change names the letters it expects to find; if any cell holds something
    else, ``CellConflict`` lists the current letters of those cells and nothing is
    written. Edits to different cells by different people therefore both succeed,
    and nobody silently overwrites anybody. A constant number of queries whatever
    the batch or matrix size. Returns the new version and the cells as stored.
    """
    # Serialize writers of one matrix (a row lock on PostgreSQL; SQLite locks the database).
    locked = Matrix.objects.select_for_update().only("id", "version", "scheme").get(pk=matrix.pk)
    if expected_version is not None and locked.version != expected_version:
        raise VersionMismatch(locked.version)
    scheme = get_scheme(locked.scheme)

    errors: dict[str, dict[str, str]] = {}
    normalized: list[tuple[CellChange, str, str]] = []
    for index, change in enumerate(changes):
        try:
            normalized.append((change, scheme.normalize(change.expected), scheme.normalize(change.letters)))
        except LettersError as exc:
            errors[str(index)] = {"letters": str(exc)}
    columns = dict(MatrixRole.objects.filter(matrix=locked).values_list("role__code", "role_id"))
    task_ids = {change.task for change in changes}
    live_tasks = dict(
        Task.objects.filter(matrix=locked, pk__in=task_ids, archived=False).values_list("id", "name")
    )
    seen: set[tuple[int, str]] = set()
    for index, change in enumerate(changes):
        key = (change.task, change.role)
        if change.task not in live_tasks:
            errors.setdefault(str(index), {})["task"] = f"No task {change.task} in this matrix."
        if change.role not in columns:
            errors.setdefault(str(index), {})["role"] = f"{change.role} is not a column of this matrix."
        if key in seen:
            errors.setdefault(str(index), {})["task"] = "This cell appears twice in the batch."
        seen.add(key)
    if errors:
        raise BatchInvalid(errors)

    current = {
        (task_id, role_id): (pk, letters)
        for pk, task_id, role_id, letters in Assignment.objects.filter(
            task_id__in=task_ids, role_id__in=[columns[c.role] for c in changes]
        ).values_list("id", "task_id", "role_id", "letters")
    }
    conflicts = []
    for change, expected, _ in normalized:
        now = current.get((change.task, columns[change.role]), (None, ""))[1]
        if now != expected:
            conflicts.append({"task": change.task, "role": change.role, "expected": expected, "letters": now})
    if conflicts:
        raise CellConflict(conflicts)

    to_create, to_update, to_delete, changed = [], [], [], []
    for change, _, letters in normalized:
        pk, now = current.get((change.task, columns[change.role]), (None, ""))
        if letters == now:
            continue
        changed.append((change, now, letters))
        if not letters:
            to_delete.append(pk)
        elif pk is None:
            to_create.append(Assignment(task_id=change.task, role_id=columns[change.role], letters=letters))
        else:
            to_update.append(Assignment(pk=pk, letters=letters))
    if to_delete:
        Assignment.objects.filter(pk__in=to_delete).delete()
    if to_create:
        Assignment.objects.bulk_create(to_create)
    if to_update:
        Assignment.objects.bulk_update(to_update, ["letters"])
    if changed:
        matrix_bump_version(matrix=matrix)
        history_record_many(
            matrix=matrix,
            actor=actor,
            records=[
                cell_change(
                    task_id=change.task,
                    task_name=live_tasks[change.task],
                    role_id=columns[change.role],
                    role_code=change.role,
                    before=before,
                    after=letters,
                )
                for change, before, letters in changed
            ],
        )
        _emit_cells_changed(
            matrix, [{"task": c.task, "role": c.role, "before": b, "letters": a} for c, b, a in changed]
        )
    else:
        matrix.version = locked.version
    return matrix.version, [
        {"task": c.task, "role": c.role, "letters": letters} for c, _, letters in normalized
    ]


@transaction.atomic
def framework_from_matrix(*, matrix: Matrix, slug: str, name: str, summary: str = "") -> Framework:
    """Save ``matrix`` as one of its organization's frameworks: stages from task stages,
    activities from live tasks, suggested letters from the cells (by role code)."""
    grid = matrix_grid_get(matrix=matrix)
    data = {
        "slug": slug,
        "name": name,
        "summary": summary,
        "scheme": grid.scheme.key,
        "roles": [{"code": r.code, "name": r.name} for r in grid.roles],
        "stages": [
            {
                "name": stage or "Tasks",
                "activities": [
                    {
                        "name": task.name,
                        "letters": {
                            role.code: letters
                            for role, letters in zip(grid.roles, row, strict=True)
                            if letters
                        },
                    }
                    for task, row in rows
                ],
            }
            for stage, rows in grid.stage_groups()
        ],
    }
    if Framework.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A framework '{slug}' already exists; pick another slug."})
    descriptions = dict(matrix.tasks.values_list("name", "description"))
    for stage in data["stages"]:
        for activity in stage["activities"]:
            activity["description"] = descriptions.get(activity["name"], "")
    result = framework_load(data=data, organization=matrix.organization)
    return Framework.objects.get(slug=result.slug)


class ImportRejected(Exception):
    """The file has problems; ``issues`` lists each with its line; nothing was written."""

    def __init__(self, issues: list[dict]):
        count = len(issues)
        super().__init__(f"The file has {count} problem{'s' if count != 1 else ''}; nothing was imported.")
        self.issues = issues


@transaction.atomic
def matrix_import(
    *,
    matrix: Matrix,
    data: bytes,
    filename: str | None = None,
    dry_run: bool = False,
    actor: Actor = SYSTEM,
) -> dict:
    """Import a CSV or XLSX in the export layout: all of it, or nothing.

    Tasks are matched by name; new ones are appended, cells of the file's role columns
    are set (an empty cell clears), role columns the matrix lacks are added. Tasks the
    file does not mention are reported, never deleted. ``dry_run`` only reports.
    """
    if not dry_run:
        # Serialize with other writers so the diff we apply is the diff we computed.
        Matrix.objects.select_for_update().filter(pk=matrix.pk).first()
        matrix.refresh_from_db(fields=["version"])
    grid = matrix_grid_get(matrix=matrix)
    roles = {r.code: r for r in Role.objects.filter(organization_id=matrix.organization_id)}
    plan = exchange.read_import(data, scheme=grid.scheme, known_roles=roles, filename=filename)
    if plan.errors:
        raise ImportRejected([issue.to_dict() for issue in plan.errors])
    diff = exchange.diff_import(grid, plan)
    archived = {
        exchange.name_key(name): name
        for name in Task.objects.filter(matrix=matrix, archived=True).values_list("name", flat=True)
    }
    clashes = [
        {
            "line": t.line,
            "column": "Task",
            "message": f"'{archived[exchange.name_key(t.name)]}' is an archived "
            "task of this matrix; restore it or rename the row.",
        }
        for t in diff.new_tasks
        if exchange.name_key(t.name) in archived
    ]
    if clashes:
        raise ImportRejected(clashes)
    result = {"dry_run": dry_run, "applied": False, "version": grid.version, "changes": diff.to_dict()}
    if dry_run or diff.is_empty:
        return result

    if diff.new_roles:
        start = MatrixRole.objects.filter(matrix=matrix).count()
        MatrixRole.objects.bulk_create(
            [
                MatrixRole(matrix=matrix, role=roles[code], order=start + i)
                for i, code in enumerate(diff.new_roles)
            ]
        )
    tasks = {
        t.pk: t
        for t in Task.objects.filter(pk__in={c.task_id for c in diff.renamed_tasks + diff.stage_changes})
    }
    for rename in diff.renamed_tasks:
        tasks[rename.task_id].name = rename.new
    for change in diff.stage_changes:
        tasks[change.task_id].stage = change.new
    Task.objects.bulk_update(tasks.values(), ["name", "stage"])
    last = Task.objects.filter(matrix=matrix).order_by("-order").values_list("order", flat=True).first() or 0
    created = Task.objects.bulk_create(
        [
            Task(matrix=matrix, name=t.name, stage=t.stage, order=last + 1 + i)
            for i, t in enumerate(diff.new_tasks)
        ]
    )
    new_ids = {task.name: task.pk for task in created}
    existing = {
        (task_id, role_id): pk
        for pk, task_id, role_id in Assignment.objects.filter(task__matrix=matrix).values_list(
            "id", "task_id", "role_id"
        )
    }
    to_create, to_update, to_delete = [], [], []
    for cell in diff.cell_changes:
        task_id = cell.task_id if cell.task_id is not None else new_ids[cell.task]
        role_id = roles[cell.role].pk
        pk = existing.get((task_id, role_id))
        if not cell.new:
            if pk is not None:
                to_delete.append(pk)
        elif pk is None:
            to_create.append(Assignment(task_id=task_id, role_id=role_id, letters=cell.new))
        else:
            to_update.append(Assignment(pk=pk, letters=cell.new))
    Assignment.objects.filter(pk__in=to_delete).delete()
    Assignment.objects.bulk_create(to_create)
    Assignment.objects.bulk_update(to_update, ["letters"])
    matrix_bump_version(matrix=matrix)
    cells = [
        (c.task_id if c.task_id is not None else new_ids[c.task], c.task, c.role, c.old, c.new)
        for c in diff.cell_changes
    ]
    records = [
        task_change(task_id=new_ids[t.name], task_name=t.name, field="created", after=t.name)
        for t in diff.new_tasks
    ]
    records += [
        task_change(task_id=r.task_id, task_name=r.new, field="name", before=r.old, after=r.new)
        for r in diff.renamed_tasks
    ]
    records += [
        task_change(task_id=c.task_id, task_name=c.task, field="stage", before=c.old, after=c.new)
        for c in diff.stage_changes
    ]
    records += [
        cell_change(task_id=t, task_name=name, role_id=roles[code].pk, role_code=code, before=old, after=new)
        for t, name, code, old, new in cells
    ]
    if diff.new_roles:
        records.append(
            {"kind": ChangeRecord.Kind.COLUMNS, "field": "columns", "after": " ".join(diff.new_roles)}
        )
    # Imports are recorded with their own channel, whoever ran them.
    history_record_many(matrix=matrix, actor=Actor(user=actor.user, channel=Channel.IMPORT), records=records)
    if cells:
        _emit_cells_changed(
            matrix,
            [{"task": t, "role": code, "before": old, "letters": new} for t, _, code, old, new in cells],
        )
    return {**result, "applied": True, "version": matrix.version}
