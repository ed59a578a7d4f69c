"""Writes to organizations, their members, roles and people.

Keyword-only arguments, one transaction each, ``full_clean()`` before saving, so
bad input raises ``ValidationError`` with a readable message and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgs.integrity import unique_or_invalid
from orgs.models import ApiToken, Membership, Organization, Person, Role
from orgs.signals import role_changing, rule_settings_changed
from orgs.teams import organization_roles_set
from orgs.validators import split_pairs_clean

logger = logging.getLogger(__name__)

# The unique constraints a concurrent request can win; see orgs.integrity.
EMAIL_UNIQUE = "person_email_unique_per_org"
MEMBERSHIP_UNIQUE = "membership_one_per_user_and_org"
PERSON_USER_UNIQUE = "person_user_unique_per_org"
ROLE_CODE_UNIQUE = "role_code_unique_per_org"


def _slug_free(organization: Organization) -> AbstractContextManager:
    # full_clean() is the slug's pre-check; its message goes to the request that loses a race.
    taken = organization.unique_error_message(Organization, ("slug",)).messages[0]
    return unique_or_invalid(organization, "slug", field="slug", message=taken)


@transaction.atomic
def organization_create(*, name: str, slug: str, owner, headcount: int | None = None) -> Organization:
    """Create an organization; its creator becomes its owner."""
    organization = Organization(name=name, slug=slug, headcount=headcount)
    with _slug_free(organization):
        organization.full_clean()
        organization.save()
    Membership.objects.create(user=owner, organization=organization, level=Membership.Level.OWNER)
    return organization


@transaction.atomic
def organization_delete(*, organization: Organization, acting_user) -> None:
    """Delete an organization with everything in it: members, roles, people, matrices, history,
    webhooks. Owners only; the caller checked that (``require_org(..., Need.OWN)``)."""
    description = f"{organization.name} ({organization.slug}, id {organization.pk})"
    organization.delete()
    who = f"{acting_user} (id {acting_user.pk})"
    transaction.on_commit(lambda: logger.info("Organization %s deleted by %s", description, who))


@transaction.atomic
def membership_set(*, organization: Organization, user, level: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"level": level}
    )
    if created:
        _link_new_member(organization, user)
    if membership.level != level:
        membership.level = level
        membership.full_clean()
        membership.save(update_fields=["level"])
    return membership


@transaction.atomic
def role_create(
    *, organization: Organization, code: str, name: str, description: str = "", order: int | None = None
) -> Role:
    if order is None:
        order = organization.roles.count()
    role = Role(
        organization=organization, code=code.strip().upper(), name=name, description=description, order=order
    )
    _role_valid(role, taken=_role_code_is_taken(organization.pk, role.code))
    with _role_code_free(role):
        role.save()
    return role


def _role_valid(role: Role, *, taken: bool) -> None:
    """Every problem of ``role`` at once: its fields' (full_clean) and a code already taken."""
    errors: dict[str, list[str]] = {}
    try:
        role.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.message_dict
    if taken:
        errors.setdefault("code", []).append(_role_code_taken(role.code))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(
    *,
    organization: Organization,
    name: str,
    email: str = "",
    title: str = "",
    roles: Iterable[Role] = (),
    active: bool = True,
    user=None,
) -> Person:
    """Create a person. ``user`` links them to a member account of the organization (one person per
    account there). Without it, a person with an email is linked to the one member who has that
    email, if exactly one has and they are not linked to someone else yet."""
    roles = list(roles)
    if any(role.organization_id != organization.pk for role in roles):
        raise ValidationError({"roles": "A person can only hold roles of their own organization."})
    person = Person(organization=organization, name=name, email=email, title=title, active=active, user=user)
    _ensure_email_free(organization.pk, email)
    if user is not None:
        _ensure_user_linkable(organization.pk, user)
    with _email_free(person, email), _user_free(person, user) if user is not None else nullcontext():
        person.full_clean()
        person.save()
    organization_roles_set(person=person, roles=roles)
    if user is None and email:
        _link_by_email(person)
    return person


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, read_only: bool = False) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    key = f"raci_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user, name=name.strip(), prefix=key[:12], key_hash=_token_hash(key), read_only=read_only
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token for ``key``, or None. Records when it was last used (at most once a minute)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def _apply(obj, changes: dict, *, unique: AbstractContextManager | None = None) -> None:
    """Set, validate and save only the changed fields, within ``unique`` (see orgs.integrity);
    on a validation error the object is left as it was."""
    fields = [field for field, value in changes.items() if getattr(obj, field) != value]
    before = {field: getattr(obj, field) for field in fields}
    for field in fields:
        setattr(obj, field, changes[field])
    try:
        with unique or nullcontext():
            obj.full_clean()
            if fields:
                obj.save(update_fields=fields)
    except ValidationError:
        for field, value in before.items():
            setattr(obj, field, value)
        raise


