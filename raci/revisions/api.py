"""Revisions, sign-off and acknowledgements over the API."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import valid_data
from orgs.models import Person
from orgs.validators import validate_multiline_text
from raci.matrices.api.base import (
    EXPORT_RESPONSES,
    EXPORT_TYPES,
    REVISION_PATTERN,
    MatrixScopedListView,
    MatrixScopedView,
    api_actor,
    export_response,
)
from raci.matrices.readings import (
    READ_DRAFT,
    READ_PUBLISHED,
    Reading,
    ReadingInvalid,
    matrix_read,
    reading_parse,
)
from raci.revisions import services as revisions
from raci.revisions.models import Revision, SignOff
from raci.revisions.selectors import revision_diff, signoff_state, snapshot_grid


class SignOffSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.name")
    person_id = serializers.IntegerField()

    class Meta:
        model = SignOff
        fields = ["id", "person_id", "person", "decision", "comment", "decided_at"]


class RevisionSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(
        source="published_by.username", default=None, read_only=True, allow_null=True
    )
    signoff = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = ["number", "note", "published_at", "published_by", "version", "health", "error_count",
                  "override_reason", "signoff_required", "signoff"]  # fmt: skip

    def get_signoff(self, revision) -> dict:
        state = signoff_state(revision)
        return {
            "state": state.label,
            "approved": state.approved,
            "rejected": state.rejected,
            "pending": state.pending,
        }


class RevisionDetailSerializer(RevisionSerializer):
    signoffs = SignOffSerializer(many=True)
    acknowledged_by = serializers.SerializerMethodField()

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "signoffs", "acknowledged_by", "snapshot"]

    def get_acknowledged_by(self, revision) -> list[dict]:
        return [
            {"person_id": a.person_id, "person": a.person.name, "at": a.at}
            for a in revision.acknowledgements.all()
        ]


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Revision._meta.get_field("note").max_length,
        validators=[validate_multiline_text],
    )
    require_signoff = serializers.BooleanField(required=False, default=False)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Revision._meta.get_field("override_reason").max_length,
        validators=[validate_multiline_text],
        help_text="Needed when the rules engine finds errors.",
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "rejected"])
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SignOff._meta.get_field("comment").max_length,
        validators=[validate_multiline_text],
    )


class AcknowledgeSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, help_text="Your person id in the organization.")


def _revisions(matrix):
    return Revision.objects.filter(matrix=matrix).select_related("published_by").prefetch_related("signoffs")


class RevisionList(MatrixScopedListView):
    serializer_class = RevisionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Revision.objects.none()
        return _revisions(self.matrix)

    @extend_schema(
        request=PublishSerializer,
        responses={201: RevisionSerializer},
        examples=[
            OpenApiExample(
                "Publish", value={"note": "After the Q3 reorg", "require_signoff": True}, request_only=True
            ),
            OpenApiExample(
                "Publish despite errors",
                value={"note": "Interim", "override_reason": "Pricing owner decided next week"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        """Publish: freeze the matrix as its next revision (needs an override reason if it has errors)."""
        revision = revisions.matrix_publish(
            matrix=self.matrix, actor=api_actor(request), **valid_data(PublishSerializer, request)
        )
        return Response(RevisionSerializer(revision).data, status=201)


class RevisionScopedView(MatrixScopedView):
    def revision(self) -> Revision:
        return get_object_or_404(
            _revisions(self.matrix).prefetch_related("signoffs__person", "acknowledgements__person"),
            number=self.kwargs["number"],
        )


class RevisionDetail(RevisionScopedView):
    serializer_class = RevisionDetailSerializer

    def get(self, request, *args, **kwargs):
        """One revision with its snapshot (the grid document), sign-offs and acknowledgements."""
        return Response(RevisionDetailSerializer(self.revision()).data)


def _compare_side(name: str, alias: str, default: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            name,
            OpenApiTypes.STR,
            pattern=REVISION_PATTERN,
            description=f"`published` (the latest revision), `draft` or a revision number; "
            f"default `{default}`. Also accepted as `{alias}`.",
            examples=[
                OpenApiExample(default.capitalize(), value=default),
                OpenApiExample("Revision 1", value="1"),
            ],
        ),
        OpenApiParameter(
            alias, OpenApiTypes.STR, pattern=REVISION_PATTERN, description=f"`{name}` by another name."
        ),
    ]


class RevisionCompare(MatrixScopedView):
    serializer_class = serializers.Serializer

    @extend_schema(
        parameters=[*_compare_side("a", "from", "published"), *_compare_side("b", "to", "draft")],
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "What publishing would change",
                value={
                    "is_empty": False,
                    "added_tasks": [{"task": 52, "name": "Partner program", "stage": "Programs"}],
                    "removed_tasks": [],
                    "renamed_tasks": [{"task": 44, "before": "Launch", "after": "Launch plan"}],
                    "changed_cells": [
                        {"task": 41, "name": "Pricing", "role": "PMM", "before": "AR", "after": "R"}
                    ],
                    "from": {
                        "shows": "revision",
                        "revision": 3,
                        "version": 17,
                        "published_at": "2026-03-02T09:30:00+00:00",
                    },
                    "to": {"shows": "draft", "revision": None, "version": 21, "published_at": None},
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        """Compare `a` with `b`: tasks added, removed and renamed, and cells changed, from `a` to `b`.

        Without parameters, the published revision with the draft: what publishing would change.
        Each side is `published`, `draft` or a revision number (`?a=1&b=2`); `from` and `to` name what
        was compared. A matrix never published has no `published` side (404), nor does a number it
        never reached.
        """
        old_reading = self._side(request, "a", "from", READ_PUBLISHED)
        new_reading = self._side(request, "b", "to", READ_DRAFT)
        old, old_shown = matrix_read(matrix=self.matrix, reading=old_reading, people=False)
        new, new_shown = matrix_read(matrix=self.matrix, reading=new_reading, people=False)
        return Response(
            {**revision_diff(old, new).to_dict(), "from": old_shown.to_dict(), "to": new_shown.to_dict()}
        )

    @staticmethod
    def _side(request, name: str, alias: str, default: Reading) -> Reading:
        given = {key: request.query_params[key] for key in (name, alias) if request.query_params.get(key)}
        if len(given) > 1:
            raise ApiValidationError({name: [f"Give {name} or {alias}, not both."]})
        try:
            return reading_parse(next(iter(given.values()), None), default=default)
        except ReadingInvalid as exc:
            raise ApiValidationError(
                {next(iter(given), name): [f"{exc} ?a=1&b=2; a defaults to published, b to draft."]}
            ) from None


class RevisionRestore(RevisionScopedView):
    serializer_class = serializers.Serializer

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, *args, **kwargs):
        """Make this revision's content the matrix's new draft."""
        matrix = revisions.revision_restore(revision=self.revision(), actor=api_actor(request))
        return Response({"status": matrix.status, "version": matrix.version})


class RevisionExport(RevisionScopedView):
    serializer_class = serializers.Serializer

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_TYPES))],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request, *args, **kwargs):
        """Download a revision as CSV, XLSX or JSON, in the same layout as the matrix export."""
        revision = self.revision()
        return export_response(snapshot_grid(revision), request, tag=f"r{revision.number}")


class SignOffDecide(RevisionScopedView):
    serializer_class = DecisionSerializer
    # The person asked decides (or an owner for them); revisions.signoff_decide checks who.
    write_need = Need.VIEW

    @extend_schema(request=DecisionSerializer, responses={200: SignOffSerializer})
    def post(self, request, *args, **kwargs):
        """Approve or reject (with a comment) a revision you were asked to sign off."""
        signoff = get_object_or_404(SignOff, pk=self.kwargs["signoff_id"], revision=self.revision())
        signoff = revisions.signoff_decide(
            signoff=signoff, user=request.user, **valid_data(DecisionSerializer, request)
        )
        return Response(SignOffSerializer(signoff).data)


class Acknowledge(RevisionScopedView):
    serializer_class = AcknowledgeSerializer
    write_need = Need.VIEW

    @extend_schema(request=AcknowledgeSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, *args, **kwargs):
        """Acknowledge your responsibilities in this revision (as the person linked to your account)."""
        data = valid_data(AcknowledgeSerializer, request)
        person = get_object_or_404(Person, pk=data["person"], organization=self.organization)
        ack = revisions.acknowledge(revision=self.revision(), person=person, user=request.user)
        return Response({"person_id": person.pk, "revision": self.kwargs["number"], "at": ack.at}, status=201)
