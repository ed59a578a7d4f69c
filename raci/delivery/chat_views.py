"""The chat channels settings page: connect Slack and Teams channels for the organization or a team,
choose their events, send a test message, enable, disable, delete; and each channel's page, which
edits its name, events, team and state. Owners only (outsiders 404, other members 403), like webhooks."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from orgs import services as org_services
from orgs.access import Need, require_org
from orgs.forms import add_service_errors
from orgs.teams import team_label, teams_of
from raci.delivery import chat
from raci.delivery.models import CHAT_EVENTS, ChatChannel

RECENT_MESSAGES = 10
WHOLE_ORGANIZATION = ""


def _team_choices(teams) -> list[tuple[str, str]]:
    by_id = {team.pk: team for team in teams}
    return [(WHOLE_ORGANIZATION, "The whole organization")] + [
        (str(team.pk), team_label(team, by_id)) for team in teams
    ]


_TEAM_HELP = (
    "A team's channel hears about the matrices of that team and of the teams under it; the whole "
    "organization's hears about every matrix, teams' included."
)
_EVENTS_HELP = "None ticked: every event."


class ChannelTeamMixin:
    """The ``team`` choice: the whole organization or one of its teams, in tree order."""

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        if teams:
            self.fields["team"].choices = _team_choices(teams)
        else:  # no teams: every channel is the organization's
            del self.fields["team"]


class ChatChannelForm(ChannelTeamMixin, forms.Form):
    platform = forms.ChoiceField(choices=ChatChannel.Platform.choices)
    name = forms.CharField(max_length=100, help_text="How you recognise it, e.g. #product-leads.")
    url = forms.CharField(
        label="Webhook URL",
        max_length=2000,
        help_text=(
            "Slack: an incoming webhook URL (https://hooks.slack.com/services/…). Teams: the URL of a "
            'workflow "Post to a channel when a webhook request is received". It is kept secret: only '
            "its host is shown afterwards."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        choices=list(CHAT_EVENTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_EVENTS_HELP,
    )
    team = forms.ChoiceField(choices=(), required=False, help_text=_TEAM_HELP)


class ChatChannelEditForm(ChannelTeamMixin, forms.Form):
    name = forms.CharField(max_length=100)
    events = forms.MultipleChoiceField(
        choices=list(CHAT_EVENTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_EVENTS_HELP,
    )
    team = forms.ChoiceField(choices=(), required=False, help_text=_TEAM_HELP)
    active = forms.BooleanField(
        label="Enabled", required=False, help_text="Enabling again clears the count of failed messages."
    )


class ReminderForm(forms.Form):
    acknowledgement_reminder_days = forms.IntegerField(
        label="Remind every (days)",
        required=False,
        min_value=0,
        max_value=365,
        help_text="People who have not acknowledged a revision that concerns them are reminded by email this "
        "many days after it was published, then every this many days; channels that chose acknowledgement "
        "reminders hear how many are left. Empty: the default; 0: never.",
    )


def _channel(access, channel_id: int) -> ChatChannel:
    return get_object_or_404(ChatChannel, pk=channel_id, organization=access.organization)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def chat_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    teams = teams_of(access.organization)
    form = ChatChannelForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            channel = chat.chat_channel_create(
                organization=access.organization, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{channel} connected. Send it a test message to check.")
            return redirect("settings-chat", org_slug)
    return _page(request, access, teams=teams, form=form)


def _page(request, access, *, teams, form=None, reminder_form=None) -> HttpResponse:
    organization = access.organization
    form = form or ChatChannelForm(teams=teams)
    reminder_form = reminder_form or ReminderForm(
        initial={"acknowledgement_reminder_days": organization.acknowledgement_reminder_days}
    )
    channels = list(ChatChannel.objects.filter(organization=organization).order_by("created_at", "id"))
    by_id = {team.pk: team for team in teams}
    for channel in channels:
        channel.team_label = chat.chat_channel_team_label(channel, by_id)
    context = {
        "organization": organization,
        "access": access,
        "channels": channels,
        "form": form,
        "has_teams": bool(teams),
        "reminder_form": reminder_form,
        "default_reminder_days": settings.ACKNOWLEDGEMENT_REMINDER_DAYS,
    }
    failed = form.errors or reminder_form.errors
    return render(request, "delivery/chat/list.html", context, status=400 if failed else 200)


@login_required
@require_POST
def chat_reminders(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organization's acknowledgement reminder interval (it decides emails and chat alike)."""
    access = require_org(request.user, org_slug, Need.OWN)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            organization = org_services.organization_update(
                organization=access.organization, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            days = organization.acknowledgement_reminder_days
            if days == 0:
                messages.success(request, "Nobody is reminded to acknowledge any more.")
            else:
                every = settings.ACKNOWLEDGEMENT_REMINDER_DAYS if days is None else days
                messages.success(request, f"People are reminded to acknowledge every {every} days.")
            return redirect("settings-chat", org_slug)
    return _page(request, access, teams=teams_of(access.organization), reminder_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def chat_edit(request: HttpRequest, org_slug: str, channel_id: int) -> HttpResponse:
    """A channel's page: its name, events, team and state in one form."""
    access = require_org(request.user, org_slug, Need.OWN)
    channel = _channel(access, channel_id)
    teams = teams_of(access.organization)
    initial = {
        "name": channel.name,
        "events": channel.events,
        "team": str(channel.team_id or WHOLE_ORGANIZATION),
        "active": channel.active,
    }
    form = ChatChannelEditForm(
        request.POST if request.method == "POST" else None, initial=initial, teams=teams
    )
    if request.method == "POST" and form.is_valid():
        try:
            channel = chat.chat_channel_update(channel=channel, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            channel.refresh_from_db()
        else:
            messages.success(request, f"{channel} saved.")
            return redirect("settings-chat", org_slug)
    by_id = {team.pk: team for team in teams}
    channel.team_label = chat.chat_channel_team_label(channel, by_id)
    recent = list(channel.messages.order_by("-created_at", "-id")[:RECENT_MESSAGES])
    context = {
        "organization": access.organization,
        "access": access,
        "channel": channel,
        "form": form,
        "recent": recent,
        "has_teams": bool(teams),
    }
    return render(request, "delivery/chat/edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def chat_test(request: HttpRequest, org_slug: str, channel_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    channel = _channel(access, channel_id)
    message = chat.chat_channel_test(channel=channel, user=request.user)
    message.refresh_from_db()
    if message.status == message.Status.SENT:
        messages.success(request, f"Test message sent to {channel}.")
    elif message.status == message.Status.FAILED or message.last_error:
        messages.error(request, f"The test message to {channel} failed: {message.last_error}")
    else:
        messages.success(request, f"Test message to {channel} queued.")
    return redirect("settings-chat", org_slug)


@login_required
@require_POST
def chat_set_active(request: HttpRequest, org_slug: str, channel_id: int, active: bool) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    channel = chat.chat_channel_update(channel=_channel(access, channel_id), active=active)
    messages.success(request, f"{channel} {'enabled' if active else 'disabled'}.")
    return redirect("settings-chat", org_slug)


@login_required
@require_POST
def chat_delete(request: HttpRequest, org_slug: str, channel_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    channel = _channel(access, channel_id)
    chat.chat_channel_delete(channel=channel)
    messages.success(request, f"{channel} disconnected.")
    return redirect("settings-chat", org_slug)