def _role_code_taken(code: str) -> str:
    return f"A role {code} already exists in this organization."


def role_code_problem(organization: Organization, code: str, *, role: Role | None = None) -> str | None:
    """What is wrong with ``code`` for a role of ``organization`` (``role`` keeping its own code) that
    only the organization knows: taken. For forms that say it with the other fields' problems; the
    writers check it again, under the constraint, whatever the caller asked."""
    if _role_code_is_taken(organization.pk, code.strip().upper(), exclude=role.pk if role else None):
        return _role_code_taken(code.strip().upper())
    return None


def _role_code_is_taken(organization_id: int, code: str, *, exclude: int | None = None) -> bool:
    return Role.objects.filter(organization_id=organization_id, code=code).exclude(pk=exclude).exists()


def _ensure_role_code_free(organization_id: int, code: str, *, exclude: int | None = None) -> None:
    if _role_code_is_taken(organization_id, code, exclude=exclude):
        raise ValidationError({"code": _role_code_taken(code)})


def _role_code_free(role: Role, code: str | None = None) -> AbstractContextManager:
    code = role.code if code is None else code
    return unique_or_invalid(role, ROLE_CODE_UNIQUE, field="code", message=_role_code_taken(code))


def _email_taken(email: str) -> str:
    return f"A person with the email {email} already exists in this organization."


def _ensure_email_free(organization_id: int, email: str, *, exclude: int | None = None) -> None:
    if (
        email
        and Person.objects.filter(organization_id=organization_id, email__iexact=email)
        .exclude(pk=exclude)
        .exists()
    ):
        raise ValidationError({"email": _email_taken(email)})


def _email_free(person: Person, email: str) -> AbstractContextManager:
    return unique_or_invalid(person, EMAIL_UNIQUE, field="email", message=_email_taken(email))


@contextmanager
def _all(*managers: AbstractContextManager | None) -> Iterator[None]:
    """Every one of ``managers`` (None skipped) around the block, the first outermost."""
    with ExitStack() as stack:
        for manager in managers:
            if manager is not None:
                stack.enter_context(manager)
        yield


# Linking people to member accounts ----------------------------------------------------------


def _not_a_member(user) -> str:
    return f"{user.get_username()} is not a member of this organization."


def _user_taken(user, holder: str) -> str:
    return f"{user.get_username()} is already linked to {holder}."


def _linked_person(organization_id: int, user, *, exclude: int | None = None) -> Person | None:
    return Person.objects.filter(organization_id=organization_id, user=user).exclude(pk=exclude).first()


def _ensure_user_linkable(organization_id: int, user, *, exclude: int | None = None) -> None:
    """A person is linked only to a member of their organization, and a member to one person there.

    The membership row stays locked until the transaction ends, so a removal of the member waits
    for the link and then undoes it (``membership_remove``), or wins and the link is refused."""
    membership = (
        Membership.objects.select_for_update()
        .filter(organization_id=organization_id, user=user)
        .values_list("pk", flat=True)
        .first()
    )
    if membership is None:
        raise ValidationError({"user": _not_a_member(user)})
    holder = _linked_person(organization_id, user, exclude=exclude)
    if holder is not None:
        raise ValidationError({"user": _user_taken(user, holder.name)})


