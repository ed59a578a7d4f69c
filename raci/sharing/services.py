"""Making, revoking and opening share links.

A link's token is 32 random bytes, shown once (like an API token) and stored as a SHA-256 hash:
a leaked database does not hand out working links. Opening a link counts the use in the same
statement that checks nothing changed (revoked, expired, archived) since it was looked up.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from raci.matrices.models import Matrix
from raci.sharing.models import ShareLink

DEFAULT_DAYS = 30
MAX_DAYS = 365
# Longer than any token we make; anything longer is not worth hashing.
_MAX_TOKEN_LENGTH = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_link_create(
    *, matrix: Matrix, name: str, expires_at: datetime, created_by
) -> tuple[ShareLink, str]:
    """A new link to ``matrix``'s published agreement, live until ``expires_at`` (at most
    ``MAX_DAYS`` ahead), and its token, which is not stored and cannot be shown again."""
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > now + timedelta(days=MAX_DAYS):
        raise ValidationError({"expires_at": f"A link can live at most {MAX_DAYS} days."})
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        matrix=matrix, name=name.strip(), key_hash=_hash(token), expires_at=expires_at, created_by=created_by
    )
    link.full_clean(exclude=["matrix", "created_by"])  # both given by the caller, already checked
    link.save()
    return link, token


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    """Revoke ``link`` for good (its row stays, with its count); revoking twice changes nothing."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def _live(now) -> dict:
    return {
        "revoked_at__isnull": True,
        "expires_at__gt": now,
    }


def share_link_open(*, token: str, count: bool = True) -> ShareLink | None:
    """The live link for ``token`` with its matrix and organization, its use counted (unless not
    ``count``); None for an unknown, revoked or expired token, or a matrix since archived. Two
    queries."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    now = timezone.now()
    link = (
        ShareLink.objects.select_related("matrix__organization")
        .filter(key_hash=_hash(token), **_live(now))
        .exclude(matrix__status=Matrix.Status.ARCHIVED)
        .first()
    )
    if link is None or not count:
        return link
    # Counted only if it is still live now: a revocation between the two statements wins.
    counted = ShareLink.objects.filter(pk=link.pk, **_live(now)).update(
        use_count=F("use_count") + 1, last_used_at=now
    )
    return link if counted else None
