"""A new matrix from a table (a CSV or XLSX file, or cells pasted from a spreadsheet): the preview,
then the creation, with the new roles chosen, all or nothing.

The table is read by the pure ``raci.exchange.starting``; the roles are created by
``orgs.services.role_create`` and the matrix, its tasks and cells as the writer's first change
(``matrix_creation``), in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.schemes import get_scheme
from orgs.models import Organization
from orgs.services import role_create
from raci import rules
from raci.exchange.starting import TablePlan, kept_roles, read_table, table_grid
from raci.matrices.bulk import rows_insert
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.imports import ImportRejected
from raci.matrices.models import Assignment, Matrix, Task
from raci.matrices.services import matrix_creation

PASTED = "a pasted table"


@dataclass(frozen=True)
class TablePreview:
    """What the table would create: the plan, and the new matrix's health and findings."""

    plan: TablePlan
    roles: dict[str, str]  # the organization's roles, code -> name
    analysis: rules.Analysis

    @property
    def tasks(self) -> int:
        return len(self.plan.plan.rows)

    @property
    def columns(self) -> list[tuple[str, str, bool]]:
        """Each column: code, name, and whether the organization lacks the role."""
        return [
            (code, self.roles.get(code) or self.plan.new_roles[code], code in self.plan.new_roles)
            for code in self.plan.plan.roles
        ]


def _plan(*, organization: Organization, data: bytes, filename: str | None, scheme: str) -> tuple:
    roles = dict(organization.roles.values_list("code", "name"))
    plan = read_table(
        data, scheme=get_scheme(scheme), roles=roles, filename=filename, pasted=filename is None
    )
    if plan.errors:
        raise ImportRejected([issue.to_dict() for issue in plan.errors])
    return plan, roles


def matrix_table_preview(
    *, organization: Organization, data: bytes, filename: str | None = None, scheme: str = "RACI"
) -> TablePreview:
    """What ``data`` would create (``filename`` None: pasted text). Raises ``ImportRejected`` with
    every problem of the table; writes nothing."""
    plan, roles = _plan(organization=organization, data=data, filename=filename, scheme=scheme)
    grid = table_grid(plan, scheme=get_scheme(scheme), roles=roles)
    return TablePreview(plan=plan, roles=roles, analysis=rules.analyse(grid))


def matrix_from_table(
    *,
    organization: Organization,
    name: str,
    data: bytes,
    filename: str | None = None,
    scheme: str = "RACI",
    new_roles: Mapping[str, str] | None = None,
    actor: Actor = SYSTEM,
) -> Matrix:
    """Create the matrix ``data`` describes, all or nothing.

    ``new_roles`` (code -> name) are the codes the organization lacks that should be created;
    columns of new codes not in it are left out, with their cells. Raises ``ImportRejected`` for a
    bad table and ``ValidationError`` for a bad name or role; nothing is written then.
    """
    new_roles = dict(new_roles or {})
    with transaction.atomic():
        plan, _ = _plan(organization=organization, data=data, filename=filename, scheme=scheme)
        strangers = sorted(set(new_roles) - set(plan.new_roles))
        if strangers:
            raise ValidationError(f"The table has no new role {', '.join(strangers)}.")
        for code in plan.new_roles:
            if code in new_roles:
                role_name = new_roles[code].strip() or code
                try:
                    role_create(organization=organization, code=code, name=role_name)
                except ValidationError as error:
                    raise ValidationError(f"Role {code}: {' '.join(error.messages)}") from None
        columns = kept_roles(plan, new_roles)
        rows = plan.plan.rows
        with matrix_creation(
            organization=organization,
            name=name,
            scheme=scheme,
            columns=columns,
            framework=None,
            status=Matrix.Status.DRAFT,
            actor=actor,
            created=f"from {filename or PASTED} ({len(rows)} task{'s' if len(rows) != 1 else ''})",
        ) as change:
            matrix = change.matrix
            tasks = Task.objects.bulk_create(
                [Task(matrix=matrix, stage=row.stage, name=row.task, order=i) for i, row in enumerate(rows)]
            )
            role_ids = dict(matrix.columns.values_list("role__code", "role_id"))
            rows_insert(
                Assignment,
                ["task_id", "role_id", "letters"],
                [
                    (task.pk, role_ids[code], letters)
                    for task, row in zip(tasks, rows, strict=True)
                    for code, letters in row.cells.items()
                    if letters and code in role_ids
                ],
            )
    return matrix
