"""Writes to matrices: creating, adopting a framework, tasks and cells.

Every write runs in one transaction, validates before saving (bad input raises
``ValidationError`` and changes nothing) and bumps the matrix version, which
ETags and conflict detection rely on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from frameworks.models import Activity, Framework
from orgs.models import Organization, Role
from raci.models import Assignment, Matrix, MatrixRole, Task
from raci.schemes import LettersError, get_scheme


def matrix_bump_version(*, matrix: Matrix) -> None:
    Matrix.objects.filter(pk=matrix.pk).update(version=F("version") + 1)
    matrix.refresh_from_db(fields=["version", "updated_at"])


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
    *, matrix: Matrix, name: str, stage: str = "", description: str = "", order: int | None = None
) -> Task:
    if order is None:
        last = matrix.tasks.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    task = Task(matrix=matrix, name=name.strip(), stage=stage.strip(), description=description, order=order)
    task.full_clean()
    task.save()
    matrix_bump_version(matrix=matrix)
    return task


@transaction.atomic
def assignment_set(*, matrix: Matrix, task: Task, role: Role, letters: str | None) -> str:
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
    if canonical:
        Assignment.objects.update_or_create(task=task, role=role, defaults={"letters": canonical})
    else:
        Assignment.objects.filter(task=task, role=role).delete()
    matrix_bump_version(matrix=matrix)
    return canonical
