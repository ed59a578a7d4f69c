"""Chat channels per team: routing up the tree, the team in the form and the API (validated within
the organization), the channel's edit page, and what happens to a team's channels when the team is
deleted (refused) or merged (they follow)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.teams import TeamInUse, team_delete, team_merge
from raci.delivery import chat
from raci.delivery.models import ChatChannel, ChatMessage
from tests.delivery.test_chat import assert_slack_shape, bodies
from tests.delivery.test_webhooks import Receiver
from tests.factories import OrganizationFactory, TeamFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    settings.SITE_URL = "https://raci.example"
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def tree(org):
    """Product with Mobile and Web under it."""
    product = TeamFactory(organization=org, name="Product")
    return {
        "product": product,
        "mobile": TeamFactory(organization=org, name="Mobile", parent=product),
        "web": TeamFactory(organization=org, name="Web", parent=product),
    }


def connect(org, receiver, name, team=None, events=("publication",)):
    return chat.chat_channel_create(
        organization=org, platform="slack", name=name, url=receiver.url, events=list(events), team=team
    )


def heard(kind="publication") -> set[str]:
    return set(ChatMessage.objects.filter(kind=kind).values_list("channel__name", flat=True))


# Routing ----------------------------------------------------------------------------------------


def test_a_child_team_matrix_reaches_the_parent_team_and_the_organization_not_a_sibling(
    org, tree, build_matrix, receiver, django_capture_on_commit_callbacks
):
    for name, team in [("#all", None), ("#product", "product"), ("#mobile", "mobile"), ("#web", "web")]:
        connect(org, receiver, name, team=tree[team] if team else None)

    with django_capture_on_commit_callbacks(execute=True):
        build_matrix(organization=org, tasks=2, roles=2, published=True, team=tree["mobile"])

    assert heard() == {"#all", "#product", "#mobile"}
    for body in bodies(receiver, 3):
        assert_slack_shape(body)


def test_a_matrix_of_the_whole_organization_reaches_only_the_organizations_channels(
    org, tree, build_matrix, receiver, django_capture_on_commit_callbacks
):
    connect(org, receiver, "#all")
    connect(org, receiver, "#product", team=tree["product"])

    with django_capture_on_commit_callbacks(execute=True):
        build_matrix(organization=org, tasks=2, roles=2, published=True)

    assert heard() == {"#all"}


def test_routing_reads_the_channels_in_a_fixed_number_of_queries(
    org, tree, django_assert_num_queries, receiver
):
    connect(org, receiver, "#mobile", team=tree["mobile"])

    # The team's path, then the channels of the organization and of the team's lineage.
    with django_assert_num_queries(2):
        found = list(chat.chat_channels_for(organization_id=org.pk, team_id=tree["mobile"].pk))

    assert [channel.name for channel in found] == ["#mobile"]


# The team in the service and the API --------------------------------------------------------------


def test_a_team_is_found_by_id_or_by_path(org, tree):
    assert chat.chat_team_resolve(org, tree["web"].pk) == tree["web"]
    assert chat.chat_team_resolve(org, str(tree["web"].pk)) == tree["web"]
    assert chat.chat_team_resolve(org, "Product / Web") == tree["web"]
    assert chat.chat_team_resolve(org, "") is None


def test_api_connects_a_team_channel_by_path_and_lists_it_with_its_path(
    client_for, owner, org, tree, receiver
):
    api = client_for(owner)

    created = api.post(
        reverse("api-chat-channels", args=[org.slug]),
        {"platform": "teams", "name": "#mobile", "url": receiver.url, "team": "Product/Mobile"},
        format="json",
    )
    listed = api.get(reverse("api-chat-channels", args=[org.slug]))

    assert created.status_code == 201
    assert (created.json()["team"], created.json()["team_path"]) == (tree["mobile"].pk, "Product / Mobile")
    assert listed.json()["results"][0]["team_path"] == "Product / Mobile"


def test_api_moves_a_channel_to_a_team_by_id_then_back_to_the_organization(
    client_for, owner, org, tree, receiver
):
    channel = connect(org, receiver, "#x")
    url = reverse("api-chat-channel", args=[org.slug, channel.pk])
    api = client_for(owner)

    to_team = api.patch(url, {"team": tree["web"].pk}, format="json")
    back = api.patch(url, {"team": None}, format="json")

    assert to_team.json()["team_path"] == "Product / Web"
    assert (back.json()["team"], back.json()["team_path"]) == (None, "")


def test_api_refuses_another_organizations_team_with_400_and_saves_nothing(client_for, owner, org, receiver):
    elsewhere = TeamFactory(organization=OrganizationFactory(), name="Theirs")

    response = client_for(owner).post(
        reverse("api-chat-channels", args=[org.slug]),
        {"platform": "slack", "name": "#x", "url": receiver.url, "team": elsewhere.pk},
        format="json",
    )

    assert_error(response, 400)
    assert "Theirs" not in response.content.decode()
    assert not ChatChannel.objects.exists()


@pytest.mark.parametrize("team", ["Product / Nowhere", "99999999999", True, ["Product"]])
def test_api_refuses_a_team_that_does_not_exist_here(client_for, owner, org, tree, receiver, team):
    channel = connect(org, receiver, "#x")

    response = client_for(owner).patch(
        reverse("api-chat-channel", args=[org.slug, channel.pk]), {"team": team}, format="json"
    )

    assert_error(response, 400)
    channel.refresh_from_db()
    assert channel.team_id is None


# The settings page and the channel's page ----------------------------------------------------------


def test_owner_connects_a_team_channel_from_the_page_and_the_list_names_the_team(
    client, owner, org, tree, receiver
):
    client.force_login(owner)
    url = reverse("settings-chat", args=[org.slug])

    created = client.post(
        url, {"platform": "slack", "name": "#web", "url": receiver.url, "team": str(tree["web"].pk)}
    )
    page = client.get(url).content.decode()

    assert created.status_code == 302
    assert ChatChannel.objects.get().team == tree["web"]
    assert "Product / Web" in page


def test_the_page_has_no_team_field_while_the_organization_has_no_teams(client, owner, org):
    client.force_login(owner)

    page = client.get(reverse("settings-chat", args=[org.slug])).content.decode()

    assert 'name="team"' not in page


def test_owner_edits_name_events_team_and_state_on_the_channels_page(client, owner, org, tree, receiver):
    channel = connect(org, receiver, "#old", events=["publication"])
    client.force_login(owner)
    url = reverse("settings-chat-channel", args=[org.slug, channel.pk])
    assert client.get(url).status_code == 200

    saved = client.post(
        url,
        {
            "name": "#new",
            "events": ["review.due", "acknowledgement.reminder"],
            "team": str(tree["product"].pk),
            "active": "",
        },
    )

    channel.refresh_from_db()
    assert saved.status_code == 302
    assert (channel.name, channel.events, channel.team, channel.active) == (
        "#new",
        ["review.due", "acknowledgement.reminder"],
        tree["product"],
        False,
    )


def test_enabling_a_disabled_channel_on_its_page_clears_its_failures(client, owner, org, receiver):
    channel = connect(org, receiver, "#x")
    ChatChannel.objects.filter(pk=channel.pk).update(
        active=False, consecutive_failures=5, disabled_reason="Disabled after 5 failed messages in a row."
    )
    client.force_login(owner)

    client.post(
        reverse("settings-chat-channel", args=[org.slug, channel.pk]),
        {"name": "#x", "events": ["publication"], "active": "on"},
    )

    channel.refresh_from_db()
    assert (channel.active, channel.consecutive_failures, channel.disabled_reason) == (True, 0, "")


def test_the_edit_page_refuses_an_empty_name_and_changes_nothing(client, owner, org, receiver):
    channel = connect(org, receiver, "#x")
    client.force_login(owner)

    response = client.post(
        reverse("settings-chat-channel", args=[org.slug, channel.pk]), {"name": "", "active": "on"}
    )

    assert response.status_code == 400
    channel.refresh_from_db()
    assert (channel.name, channel.events) == ("#x", ["publication"])


def test_the_edit_page_refuses_another_organizations_team(client, owner, org, tree, receiver):
    channel = connect(org, receiver, "#x")
    elsewhere = TeamFactory(organization=OrganizationFactory(), name="Theirs")
    client.force_login(owner)

    response = client.post(
        reverse("settings-chat-channel", args=[org.slug, channel.pk]),
        {"name": "#x", "team": str(elsewhere.pk), "active": "on"},
    )

    assert response.status_code == 400
    channel.refresh_from_db()
    assert channel.team_id is None


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_reach_or_change_a_channels_page(client, org, receiver, who, status, request):
    channel = connect(org, receiver, "#x")
    client.force_login(request.getfixturevalue(who))
    url = reverse("settings-chat-channel", args=[org.slug, channel.pk])

    assert client.get(url).status_code == status
    assert client.post(url, {"name": "#taken", "active": "on"}).status_code == status
    channel.refresh_from_db()
    assert channel.name == "#x"


def test_a_missing_channel_or_another_organizations_is_404(client, owner, org, receiver):
    theirs = connect(OrganizationFactory(), receiver, "#theirs")
    client.force_login(owner)

    assert client.get(reverse("settings-chat-channel", args=[org.slug, 999999])).status_code == 404
    assert client.get(reverse("settings-chat-channel", args=[org.slug, theirs.pk])).status_code == 404


# Deleting and merging teams ----------------------------------------------------------------------


def test_deleting_a_team_with_a_channel_is_refused_with_a_clear_message(org, tree, receiver):
    connect(org, receiver, "#web", team=tree["web"])

    with pytest.raises(TeamInUse, match="Web still has 1 chat channel; move them to another team"):
        team_delete(team=tree["web"])

    assert ChatChannel.objects.get().team == tree["web"]


def test_the_teams_api_answers_409_for_a_team_with_a_channel(client_for, editor, org, tree, receiver):
    connect(org, receiver, "#web", team=tree["web"])

    response = client_for(editor).delete(reverse("api-team", args=[org.slug, tree["web"].pk]))

    assert_error(response, 409, "team_in_use")
    assert "chat channel" in response.content.decode()


def test_the_team_page_says_why_a_team_with_a_channel_is_not_deleted(client, editor, org, tree, receiver):
    connect(org, receiver, "#web", team=tree["web"])
    client.force_login(editor)

    response = client.post(reverse("settings-team-delete", args=[org.slug, tree["web"].pk]), follow=True)

    assert "Web still has 1 chat channel" in response.content.decode()


def test_a_team_without_channels_is_still_deleted(org, tree):
    team_delete(team=tree["web"])


def test_deleting_the_organization_deletes_its_team_channels(org, tree, receiver):
    connect(org, receiver, "#web", team=tree["web"])

    org.delete()

    assert not ChatChannel.objects.exists()


def test_a_merged_teams_channels_move_to_the_team_it_joins(org, tree, receiver):
    connect(org, receiver, "#web", team=tree["web"])

    team_merge(source=tree["web"], target=tree["mobile"])

    assert ChatChannel.objects.get().team == tree["mobile"]
