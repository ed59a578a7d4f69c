"""Adopting a framework as a new matrix, saving a matrix as one of the organization's frameworks,
and saving a what-if proposal as a new draft matrix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.models import Activity, Framework
from frameworks.schemes import get_scheme
from frameworks.services import framework_load
from orgs.models import Organization, Role
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.models import Assignment, Matrix, Task
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.services import matrix_creation
from raci.rules.grid import MatrixGrid


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


def matrix_adopt(
    *,
    organization: Organization,
    framework: Framework,
    name: str,
    include: Iterable[str | int] | None = None,
    role_map: Mapping[str, str | None] | None = None,
    status: str = Matrix.Status.DRAFT,
    actor: Actor = SYSTEM,
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
    with matrix_creation(
        organization=organization,
        name=name,
        scheme=scheme.key,
        columns=None,
        framework=framework,
        status=status,
        actor=actor,
        created=f"from {framework.name} ({len(activities)} activities)",
    ) as change:
        shared = _copy_activities(change.matrix, activities, scheme, target)
        declared = {}
        if shared:
            # The framework intends shared accountability on these activities: the matrix declares
            # it for their tasks, so two Accountables there are information, not an error.
            declared["shared_accountability_tasks"] = shared
        if framework.split_pairs:
            # The framework's pairs of roles that check each other become the matrix's own, so they
            # win over the organization's (raci.matrices.selectors.rule_settings_of).
            declared["split_pairs"] = [list(pair) for pair in framework.split_pairs]
        if declared:
            change.matrix.rule_settings = {**change.matrix.rule_settings, **declared}
            change.matrix.save(update_fields=["rule_settings"])
    return change.matrix


def _copy_activities(matrix: Matrix, activities: list[Activity], scheme, target) -> list[int]:
    """Tasks and cells copied from ``activities``; returns the ids of the tasks whose activity
    declares shared accountability."""
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
    return [
        task.pk for task, activity in zip(tasks, activities, strict=True) if activity.shared_accountability
    ]


@transaction.atomic
def framework_from_matrix(*, matrix: Matrix, slug: str, name: str, summary: str = "") -> Framework:
    """Save ``matrix`` as one of its organization's frameworks: stages from task stages,
    activities from live tasks, suggested letters from the cells (by role code).

    What the matrix knows of where its work comes from stays: an activity keeps the source of the
    framework activity its task was adopted from, a task added by hand (or from an activity without
    one) names this matrix as its source; the tasks whose accountability the matrix declares shared
    are activities that share it by design; the matrix's own split pairs are the framework's."""
    if Framework.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A framework '{slug}' already exists; pick another slug."})
    grid = matrix_grid_get(matrix=matrix)
    details = {
        pk: (description or "", source or "")
        for pk, description, source in matrix.tasks.values_list("pk", "description", "activity__source")
    }
    own_source = f"this organization's matrix {matrix.name}"
    shared = set(grid.settings.shared_accountability_tasks)
    data = {
        "slug": slug,
        "name": name,
        "summary": summary,
        "scheme": grid.scheme.key,
        "roles": [{"code": r.code, "name": r.name} for r in grid.roles],
        "split_pairs": matrix.rule_settings.get("split_pairs", []),
        "stages": [
            {
                "name": stage or "Tasks",
                "activities": [
                    {
                        "name": task.name,
                        "description": details.get(task.id, ("", ""))[0],
                        "source": details.get(task.id, ("", ""))[1] or own_source,
                        "shared_accountability": task.id in shared,
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
    result = framework_load(data=data, organization=matrix.organization)
    return Framework.objects.get(slug=result.slug)


def matrix_from_grid(
    *,
    source: Matrix,
    grid: MatrixGrid,
    name: str,
    actor: Actor = SYSTEM,
) -> Matrix:
    """A new draft matrix of ``source``'s organization holding ``grid``: a what-if proposal saved.

    Columns are the grid's roles, tasks its tasks in order (with the descriptions and framework
    activities of ``source``'s tasks of the same id), cells its letters; ``source``'s rule
    settings come along, shared-accountability task ids mapped to the new tasks. Written through
    the one writer as a creation, so history starts with where the draft came from.
    """
    source_tasks = {
        task.pk: task for task in Task.objects.filter(matrix=source, pk__in=[t.id for t in grid.tasks])
    }
    with matrix_creation(
        organization=source.organization,
        name=name,
        scheme=grid.scheme.key,
        columns=[role.code for role in grid.roles],
        framework=source.framework,
        status=Matrix.Status.DRAFT,
        actor=actor,
        created=f"from a what-if of {source.name}",
    ) as change:
        matrix = change.matrix
        rows = []
        for order, row in enumerate(grid.tasks):
            original = source_tasks.get(row.id)
            rows.append(
                Task(
                    matrix=matrix,
                    stage=row.stage,
                    name=row.name,
                    description=original.description if original else "",
                    activity=original.activity if original else None,
                    order=order,
                )
            )
        tasks = Task.objects.bulk_create(rows)
        new_ids = {row.id: task.pk for row, task in zip(grid.tasks, tasks, strict=True)}
        roles = {column.role.code: column.role for column in matrix.columns.select_related("role")}
        Assignment.objects.bulk_create(
            Assignment(task_id=new_ids[task_id], role=roles[code], letters=letters)
            for (task_id, code), letters in grid.cells.items()
            if letters and task_id in new_ids and code in roles
        )
        settings = dict(source.rule_settings)
        if "shared_accountability_tasks" in settings:
            settings["shared_accountability_tasks"] = [
                new_ids[i] for i in settings["shared_accountability_tasks"] if i in new_ids
            ]
        if settings:
            matrix.rule_settings = settings
            matrix.save(update_fields=["rule_settings"])
    return matrix
