"""Forms of the teams page: they translate input; ``orgs.teams`` decides what is valid."""

from __future__ import annotations

from django import forms

from orgs.models import Organization, Person, Role, Team
from orgs.teams import team_label, teams_of
from orgs.validators import validate_single_line


def _team_choices(organization: Organization, *, empty: str, exclude: Team | None = None):
    teams = teams_of(organization)
    by_id = {team.pk: team for team in teams}
    return [("", empty)] + [
        (team.pk, team_label(team, by_id))
        for team in teams
        if exclude is None or not team.path.startswith(exclude.path)
    ]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    parent = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Under")

    def __init__(self, *args, organization: Organization, team: Team | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.queryset = Team.objects.filter(organization=organization)
        # A team cannot sit under itself or its own teams: they are not offered.
        field.choices = _team_choices(organization, empty="The top of the organization", exclude=team)


class TeamMembersForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Members"
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(organization=organization).order_by("name")


class TeamHoldingForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    role = forms.ModelChoiceField(queryset=Role.objects.none())

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            organization=organization, active=True
        ).order_by("name")
        self.fields["role"].queryset = Role.objects.filter(organization=organization)
