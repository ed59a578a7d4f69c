"""Translate between JSON and the orgs services; no business rules here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from orgs.models import PERSON_TITLE_MAX_LENGTH, ApiToken, Membership, Organization, Person, Role
from orgs.people_sync import MAX_PEOPLE
from orgs.validators import MAX_SPLIT_PAIRS, validate_multiline_text, validate_single_line

SPLIT_PAIRS_HELP = (
    "Pairs of roles that should check each other, held by different people, in every matrix of the "
    'organization: [["PM", "PMM"], ["SALES", "CS"]]. A matrix\'s own split_pairs (set in its '
    "rule_settings, or copied from the framework it was adopted from) wins. null: not declared, the "
    "product's default (PM/PMM) applies; []: no pairs."
)


def _split_pairs_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(max_length=16), min_length=2, max_length=2),
        max_length=MAX_SPLIT_PAIRS,
        allow_null=True,
        help_text=SPLIT_PAIRS_HELP,
        **kwargs,
    )


class OrganizationSerializer(serializers.ModelSerializer):
    access = serializers.SerializerMethodField()
    split_pairs = _split_pairs_field(source="rule_settings.split_pairs", read_only=True, default=None)

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "headcount",
            "sso_domain",
            "acknowledgement_reminder_days",
            "split_pairs",
            "viewers_may_comment",
            "created_at",
            "access",
        ]
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
    acknowledgement_reminder_days = serializers.IntegerField(
        min_value=0,
        max_value=365,
        required=False,
        allow_null=True,
        help_text="People who have not acknowledged a revision that concerns them are reminded this many "
        "days after it was published, then at most once every this many days. Null: the installation's "
        "default (3 unless configured); 0: no reminders.",
    )
    split_pairs = _split_pairs_field(required=False)
    viewers_may_comment = serializers.BooleanField(
        required=False,
        help_text="Whether viewers may comment on drafts' discussion threads (editors and owners always "
        "may). Owners only.",
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

    team_roles = serializers.SerializerMethodField(
        help_text="Roles held for one team: the matrices of that team (and of its teams) resolve "
        "the role to this person."
    )

    class Meta:
        model = Person
        fields = ["id", "name", "email", "title", "active", "roles", "team_roles", "user"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, person) -> list[str]:
        """Roles held for the whole organization."""
        return [h.role.code for h in person.holdings.all() if h.team_id is None]

    @extend_schema_field(
        inline_serializer(
            "TeamRole", {"role": serializers.CharField(), "team": serializers.IntegerField()}, many=True
        )
    )
    def get_team_roles(self, person) -> list[dict]:
        return [
            {"role": h.role.code, "team": h.team_id} for h in person.holdings.all() if h.team_id is not None
        ]


class PersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    email = serializers.EmailField(required=False, allow_blank=True)
    title = serializers.CharField(
        max_length=PERSON_TITLE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
    )
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


class PersonSyncItemSerializer(serializers.Serializer):
    """One person of the HR list. Shapes and types only: ``orgs.people_sync`` checks the values
    (email format, duplicates, role codes) and reports every problem with its position."""

    name = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=True)
    email = serializers.CharField(max_length=320, allow_blank=True, trim_whitespace=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    roles = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, default=list, max_length=200
    )
    active = serializers.BooleanField(required=False, default=True)
    team = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The path of the person's team, 'Product / Mobile': they join it and hold the roles "
        "for it. "
        "Without one, the roles are held for the whole organization.",
    )


class PeopleSyncSerializer(serializers.Serializer):
    people = serializers.ListField(
        child=PersonSyncItemSerializer(),
        allow_empty=False,
        max_length=MAX_PEOPLE,
        help_text="Everyone who should be active, matched to existing people by email. People of the "
        "organization left out are deactivated (never deleted). An empty list is refused, so a "
        "broken export cannot deactivate everyone.",
    )


class PersonOutcomeSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    changes = serializers.ListField(
        child=serializers.CharField(), help_text="For updates: name, title, active and/or roles."
    )


class PersonLinkSerializer(serializers.Serializer):
    email = serializers.CharField()
    username = serializers.CharField()


class PeopleSyncResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = PersonOutcomeSerializer(many=True)
    updated = PersonOutcomeSerializer(many=True)
    deactivated = PersonOutcomeSerializer(many=True)
    unchanged = serializers.IntegerField()
    linked = PersonLinkSerializer(many=True, help_text="People linked to a member's account by email.")
