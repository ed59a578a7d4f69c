"""Chat channels: Slack and Microsoft Teams channels an organization's owners connect, the events
they receive, and sending.

- Services: ``chat_channel_create`` / ``_update`` / ``_delete`` / ``chat_channel_test`` (owners;
  the URL is checked like a webhook's: http(s), no credentials, a public address).
- Fan-out: outbox handlers turn ``matrix.published`` (publication; sign-off requested when the
  revision needs it), ``signoff.completed`` (sign-off decided), ``review.due`` and
  ``acknowledgement.reminder`` (reminders.py) into one ``ChatMessage`` per subscribed active
  channel, in the platform's format (chat_format.py), with a link back to the page (``SITE_URL``).
- Teams: a channel is the whole organization's (every matrix's events, a team's matrices
  included) or one team's: the events of matrices of that team and of the teams under it, so a
  matrix of Product / Mobile reaches Product's channels and Mobile's, not Web's. Deleting a team
  with channels is refused (the foreign key RESTRICTs; orgs.teams.team_delete names them); merging
  a team into another moves its channels to the target (``chat_channels_follow_merge``).
- Sending: ``chat_attempt`` posts once through the webhooks' sender (raci/delivery/sending.py: the
  address pinned at connect time, redirects refused), retries with the webhooks' backoff up to
  ``WEBHOOK_MAX_ATTEMPTS``, and after ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed messages in a row
  disables the channel. The retry sweep (``chat_retry_sweep``, every minute) picks up what a lost
  task or eager mode left pending.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from orgs.models import Team
from orgs.teams import lineages, team_find, team_label, team_of
from raci.delivery.chat_format import ChatNote, chat_body
from raci.delivery.models import CHAT_EVENTS, ChatChannel, ChatMessage
from raci.delivery.sending import USER_AGENT, post_once, webhook_backoff
from raci.delivery.webhooks import webhook_target_validate, webhook_url_validate
from raci.discussion.notifications import mention_line, thread_url
from raci.discussion.services import MENTIONED_EVENT
from raci.matrices.models import Matrix
from raci.outbox.handlers import enqueue_on_commit, outbox_handler
from raci.outbox.models import OutboxEvent
from raci.revisions.models import Revision
from raci.revisions.selectors import revision_diff, snapshot_grid

logger = logging.getLogger(__name__)

TEST_KIND = "test"
# Changed cells a publication message names before "and N more".
CHANGES_LISTED = 5


# Validation and services -----------------------------------------------------------------


def chat_events_validate(events: Iterable[str] | None) -> list[str]:
    """Known chat events, deduplicated, in CHAT_EVENTS order; empty means every event."""
    if events is None:
        return []
    if isinstance(events, str):
        raise ValidationError({"events": ["Give a list of events."]})
    wanted = [str(event) for event in events]
    unknown = sorted(set(wanted) - set(CHAT_EVENTS))
    if unknown:
        raise ValidationError(
            {"events": [f"Unknown event {', '.join(unknown)}; choose from {', '.join(CHAT_EVENTS)}."]}
        )
    return [event for event in CHAT_EVENTS if event in wanted]


def _platform_validate(platform: str) -> str:
    if platform not in ChatChannel.Platform.values:
        raise ValidationError({"platform": ["Choose slack or teams."]})
    return platform


def chat_team_resolve(organization, value) -> Team | None:
    """A channel's team from what a form or the API gives: a Team, an id (``12``, ``"12"``) or a
    path of names (``"Product / Mobile"``); None or "" for the whole organization. Another
    organization's team, or one that does not exist, is a ValidationError on ``team``."""
    if value is None or value == "":
        return None
    if isinstance(value, Team):
        if value.organization_id != organization.pk:
            raise ValidationError({"team": [f"{organization.name} has no such team."]})
        return value
    if isinstance(value, bool):
        raise ValidationError({"team": ["Give a team's id or its path, like Product / Mobile."]})
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value)
        if number > 2**31 - 1:
            raise ValidationError({"team": [f"{organization.name} has no team {number}."]})
        return team_of(organization, number)
    if isinstance(value, str):
        team = team_find(organization, value)
        if team is None:
            raise ValidationError({"team": [f"{organization.name} has no team {value.strip()[:200]}."]})
        return team
    raise ValidationError({"team": ["Give a team's id or its path, like Product / Mobile."]})


