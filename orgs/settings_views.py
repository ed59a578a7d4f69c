"""Settings pages: roles and who holds them, people, members and access levels, API tokens.

Every organization page resolves access with ``require_org`` first (outsiders 404, members
below the needed level 403), then fetches objects within that organization, so another
organization's id is a 404. Writes go through ``orgs.services``; their ``ValidationError``
is shown on the form and changes nothing. Reads need view access, writes edit access
(roles, people) or owner access (members, and linking a person to a member's account).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from orgs import services
from orgs.access import Need, OrgAccess, require_org
from orgs.accounts import sign_in_unlock
from orgs.forms import (
    ApiTokenForm,
    DiscussionSettingForm,
    InvitationForm,
    MemberAddForm,
    MemberLevelForm,
    PersonForm,
    RoleForm,
    SplitPairsForm,
    SsoDomainForm,
    add_service_errors,
)
from orgs.invitations import pending_invitations
from orgs.models import ApiToken, Membership, Person, Role, RoleHolding
from orgs.teams import holdings_prefetch

# Re-rendered forms with errors answer 400 so scripts and tests see that nothing happened.
INVALID = 400
SAFE = ("GET", "HEAD")


def _access(request: HttpRequest, org_slug: str, *, write: Need) -> OrgAccess:
    """View access to read the page, ``write`` access to post to it."""
    return require_org(request.user, org_slug, Need.VIEW if request.method in SAFE else write)


def _posted(request: HttpRequest):
    """The submitted data, or None for a page load (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _context(access: OrgAccess, **extra) -> dict:
    return {"organization": access.organization, "access": access, **extra}


def _confirm(request: HttpRequest, access: OrgAccess, **context) -> HttpResponse:
    """The confirmation step before a deletion: a page whose only control is a POST button."""
    return render(request, "orgs/settings/confirm.html", _context(access, **context))


# Roles -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def roles(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = _access(request, org_slug, write=Need.EDIT)
    form = RoleForm(_posted(request), organization=access.organization)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(organization=access.organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Role {role.code} added.")
            return redirect("settings-roles", access.organization.slug)
    return _roles_page(request, access, form=form, status=INVALID if form.errors else 200)


def _roles_page(
    request: HttpRequest,
    access: OrgAccess,
    *,
    form: RoleForm | None = None,
    pairs_form: SplitPairsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organization = access.organization
    # Two queries whatever the number of roles and people: roles, then who holds them.
    role_list = organization.roles.prefetch_related(
        Prefetch(
            "holdings",
            queryset=RoleHolding.objects.select_related("person", "team").order_by(
                "person__name", "team__path"
            ),
        )
    )
    declared = organization.rule_settings.get("split_pairs")
    if pairs_form is None:
        text = "\n".join(" ".join(pair) for pair in declared or ())
        pairs_form = SplitPairsForm(initial={"split_pairs": text, "use_default": declared is None})
    return render(
        request,
        "orgs/settings/roles.html",
        _context(
            access, roles=role_list, form=form or RoleForm(), pairs_form=pairs_form, split_pairs=declared
        ),
        status=status,
    )


@login_required
@require_POST
def split_pairs(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Owners declare which pairs of roles should check each other in every matrix."""
    access = require_org(request.user, org_slug, Need.OWN)
    form = SplitPairsForm(request.POST)
    if form.is_valid():
        try:
            services.organization_split_pairs_set(
                organization=access.organization, split_pairs=form.cleaned_data["split_pairs"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            pairs = access.organization.rule_settings.get("split_pairs")
            if pairs is None:
                said = "PM and PMM, the default"
            else:
                said = ", ".join(" and ".join(pair) for pair in pairs) or "no pairs"
            messages.success(request, f"Roles that check each other: {said}. Matrix health is being updated.")
            return redirect("settings-roles", access.organization.slug)
    return _roles_page(request, access, pairs_form=form, status=INVALID)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def role_edit(request: HttpRequest, org_slug: str, role_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    role = get_object_or_404(Role, pk=role_id, organization=access.organization)
    if request.method in SAFE:
        form = RoleForm(initial={"code": role.code, "name": role.name, "description": role.description})
    else:
        form = RoleForm(request.POST, organization=access.organization, role=role)
        if form.is_valid():
            try:
                services.role_update(role=role, acting_user=request.user, channel="web", **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
                role.refresh_from_db()  # the service set the rejected values on the instance
            else:
                messages.success(request, f"Role {role.code} saved.")
                return redirect("settings-roles", access.organization.slug)
    status = INVALID if form.errors else 200
    return render(
        request, "orgs/settings/role_edit.html", _context(access, role=role, form=form), status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def role_delete(request: HttpRequest, org_slug: str, role_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    role = get_object_or_404(Role, pk=role_id, organization=access.organization)
    if request.method == "POST":
        services.role_delete(role=role, acting_user=request.user, channel="web")
        messages.success(request, f"Role {role.code} deleted, with its columns and cells in every matrix.")
        return redirect("settings-roles", access.organization.slug)
    matrices = list(role.matrices.order_by("name").values_list("name", flat=True))
    if matrices:
        shown = _count(len(matrices), "matrix loses", "matrices lose")
        consequences = [f"{shown} the {role.code} column: {', '.join(matrices)}."]
    else:
        consequences = [f"No matrix shows {role.code} as a column."]
    cells = _count(role.assignments.count(), "cell", "cells")
    consequences.append(f"{cells} holding letters for {role.code} will be deleted with it.")
    holders = _count(role.people.count(), "person stops", "people stop")
    consequences.append(f"{holders} holding this role.")
    return _confirm(
        request,
        access,
        title=f"Delete role {role.code}?",
        consequences=consequences,
        action=reverse("settings-role-delete", args=[access.organization.slug, role.pk]),
        button="Delete role, its columns and cells",
        cancel=reverse("settings-roles", args=[access.organization.slug]),
    )


# People ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def people(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = _access(request, org_slug, write=Need.EDIT)
    organization = access.organization
    form = PersonForm(_posted(request), organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name} added.")
            return redirect("settings-people", organization.slug)
    status = INVALID if form.errors else 200
    # Two queries whatever the number of people: people with their accounts, then their roles.
    person_list = organization.people.select_related("user").prefetch_related(holdings_prefetch())
    return render(
        request, "orgs/settings/people.html", _context(access, people=person_list, form=form), status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, org_slug: str, person_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    organization = access.organization
    person = get_object_or_404(Person.objects.select_related("user"), pk=person_id, organization=organization)
    # Owners link the person to a member's account; editors see the link and change the rest.
    link_accounts = access.can_own
    if request.method in SAFE:
        initial = {
            "name": person.name,
            "email": person.email,
            "title": person.title,
            "roles": list(Role.objects.filter(holdings__person=person, holdings__team__isnull=True)),
            "user": person.user,
        }
        form = PersonForm(initial=initial, organization=organization, link_accounts=link_accounts)
    else:
        form = PersonForm(request.POST, organization=organization, link_accounts=link_accounts)
        if form.is_valid():
            try:
                services.person_update(person=person, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
                person.refresh_from_db()  # the service set the rejected values on the instance
            else:
                messages.success(request, f"{person.name} saved.")
                return redirect("settings-people", organization.slug)
    status = INVALID if form.errors else 200
    return render(
        request, "orgs/settings/person_edit.html", _context(access, person=person, form=form), status=status
    )


@login_required
@require_POST
def person_set_active(request: HttpRequest, org_slug: str, person_id: int, active: bool) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    person = get_object_or_404(Person, pk=person_id, organization=access.organization)
    try:
        services.person_update(person=person, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("settings-people", access.organization.slug)
    messages.success(request, f"{person.name} {'reactivated' if active else 'deactivated'}.")
    return redirect("settings-people", access.organization.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_delete(request: HttpRequest, org_slug: str, person_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    person = get_object_or_404(Person, pk=person_id, organization=access.organization)
    if request.method == "POST":
        services.person_delete(person=person)
        messages.success(request, f"{person.name} deleted.")
        return redirect("settings-people", access.organization.slug)
    return _confirm(
        request,
        access,
        title=f"Delete {person.name}?",
        consequences=[
            f"{person.name} and the roles they hold are removed from this organization.",
            "Matrices assign letters to roles, not people, so no matrix changes.",
            "To keep them on record, deactivate them instead.",
        ],
        action=reverse("settings-person-delete", args=[access.organization.slug, person.pk]),
        button="Delete person",
        cancel=reverse("settings-people", args=[access.organization.slug]),
    )


# Members ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = _access(request, org_slug, write=Need.OWN)
    organization = access.organization
    form = MemberAddForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{membership.user.get_username()} added as {membership.level}.")
            return redirect("settings-members", organization.slug)
    return members_page(request, access, form=form, status=INVALID if form.errors else 200)


def members_page(
    request: HttpRequest,
    access: OrgAccess,
    *,
    form: MemberAddForm | None = None,
    invite_form: InvitationForm | None = None,
    sso_form: SsoDomainForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The members page: members, and for owners the pending invitations and both forms."""
    organization = access.organization
    member_list = organization.memberships.select_related("user").order_by("user__username")
    pending = pending_invitations(organization) if access.can_own else []
    return render(
        request,
        "orgs/settings/members.html",
        _context(
            access,
            members=member_list,
            form=form or MemberAddForm(),
            invite_form=invite_form or InvitationForm(organization=organization),
            invitations=pending,
            now=timezone.now(),
            invitation_days=settings.INVITATION_EXPIRY_DAYS,
            sso_enabled=bool(settings.OIDC_ISSUER),
            sso_form=sso_form or SsoDomainForm(initial={"sso_domain": organization.sso_domain}),
            discussion_form=DiscussionSettingForm(
                initial={"viewers_may_comment": organization.viewers_may_comment}
            ),
            levels=Membership.Level.choices,
        ),
        status=status,
    )


@login_required
@require_POST
def discussion_setting(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Owners choose whether viewers may comment on drafts (raci.discussion)."""
    access = require_org(request.user, org_slug, Need.OWN)
    form = DiscussionSettingForm(request.POST)
    form.is_valid()  # a checkbox: absent is False, never invalid
    organization = services.organization_update(
        organization=access.organization, viewers_may_comment=form.cleaned_data["viewers_may_comment"]
    )
    messages.success(
        request,
        "Viewers may comment on drafts."
        if organization.viewers_may_comment
        else "Only editors and owners may comment on drafts now; viewers still read the discussion.",
    )
    return redirect("settings-members", organization.slug)


@login_required
@require_POST
def member_level(request: HttpRequest, org_slug: str, member_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, organization=access.organization
    )
    username = membership.user.get_username()
    form = MemberLevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Choose owner, editor or viewer for {username}.")
        return redirect("settings-members", access.organization.slug)
    try:
        services.membership_change_level(membership=membership, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("settings-members", access.organization.slug)
    messages.success(request, f"{username} is now {membership.level}.")
    return redirect("settings-members", access.organization.slug)


@login_required
@require_POST
def member_unlock(request: HttpRequest, org_slug: str, member_id: int) -> HttpResponse:
    """An owner lifts the sign-in lock failed attempts put on a member's username and email."""
    access = require_org(request.user, org_slug, Need.OWN)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, organization=access.organization
    )
    sign_in_unlock(request, membership.user)
    messages.success(request, f"{membership.user.get_username()} can sign in again.")
    return redirect("settings-members", access.organization.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def member_remove(request: HttpRequest, org_slug: str, member_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    organization = access.organization
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, organization=organization
    )
    username = membership.user.get_username()
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("settings-members", organization.slug)
        messages.success(request, f"{username} no longer has access to {organization.name}.")
        if membership.user_id == request.user.pk:
            return redirect("home")  # you removed yourself: this organization is gone from your list
        return redirect("settings-members", organization.slug)
    return _confirm(
        request,
        access,
        title=f"Remove {username}?",
        consequences=[f"{username} loses access to {organization.name} and all of its matrices."],
        action=reverse("settings-member-remove", args=[organization.slug, membership.pk]),
        button="Remove member",
        cancel=reverse("settings-members", args=[organization.slug]),
    )


# API tokens ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(_posted(request))
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = services.api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The secret is rendered in this response only: no redirect, no URL, no cookie.
            form = ApiTokenForm()
    status = INVALID if form.errors else 200
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "orgs/settings/api_tokens.html",
        {"tokens": tokens, "form": form, "new_key": new_key},
        status=status,
    )
    if new_key:
        add_never_cache_headers(response)  # keep the secret out of browser and proxy caches
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if token.revoked_at is None:
        services.api_token_revoke(token=token)
        messages.success(request, f"Token “{token.name}” revoked; scripts using it now get 401.")
    return redirect("api-tokens")
