"""Forms of the matrix pages: they translate input; services decide what is valid."""

from __future__ import annotations

from django import forms

from frameworks.schemes import scheme_choices
from orgs.validators import validate_multiline_text, validate_single_line
from raci.matrices.models import Matrix, Task


class CellForm(forms.Form):
    task = forms.IntegerField(min_value=1)
    role = forms.CharField(max_length=16)
    expected = forms.CharField(max_length=20, required=False)
    letters = forms.CharField(max_length=20, required=False)


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


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV or XLSX file in the export layout")


class AdoptForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the new matrix", validators=[validate_single_line])


class MatrixNewForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the new matrix", validators=[validate_single_line])
    scheme = forms.ChoiceField(
        choices=scheme_choices, initial="RACI", help_text="The letters the matrix uses."
    )
