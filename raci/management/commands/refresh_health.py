"""manage.py refresh_health [SLUG]: recompute the stored health of every matrix (or one organization's).

The worker keeps it current after every change to a matrix; run this after what it cannot see: the
rules recalibrated, people's roles or the headcount changed in bulk."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization
from raci.matrices.models import Matrix
from raci.matrices.standing import matrix_health_refresh


class Command(BaseCommand):
    help = "Recompute the stored health of every matrix, or of one organization's."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="only this organization")

    def handle(self, *args, slug=None, **options):
        matrices = Matrix.objects.order_by("pk")
        if slug:
            organization = Organization.objects.filter(slug=slug).first()
            if organization is None:
                raise CommandError(f"No organization {slug!r}.")
            matrices = matrices.filter(organization=organization)
        ids = list(matrices.values_list("pk", flat=True))
        for matrix_id in ids:
            matrix_health_refresh(matrix_id=matrix_id, force=True)
        self.stdout.write(f"Health recomputed for {len(ids)} matrices.")
