"""How django-allauth's account flows apply this product's rules.

- ``SIGNUP_MODE``: open (anyone), invitation (only someone holding a pending invitation link,
  the production default) or closed (nobody; accounts come from an administrator).
- An invitation opened in this session lets its holder sign up whatever the mode but closed, with
  the invited address only, and counts as proof of that address (no verification email).
- Single sign-on (OIDC_ISSUER): signing up that way is open, whatever the mode but closed, to
  addresses the provider verified at a domain some organization accepts (``orgs.sso``); each sign-in
  joins the user to such organizations as a viewer.
- Accounts that have no email address on record at all (made by an administrator, the demo seed,
  or before sign-up existed) sign in without the email verification step; every account made
  through sign-up has its address on record and must verify it.
"""

from __future__ import annotations

from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError

from orgs.invitations import InvitationUnusable, invitation_check, invitation_from_token
from orgs.models import Invitation
from orgs.sso import organizations_open_to, sso_join

SESSION_INVITATION = "orgs.invitation_token"


def session_invitation(request) -> Invitation | None:
    """The usable invitation whose link was opened in this session, if any."""
    token = request.session.get(SESSION_INVITATION) if request is not None else None
    if not token:
        return None
    invitation = invitation_from_token(token)
    if invitation is None:
        return None
    try:
        invitation_check(invitation)
    except InvitationUnusable:
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # ACCOUNT_RATE_LIMITS["login_failed"]: the lock lifts by itself once the window has passed.
        "too_many_login_attempts": (
            "Too many failed sign-in attempts for this account or from your network. Wait a few "
            "minutes and try again, or reset your password."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        if settings.SIGNUP_MODE == "open":
            return True
        if settings.SIGNUP_MODE == "closed":
            return False
        return session_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if settings.SIGNUP_MODE != "open":
            invitation = session_invitation(getattr(self, "request", None))
            if invitation is not None and invitation.email.lower() != email.lower():
                raise ValidationError(
                    f"Sign up with the address your invitation was sent to ({invitation.email})."
                )
        return email

    def get_login_stages(self) -> list[str]:
        return [
            "orgs.accounts.EmailVerificationStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in super().get_login_stages()
        ]


class EmailVerificationStage(stages.EmailVerificationStage):
    """allauth's stage, skipped for accounts with no email address on record (see above)."""

    def handle(self):
        user = self.login.user
        if not self.login.signup and not EmailAddress.objects.filter(user_id=user.pk).exists():
            return None, True
        return super().handle()


def _verified(sociallogin) -> list[str]:
    return [address.email for address in sociallogin.email_addresses if address.verified]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        if settings.SIGNUP_MODE == "closed":
            return False
        if AccountAdapter(request).is_open_for_signup(request):
            return True
        return organizations_open_to(_verified(sociallogin)).exists()

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        sso_join(user=user, verified_addresses=_verified(sociallogin))
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        super().pre_social_login(request, sociallogin)
        if sociallogin.is_existing:
            sso_join(user=sociallogin.user, verified_addresses=_verified(sociallogin))


def sign_in_unlock(request, user) -> None:
    """Lift the lock that failed sign-ins put on ``user``'s username and email (an owner helping a
    member who is locked out; the lock also lifts by itself once its window passes). Uses allauth's
    own keys for those logins, so it clears exactly what allauth counts."""
    adapter = get_adapter(request)
    for login in {user.get_username(), user.email}:
        if login:
            key = adapter._get_login_attempts_cache_key(request, username=login)
            ratelimit.clear(request, action="login_failed", key=key)
