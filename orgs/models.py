from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from orgs.validators import (
    ROLE_CODE_PATTERN,
    validate_domain,
    validate_multiline_text,
    validate_single_line,
)

role_code_validator = RegexValidator(
    ROLE_CODE_PATTERN,
    "A role code is 1–16 capital letters, digits or underscores, starting with a letter (PM, PMM, ENG).",
)
ROLE_DESCRIPTION_MAX_LENGTH = 5000
PERSON_TITLE_MAX_LENGTH = 120


class Organization(models.Model):
    name = models.CharField(max_length=120, validators=[validate_single_line])
    slug = models.SlugField(max_length=60, unique=True)
    # People in the company, employees or not in the app; the rules engine treats
    # organizations of ten or fewer differently (one person wearing both hats is normal).
    headcount = models.PositiveIntegerField(null=True, blank=True)
    # Single sign-on: someone signing in through the provider with an address at this domain that
    # the provider verified joins as a viewer (orgs.sso). Empty: nobody joins that way.
    sso_domain = models.CharField(
        "single sign-on domain", max_length=253, blank=True, validators=[validate_domain]
    )
    # Days after a publication, then between reminders, before people who have not acknowledged it
    # are reminded (raci.delivery.reminders). Empty: the installation's ACKNOWLEDGEMENT_REMINDER_DAYS;
    # 0: no reminders.
    acknowledgement_reminder_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    # Rules-engine settings for every matrix of the organization, under the matrix's own:
    # {"split_pairs": [["PM", "PMM"], ["SALES", "CS"]]} (orgs.services.organization_rule_settings_set).
    rule_settings = models.JSONField(default=dict, blank=True)
    # Whether viewers may comment on drafts (raci.discussion); editors and owners always may.
    viewers_may_comment = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Level(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_one_per_user_and_org"),
            models.CheckConstraint(
                condition=models.Q(level__in=["owner", "editor", "viewer"]), name="membership_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.level})"


class Role(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="roles", db_index=False
    )
    code = models.CharField(max_length=16, validators=[role_code_validator, validate_single_line])
    name = models.CharField(max_length=120, validators=[validate_single_line])
    # TextField does not enforce max_length itself; the validator does, forms and serializers read it.
    description = models.TextField(
        blank=True,
        max_length=ROLE_DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(ROLE_DESCRIPTION_MAX_LENGTH), validate_multiline_text],
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="role_code_unique_per_org"),
            models.CheckConstraint(
                condition=models.Q(code__regex=ROLE_CODE_PATTERN), name="role_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Team(models.Model):
    """A part of the organization (a product line, a department), nested to any depth.

    ``path`` is the materialized path of ids from the root, ``/3/17/42/``: a team's ancestors are
    read from its own row and its subtree is one prefix query, so reading the tree costs the same
    at any depth. Moves rewrite the subtree's paths in one UPDATE (``orgs.teams.team_move``)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="teams", db_index=False
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    name = models.CharField(max_length=120, validators=[validate_single_line])
    description = models.TextField(
        blank=True, max_length=2000, validators=[MaxLengthValidator(2000), validate_multiline_text]
    )
    path = models.CharField(max_length=1000, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                "parent",
                Lower("name"),
                name="team_name_unique_per_parent",
                violation_error_message="A team of this name already exists here.",
            ),
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                condition=models.Q(parent__isnull=True),
                name="top_team_name_unique_per_org",
                violation_error_message="A team of this name already exists here.",
            ),
        ]
        indexes = [models.Index(fields=["organization", "path"], name="team_subtree")]

    def __str__(self) -> str:
        return self.name

    @property
    def lineage_ids(self) -> list[int]:
        """Ids from the root down to this team, read from the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def depth(self) -> int:
        return len(self.lineage_ids)


class Person(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=120, validators=[validate_single_line])
    email = models.EmailField(blank=True)
    # The job title as HR knows it ("Senior PM"); shown beside the name, never used by the rules.
    title = models.CharField(
        max_length=PERSON_TITLE_MAX_LENGTH, blank=True, validators=[validate_single_line]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    active = models.BooleanField(default=True)
    # A person's responsibilities are derived from the roles they hold, across the organization
    # or for a team (``RoleHolding.team``).
    roles = models.ManyToManyField(Role, related_name="people", blank=True, through="RoleHolding")
    teams = models.ManyToManyField(Team, related_name="members", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=~models.Q(email=""),
                name="person_email_unique_per_org",
                violation_error_message="Someone in this organization already has this email.",
            ),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="person_user_unique_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal token for scripts. Only a hash of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, validators=[validate_single_line])
    # The first characters of the token, shown in lists so owners can tell tokens apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique_live",
                violation_error_message="You already have a live token with this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RoleHolding(models.Model):
    """A person holds a role, for the whole organization (``team`` empty) or for one team
    ("Ben holds PM for Mobile"). A matrix of a team resolves each column to the holders in that
    team, else up the tree, else the organization's (``orgs.teams``)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="holdings")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="holdings")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="holdings")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role"],
                condition=models.Q(team__isnull=True),
                name="holding_once_per_organization",
            ),
            models.UniqueConstraint(
                fields=["person", "role", "team"],
                condition=models.Q(team__isnull=False),
                name="holding_once_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} holds {self.role}" + (f" for {self.team}" if self.team_id else "")


class Invitation(models.Model):
    """An owner's invitation to join an organization, sent by email.

    The link carries ``key`` signed (orgs.invitations); it works once, until ``expires_at``, and
    not after ``revoked_at``. Accepting it makes the account a member at ``level`` and links
    ``person`` to the account."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    level = models.CharField(max_length=10, choices=Membership.Level.choices, default=Membership.Level.VIEWER)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email_and_org",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=["owner", "editor", "viewer"]), name="invitation_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization} ({self.level})"

    @property
    def is_pending(self) -> bool:
        """Neither accepted nor revoked (it may have expired: a resend renews it)."""
        return self.accepted_at is None and self.revoked_at is None