def chat_channel_team_label(channel: ChatChannel, teams_by_id: dict[int, Team]) -> str:
    """``Product / Mobile`` for a team's channel, "" for the organization's."""
    if channel.team_id is None:
        return ""
    team = teams_by_id.get(channel.team_id)
    return team_label(team, teams_by_id) if team is not None else ""


def chat_channel_create(
    *, organization, platform: str, name: str, url: str, events=None, team=None, created_by=None
):
    channel = ChatChannel(
        organization=organization,
        platform=_platform_validate(platform),
        name=(name or "").strip(),
        url=webhook_url_validate(url),
        events=chat_events_validate(events),
        team=chat_team_resolve(organization, team),
        created_by=created_by,
    )
    channel.full_clean()
    webhook_target_validate(channel.url)
    channel.save()
    return channel


_UNCHANGED = object()


def chat_channel_update(
    *, channel: ChatChannel, name=None, events=None, active=None, team=_UNCHANGED
) -> ChatChannel:
    """Rename, choose events, move to a team (None: the whole organization), or enable/disable;
    enabling clears the failure count and reason."""
    fields = []
    if team is not _UNCHANGED:
        channel.team = chat_team_resolve(channel.organization, team)
        fields.append("team")
    if name is not None:
        channel.name = name.strip()
        fields.append("name")
    if events is not None:
        channel.events = chat_events_validate(events)
        fields.append("events")
    if active is not None and bool(active) != channel.active:
        channel.active = bool(active)
        if channel.active:
            channel.disabled_at, channel.disabled_reason, channel.consecutive_failures = None, "", 0
        fields += ["active", "disabled_at", "disabled_reason", "consecutive_failures"]
    channel.full_clean()
    if fields:
        channel.save(update_fields=fields)
    return channel


def chat_channel_delete(*, channel: ChatChannel) -> None:
    channel.delete()


def chat_channel_test(*, channel: ChatChannel, user=None) -> ChatMessage:
    """ "Send a test message": sent now, in the request, so the page can say whether it went; a
    failed first attempt is retried like any message. It says which events the channel receives."""
    who = (user.get_full_name() or user.get_username()) if user is not None else "An owner"
    chosen = [CHAT_EVENTS[event] for event in (channel.events or list(CHAT_EVENTS))]
    note = ChatNote(
        title=f"RACI is connected to {channel.name}",
        lines=(f"{who} sent this test message from {channel.organization.name}.", *chosen),
        url=_absolute(reverse("settings-chat", args=[channel.organization.slug])),
    )
    message = ChatMessage.objects.create(
        channel=channel,
        kind=TEST_KIND,
        body=chat_body(channel.platform, note),
        next_attempt_at=timezone.now(),
    )
    return chat_attempt(message_id=message.pk) or message


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _queue(channel: ChatChannel, kind: str, note: ChatNote, *, event: OutboxEvent | None) -> ChatMessage:
    message = ChatMessage.objects.create(
        channel=channel,
        event=event,
        kind=kind,
        body=chat_body(channel.platform, note),
        next_attempt_at=timezone.now(),
    )
    from raci.delivery.tasks import send_chat_message

    enqueue_on_commit(send_chat_message, message.pk)
    return message


# Fan-out ---------------------------------------------------------------------------------


def chat_channels_for(*, organization_id: int, team_id: int | None):
    """The active channels that hear about a matrix of ``team_id`` (None: the whole organization):
    the organization's own channels, and those of the team and every team above it."""
    scope = Q(team__isnull=True)
    if team_id is not None:
        scope |= Q(team_id__in=lineages([team_id]).get(team_id) or [team_id])
    return ChatChannel.objects.filter(scope, organization_id=organization_id, active=True)


def _fan_out(event: OutboxEvent, kind: str, note: ChatNote, *, team_id: int | None = None) -> None:
    """A message for each active channel that chose ``kind`` and hears about matrices of
    ``team_id`` (None: the organization's channels only), once per channel and event."""
    channels = [
        channel
        for channel in chat_channels_for(organization_id=event.organization_id, team_id=team_id)
        if channel.receives(kind)
    ]
    done = set(ChatMessage.objects.filter(event=event, kind=kind).values_list("channel_id", flat=True))
    for channel in channels:
        if channel.pk not in done:
            _queue(channel, kind, note, event=event)


