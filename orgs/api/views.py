"""Organizations, members, roles and people over the API. Every view resolves the
organization through OrgScopedView (orgs.access) before touching data."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from orgs import services
from orgs.access import Need, OrgAccess, organizations_for
from orgs.api import examples as ex
from orgs.api.base import OrgScopedListView, OrgScopedView, valid_data
from orgs.api.errors import error_response
from orgs.api.serializers import (
    MembershipInputSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    OrganizationInputSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
    PeopleSyncResultSerializer,
    PeopleSyncSerializer,
    PersonInputSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
    RoleInputSerializer,
    RoleSerializer,
    RoleUpdateSerializer,
)
from orgs.models import Membership, Organization, Person, Role
from orgs.people_sync import PeopleRejected, PersonRecord, people_sync
from orgs.teams import holdings_prefetch


def _roles_by_code(organization, codes) -> list[Role]:
    wanted = {code.strip().upper() for code in codes}
    roles = list(organization.roles.filter(code__in=wanted))
    missing = sorted(wanted - {r.code for r in roles})
    if missing:
        raise ValidationError({"roles": f"{organization.name} has no role {', '.join(missing)}."})
    return roles


def _flag(value: str | None, name: str) -> bool:
    """A yes/no query parameter: absent is no; anything but 1/0/true/false/yes/no is a 400."""
    if value is None or value.strip() == "":
        return False
    text = value.strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise ValidationError({name: "Use 1 or 0 (true or false)."})


def _user_by_username(username: str | None):
    """The account a person's ``user`` names; None unlinks."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"user": f"No user named '{username}'."})
    return user


def _refuse_link_unless_owner(access: OrgAccess, request) -> None:
    """Only owners link people to accounts; editors change everything else about people."""
    if isinstance(request.data, Mapping) and "user" in request.data and not access.can_own:
        raise PermissionDenied(
            'Only owners can link a person to an account; leave out "user" to change the rest.'
        )


class OrganizationList(generics.ListAPIView):
    """The organizations you are a member of, with your access level in each."""

    serializer_class = OrganizationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return organizations_for(self.request.user).order_by("name")

    def _context(self):
        levels = dict(
            Membership.objects.filter(user=self.request.user).values_list("organization_id", "level")
        )
        return {"levels": levels}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **self._context()}

    @extend_schema(
        request=OrganizationInputSerializer, responses={201: OrganizationSerializer}, examples=ex.ORG_CREATE
    )
    def post(self, request):
        organization = services.organization_create(
            owner=request.user, **valid_data(OrganizationInputSerializer, request)
        )
        return Response(OrganizationSerializer(organization, context=self._context()).data, status=201)


