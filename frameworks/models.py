from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models

from frameworks.schemes import DEFAULT_SCHEME, scheme_choices
from orgs.validators import validate_multiline_text, validate_single_line

FRAMEWORK_SUMMARY_MAX_LENGTH = 2000
# Adoption copies an activity's description into a task's: raci's Task uses this same limit.
ACTIVITY_DESCRIPTION_MAX_LENGTH = 5000


class Framework(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, validators=[validate_single_line])
    # TextField does not enforce max_length itself; the validator does, serializers read it.
    summary = models.TextField(
        blank=True,
        max_length=FRAMEWORK_SUMMARY_MAX_LENGTH,
        validators=[MaxLengthValidator(FRAMEWORK_SUMMARY_MAX_LENGTH), validate_multiline_text],
    )
    scheme = models.CharField(max_length=10, choices=scheme_choices(), default=DEFAULT_SCHEME)
    version = models.PositiveIntegerField(default=1)
    # Null for the built-in library; otherwise the organization that saved it.
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="frameworks"
    )
    # The role codes the suggested letters use, with a readable name each: {"PM": "Product manager"}.
    role_names = models.JSONField(default=dict, blank=True)
    # Pairs of role codes that should check each other, held by different people ([["PM", "PMM"]]);
    # adopting the framework writes them into the matrix's rule settings. Empty: not declared, so the
    # organization's pairs (or the product's default, PM/PMM) apply.
    split_pairs = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.organization_id is None


class Stage(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="stages", db_index=False)
    name = models.CharField(max_length=120, validators=[validate_single_line])
    description = models.TextField(blank=True, validators=[validate_multiline_text])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="stage_name_unique_per_framework"),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="activities", db_index=False)
    name = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(
        blank=True,
        max_length=ACTIVITY_DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(ACTIVITY_DESCRIPTION_MAX_LENGTH), validate_multiline_text],
    )
    order = models.PositiveIntegerField(default=0)
    # Suggested letters per role code, canonical for the framework's scheme: {"PM": "A", "PMM": "R"}.
    suggested_letters = models.JSONField(default=dict, blank=True)
    # Where the activity and its letters come from: a seed article or a published framework.
    source = models.CharField(max_length=300, blank=True, validators=[validate_single_line])
    # The framework intends more than one Accountable here ("both roles should be held accountable
    # for revenue growth"); adopting it declares the task's shared accountability in the matrix.
    shared_accountability = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["stage", "name"], name="activity_name_unique_per_stage"),
        ]

    def __str__(self) -> str:
        return self.name
