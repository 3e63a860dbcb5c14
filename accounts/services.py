"""Writes for users, organizations and memberships."""

from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.selectors import forget_member_roles
from audit.services import audit_event
from dpa_funding import policy
from dpa_funding.errors import Conflict, InvalidTransition, NotFound, NotPermitted, ValidationFailed

from .choices import InvitationStatus, MemberRole, Role
from .models import Invitation, Membership, Organization, Owner, User
from .ownership import MAX_TOTAL_PERCENT, assess, owner_dict

# The same words whoever holds the name or address (an applicant or federal staff): the
# answer says only that it cannot be used.
USERNAME_TAKEN = "This username is not available. Choose another."
EMAIL_TAKEN = "This email address cannot be used for a new account. Sign in, or use another address."


def _clean(instance, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed(exc.message_dict) from exc


@transaction.atomic
def user_create(*, username: str, email: str, password: str, role: str = Role.APPLICANT,
                award_authority: bool = False, job_title: str = "", first_name: str = "",
                last_name: str = "") -> User:
    """Create a user after Django's password validators; applicants self-register this way.
    Every problem (role, username, email, password) is reported at once."""
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Role must be one of: {', '.join(Role.values)}."]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [USERNAME_TAKEN]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [EMAIL_TAKEN]
    user = User(username=username, email=email, role=role, award_authority=award_authority,
                job_title=job_title, first_name=first_name, last_name=last_name,
                **policy.django_admin_flags(role))
    try:
        user.full_clean(exclude=["password", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        raise ValidationFailed({"username": [USERNAME_TAKEN]}) from None
    return user


@transaction.atomic
def organization_create(*, actor: User, owners: list[dict] | None = None, **fields) -> Organization:
    """Register an applicant organization with its owners; its creator becomes the
    authorized representative. Organization and owner errors are reported together."""
    policy.require(actor, "organization.create")
    fields = _normalize(fields)
    org = Organization(**fields)
    errors = _errors(org)
    owner_rows, owner_errors = ownership_errors(owners or [])
    if errors or owner_errors:
        raise ValidationFailed({**errors, **owner_errors})
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:  # a simultaneous registration took the UEI after our check
        raise ValidationFailed({"uei": ["An organization with this UEI is already registered."]}) from None
    _replace_owners(org, owner_rows)
    Membership.objects.create(organization=org, user=actor, role=MemberRole.AUTHORIZED_REPRESENTATIVE)
    forget_member_roles(actor)
    return org


@transaction.atomic
def organization_update(*, actor: User, organization: Organization, owners: list[dict] | None = None,
                        **fields) -> Organization:
    """Only the authorized representative edits the organization's registration.
    ``owners`` None leaves the owners as they are; a list replaces them all."""
    policy.require(actor, "organization.change", organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    for name, value in _normalize(fields).items():
        setattr(org, name, value)
    errors = _errors(org)
    owner_rows, owner_errors = ownership_errors(owners) if owners is not None else ([], {})
    if errors or owner_errors:
        raise ValidationFailed({**errors, **owner_errors})
    org.save()
    if owners is not None:
        _replace_owners(org, owner_rows)
    return org


def _errors(instance, exclude=()) -> dict:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        return exc.message_dict
    return {}


# ---------------------------------------------------------------- owners


def ownership_errors(owners: list[dict]) -> tuple[list[Owner], dict]:
    """Unsaved owner rows and every problem with them, shaped as DRF shapes a nested list's
    errors: ``{"owners": {<index>: {field: [...]}, "non_field_errors": [total]}}``. The
    total share may not exceed 100%; it is checked over the shares that are valid numbers."""
    rows, per_owner, total = [], {}, Decimal("0")
    for index, data in enumerate(owners):
        data = data if isinstance(data, dict) else {}
        owner = Owner(name=str(data.get("name") or "").strip(),
                      country=str(data.get("country") or "").strip().upper(),
                      percent=data.get("percent"),
                      government_controlled=bool(data.get("government_controlled")))
        item = _errors(owner, exclude=["organization"])
        if item:
            per_owner[index] = item
        rows.append(owner)
        if "percent" not in item:
            total += Decimal(str(owner.percent))
    total_error = owners_total_error(total)
    if total_error:
        per_owner["non_field_errors"] = [total_error]
    return rows, ({"owners": per_owner} if per_owner else {})


def owners_total_error(total: Decimal) -> str | None:
    if total <= MAX_TOTAL_PERCENT:
        return None
    return (f"The owners' shares add up to {total.normalize():f}%; the total may not exceed "
            f"{MAX_TOTAL_PERCENT.normalize():f}%.")


def _replace_owners(org: Organization, rows: list[Owner]) -> None:
    """Replace the owner rows when they changed, as one audited ownership change."""
    before = [owner_dict(o) for o in org.owners.order_by("id")]
    after = [owner_dict(o) for o in rows]
    if before == after:
        return
    old = assess(org.owners.all())
    org.owners.all().delete()
    for row in rows:
        row.organization = org
    Owner.objects.bulk_create(rows)
    new = assess(rows)
    audit_event(obj=org, action="ownership_changed", changes={
        "before": {"owners": before, "foreign_entity_of_concern": old.foreign_entity_of_concern},
        "after": {"owners": after, "foreign_entity_of_concern": new.foreign_entity_of_concern},
    })
    if hasattr(org, "_prefetched_objects_cache"):
        org._prefetched_objects_cache.pop("owners", None)


@transaction.atomic
def membership_invite(*, actor: User, organization: Organization, username: str, role: str) -> Invitation:
    """The authorized representative invites an applicant by username. The answer is the
    same invitation whether the name belongs to nobody, to federal staff, to a member
    already or to an applicant who may join: only in the last case can it be accepted
    (``invitee`` set), so the answer reveals no account. Inviting the same name again
    while an invitation is open returns that invitation."""
    policy.require(actor, "membership.add", organization)
    if role not in MemberRole.values:
        raise ValidationFailed({"role": [f"Role must be one of: {', '.join(MemberRole.values)}."]})
    username = (username or "").strip()
    if not username:
        raise ValidationFailed({"username": ["Enter the username of the applicant to invite."]})
    Organization.objects.select_for_update().get(pk=organization.pk)  # one open invitation per name
    existing = Invitation.objects.filter(organization=organization, username__iexact=username,
                                         status=InvitationStatus.INVITED).first()
    if existing is not None:
        return existing
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    eligible = (user is not None and policy.may(user, "organization.join")
                and not Membership.objects.filter(organization=organization, user=user).exists())
    return Invitation.objects.create(organization=organization, username=username, role=role,
                                     invitee=user if eligible else None, invited_by=actor)


def _open_invitation(actor: User, invitation_id: int) -> Invitation:
    """The actor's own invitation (404 otherwise, never revealing others'), locked."""
    invitation = (Invitation.objects.select_for_update()
                  .filter(pk=invitation_id, invitee=actor).select_related("organization").first())
    if invitation is None:
        raise NotFound("No such invitation.")
    if invitation.status != InvitationStatus.INVITED:
        raise InvalidTransition(f"This invitation was already {invitation.get_status_display().lower()}.")
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, invitation_id: int) -> Invitation:
    """The invitee accepts: the membership starts now, with the role offered."""
    invitation = _open_invitation(actor, invitation_id)
    if not policy.may(actor, "organization.join"):
        raise NotPermitted("Only applicant accounts can join an organization.")
    Membership.objects.get_or_create(organization=invitation.organization, user=actor,
                                     defaults={"role": invitation.role})
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    forget_member_roles(actor)
    return invitation


@transaction.atomic
def invitation_decline(*, actor: User, invitation_id: int) -> Invitation:
    invitation = _open_invitation(actor, invitation_id)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def membership_remove(*, actor: User, organization: Organization, user_id: int) -> None:
    """A member leaves, or the authorized representative removes a member. The last
    authorized representative cannot go (someone must sign and accept): 409."""
    if actor.pk != user_id:
        policy.require(actor, "membership.remove", organization)
    # Lock the organization's memberships so two AORs leaving at once cannot both pass.
    memberships = list(Membership.objects.select_for_update().filter(organization=organization))
    membership = next((m for m in memberships if m.user_id == user_id), None)
    if membership is None:
        raise NotFound("No such member.")
    aor_ids = set(Membership.objects.filter(organization=organization, role=MemberRole.AUTHORIZED_REPRESENTATIVE)
                  .values_list("user_id", flat=True))
    if aor_ids == {user_id}:
        raise LastRepresentative()
    membership.delete()
    forget_member_roles(actor)


class LastRepresentative(Conflict):
    default_detail = ("The organization's last authorized representative cannot leave or be removed. "
                      "Make another member authorized representative first.")


def _normalize(fields: dict) -> dict:
    out = dict(fields)
    for key in ("uei", "cage_code", "state", "country"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip().upper()
    if isinstance(out.get("congressional_district"), str):
        out["congressional_district"] = out["congressional_district"].strip().upper()
    return out
