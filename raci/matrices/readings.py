"""Which state of a matrix a read shows, and the publication state every matrix page states.

A matrix has two states: its working draft (the rows the one writer changes) and, once published,
the agreement — its latest published revision, frozen in the revision's snapshot. Readers see the
agreement; editors work on the draft; anyone can ask for either, or for any numbered revision, in
the URL (``?view=`` on pages, ``?revision=`` in the API). ``matrix_read`` is the one place that
turns that choice into a ``MatrixGrid``.

Revisions are a feature above this package; a matrix reaches its revisions through the
``Matrix.published_revision`` relation and the ``revisions`` reverse relation, without importing
that feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Min, Q
from django.http import Http404
from django.utils import timezone

from raci import exchange
from raci.matrices.models import ChangeRecord, Matrix
from raci.matrices.selectors import (
    TeamScopes,
    column_people,
    matrix_grid_get,
    organization_headcount,
    rule_settings_of,
    teams_in_scope,
)
from raci.rules.grid import MatrixGrid

DRAFT = "draft"
PUBLISHED = "published"
# The longest revision number a URL may name; anything longer is junk, not a revision.
_MAX_DIGITS = 9


class ReadingInvalid(ValueError):
    """A ``?view=`` / ``?revision=`` value that names no state of a matrix."""

    def __init__(self, value: str) -> None:
        super().__init__(f"'{value[:40]}' is not a revision: use draft, published or a revision number.")


class RevisionMissing(Http404):
    """The revision asked for does not exist (or the matrix was never published)."""


@dataclass(frozen=True)
class Reading:
    """What a read asks for: the draft, the published revision, or revision ``number``."""

    want: str
    number: int | None = None

    @property
    def value(self) -> str:
        return str(self.number) if self.number is not None else self.want


READ_DRAFT = Reading(DRAFT)
READ_PUBLISHED = Reading(PUBLISHED)


def reading_parse(value: str | None, *, default: Reading) -> Reading:
    """``None`` or ``""`` -> ``default``; ``draft``, ``published`` (any case) or a number >= 1."""
    if value is None or not value.strip():
        return default
    text = value.strip().casefold()
    if text in (DRAFT, PUBLISHED):
        return Reading(text)
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS and int(text) >= 1:
        return Reading("number", int(text))
    raise ReadingInvalid(value)


@dataclass(frozen=True)
class Shown:
    """What a read shows: the draft at ``version``, or revision ``revision`` (frozen at ``version``)."""

    draft: bool
    version: int
    revision: int | None = None
    published_at: datetime | None = None
    # The published revision was asked for, but the matrix was never published: the draft is shown.
    never_published: bool = False

    @property
    def label(self) -> str:
        if self.draft:
            return "Draft, never published" if self.never_published else "Draft"
        return f"Revision {self.revision}"

    def to_dict(self) -> dict:
        return {
            "shows": DRAFT if self.draft else "revision",
            "revision": self.revision,
            "version": self.version,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


def matrix_read(
    *, matrix: Matrix, reading: Reading, fallback_to_draft: bool = False, people: bool = True
) -> tuple[MatrixGrid, Shown]:
    """``matrix`` as ``reading`` asks: the draft (``matrix_grid_get``) or a revision's snapshot
    with today's people and rule settings. Asking for the published revision of a matrix never
    published raises ``RevisionMissing``, or shows the draft with ``fallback_to_draft`` (pages)."""
    revision = None
    if reading.want == PUBLISHED:
        if matrix.published_revision_id is None:
            if not fallback_to_draft:
                raise RevisionMissing(f"{matrix.name} has never been published.")
            grid = matrix_grid_get(matrix=matrix, people=people)
            return grid, Shown(draft=True, version=grid.version, never_published=True)
        revision = matrix.revisions.filter(pk=matrix.published_revision_id).first()
    elif reading.want == "number":
        revision = matrix.revisions.filter(number=reading.number).first()
        if revision is None:
            raise RevisionMissing(f"{matrix.name} has no revision {reading.number}.")
    if revision is None:
        grid = matrix_grid_get(matrix=matrix, people=people)
        return grid, Shown(
            draft=True, version=grid.version, never_published=matrix.published_revision_id is None
        )
    organization = matrix.organization
    document = revision.snapshot
    scopes = teams_in_scope(organization, {matrix.team_id}) if people else TeamScopes()
    grid = exchange.grid_from_json(
        document,
        people=column_people(
            columns={matrix.team_id: {r["id"]: r["code"] for r in document["roles"]}}, lineage=scopes.lineage
        )[matrix.team_id]
        if people
        else (),
        team=scopes.labels.get(matrix.team_id, ""),
        settings=rule_settings_of(matrix, organization),
        headcount=organization_headcount(organization) if people else organization.headcount,
    )
    return grid, Shown(
        draft=False, version=revision.version, revision=revision.number, published_at=revision.published_at
    )


# --- Publication state -----------------------------------------------------------------------

# Changes that publishing would carry to readers; settings, status and publication notes are not.
_CONTENT_CHANGES = Q(
    kind__in=[ChangeRecord.Kind.CELL, ChangeRecord.Kind.TASK, ChangeRecord.Kind.COLUMNS]
) | Q(kind=ChangeRecord.Kind.MATRIX, field__in=["name", "scheme", "restored"])


@dataclass(frozen=True)
class Publication:
    """Where a matrix stands: its published revision (if any), what the draft changed since, and
    when the next review is due."""

    revision: int | None
    published_at: datetime | None
    published_by: str
    # Content changes recorded in the draft since the published revision (cells, tasks, columns).
    unpublished_changes: int
    changed_since: datetime | None
    review_due: date | None

    @property
    def published(self) -> bool:
        return self.revision is not None

    @property
    def review_overdue(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()

    def to_dict(self) -> dict:
        return {
            "revision": self.revision,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_by": self.published_by or None,
            "unpublished_changes": self.unpublished_changes,
            "changed_since": self.changed_since.isoformat() if self.changed_since else None,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "review_overdue": self.review_overdue,
        }


def publication_states(*, matrices: list[Matrix]) -> dict[int, Publication]:
    """The publication state of each matrix, in one query whatever their number (none when no
    matrix was ever published). Matrices must come with ``published_revision__published_by``
    (``matrix_get`` and ``matrices_for_organization`` load it)."""
    published = [m for m in matrices if m.published_revision_id is not None]
    since: dict[int, tuple[int, datetime | None]] = {}
    if published:
        condition = Q()
        for matrix in published:
            condition |= Q(matrix_id=matrix.pk, version__gt=matrix.published_revision.version)
        since = {
            row["matrix_id"]: (row["count"], row["first"])
            for row in ChangeRecord.objects.filter(condition)
            .filter(_CONTENT_CHANGES)
            .values("matrix_id")
            .annotate(count=Count("id"), first=Min("at"))
            .order_by()
        }
    states = {}
    for matrix in matrices:
        revision = matrix.published_revision if matrix.published_revision_id else None
        if revision is None:
            states[matrix.pk] = Publication(None, None, "", 0, None, None)
            continue
        count, first = since.get(matrix.pk, (0, None))
        publisher = revision.published_by
        states[matrix.pk] = Publication(
            revision=revision.number,
            published_at=revision.published_at,
            published_by=(publisher.get_full_name() or publisher.get_username()) if publisher else "",
            unpublished_changes=count,
            changed_since=first,
            review_due=timezone.localdate(revision.published_at)
            + timedelta(days=matrix.review_interval_days),
        )
    return states


def publication_state(*, matrix: Matrix) -> Publication:
    return publication_states(matrices=[matrix])[matrix.pk]
