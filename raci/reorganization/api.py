"""A reorganization over the API: ``POST /api/v1/orgs/{slug}/reorganization/``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import OrgScopedView, valid_data
from raci.matrices.api.base import api_actor
from raci.reorganization.moves import MAX_MOVES, moves_parse
from raci.reorganization.services import reorganization_apply, reorganization_preview


class ReorganizationSerializer(serializers.Serializer):
    moves = serializers.ListField(
        child=serializers.DictField(),
        max_length=MAX_MOVES,
        help_text='Moves in order: {"kind": "move_person", "person": id, "from_team": id, "to_team": id}, '
        '{"kind": "move_team", "team": id, "to_team": id or null}, {"kind": "merge_teams", "team": id, '
        '"to_team": id}, {"kind": "leave", "person": id}.',
    )
    apply = serializers.BooleanField(
        default=False, help_text="false (the default): what would change, nothing written. true: do it."
    )


class ReorganizationView(OrgScopedView):
    read_need = Need.EDIT
    write_need = Need.EDIT
    serializer_class = ReorganizationSerializer

    @extend_schema(request=ReorganizationSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, org_slug):
        """Every matrix whose people change, with its findings before and after, and the people
        whose responsibilities change. With `apply`, the moves are done in one transaction (any
        refusal leaves nothing changed), noted in each matrix's history, and the people notified."""
        data = valid_data(ReorganizationSerializer, request)
        moves = moves_parse(self.organization, data["moves"])
        actor = api_actor(request)
        run = reorganization_apply if data["apply"] else reorganization_preview
        impact = run(organization=self.organization, moves=moves, actor=actor)
        return Response({"applied": data["apply"], **impact.to_dict()})
