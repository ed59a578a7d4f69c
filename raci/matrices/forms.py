"""Forms of the matrix pages: they translate input; services decide what is valid."""

from __future__ import annotations

from django import forms

from raci.matrices.models import Matrix


class CellForm(forms.Form):
    task = forms.IntegerField(min_value=1)
    role = forms.CharField(max_length=16)
    expected = forms.CharField(max_length=20, required=False)
    letters = forms.CharField(max_length=20, required=False)


class TaskForm(forms.Form):
    name = forms.CharField(max_length=200, label="Task")
    stage = forms.CharField(max_length=120, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TaskEditForm(TaskForm):
    archived = forms.BooleanField(required=False, label="Archived (hidden from the matrix, kept in history)")


class MatrixSettingsForm(forms.Form):
    name = forms.CharField(max_length=120)
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
    name = forms.CharField(max_length=120, label="Name of the new matrix")