class OrganizationDetail(OrgScopedView):
    serializer_class = OrganizationSerializer
    write_need = Need.OWN

    def _data(self, organization):
        return OrganizationSerializer(
            organization, context={"levels": {organization.pk: self.access.level}}
        ).data

    def get(self, request, org_slug):
        return Response(self._data(self.organization))

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def patch(self, request, org_slug):
        organization = services.organization_update(
            organization=self.organization, **valid_data(OrganizationUpdateSerializer, request)
        )
        return Response(self._data(organization))

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug):
        services.organization_delete(organization=self.organization, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberList(OrgScopedListView):
    serializer_class = MembershipSerializer
    write_need = Need.OWN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return Membership.objects.filter(organization=self.organization).select_related("user").order_by("id")

    @extend_schema(
        request=MembershipInputSerializer, responses={201: MembershipSerializer}, examples=ex.MEMBER_CREATE
    )
    def post(self, request, org_slug):
        membership = services.membership_add(
            organization=self.organization, **valid_data(MembershipInputSerializer, request)
        )
        return Response(MembershipSerializer(membership).data, status=201)


class MemberDetail(OrgScopedView):
    serializer_class = MembershipSerializer
    write_need = Need.OWN

    def get_object(self):
        return get_object_or_404(
            Membership.objects.select_related("user"),
            pk=self.kwargs["member_id"],
            organization=self.organization,
        )

    def get(self, request, org_slug, member_id):
        return Response(MembershipSerializer(self.get_object()).data)

    @extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer)
    def patch(self, request, org_slug, member_id):
        membership = services.membership_change_level(
            membership=self.get_object(), **valid_data(MembershipUpdateSerializer, request)
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, member_id):
        services.membership_remove(membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleList(OrgScopedListView):
    serializer_class = RoleSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Role.objects.none()
        return Role.objects.filter(organization=self.organization).order_by("order", "code")

    @extend_schema(request=RoleInputSerializer, responses={201: RoleSerializer}, examples=ex.ROLE_CREATE)
    def post(self, request, org_slug):
        role = services.role_create(
            organization=self.organization, **valid_data(RoleInputSerializer, request)
        )
        return Response(RoleSerializer(role).data, status=201)


class RoleDetail(OrgScopedView):
    serializer_class = RoleSerializer

    def get_object(self):
        return get_object_or_404(Role, pk=self.kwargs["role_id"], organization=self.organization)

    def get(self, request, org_slug, role_id):
        return Response(RoleSerializer(self.get_object()).data)

    @extend_schema(request=RoleUpdateSerializer, responses=RoleSerializer)
    def patch(self, request, org_slug, role_id):
        role = services.role_update(
            role=self.get_object(),
            acting_user=request.user,
            channel="api",
            **valid_data(RoleUpdateSerializer, request),
        )
        return Response(RoleSerializer(role).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, role_id):
        services.role_delete(role=self.get_object(), acting_user=request.user, channel="api")
        return Response(status=status.HTTP_204_NO_CONTENT)


def _people(organization):
    return (
        Person.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related(holdings_prefetch())
        .order_by("name", "id")
    )


class PersonList(OrgScopedListView):
    serializer_class = PersonSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        return _people(self.organization)

    @extend_schema(
        request=PersonInputSerializer, responses={201: PersonSerializer}, examples=ex.PERSON_CREATE
    )
    def post(self, request, org_slug):
        _refuse_link_unless_owner(self.access, request)
        data = valid_data(PersonInputSerializer, request)
        roles = _roles_by_code(self.organization, data.pop("roles", []))
        user = _user_by_username(data.pop("user", None))
        person = services.person_create(organization=self.organization, roles=roles, user=user, **data)
        return Response(PersonSerializer(_people(self.organization).get(pk=person.pk)).data, status=201)

    @extend_schema(
        request=PeopleSyncSerializer,
        responses={200: PeopleSyncResultSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description="Answer what would change, and change nothing."
            )
        ],
        examples=ex.PEOPLE_SYNC,
    )
    def put(self, request, org_slug):
        """Sync the organization's people with an HR system's full list.

        People are matched by email (case-insensitive): new emails are created, known ones updated,
        and active people left out of the list are deactivated (never deleted). Sending the same
        list again changes nothing. People whose email is that of exactly one member are linked to
        that member's account. Any bad entry is reported with its position (`ref`, from 0) and
        nothing is written. Needs editor access, like every other change to people."""
        dry_run = _flag(request.query_params.get("dry_run"), "dry_run")
        entries = valid_data(PeopleSyncSerializer, request)["people"]
        records = [
            PersonRecord(
                name=entry["name"],
                email=entry["email"],
                title=entry["title"].strip(),
                roles=tuple(code.strip().upper() for code in entry["roles"] if code.strip()),
                active=entry["active"],
                ref=index,
                team=entry["team"].strip(),
            )
            for index, entry in enumerate(entries)
        ]
        try:
            result = people_sync(
                organization=self.organization, records=records, deactivate_missing=True, dry_run=dry_run
            )
        except PeopleRejected as exc:
            return error_response(
                "invalid",
                str(exc),
                status.HTTP_400_BAD_REQUEST,
                details={"people": [issue.to_dict() for issue in exc.issues]},
            )
        return Response(result.to_dict())


class PersonDetail(OrgScopedView):
    serializer_class = PersonSerializer

    def get_object(self):
        return get_object_or_404(_people(self.organization), pk=self.kwargs["person_id"])

    def get(self, request, org_slug, person_id):
        return Response(PersonSerializer(self.get_object()).data)

    @extend_schema(request=PersonUpdateSerializer, responses=PersonSerializer, examples=ex.PERSON_UPDATE)
    def patch(self, request, org_slug, person_id):
        person = self.get_object()
        _refuse_link_unless_owner(self.access, request)
        data = valid_data(PersonUpdateSerializer, request)
        codes = data.pop("roles", None)
        roles = None if codes is None else _roles_by_code(self.organization, codes)
        if "user" in data:
            data["user"] = _user_by_username(data["user"])
        person = services.person_update(person=person, roles=roles, **data)
        return Response(PersonSerializer(_people(self.organization).get(pk=person.pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, person_id):
        services.person_delete(person=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