@contextmanager
def _user_free(person: Person, user) -> Iterator[None]:
    """``unique_or_invalid`` on the one-person-per-account constraint. Losing a race reads like
    arriving second: the message names the person linked first, looked up once the race is lost."""
    lost = _user_taken(user, "another person")
    try:
        with unique_or_invalid(person, PERSON_USER_UNIQUE, field="user", message=lost):
            yield
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {}
        holder = (
            _linked_person(person.organization_id, user, exclude=person.pk)
            if errors.get("user") == [lost]
            else None
        )
        if holder is None:
            raise
        raise ValidationError({**errors, "user": [_user_taken(user, holder.name)]}) from error


def _link_quietly(person: Person, user) -> None:
    """Link ``person`` to ``user`` unless either was linked meanwhile (then nothing happens): an
    automatic link never refuses the write that triggered it."""
    try:
        with unique_or_invalid(person, PERSON_USER_UNIQUE, field="user", message=""):
            linked = Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user)
    except ValidationError:
        return
    if linked:
        person.user = user


def _link_by_email(person: Person) -> None:
    """Link a new person to the one member of their organization with their email, if exactly one
    member has it (case-insensitive) and that member is not linked to anyone there yet."""
    members = list(
        get_user_model()
        .objects.filter(memberships__organization_id=person.organization_id, email__iexact=person.email)
        .order_by("pk")[:2]
    )
    if len(members) == 1 and _linked_person(person.organization_id, members[0]) is None:
        _link_quietly(person, members[0])


def _link_new_member(organization: Organization, user) -> None:
    """Link a new member to the one unlinked person of the organization with their email, if
    exactly one has it (case-insensitive) and the member is not linked to anyone there yet."""
    if not user.email or _linked_person(organization.pk, user) is not None:
        return
    people = list(
        Person.objects.filter(
            organization=organization, user__isnull=True, email__iexact=user.email
        ).order_by("pk")[:2]
    )
    if len(people) == 1:
        _link_quietly(people[0], user)


@transaction.atomic
def organization_update(*, organization: Organization, **changes) -> Organization:
    """Name, address, headcount, single sign-on domain and ``split_pairs`` (see
    ``organization_split_pairs_set``), all or nothing."""
    if changes.get("sso_domain") is not None:
        changes["sso_domain"] = changes["sso_domain"].strip().lower()
    _apply(
        organization,
        {
            k: v
            for k, v in changes.items()
            if k
            in {
                "name",
                "slug",
                "headcount",
                "sso_domain",
                "acknowledgement_reminder_days",
                "viewers_may_comment",
            }
        },
        unique=_slug_free(organization) if "slug" in changes else None,
    )
    if "split_pairs" in changes:
        organization_split_pairs_set(organization=organization, split_pairs=changes["split_pairs"])
    return organization


@transaction.atomic
def organization_split_pairs_set(*, organization: Organization, split_pairs: list | None) -> Organization:
    """Declare the pairs of roles that should check each other in every matrix of the organization
    (a matrix's own ``split_pairs``, set by hand or copied from its framework, still wins). ``None``
    removes the declaration: the product's default (PM/PMM) applies again; ``[]`` declares none.

    The stored health of the organization's matrices depends on it: ``rule_settings_changed`` tells
    the matrices app, which recomputes them after the commit."""
    settings = dict(organization.rule_settings)
    if split_pairs is None:
        settings.pop("split_pairs", None)
    else:
        try:
            settings["split_pairs"] = split_pairs_clean(split_pairs)
        except ValidationError as error:
            raise ValidationError({"split_pairs": error.messages}) from None
    if settings == organization.rule_settings:
        return organization
    organization.rule_settings = settings
    organization.save(update_fields=["rule_settings"])
    rule_settings_changed.send(sender=Organization, organization=organization)
    return organization


@transaction.atomic
def membership_add(*, organization: Organization, username: str, level: str) -> Membership:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": f"No user named '{username}'."})
    already = f"{username} is already a member; change their level instead."
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError({"username": already})
    membership = Membership(organization=organization, user=user, level=level)
    with unique_or_invalid(membership, MEMBERSHIP_UNIQUE, field="username", message=already):
        membership.full_clean()
        membership.save()
    _link_new_member(organization, user)
    return membership


