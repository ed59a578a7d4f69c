"""Translate between JSON and the orgs services; no business rules here."""

from __future__ import annotations

from rest_framework import serializers

from orgs.models import ApiToken, Membership, Organization, Person, Role
from orgs.validators import validate_multiline_text, validate_single_line


class OrganizationSerializer(serializers.ModelSerializer):
    access = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["slug", "name", "headcount", "sso_domain", "created_at", "access"]
        read_only_fields = ["created_at", "access"]

    def get_access(self, organization) -> str | None:
        return self.context.get("levels", {}).get(organization.pk)


class OrganizationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    slug = serializers.SlugField(max_length=60)
    headcount = serializers.IntegerField(min_value=1, max_value=10_000_000, required=False, allow_null=True)


class OrganizationUpdateSerializer(OrganizationInputSerializer):
    name = serializers.CharField(max_length=120, required=False, validators=[validate_single_line])
    slug = serializers.SlugField(max_length=60, required=False)
    sso_domain = serializers.CharField(
        max_length=253,
        required=False,
        allow_blank=True,
        help_text="Single sign-on: people whose provider verified an address at this domain join as "
        "viewers. Empty: nobody joins that way.",
    )


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "level", "created_at"]


class MembershipInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    level = serializers.ChoiceField(choices=Membership.Level.choices)


class MembershipUpdateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Membership.Level.choices)


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "order"]


class RoleInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16, validators=[validate_single_line])
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Role._meta.get_field("description").max_length,
        validators=[validate_multiline_text],
    )
    order = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class RoleUpdateSerializer(RoleInputSerializer):
    code = serializers.CharField(max_length=16, required=False, validators=[validate_single_line])
    name = serializers.CharField(max_length=120, required=False, validators=[validate_single_line])


class PersonSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    user = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The username of the member account linked to this person, or null.",
    )

    class Meta:
        model = Person
        fields = ["id", "name", "email", "active", "roles", "user"]

    def get_roles(self, person) -> list[str]:
        return [role.code for role in person.roles.all()]


class PersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    email = serializers.EmailField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False, default=True)
    roles = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=200)
    user = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        help_text="The username of a member to link to this person; null unlinks. Owners only.",
    )


class PersonUpdateSerializer(PersonInputSerializer):
    name = serializers.CharField(max_length=120, required=False, validators=[validate_single_line])
    active = serializers.BooleanField(required=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "read_only", "created_at", "last_used_at", "revoked_at"]
