"""Forms of the settings pages. They only translate HTML input into service arguments;
the business rules (code format, uniqueness, the last owner) live in ``orgs.services``."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from orgs.models import PERSON_TITLE_MAX_LENGTH, Membership, Organization, Person, Role, role_code_validator
from orgs.services import role_code_problem
from orgs.validators import validate_multiline_text, validate_single_line


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, messages)


class RoleForm(forms.Form):
    code = forms.CharField(
        max_length=16,
        help_text="Short and unique: PM, PMM, ENG. Capital letters, digits or underscores.",
        validators=[validate_single_line],
    )
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    description = forms.CharField(
        required=False,
        max_length=Role._meta.get_field("description").max_length,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organization: Organization | None = None, role: Role | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization, self.role = organization, role

    def clean_code(self) -> str:
        # The code's format, and whether the organization already has it, are checked here too, so
        # that they are reported with the other fields' problems rather than after them.
        code = self.cleaned_data["code"].strip().upper()
        role_code_validator(code)
        if self.organization is not None:
            problem = role_code_problem(self.organization, code, role=self.role)
            if problem:
                raise ValidationError(problem)
        return code


class PersonForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    email = forms.EmailField(required=False)
    title = forms.CharField(
        max_length=PERSON_TITLE_MAX_LENGTH, required=False, validators=[validate_single_line]
    )
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization: Organization, link_accounts: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        field.queryset = organization.roles.all()
        # Choices fetched once, so the page can both render them and say when there are none.
        field.choices = [(role.pk, f"{role.code} — {role.name}") for role in field.queryset]
        if link_accounts:  # owners only: the page decides, the service checks the account
            self.fields["user"] = forms.ModelChoiceField(
                queryset=get_user_model()
                .objects.filter(memberships__organization=organization)
                .order_by("username"),
                to_field_name="username",
                required=False,
                empty_label="Not linked",
                label="Account",
                help_text="The member who signs in as this person. One person per member.",
            )


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    level = forms.ChoiceField(choices=Membership.Level.choices, initial=Membership.Level.VIEWER)


class MemberLevelForm(forms.Form):
    level = forms.ChoiceField(choices=Membership.Level.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What the token is for, e.g. “HR sync”.", validators=[validate_single_line]
    )
    read_only = forms.BooleanField(
        required=False, label="Read-only", help_text="The token can read but not change anything."
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    slug = forms.SlugField(
        max_length=60, label="Address", help_text="Lower-case letters, digits and hyphens: acme-analytics."
    )
    headcount = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000_000,
        help_text="People in the company. Ten or fewer: one person wearing both product hats is normal.",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField()
    level = forms.ChoiceField(choices=Membership.Level.choices, initial=Membership.Level.VIEWER)
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="The person record the invitee becomes (their roles give their responsibilities).",
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only people not linked to an account can be handed to an invitee.
        self.fields["person"].queryset = organization.people.filter(user__isnull=True).order_by("name")


class SsoDomainForm(forms.Form):
    sso_domain = forms.CharField(
        max_length=253,
        required=False,
        label="Domain",
        help_text="People who sign in through single sign-on with an address at this domain, verified by "
        "the provider, join as viewers. Leave empty to turn this off.",
    )


class SplitPairsForm(forms.Form):
    """The organization's pairs of roles that should check each other, one pair a line."""

    split_pairs = forms.CharField(
        required=False,
        max_length=2000,
        label="Pairs of roles",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multiline_text],
        help_text="One pair a line, two role codes: PM PMM. Every matrix warns when one person holds both "
        "roles of a pair once the organization has outgrown that. Leave empty for no pairs.",
    )
    use_default = forms.BooleanField(required=False, label="Use the default (PM and PMM)")

    def clean(self):
        data = super().clean()
        if data.get("use_default"):
            data["split_pairs"] = None
            return data
        pairs = []
        for number, line in enumerate((data.get("split_pairs") or "").splitlines(), start=1):
            codes = line.replace("/", " ").replace(",", " ").split()
            if not codes:
                continue
            if len(codes) != 2:
                self.add_error("split_pairs", f"Line {number}: write two role codes, like “PM PMM”.")
                return data
            pairs.append(codes)
        data["split_pairs"] = pairs
        return data


class DiscussionSettingForm(forms.Form):
    viewers_may_comment = forms.BooleanField(
        required=False,
        label="Viewers may comment on drafts",
        help_text="Editors and owners always may; everyone can read the discussion.",
    )
