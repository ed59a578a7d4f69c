"""Joining an organization: the invitation link an invitee opens; the owner's invite / resend /
revoke and single sign-on domain on the members page.

The link page changes nothing on GET. Signed out, it remembers the invitation in the session (so
sign-up opens to its holder, with the invited address counted as verified: orgs.accounts) and
offers to sign up or sign in, coming back here. Signed in with the invited address, one button
joins. Anything else — a link altered, accepted, revoked, expired, or for another address — is a
page that says so; a link that names no invitation reveals nothing of any organization.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from orgs import invitations, services
from orgs.access import Need, require_org
from orgs.accounts import SESSION_INVITATION
from orgs.forms import InvitationForm, SsoDomainForm, add_service_errors
from orgs.models import Invitation
from orgs.settings_views import members_page


def _unusable(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "orgs/invitation.html", {"problem": message}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.invitation_from_token(token)
    if invitation is None:
        return _unusable(
            request, "This invitation link is not valid. Check that it was copied whole.", status=404
        )
    try:
        invitations.invitation_check(invitation)
    except invitations.InvitationUnusable as unusable:
        return _unusable(request, str(unusable), status=410)
    user = request.user
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect(request.path)
        request.session[SESSION_INVITATION] = token
        # Holding the link proves the address: signing up with it needs no verification email.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, "orgs/invitation.html", {"invitation": invitation, "next": request.path})
    if not invitations.email_matches(invitation, user):
        # Signed in as someone else: nothing of the organization is shown.
        return _unusable(
            request,
            "This invitation was sent to another email address than your account's. "
            "Sign out, then open the link again to sign in or sign up with the invited address.",
            status=403,
        )
    if request.method == "POST":
        try:
            membership = invitations.invitation_accept(invitation=invitation, user=user)
        except invitations.InvitationUnusable as unusable:  # accepted or revoked meanwhile
            return _unusable(request, str(unusable), status=410)
        request.session.pop(SESSION_INVITATION, None)
        organization = membership.organization
        messages.success(
            request, f"Welcome to {organization.name}: you are {membership.get_level_display().lower()}."
        )
        return redirect("organization-detail", organization.slug)
    return render(request, "orgs/invitation.html", {"invitation": invitation, "can_accept": True})


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_POST
def invite(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    form = InvitationForm(request.POST, organization=access.organization)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(
                organization=access.organization,
                invited_by=request.user,
                base_url=_base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("settings-members", access.organization.slug)
    return members_page(request, access, invite_form=form, status=400)


def _pending(access, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id, organization=access.organization)


@login_required
@require_POST
def resend(request: HttpRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    invitation = _pending(access, invitation_id)
    try:
        invitations.invitation_resend(invitation=invitation, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        days = settings.INVITATION_EXPIRY_DAYS
        messages.success(
            request, f"Invitation sent again to {invitation.email}; it works for {days} more days."
        )
    return redirect("settings-members", access.organization.slug)


@login_required
@require_POST
def revoke(request: HttpRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    invitation = _pending(access, invitation_id)
    try:
        invitations.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} revoked; its link no longer works.")
    return redirect("settings-members", access.organization.slug)


@login_required
@require_POST
def sso_domain(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.OWN)
    form = SsoDomainForm(request.POST)
    if form.is_valid():
        try:
            organization = services.organization_update(organization=access.organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if organization.sso_domain:
                messages.success(
                    request,
                    f"People signing in with a verified @{organization.sso_domain} address join as viewers.",
                )
            else:
                messages.success(request, "Nobody joins through single sign-on by domain any more.")
            return redirect("settings-members", organization.slug)
    return members_page(request, access, sso_form=form, status=400)
