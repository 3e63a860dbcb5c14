"""Writes for users, organizations and memberships."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applications.selectors import forget_member_roles
from dpa_funding import policy
from dpa_funding.errors import ValidationFailed

from .choices import MemberRole, Role
from .models import Membership, Organization, User


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
        errors["username"] = [f"A user named '{username}' already exists."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["An account with this email address already exists."]
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
        raise ValidationFailed({"username": [f"A user named '{username}' already exists."]}) from None
    return user


@transaction.atomic
def organization_create(*, actor: User, **fields) -> Organization:
    """Register an applicant organization; its creator becomes the authorized representative."""
    policy.require(actor, "organization.create")
    fields = _normalize(fields)
    org = Organization(**fields)
    _clean(org)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:  # a simultaneous registration took the UEI after our check
        raise ValidationFailed({"uei": ["An organization with this UEI is already registered."]}) from None
    Membership.objects.create(organization=org, user=actor, role=MemberRole.AUTHORIZED_REPRESENTATIVE)
    forget_member_roles(actor)
    return org


@transaction.atomic
def organization_update(*, actor: User, organization: Organization, **fields) -> Organization:
    """Only the authorized representative edits the organization's registration."""
    policy.require(actor, "organization.change", organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    for name, value in _normalize(fields).items():
        setattr(org, name, value)
    _clean(org)
    org.save()
    return org


@transaction.atomic
def membership_add(*, actor: User, organization: Organization, username: str, role: str) -> Membership:
    """The authorized representative adds an applicant user as contributor or co-AOR."""
    policy.require(actor, "membership.add", organization)
    if role not in MemberRole.values:
        raise ValidationFailed({"role": [f"Role must be one of: {', '.join(MemberRole.values)}."]})
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationFailed({"username": [f"No user named '{username}'."]})
    if not policy.may(user, "organization.join"):
        # Separation of duties: federal staff never join applicant organizations.
        raise ValidationFailed({"username": ["Only applicant accounts can join an organization."]})
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created:
        raise ValidationFailed({"username": [f"{username} is already a member."]})
    return membership


def _normalize(fields: dict) -> dict:
    out = dict(fields)
    for key in ("uei", "cage_code", "state", "country"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip().upper()
    if isinstance(out.get("foreign_owner_countries"), list):
        out["foreign_owner_countries"] = [str(c).strip().upper() for c in out["foreign_owner_countries"]]
    if isinstance(out.get("congressional_district"), str):
        out["congressional_district"] = out["congressional_district"].strip().upper()
    return out