@outbox_handler("matrix.published")
def chat_publication(event: OutboxEvent) -> None:
    """What changed in the published revision and whose letters, and a sign-off request if needed."""
    if not ChatChannel.objects.filter(organization_id=event.organization_id, active=True).exists():
        return
    revision = Revision.objects.select_related("matrix__organization").get(pk=event.payload["revision"]["id"])
    matrix = revision.matrix
    previous = Revision.objects.filter(matrix=matrix, number__lt=revision.number).order_by("-number").first()
    url = _absolute(reverse("revision-detail", args=[matrix.organization.slug, matrix.pk, revision.number]))
    _fan_out(
        event,
        "publication",
        ChatNote(f"{matrix.name}: revision {revision.number} published", _changes(previous, revision), url),
        team_id=matrix.team_id,
    )
    if event.payload.get("signoff_required"):
        asked = revision.signoffs.select_related("person").order_by("person__name")
        names = ", ".join(signoff.person.name for signoff in asked) or "nobody yet"
        note = ChatNote(
            f"{matrix.name}: sign-off requested on revision {revision.number}",
            (f"Asked to sign off: {names}.",),
            url,
            link_text="Review and sign off",
        )
        _fan_out(event, "signoff.requested", note, team_id=matrix.team_id)


def _changes(previous: Revision | None, revision: Revision) -> tuple[str, ...]:
    current = snapshot_grid(revision)
    if previous is None:
        return (f"First publication: {len(current.tasks)} tasks, {len(current.roles)} roles.",)
    diff = revision_diff(snapshot_grid(previous), current)
    if diff.is_empty:
        return ("Republished without changes to tasks or letters.",)
    lines = []
    if diff.added_tasks or diff.removed_tasks or diff.renamed_tasks:
        lines.append(
            f"Tasks: {len(diff.added_tasks)} added, {len(diff.removed_tasks)} removed, "
            f"{len(diff.renamed_tasks)} renamed."
        )
    if diff.changed_cells:
        roles = sorted({cell["role"] for cell in diff.changed_cells})
        lines.append(f"{len(diff.changed_cells)} letters changed, for {', '.join(roles)}:")
        for cell in diff.changed_cells[:CHANGES_LISTED]:
            before, after = "/".join(cell["before"]) or "—", "/".join(cell["after"]) or "—"
            lines.append(f"{cell['name']}, {cell['role']}: {before} → {after}")
        if len(diff.changed_cells) > CHANGES_LISTED:
            lines.append(f"and {len(diff.changed_cells) - CHANGES_LISTED} more")
    return tuple(lines)


@outbox_handler("signoff.completed")
def chat_signoff_decided(event: OutboxEvent) -> None:
    if not ChatChannel.objects.filter(organization_id=event.organization_id, active=True).exists():
        return
    revision = Revision.objects.select_related("matrix__organization").get(pk=event.payload["revision"]["id"])
    matrix = revision.matrix
    payload = event.payload
    note = ChatNote(
        f"{matrix.name}: revision {revision.number} {payload['outcome']}",
        (f"{payload['approved']} approved, {payload['rejected']} rejected.",),
        _absolute(reverse("revision-detail", args=[matrix.organization.slug, matrix.pk, revision.number])),
    )
    _fan_out(event, "signoff.decided", note, team_id=matrix.team_id)


@outbox_handler("review.due")
def chat_review_due(event: OutboxEvent) -> None:
    payload = event.payload
    note = ChatNote(
        f"{payload['matrix']['name']} is due for review",
        (
            f"Revision {payload['revision']['number']} was published on {payload['published_on']}; "
            "check that ownership still matches how the company works, then publish a new revision.",
        ),
        _absolute(reverse("matrix-detail", args=[payload["organization"], payload["matrix"]["id"]])),
    )
    _fan_out(event, "review.due", note, team_id=_team_of_event(payload))


def _team_of_event(payload: dict) -> int | None:
    """The matrix's team as the event says it (events queued before teams: read it)."""
    if "team" in payload:
        return payload["team"]
    return Matrix.objects.filter(pk=payload["matrix"]["id"]).values_list("team_id", flat=True).first()


