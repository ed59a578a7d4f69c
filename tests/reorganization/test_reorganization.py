"""A reorganization: what moving people and teams does to every matrix, and doing it."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from orgs.models import Person, RoleHolding, Team
from orgs.teams import holding_add
from raci.matrices.history import SYSTEM
from raci.matrices.models import ChangeRecord
from raci.reorganization.moves import moves_parse
from raci.reorganization.services import reorganization_apply, reorganization_preview
from tests.factories import PersonFactory, RoleFactory, TeamFactory
from tests.helpers import assert_error


@pytest.fixture
def company(org, build_matrix):
    product = TeamFactory(organization=org, name="Product")
    mobile = TeamFactory(organization=org, name="Mobile", parent=product)
    web = TeamFactory(organization=org, name="Web", parent=product)
    pm = RoleFactory(organization=org, code="PM")
    ben = PersonFactory(organization=org, name="Ben", email="ben@example.com")
    chloe = PersonFactory(organization=org, name="Chloe", email="chloe@example.com")
    holding_add(person=ben, role=pm, team=mobile)
    holding_add(person=chloe, role=pm, team=web)
    mobile_plan = build_matrix(organization=org, name="Mobile plan", roles=["PM"], tasks=4, team=mobile)
    web_plan = build_matrix(organization=org, name="Web plan", roles=["PM"], tasks=3, team=web)
    return {
        "product": product, "mobile": mobile, "web": web, "pm": pm, "ben": ben, "chloe": chloe,
        "mobile_plan": mobile_plan, "web_plan": web_plan,
    }  # fmt: skip


def _moves(org, *moves):
    return moves_parse(org, list(moves))


def _ben_to_web(company):
    return {
        "kind": "move_person",
        "person": company["ben"].pk,
        "from_team": company["mobile"].pk,
        "to_team": company["web"].pk,
    }


def _roles(impact, name):
    matrix = next(m for m in impact.matrices if m.name == name)
    return {r.role: (r.before, r.after) for r in matrix.roles}


def test_moving_a_person_shows_every_matrix_whose_people_change(org, company):
    impact = reorganization_preview(organization=org, moves=_moves(org, _ben_to_web(company)), actor=SYSTEM)
    assert _roles(impact, "Mobile plan") == {"PM": (("Ben",), ())}
    assert _roles(impact, "Web plan") == {"PM": (("Chloe",), ("Ben", "Chloe"))}


def test_a_preview_changes_nothing(org, company):
    reorganization_preview(organization=org, moves=_moves(org, _ben_to_web(company)), actor=SYSTEM)
    assert RoleHolding.objects.get(person=company["ben"]).team == company["mobile"]
    assert not ChangeRecord.objects.exists()


def test_the_findings_before_and_after_are_shown(org, company):
    impact = reorganization_preview(organization=org, moves=_moves(org, _ben_to_web(company)), actor=SYSTEM)
    mobile = next(m for m in impact.matrices if m.name == "Mobile plan")
    assert any("PM" in text for text in mobile.introduced)


def test_the_people_who_gain_or_lose_work_are_listed(org, company):
    impact = reorganization_preview(organization=org, moves=_moves(org, _ben_to_web(company)), actor=SYSTEM)
    (ben,) = impact.people
    assert ben.gained == [("Web plan", "PM", 3, 3)]
    assert ben.lost == [("Mobile plan", "PM", 4, 4)]


def test_applying_moves_the_person_and_notes_it_in_each_matrixs_history(
    org, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reorganization_apply(organization=org, moves=_moves(org, _ben_to_web(company)), actor=SYSTEM)
    assert RoleHolding.objects.get(person=company["ben"]).team == company["web"]
    note = ChangeRecord.objects.get(matrix=company["web_plan"], field="who does PM")
    assert (note.before, note.after) == ("Chloe", "Ben, Chloe")


def test_applying_emails_the_people_whose_responsibilities_changed(
    org, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reorganization_apply(organization=org, moves=_moves(org, _ben_to_web(company)), actor=SYSTEM)
    (message,) = mail.outbox
    assert message.to == ["ben@example.com"]
    assert "PM in Web plan: Accountable for 3 tasks" in message.body
    assert "Ben moves from Product / Mobile to Product / Web" in message.body


def test_a_refusal_half_way_leaves_nothing_changed(org, company):
    moves = _moves(
        org,
        _ben_to_web(company),
        {"kind": "move_team", "team": company["product"].pk, "to_team": company["mobile"].pk},
    )
    with pytest.raises(ValidationError, match="under itself"):
        reorganization_apply(organization=org, moves=moves, actor=SYSTEM)
    assert RoleHolding.objects.get(person=company["ben"]).team == company["mobile"]
    assert not ChangeRecord.objects.exists()


def test_merging_a_team_moves_its_matrices_people_and_roles(org, company):
    moves = _moves(org, {"kind": "merge_teams", "team": company["web"].pk, "to_team": company["mobile"].pk})
    impact = reorganization_apply(organization=org, moves=moves, actor=SYSTEM)
    company["web_plan"].refresh_from_db()
    assert company["web_plan"].team == company["mobile"]
    assert not Team.objects.filter(pk=company["web"].pk).exists()
    assert set(RoleHolding.objects.values_list("team", flat=True)) == {company["mobile"].pk}
    web = next(m for m in impact.matrices if m.name == "Web plan")
    assert (web.team_before, web.team_after) == ("Product / Web", "Product / Mobile")


def test_someone_leaving_leaves_their_roles_to_nobody(org, company):
    moves = _moves(org, {"kind": "leave", "person": company["chloe"].pk})
    impact = reorganization_apply(organization=org, moves=moves, actor=SYSTEM)
    assert _roles(impact, "Web plan") == {"PM": (("Chloe",), ())}
    assert not Person.objects.get(pk=company["chloe"].pk).active


def test_moves_naming_another_organizations_people_are_refused(org, company):
    with pytest.raises(ValidationError, match="no person"):
        _moves(org, {"kind": "leave", "person": PersonFactory().pk})


@pytest.mark.parametrize("extra", [0, 6])
def test_a_preview_costs_the_same_queries_for_more_matrices(
    org, company, build_matrix, extra, django_assert_num_queries
):
    for i in range(extra):
        build_matrix(organization=org, name=f"Extra {i}", roles=["PM"], tasks=2, team=company["web"])
    moves = _moves(org, _ben_to_web(company))
    # Constant in the number of matrices: the moves, then each state read by the one loader.
    with django_assert_num_queries(28):
        reorganization_preview(organization=org, moves=moves, actor=SYSTEM)


# --- API and page ------------------------------------------------------------------------------


def test_the_api_previews_then_applies(client_for, editor, org, company):
    url = f"/api/v1/orgs/{org.slug}/reorganization/"
    body = {"moves": [_ben_to_web(company)]}
    preview = client_for(editor).post(url, body, format="json")
    assert preview.status_code == 200
    assert preview.json()["applied"] is False
    assert RoleHolding.objects.get(person=company["ben"]).team == company["mobile"]
    applied = client_for(editor).post(url, {**body, "apply": True}, format="json")
    assert applied.json()["applied"] is True
    assert RoleHolding.objects.get(person=company["ben"]).team == company["web"]


def test_the_api_refuses_viewers_and_hides_from_outsiders(client_for, viewer, outsider, org, company):
    url = f"/api/v1/orgs/{org.slug}/reorganization/"
    body = {"moves": [_ben_to_web(company)]}
    assert client_for(viewer).post(url, body, format="json").status_code == 403
    assert client_for(outsider).post(url, body, format="json").status_code == 404


def test_the_api_answers_a_bad_move_with_a_clear_error(client_for, editor, org, company):
    answer = client_for(editor).post(
        f"/api/v1/orgs/{org.slug}/reorganization/", {"moves": [{"kind": "teleport"}]}, format="json"
    )
    error = assert_error(answer, 400)
    assert "kind is one of" in json.dumps(error)


def test_the_page_adds_a_move_and_shows_its_impact(client, editor, org, company):
    client.force_login(editor)
    move = _ben_to_web(company)
    page = client.post(f"/o/{org.slug}/reorganize/", {"action": "add", "moves": "[]", **move})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Ben moves from Product / Mobile to Product / Web" in text
    assert "Web plan" in text


def test_the_page_applies_the_moves(client, editor, org, company):
    client.force_login(editor)
    moves = json.dumps([_ben_to_web(company)])
    answer = client.post(f"/o/{org.slug}/reorganize/", {"action": "apply", "moves": moves})
    assert answer.status_code == 302
    assert RoleHolding.objects.get(person=company["ben"]).team == company["web"]
