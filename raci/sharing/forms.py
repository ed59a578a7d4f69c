"""The form that makes a share link: a name and how many days it lives."""

from __future__ import annotations

from django import forms

from orgs.validators import validate_single_line
from raci.sharing.services import DEFAULT_DAYS, MAX_DAYS


class ShareLinkForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        validators=[validate_single_line],
        help_text="Who or what it is for, e.g. “Sales onboarding”.",
    )
    days = forms.IntegerField(
        min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS, label="Expires after (days)"
    )