@outbox_handler("acknowledgement.reminder")
def chat_acknowledgement_reminder(event: OutboxEvent) -> None:
    """One message per matrix and reminder round: how many people still have to acknowledge the
    latest revision (never who: a channel is not the place to single people out)."""
    payload = event.payload
    pending, concerned = payload["pending"], payload["concerned"]
    people = "1 person" if pending == 1 else f"{pending} people"
    number = payload["revision"]["number"]
    note = ChatNote(
        f"{payload['matrix']['name']}: {people} still to acknowledge revision {number}",
        (
            f"Revision {payload['revision']['number']} was published on {payload['published_on']}; "
            f"{pending} of the {concerned} people who hold letters in it have not acknowledged it yet.",
            f"They have been reminded by email ({payload['reminded']} this time).",
        ),
        _absolute(
            reverse(
                "revision-detail",
                args=[payload["organization"], payload["matrix"]["id"], payload["revision"]["number"]],
            )
        ),
        link_text="Open the revision",
    )
    _fan_out(event, "acknowledgement.reminder", note, team_id=_team_of_event(payload))


def chat_channels_follow_merge(*, source: Team, target: Team, **kwargs) -> None:
    """A team merging into another takes its channels along (orgs.teams.team_merge)."""
    ChatChannel.objects.filter(team=source).update(team=target)


@outbox_handler(MENTIONED_EVENT)
def chat_mention(event: OutboxEvent) -> None:
    """Channels that chose "discussion": who was mentioned where, with the comment's start."""
    payload = event.payload
    names = ", ".join(f"@{name}" for name in payload.get("mentioned_names", ()))
    note = ChatNote(
        mention_line(payload, whom=names or "someone"),
        (payload["excerpt"],),
        thread_url(payload),
        link_text="Open the thread",
    )
    _fan_out(event, "discussion", note, team_id=_team_of_event(payload))


# Sending ---------------------------------------------------------------------------------


def chat_attempt(*, message_id: int) -> ChatMessage | None:
    """One POST of a pending, due message (claimed under a lease, so a duplicate task sends nothing);
    then sent, the next attempt scheduled, or failed and counted against its channel."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            ChatMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel")
            .filter(pk=message_id, status=ChatMessage.Status.PENDING)
            .first()
        )
        if message is None or (
            message.next_attempt_at and message.next_attempt_at > now + timedelta(seconds=5)
        ):
            return None
        if not message.channel.active:
            message.status, message.completed_at, message.next_attempt_at = (
                ChatMessage.Status.FAILED,
                now,
                None,
            )
            message.last_error = "Not sent: the channel is disabled."
            message.save(update_fields=["status", "completed_at", "next_attempt_at", "last_error"])
            return message
        message.next_attempt_at = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 60)
        message.save(update_fields=["next_attempt_at"])

    body = json.dumps(message.body, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    outcome = post_once(
        message.channel.url,
        body,
        {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
    )

    with transaction.atomic():
        message = ChatMessage.objects.select_for_update().filter(pk=message.pk).first()
        if message is None:
            return None
        done = timezone.now()
        message.attempts += 1
        message.last_status_code = outcome.status_code
        message.last_error = outcome.error
        if outcome.ok:
            message.status, message.completed_at, message.next_attempt_at = (
                ChatMessage.Status.SENT,
                done,
                None,
            )
            ChatChannel.objects.filter(pk=message.channel_id, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
        elif outcome.refused or message.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            message.status, message.completed_at, message.next_attempt_at = (
                ChatMessage.Status.FAILED,
                done,
                None,
            )
            _channel_failed(message.channel_id, at=done)
        else:
            message.next_attempt_at = done + timedelta(seconds=webhook_backoff(message.attempts))
        message.save(
            update_fields=[
                "attempts",
                "last_status_code",
                "last_error",
                "status",
                "completed_at",
                "next_attempt_at",
            ]
        )
    if not outcome.ok:
        logger.info("Chat message %s attempt %d failed: %s", message.pk, message.attempts, outcome.error)
    return message


def _channel_failed(channel_id: int, *, at) -> None:
    channel = ChatChannel.objects.select_for_update().get(pk=channel_id)
    channel.consecutive_failures += 1
    fields = ["consecutive_failures"]
    if channel.active and channel.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        channel.active, channel.disabled_at = False, at
        channel.disabled_reason = f"Disabled after {channel.consecutive_failures} failed messages in a row."
        fields += ["active", "disabled_at", "disabled_reason"]
    channel.save(update_fields=fields)


def chat_due_ids(*, limit: int = 500) -> list[int]:
    """Pending messages overdue by more than the sweep's grace, for the retry sweep."""
    grace = timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    return list(
        ChatMessage.objects.filter(
            status=ChatMessage.Status.PENDING, next_attempt_at__lte=timezone.now() - grace
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
