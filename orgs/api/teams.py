"""Teams, who belongs to them and the roles held for them, under ``/api/v1/orgs/{slug}/``.

Reads need view access, writes edit access (as for roles and people). Ids of another
organization's teams, people or roles are 404s or 400s that say nothing about it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from orgs import teams as services
from orgs.api.base import OrgScopedListView, OrgScopedView, valid_data
from orgs.models import Person, Role, RoleHolding, Team
from orgs.validators import validate_multiline_text, validate_single_line

ID_MAX = 2**63 - 1


class TeamSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="The team's names from the top: Product / Mobile.")
    depth = serializers.IntegerField(read_only=True, help_text="1 for a top-level team.")

    class Meta:
        model = Team
        fields = ["id", "name", "label", "description", "parent", "depth"]

    def get_label(self, team) -> str:
        return services.team_label(team, self.context["teams"])


class TeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, validators=[validate_multiline_text]
    )
    parent = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        help_text="The id of the team this one sits under; null for the top.",
    )


class TeamUpdateSerializer(TeamInputSerializer):
    name = serializers.CharField(max_length=120, required=False, validators=[validate_single_line])


class MembersSerializer(serializers.Serializer):
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=10_000
    )


class HoldingSerializer(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RoleHolding
        fields = ["id", "person", "role", "team"]


class HoldingInputSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    role = serializers.CharField(max_length=16, help_text="The role's code.")
    team = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        help_text="The team the role is held for; null for the organization.",
    )


def _teams(organization) -> dict[int, Team]:
    return {team.pk: team for team in services.teams_of(organization)}


class TeamList(OrgScopedListView):
    """Every team, in tree order (each parent before its teams)."""

    serializer_class = TeamSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Team.objects.none()
        return Team.objects.filter(organization=self.organization).order_by("path")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["teams"] = _teams(self.organization)
        return context

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer})
    def post(self, request, org_slug):
        data = valid_data(TeamInputSerializer, request)
        team = services.team_create(
            organization=self.organization,
            name=data["name"],
            parent=services.team_of(self.organization, data.get("parent"), field="parent"),
            description=data.get("description", ""),
        )
        return Response(
            TeamSerializer(team, context={"teams": _teams(self.organization)}).data,
            status=status.HTTP_201_CREATED,
        )


class TeamDetail(OrgScopedView):
    serializer_class = TeamSerializer

    def get_object(self):
        return get_object_or_404(
            Team.objects.select_related("organization"),
            pk=self.kwargs["team_id"],
            organization=self.organization,
        )

    def _answer(self, team):
        return Response(TeamSerializer(team, context={"teams": _teams(self.organization)}).data)

    def get(self, request, org_slug, team_id):
        return self._answer(self.get_object())

    @extend_schema(request=TeamUpdateSerializer, responses=TeamSerializer)
    def patch(self, request, org_slug, team_id):
        team = self.get_object()
        data = valid_data(TeamUpdateSerializer, request)
        if "parent" in data:
            services.team_move(
                team=team, parent=services.team_of(self.organization, data["parent"], field="parent")
            )
        if "name" in data or "description" in data:
            services.team_update(team=team, name=data.get("name"), description=data.get("description"))
        return self._answer(team)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, team_id):
        services.team_delete(team=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamMembers(OrgScopedView):
    """The people who belong to a team. PUT replaces the list (leaving a team drops the roles held
    for it)."""

    serializer_class = MembersSerializer

    def get_object(self):
        return get_object_or_404(Team, pk=self.kwargs["team_id"], organization=self.organization)

    def get(self, request, org_slug, team_id):
        team = self.get_object()
        return Response({"people": list(team.members.order_by("name", "id").values_list("id", flat=True))})

    @extend_schema(request=MembersSerializer, responses=MembersSerializer)
    def put(self, request, org_slug, team_id):
        team = self.get_object()
        wanted = set(valid_data(MembersSerializer, request)["people"])
        people = list(Person.objects.filter(organization=self.organization, pk__in=wanted))
        missing = sorted(wanted - {p.pk for p in people})
        if missing:
            raise ValidationError({"people": f"{self.organization.name} has no person {missing[0]}."})
        services.team_members_set(team=team, people=people)
        return self.get(request, org_slug, team_id)


class HoldingList(OrgScopedListView):
    """Who holds which role, for the organization (``team`` null) or a team."""

    serializer_class = HoldingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoleHolding.objects.none()
        holdings = RoleHolding.objects.filter(role__organization=self.organization).select_related("role")
        for name in ("team", "person"):
            value = self.request.query_params.get(name)
            if value is not None:
                if not value.isdigit() or int(value) > ID_MAX:
                    raise ValidationError({name: "Give a number (an id)."})
                holdings = holdings.filter(**{f"{name}_id": int(value)})
        return holdings.order_by("person_id", "role__order", "team_id", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("team", int, description="Only the roles held for this team."),
            OpenApiParameter("person", int, description="Only this person's roles."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=HoldingInputSerializer, responses={201: HoldingSerializer})
    def post(self, request, org_slug):
        data = valid_data(HoldingInputSerializer, request)
        person = Person.objects.filter(organization=self.organization, pk=data["person"]).first()
        if person is None:
            raise ValidationError({"person": f"{self.organization.name} has no person {data['person']}."})
        role = Role.objects.filter(organization=self.organization, code=data["role"].upper()).first()
        if role is None:
            raise ValidationError({"role": f"{self.organization.name} has no role {data['role']}."})
        holding = services.holding_add(
            person=person, role=role, team=services.team_of(self.organization, data.get("team"))
        )
        return Response(HoldingSerializer(holding).data, status=status.HTTP_201_CREATED)


class HoldingDetail(OrgScopedView):
    serializer_class = HoldingSerializer

    def get_object(self):
        return get_object_or_404(
            RoleHolding.objects.select_related("role", "person", "team"),
            pk=self.kwargs["holding_id"],
            role__organization=self.organization,
        )

    def get(self, request, org_slug, holding_id):
        return Response(HoldingSerializer(self.get_object()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, holding_id):
        holding = self.get_object()
        services.holding_remove(person=holding.person, role=holding.role, team=holding.team)
        return Response(status=status.HTTP_204_NO_CONTENT)