def _ensure_an_owner_remains(membership: Membership, *, new_level: str | None) -> None:
    """Refuse to demote or remove the last owner.

    The owners' rows stay locked until the transaction ends: two owners demoting each other at
    once take turns, and the second sees that only they are left. The decision uses the locked
    rows, not ``membership.level``, which may have changed since it was loaded.
    """
    if new_level == Membership.Level.OWNER:
        return
    owners = set(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, level=Membership.Level.OWNER)
        .values_list("pk", flat=True)
    )
    if owners == {membership.pk}:
        raise ValidationError(
            {"level": "An organization needs at least one owner; make someone else owner first."}
        )


@transaction.atomic
def membership_change_level(*, membership: Membership, level: str) -> Membership:
    _ensure_an_owner_remains(membership, new_level=level)
    _apply(membership, {"level": level})
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member. The person linked to them stays, unlinked: only members are linked. The
    unlinking comes after the deletion, so it also undoes a link that was waiting for the membership
    row (see ``_ensure_user_linkable``)."""
    _ensure_an_owner_remains(membership, new_level=None)
    membership.delete()
    Person.objects.filter(organization_id=membership.organization_id, user_id=membership.user_id).update(
        user=None
    )


@transaction.atomic
def role_update(*, role: Role, acting_user=None, channel: str = "system", **changes) -> Role:
    """Change a role. A new code changes every matrix showing the role (columns name roles by code):
    the matrices app records that through ``orgs.signals.role_changing``."""
    old_code = role.code
    if "code" in changes:
        changes["code"] = changes["code"].strip().upper()
    code_changed = "code" in changes and changes["code"] != role.code
    if code_changed and _role_code_is_taken(role.organization_id, changes["code"], exclude=role.pk):
        # Said together with anything else wrong with the changes.
        wanted = Role(
            **{**{f: getattr(role, f) for f in ("organization_id", "code", "name", "description", "order")}}
        )
        for field, value in changes.items():
            if field in {"code", "name", "description", "order"}:
                setattr(wanted, field, value)
        _role_valid(wanted, taken=True)
    _apply(
        role,
        {k: v for k, v in changes.items() if k in {"code", "name", "description", "order"}},
        unique=_role_code_free(role, changes["code"]) if code_changed else None,
    )
    if code_changed:
        role_changing.send(
            sender=Role,
            role=role,
            old_code=old_code,
            new_code=role.code,
            acting_user=acting_user,
            channel=channel,
        )
    return role


@transaction.atomic
def role_delete(*, role: Role, acting_user=None, channel: str = "system") -> None:
    """Delete a role: its columns and cells go with it, recorded in each matrix that showed it
    (through ``orgs.signals.role_changing``, sent before the deletion)."""
    role_changing.send(
        sender=Role, role=role, old_code=role.code, new_code=None, acting_user=acting_user, channel=channel
    )
    role.delete()


@transaction.atomic
def person_update(*, person: Person, roles: Iterable[Role] | None = None, **changes) -> Person:
    """Change a person. ``user`` links them to a member account of their organization (one person
    per account there); ``user=None`` unlinks them."""
    email = changes.get("email")
    if email:
        _ensure_email_free(person.organization_id, email, exclude=person.pk)
    user = changes.get("user")
    linking = user is not None and user.pk != person.user_id
    if linking:
        _ensure_user_linkable(person.organization_id, user, exclude=person.pk)
    _apply(
        person,
        {k: v for k, v in changes.items() if k in {"name", "email", "title", "active", "user"}},
        unique=_all(
            _email_free(person, email) if email else None, _user_free(person, user) if linking else None
        ),
    )
    if roles is not None:
        roles = list(roles)
        if any(role.organization_id != person.organization_id for role in roles):
            raise ValidationError({"roles": "A person can only hold roles of their own organization."})
        # The roles held for the whole organization; roles held for a team are the teams' business.
        organization_roles_set(person=person, roles=roles)
    return person


@transaction.atomic
def person_delete(*, person: Person) -> None:
    """Delete a person. Matrices assign letters to roles, not people, so no matrix changes."""
    person.delete()
