"""A share link. Only a hash of its token is stored: the link is shown once, when it is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orgs.validators import validate_single_line
from raci.matrices.models import Matrix


class ShareLink(models.Model):
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="share_links")
    # What the owner calls it ("Sales kickoff deck"), so links can be told apart and revoked.
    name = models.CharField(max_length=120, validators=[validate_single_line])
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.matrix})"

    def is_live(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def state(self, now) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "live" if self.expires_at > now else "expired"
