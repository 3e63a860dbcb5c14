"""HTML pages for accounts: self-registration, organizations and their members.

Every lookup goes through ``Organization.objects.restrict`` (404 for organizations the
user may not see); writes go through accounts.services (403 on NotPermitted).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from applications.models import Application, Project
from dpa_funding import policy
from dpa_funding.errors import DomainError, NotPermitted, ValidationFailed
from dpa_funding.errors import NotFound as DomainNotFound

from . import services
from .choices import InvitationStatus, MemberRole, Role
from .forms import (
    MemberAddForm,
    OrganizationForm,
    OwnerFormSet,
    RegisterForm,
    add_service_errors,
    owner_initial,
)
from .models import Invitation, Membership, Organization

PAGE_SIZE = 25


def register(request):
    """Applicant self-registration; the new user is signed in on success."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"], email=data["email"], password=data["password"],
                first_name=data["first_name"], last_name=data["last_name"], role=Role.APPLICANT,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready. Register your organization to start applying.")
            return redirect("accounts:organization_list")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def organization_list(request):
    """Applicants see their organizations with their role; officers see every organization."""
    my_role = Membership.objects.filter(organization=OuterRef("pk"), user=request.user).values("role")[:1]
    member_count = (
        Membership.objects.filter(organization=OuterRef("pk")).order_by()
        .values("organization").annotate(n=Count("id")).values("n")
    )
    orgs = (
        Organization.objects.restrict(request.user).prefetch_related("owners")
        .annotate(my_role=Subquery(my_role), member_count=Subquery(member_count))
        .order_by("legal_name")
    )
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/organization_list.html", {
        "page_obj": page,
        "organizations": page.object_list,
        "can_create": policy.may(request.user, "organization.create"),
        "open_invitation_count": Invitation.objects.filter(invitee=request.user,
                                                           status=InvitationStatus.INVITED).count(),
        "member_roles": dict(MemberRole.choices),
    })


@login_required
def organization_create(request):
    policy.require(request.user, "organization.create")
    form = OrganizationForm(request.POST or None)
    owners = OwnerFormSet(request.POST or None, prefix="owners")
    if request.method == "POST":
        org = _save(form, owners, lambda fields, rows: services.organization_create(
            actor=request.user, owners=rows, **fields))
        if org is not None:
            messages.success(request, f"{org.legal_name} is registered. You are its authorized representative.")
            return redirect("accounts:organization_detail", pk=org.pk)
    return render(request, "accounts/organization_form.html",
                  {"form": form, "owners": owners, "organization": None})


class _DryRun(Exception):
    pass


def _save(form, owners, write):
    """Validate the organization form and the owner rows together and call
    ``write(fields, owner_rows)``. When only the owner rows fail to parse, the service still
    runs (rolled back) on the rest, so its errors on the organization show in the same answer."""
    form_ok, owners_ok = form.is_valid(), owners.is_valid()  # both, no short-circuit
    if not form_ok:
        return None
    try:
        with transaction.atomic():
            result = write(form.service_fields(), owners.owners() if owners_ok else [])
            if not owners_ok:
                raise _DryRun
    except _DryRun:
        return None
    except ValidationFailed as exc:
        add_service_errors(form, exc)
        if owners_ok:
            owners.add_service_errors(exc)
        return None
    return result


@login_required
def organization_detail(request, pk: int):
    org = get_object_or_404(Organization.objects.restrict(request.user).prefetch_related("owners"), pk=pk)
    memberships = org.memberships.select_related("user").order_by("role", "user__username")
    user_is_aor = policy.may(request.user, "organization.change", org)
    return render(request, "accounts/organization_detail.html", {
        "organization": org,
        "memberships": memberships,
        "projects": Project.objects.filter(organization=org).order_by("name"),
        "applications": Application.objects.filter(organization=org).select_related("opportunity", "project"),
        "is_aor": user_is_aor,
        "is_staff_view": policy.may(request.user, "staff.read"),
        "open_invitations": (org.invitations.filter(status=InvitationStatus.INVITED).order_by("created_at")
                             if user_is_aor else []),
    })


@login_required
def organization_edit(request, pk: int):
    org = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
    policy.require(request.user, "organization.change", org)
    form = OrganizationForm(request.POST or None, instance=org)
    owners = OwnerFormSet(request.POST or None, prefix="owners", initial=owner_initial(org))
    if request.method == "POST":
        saved = _save(form, owners, lambda fields, rows: services.organization_update(
            actor=request.user, organization=org, owners=rows, **fields))
        if saved is not None:
            messages.success(request, "Organization details saved.")
            return redirect("accounts:organization_detail", pk=org.pk)
    return render(request, "accounts/organization_form.html",
                  {"form": form, "owners": owners, "organization": org})


@login_required
def member_add(request, pk: int):
    """The AOR invites an applicant by username (same message whether or not it exists)."""
    org = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
    policy.require(request.user, "membership.add", org)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.membership_invite(
                actor=request.user, organization=org,
                username=form.cleaned_data["username"], role=form.cleaned_data["role"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation recorded for {invitation.username}. If that is an applicant "
                                      "account that can join, they will see it and can accept it.")
            return redirect("accounts:organization_detail", pk=org.pk)
    return render(request, "accounts/member_add.html", {"form": form, "organization": org})


@login_required
@require_POST
def member_remove(request, pk: int, user_id: int):
    org = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
    try:
        services.membership_remove(actor=request.user, organization=org, user_id=user_id)
    except DomainError as exc:
        if isinstance(exc, NotPermitted):
            raise
        messages.error(request, exc.detail)
        return redirect("accounts:organization_detail", pk=org.pk)
    if user_id == request.user.pk:
        messages.success(request, f"You have left {org.legal_name}.")
        return redirect("accounts:organization_list")
    messages.success(request, "Member removed.")
    return redirect("accounts:organization_detail", pk=org.pk)


@login_required
def invitation_list(request):
    invitations = (Invitation.objects.restrict(request.user).filter(invitee=request.user)
                   .select_related("organization").order_by("-created_at", "-id"))
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/invitation_list.html", {"invitations": page.object_list, "page_obj": page})


@login_required
@require_POST
def invitation_respond(request, pk: int, answer: str):
    respond = {"accept": services.invitation_accept, "decline": services.invitation_decline}.get(answer)
    if respond is None:
        raise Http404
    try:
        invitation = respond(actor=request.user, invitation_id=pk)
    except DomainError as exc:
        if isinstance(exc, NotPermitted):
            raise
        if isinstance(exc, DomainNotFound):
            raise Http404 from None
        messages.error(request, exc.detail)
        return redirect("accounts:invitation_list")
    if answer == "accept":
        messages.success(request, f"You are now a member of {invitation.organization.legal_name}.")
        return redirect("accounts:organization_detail", pk=invitation.organization_id)
    messages.success(request, "Invitation declined.")
    return redirect("accounts:invitation_list")
