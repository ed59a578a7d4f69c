"""Invitations: owners invite by email; the invitee accepts through a signed, single-use link.

Writes (create, resend, revoke, accept) and the one reader of a link (``invitation_from_token``).
The link carries the invitation's random key signed with the project's secret, so a link that was
altered or made up is refused before the database is asked. It works once (``accepted_at``), until
it expires (``INVITATION_EXPIRY_DAYS`` after it was last sent) and not after it was revoked. The
email leaves on commit, so a rolled-back invitation sends nothing.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from orgs.access import LEVEL_GRANTS
from orgs.integrity import unique_or_invalid
from orgs.models import Invitation, Membership, Organization, Person
from orgs.services import membership_set, person_update

logger = logging.getLogger(__name__)

_SALT = "orgs.invitation"
PENDING_UNIQUE = "invitation_one_pending_per_email_and_org"


class InvitationUnusable(Exception):
    """The link cannot be used (anymore); ``code`` says why, the message says it to a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def invitation_token(invitation: Invitation) -> str:
    return signing.Signer(salt=_SALT).sign(invitation.key)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, in whatever state; None for a link altered or made up."""
    try:
        key = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("organization", "person").filter(key=key).first()


def invitation_check(invitation: Invitation, *, now=None) -> None:
    """Raise ``InvitationUnusable`` unless the link can still be accepted."""
    if invitation.accepted_at is not None:
        raise InvitationUnusable("accepted", "This invitation has already been accepted.")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked", "This invitation was withdrawn by the organization.")
    if invitation.expires_at <= (now or timezone.now()):
        raise InvitationUnusable("expired", "This invitation has expired. Ask the owner to send it again.")


def email_matches(invitation: Invitation, user) -> bool:
    """Whether ``user`` holds the address the invitation was sent to (their account's email or a
    verified address of theirs)."""
    if user.email and user.email.lower() == invitation.email.lower():
        return True
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def _expiry(now):
    return now + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _send(invitation: Invitation, *, base_url: str) -> None:
    """Send the link after commit. A mail server that refuses is logged, not raised: the invitation
    stands and the owner can resend it."""
    link = base_url.rstrip("/") + reverse("invitation-accept", args=[invitation_token(invitation)])
    context = {"invitation": invitation, "organization": invitation.organization, "link": link}
    subject = render_to_string("orgs/email/invitation_subject.txt", context).strip()
    body = render_to_string("orgs/email/invitation.txt", context)

    def send() -> None:
        try:
            send_mail(subject, body, None, [invitation.email])
        except Exception:  # SMTP down: the owner sees the invitation pending and can resend it
            logger.exception("Invitation %s could not be sent", invitation.pk)

    transaction.on_commit(send)


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    level: str = Membership.Level.VIEWER,
    person: Person | None = None,
    invited_by,
    base_url: str,
) -> Invitation:
    """Invite ``email`` at ``level``, optionally to become ``person`` (of the same organization and
    not linked to an account yet), and send the link."""
    email = (email or "").strip()
    if person is not None:
        if person.organization_id != organization.pk:
            raise ValidationError({"person": "This person is not in this organization."})
        if person.user_id is not None:
            raise ValidationError({"person": f"{person.name} is already linked to an account."})
    if email and Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
    taken = f"{email} already has a pending invitation; resend it instead."
    if (
        email
        and Invitation.objects.filter(
            organization=organization, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).exists()
    ):
        raise ValidationError({"email": taken})
    now = timezone.now()
    invitation = Invitation(
        organization=organization,
        email=email,
        level=level,
        person=person,
        invited_by=invited_by,
        key=secrets.token_urlsafe(32),
        sent_at=now,
        expires_at=_expiry(now),
    )
    with unique_or_invalid(invitation, PENDING_UNIQUE, field="email", message=taken):
        invitation.full_clean()
        invitation.save()
    _send(invitation, base_url=base_url)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, base_url: str) -> Invitation:
    """Send the same link again and give it a new expiry; refused once accepted or revoked."""
    if not invitation.is_pending:
        raise ValidationError("Only a pending invitation can be sent again.")
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = _expiry(now)
    invitation.save(update_fields=["sent_at", "expires_at"])
    _send(invitation, base_url=base_url)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link stops working. Revoking twice changes nothing."""
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already accepted; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Make ``user`` a member as invited and link the invited person to them.

    The invitation row is locked, so two tabs accepting at once take turns and the second finds it
    accepted. Someone already a member keeps a higher level. Refused, changing nothing, when the
    link is unusable or ``user`` does not hold the invited address."""
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    invitation_check(invitation)
    if not email_matches(invitation, user):
        raise InvitationUnusable(
            "other_address", "This invitation was sent to another email address than your account's."
        )
    organization = invitation.organization
    current = Membership.objects.filter(organization=organization, user=user).first()
    level = invitation.level
    if current is not None and LEVEL_GRANTS[current.level] >= LEVEL_GRANTS[level]:
        level = current.level
    membership = membership_set(organization=organization, user=user, level=level)
    person = Person.objects.filter(pk=invitation.person_id).first()
    if (
        person is not None
        and person.user_id is None
        and not Person.objects.filter(organization=organization, user=user).exists()
    ):
        person_update(person=person, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def pending_invitations(organization: Organization):
    """The invitations an owner can still resend or revoke, newest first (one query)."""
    return (
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("person", "invited_by")
        .order_by("-created_at")
    )
