"""Forms of the matrix pages: they translate input; services decide what is valid."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from frameworks.schemes import scheme_choices
from orgs.models import Organization, Team
from orgs.teams import team_label, teams_of
from orgs.validators import validate_multiline_text, validate_single_line
from raci.matrices.models import Matrix, Task


class CellForm(forms.Form):
    task = forms.IntegerField(min_value=1)
    role = forms.CharField(max_length=16)
    expected = forms.CharField(max_length=20, required=False)
    letters = forms.CharField(max_length=20, required=False)


class CellBatchForm(forms.Form):
    """The editor's batch of cell changes (a paste, a cleared range, an undo) as JSON:
    ``[{"task": 12, "role": "PM", "expected": "C", "letters": "A/R"}, ...]``."""

    # 20,000 changes stay under Django's 2.5 MB request body limit (DATA_UPLOAD_MAX_MEMORY_SIZE).
    MAX_CHANGES = 20_000

    changes = forms.JSONField()

    def clean_changes(self) -> list[dict]:
        changes = self.cleaned_data["changes"]
        if not isinstance(changes, list) or not changes:
            raise ValidationError("Send a list of cell changes.")
        if len(changes) > self.MAX_CHANGES:
            raise ValidationError(f"At most {self.MAX_CHANGES} cells change at once.")
        for change in changes:
            if not (
                isinstance(change, dict)
                and isinstance(change.get("task"), int)
                and not isinstance(change.get("task"), bool)
                and all(isinstance(change.get(key), str) for key in ("role", "expected", "letters"))
                and len(change["role"]) <= 16
                and len(change["expected"]) <= 20
                and len(change["letters"]) <= 20
            ):
                raise ValidationError(
                    "Each change needs a task id, a role code, the letters expected and the new letters."
                )
        return changes


class TaskForm(forms.Form):
    name = forms.CharField(max_length=200, label="Task", validators=[validate_single_line])
    stage = forms.CharField(max_length=120, required=False, validators=[validate_single_line])
    description = forms.CharField(
        required=False,
        max_length=Task._meta.get_field("description").max_length,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TaskEditForm(TaskForm):
    archived = forms.BooleanField(required=False, label="Archived (hidden from the matrix, kept in history)")


class MatrixSettingsForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    status = forms.ChoiceField(choices=Matrix.Status.choices)
    review_interval_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        label="Review interval (days)",
        help_text="Owners are reminded once it is due.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="The whole organization",
        help_text="Whose work this is: each column names the people holding the role in this team "
        "(else in the team above it, else in the organization).",
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        teams = teams_of(organization)
        by_id = {team.pk: team for team in teams}
        field = self.fields["team"]
        field.queryset = Team.objects.filter(organization=organization)
        field.choices = [("", field.empty_label)] + [(team.pk, team_label(team, by_id)) for team in teams]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV or XLSX file in the export layout")


class AdoptForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the new matrix", validators=[validate_single_line])


class MatrixNewForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the new matrix", validators=[validate_single_line])
    scheme = forms.ChoiceField(
        choices=scheme_choices, initial="RACI", help_text="The letters the matrix uses."
    )


class MatrixFromTableForm(forms.Form):
    """A new matrix from a CSV/XLSX file or a table pasted from a spreadsheet: one of the two."""

    name = forms.CharField(max_length=120, label="Name of the new matrix", validators=[validate_single_line])
    scheme = forms.ChoiceField(
        choices=scheme_choices, initial="RACI", help_text="The letters the matrix uses."
    )
    file = forms.FileField(label="CSV or XLSX file", required=False)
    pasted = forms.CharField(
        label="Or paste a table from Excel or Google Sheets",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file"))
        has_text = bool((cleaned.get("pasted") or "").strip())
        if has_file == has_text:
            raise ValidationError(
                "Upload a file or paste a table, not both." if has_file else "Upload a file or paste a table."
            )
        return cleaned
