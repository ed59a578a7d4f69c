"""The people import form: a file and whether to deactivate the people it leaves out."""

from __future__ import annotations

from django import forms


class PeopleImportForm(forms.Form):
    file = forms.FileField(label="CSV or XLSX file")
    deactivate_missing = forms.BooleanField(
        required=False,
        label="Deactivate people who are not in the file",
        help_text="For a complete list from HR. People are never deleted.",
    )
