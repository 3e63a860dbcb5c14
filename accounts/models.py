"""Users, applicant organizations and their membership."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from dpa_funding.querysets import RestrictedQuerySet

from .choices import InvitationStatus, MemberRole, Role
from .geography import DETERMINATION_COUNTRIES, Country, location_errors, subdivision_name
from .ownership import Ownership, assess, owner_dict
from .validators import (
    USERNAME_HELP,
    validate_cage,
    validate_ein,
    validate_naics,
    validate_owner_country,
    validate_uei,
    validate_username,
)


class User(AbstractUser):
    """A person using the system. Applicants self-register; staff roles are created by admins."""

    username = models.CharField(
        "username", max_length=150, unique=True, help_text=USERNAME_HELP,
        validators=[validate_username], error_messages={"unique": "This username is not available. Choose another."},
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.APPLICANT)
    # Warrant to sign awards; only program officers holding it may fire the award transition.
    award_authority = models.BooleanField(default=False)
    job_title = models.CharField(max_length=120, blank=True, help_text="Shown in signature blocks.")

    objects = UserManager()


class Organization(models.Model):
    """An applicant entity as registered in SAM.gov (SF-424 items 8a-8f)."""

    legal_name = models.CharField(max_length=200)
    uei = models.CharField("UEI", max_length=12, unique=True, validators=[validate_uei])
    ein = models.CharField("EIN", max_length=9, validators=[validate_ein])
    cage_code = models.CharField("CAGE code", max_length=5, blank=True, validators=[validate_cage])
    naics_code = models.CharField("NAICS code", max_length=6, validators=[validate_naics])
    address_line1 = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.US)
    # The country's subdivision (ISO 3166-2 without the prefix); validated with the country.
    state = models.CharField(max_length=3, help_text="State, province, territory or nation code.")
    postal_code = models.CharField(max_length=10)
    congressional_district = models.CharField(
        max_length=6, blank=True, help_text="US addresses only, e.g. NV-002 or WY-AL."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.uei})"

    def clean(self):
        super().clean()
        errors = location_errors(self.country, self.state, self.congressional_district)
        if errors:
            raise ValidationError(errors)

    @property
    def needs_domestic_source_determination(self) -> bool:
        """Australian and UK businesses are domestic sources only once an officer determines so."""
        return self.country in DETERMINATION_COUNTRIES

    @property
    def state_name(self) -> str:
        return subdivision_name(self.country, self.state)

    # Ownership is derived from the owner rows (accounts.ownership); list pages prefetch
    # ``owners`` so these cost no query per organization.
    @property
    def ownership(self) -> Ownership:
        if self.pk is None:
            return assess([])
        return assess(self.owners.all())

    @property
    def foreign_ownership_percent(self) -> Decimal:
        return self.ownership.foreign_ownership_percent

    @property
    def foreign_owner_countries(self) -> list[str]:
        return self.ownership.foreign_owner_countries

    @property
    def foreign_entity_of_concern(self) -> bool:
        """Covered-nation owners (CN, RU, IR, KP) hold 25% or more together, or one of them is
        government-controlled (42 U.S.C. 18741; domain.md)."""
        return self.ownership.foreign_entity_of_concern

    @property
    def covered_nation_disclosure(self) -> bool:
        """Any covered-nation owner at all: a disclosure the officer reviews."""
        return self.ownership.covered_nation_disclosure

    @property
    def foreign_entity_of_concern_reasons(self) -> list[str]:
        return self.ownership.reasons

    @property
    def owners_recorded(self) -> list[dict]:
        """The owners as dicts, the shape the frozen submitted record holds (pages show either)."""
        return [owner_dict(o) for o in self.owners.all()] if self.pk else []

    @property
    def address_lines(self) -> list[str]:
        lines = [self.address_line1, f"{self.city}, {self.state} {self.postal_code}"]
        if self.country != Country.US:
            lines.append(Country(self.country).label)
        return lines


class Owner(models.Model):
    """One disclosed owner of an organization (foreign ownership, control or influence).

    Written only through ``accounts.services.owners_replace`` (which checks that the shares
    add up to at most 100% and audits the change as one event on the organization)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="owners")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, validators=[validate_owner_country],
                               help_text="ISO 3166-1 alpha-2 code of the owner's country.")
    percent = models.DecimalField(
        max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    government_controlled = models.BooleanField(
        default=False, help_text="Owned or controlled by a foreign government.")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country}, {self.percent}%)"


class Membership(models.Model):
    """A user's membership of an organization and their role in it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=MemberRole.choices, default=MemberRole.CONTRIBUTOR)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} as {self.get_role_display()}"


class Invitation(models.Model):
    """An authorized representative's invitation to join the organization. Membership starts
    only when the invitee accepts. ``invitee`` is empty when the name typed matched no
    account that may join (none, federal staff, already a member): the inviter gets the
    same answer either way, and nobody can ever accept it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    username = models.CharField(max_length=150, help_text="As the inviter typed it.")
    invitee = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="invitations")
    role = models.CharField(max_length=30, choices=MemberRole.choices, default=MemberRole.CONTRIBUTOR)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["invitee", "status"])]

    def __str__(self) -> str:
        return f"{self.username} to {self.organization} as {self.get_role_display()} ({self.status})"
