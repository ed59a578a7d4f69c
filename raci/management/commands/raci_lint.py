"""Lint a matrix from scripts and CI pipelines.

Exit status: 0 when no matrix has an error finding, 1 when one does, 2 on bad arguments.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization
from raci import rules
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_grids_get
from raci.parsing import parse_id

HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Info"}


class Command(BaseCommand):
    help = "Print the rules engine's findings for an organization's matrices (or one of them)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("org_slug", help="the organization's slug")
        parser.add_argument(
            "matrix", nargs="?", help="a matrix id or name (default: every matrix not archived)"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, org_slug: str, matrix: str | None, format: str, **options) -> None:
        organization = Organization.objects.filter(slug=org_slug).first()
        if organization is None:
            raise CommandError(f"No organization with slug '{org_slug}'.", returncode=2)
        matrices = self._matrices(organization, matrix)
        reports = []
        # Every matrix in the loader's fixed number of queries, however many there are.
        grids = matrix_grids_get(matrices=matrices)
        for item in matrices:
            grid = grids[item.pk]
            analysis = rules.analyse(grid)
            reports.append((item, grid, analysis))

        if format == "json":
            self.stdout.write(json.dumps([self._json(*report) for report in reports], indent=2))
        else:
            for report in reports:
                self._text(*report)
        if any(analysis.counts()["error"] for _, _, analysis in reports):
            raise SystemExit(1)

    def _matrices(self, organization: Organization, wanted: str | None) -> list[Matrix]:
        matrices = Matrix.objects.filter(organization=organization).select_related("organization")
        if wanted is None:
            found = list(matrices.exclude(status=Matrix.Status.ARCHIVED).order_by("name"))
            if not found:
                raise CommandError(f"{organization.name} has no matrix to lint.", returncode=2)
            return found
        matrix_id = parse_id(wanted)
        match = matrices.filter(pk=matrix_id).first() if matrix_id else None
        match = match or matrices.filter(name__iexact=wanted).first()
        if match is None:
            names = ", ".join(f"{m.pk}: {m.name}" for m in matrices.order_by("name")) or "none"
            raise CommandError(
                f"{organization.name} has no matrix '{wanted}' (matrices: {names}).", returncode=2
            )
        return [match]

    def _json(self, matrix: Matrix, grid, analysis) -> dict:
        return {
            "organization": matrix.organization.slug,
            "matrix": {
                "id": matrix.pk,
                "name": matrix.name,
                "version": grid.version,
                "scheme": grid.scheme.key,
            },
            "health": analysis.health,
            "counts": analysis.counts(),
            "findings": [f.to_dict() for f in analysis.findings],
        }

    def _text(self, matrix: Matrix, grid, analysis) -> None:
        counts = analysis.counts()
        self.stdout.write(
            f"{matrix.organization.name} / {matrix.name} ({grid.scheme.name}, version {grid.version}): "
            f"{'not scored yet' if analysis.health is None else f'health {analysis.health}/100'}, "
            f"{counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} info"
        )
        for severity, heading in HEADINGS.items():
            findings = [f for f in analysis.findings if str(f.severity) == severity]
            if not findings:
                continue
            self.stdout.write(f"\n{heading} ({len(findings)})")
            for finding in findings:
                self.stdout.write(f"  [{finding.code}] {finding.message}")
                if finding.hint:
                    self.stdout.write(f"      hint: {finding.hint}")
        self.stdout.write("")
