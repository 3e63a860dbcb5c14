"""HTML pages for projects, opportunities, applications, documents and the screening queue.

Lookups use the permission-aware querysets (404 for what the user may not see); writes and
state changes go through applications.services (403 on NotPermitted). The one door for
state changes, application_transition, is the only way these pages change a status.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from audit.selectors import application_audit_trail, may_view_audit_log
from dpa_funding import policy
from dpa_funding.errors import (
    ConditionsUnmet,
    Conflict,
    InvalidTransition,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from exclusions.selectors import exclusion_panel

from . import presentation, services, workflow
from .choices import BUDGET_CATEGORIES, ApplicationStatus
from .documents import safe_download_name, too_large_error, upload_was_too_large
from .forms import (
    QUEUE_STATUSES,
    ApplicationForm,
    DocumentUploadForm,
    OpportunityForm,
    ProjectForm,
    QueueFilterForm,
    TransitionForm,
    member_organizations,
    rubric_formset,
    rubric_initial,
)
from .models import Application, Document, FundingOpportunity, Project
from .selectors import transition_history

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _open_opportunities():
    now = timezone.now()
    return FundingOpportunity.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


# ---------------------------------------------------------------- dashboard, projects, opportunities


@login_required
def application_list(request):
    """Applicant dashboard: their organizations' applications and the opportunities open now."""
    apps = Application.objects.restrict(request.user).with_list_related().order_by("-created_at", "-id")
    page = _page(request, apps)
    return render(request, "applications/dashboard.html", {
        "page_obj": page, "applications": page.object_list,
        "open_opportunities": _open_opportunities(),
        "can_apply": policy.may(request.user, "application.create"),
    })


@login_required
def project_list(request):
    projects = (Project.objects.restrict(request.user).select_related("organization")
                .prefetch_related("minerals").order_by("organization__legal_name", "name"))
    page = _page(request, projects)
    return render(request, "applications/project_list.html", {
        "page_obj": page, "projects": page.object_list,
        "can_create": policy.may(request.user, "project.create"),
    })


@login_required
def project_create(request):
    policy.require(request.user, "project.create")
    if not member_organizations(request.user).exists():
        messages.info(request, "Register your organization before adding a project.")
        return redirect("accounts:organization_create")
    initial = {"organization": request.GET.get("organization")} if request.GET.get("organization") else {}
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, organization=form.cleaned_data["organization"], **form.service_fields()
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Project “{project.name}” created.")
            return redirect("applications:project_list")
    return render(request, "applications/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk: int):
    project = get_object_or_404(Project.objects.restrict(request.user).select_related("organization"), pk=pk)
    policy.require(request.user, "project.change", project)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.service_fields())
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Project saved.")
            return redirect("applications:project_list")
    return render(request, "applications/project_form.html", {"form": form, "project": project})


@login_required
def opportunity_list(request):
    # Solicitations are public notices: every signed-in user may read them.
    page = _page(request, FundingOpportunity.objects.order_by("-opens_at", "number"))
    return render(request, "applications/opportunity_list.html", {
        "page_obj": page, "opportunities": page.object_list, "now": timezone.now(),
        "can_apply": policy.may(request.user, "application.create"),
        "is_officer": policy.may(request.user, "opportunity.create"),
    })


@login_required
def opportunity_detail(request, pk: int):
    opp = get_object_or_404(FundingOpportunity.objects.prefetch_related("rubric", "eligible_minerals"), pk=pk)
    return render(request, "applications/opportunity_detail.html", {
        "opportunity": opp, "is_open": opp.is_open(), "takes_white_papers": opp.takes_white_papers(),
        "can_apply": policy.may(request.user, "application.create"),
        "is_officer": policy.may(request.user, "staff.read"),
        "can_edit": policy.may(request.user, "opportunity.change", opp),
    })


# ---------------------------------------------------------------- applications


@login_required
def application_create(request):
    """Start a draft for ``?opportunity=ID`` on behalf of one of the user's organizations."""
    if not request.GET.get("opportunity"):
        messages.info(request, "Choose a funding opportunity to apply to.")
        return redirect("applications:opportunity_list")
    opp = get_object_or_404(FundingOpportunity, pk=_int_or_404(request.GET.get("opportunity")))
    policy.require(request.user, "application.create")
    if not member_organizations(request.user).exists():
        messages.info(request, "Register your organization before applying.")
        return redirect("accounts:organization_create")
    if opp.two_step:
        # Step two: only from an encouraged white paper, before its proposal due date (the
        # service decides; the form offers the user's encouraged white papers).
        from whitepapers.selectors import encouraged_white_papers

        if not encouraged_white_papers(user=request.user, opportunity=opp).exists():
            messages.error(request, "This is a two-step opportunity: a full application needs an encouraged "
                                    "white paper of your organization.")
            return redirect("applications:opportunity_detail", pk=opp.pk)
    elif not opp.is_open():
        messages.error(request, "This funding opportunity is not open for applications.")
        return redirect("applications:opportunity_detail", pk=opp.pk)
    initial = {"white_paper": request.GET.get("white_paper")} if request.GET.get("white_paper") else None
    form = ApplicationForm(request.POST or None, user=request.user, opportunity=opp, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(
                actor=request.user, opportunity=opp, organization=form.cleaned_data["organization"],
                budget=form.budget(), **form.service_fields(),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft saved. Upload the required documents, then submit.")
            return redirect("applications:detail", pk=app.pk)
    return render(request, "applications/application_form.html", {
        "form": form, "opportunity": opp, "application": None, "totals": form.budget_totals(),
    })


@login_required
def application_edit(request, pk: int):
    app = get_object_or_404(Application.objects.restrict(request.user).with_list_related(), pk=pk)
    policy.require(request.user, "application.change", app)
    if not workflow.LIFECYCLE.is_editable(app):
        messages.error(request, "The application can be edited only as a draft or when a revision is requested.")
        return redirect("applications:detail", pk=app.pk)
    form = ApplicationForm(request.POST or None, instance=app, user=request.user, opportunity=app.opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=request.user, application=app, budget=form.budget(),
                                        **form.service_fields())
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            return redirect("applications:detail", pk=app.pk)
        else:
            messages.success(request, "Application saved.")
            return redirect("applications:detail", pk=app.pk)
    return render(request, "applications/application_form.html", {
        "form": form, "opportunity": app.opportunity, "application": app, "totals": form.budget_totals(),
    })


def _render_detail(request, app: Application, *, unmet=(), failed: tuple[str, TransitionForm] | None = None,
                   status: int = 200):
    actions = []
    for spec in services.available_transitions(app, request.user):
        form = failed[1] if failed and failed[0] == spec.name else TransitionForm(
            initial={"expected_status": app.status}, auto_id=f"id_{spec.name}_%s")
        copy = presentation.action_copy(spec)
        if copy.comment_label:
            form.fields["comment"].label = copy.comment_label
            form.fields["comment"].help_text = copy.comment_hint
        blockers = presentation.open_review_blockers(app) if spec.name == "open_review" else []
        actions.append({"spec": spec, "form": form, "needs_due": "response_due_at" in spec.fields,
                        "copy": copy, "blockers": blockers, "failed": bool(failed and failed[0] == spec.name)})
    member = policy.may(request.user, "application.change", app)
    audit_trail = application_audit_trail(app) if may_view_audit_log(request.user) else None
    history = transition_history(app, request.user)
    staff_view = policy.may(request.user, "staff.read")
    return render(request, "applications/application_detail.html", {
        "steps": presentation.steps(app) if member else [],
        "next_step": (presentation.next_step_for_applicant(app, history) if member
                      else presentation.next_step_for_officer(app) if staff_view else None),
        "audit_events": audit_trail,
        "application": app,
        "budget_rows": [(label, getattr(app, f"budget_{name}")) for name, label in BUDGET_CATEGORIES],
        "documents": presentation.documents_with_currency(app.documents.select_related("uploaded_by")),
        "history": history,
        "actions": actions,
        # Guard messages are shared with the API, which names body fields in brackets; people
        # read the form's own labels instead.
        "unmet": [re.sub(r" \([a-z_]+\)", "", reason) for reason in unmet],
        "unmet_action": workflow.get(failed[0]).label if failed and unmet and workflow.get(failed[0]) else "",
        "can_edit": member and workflow.LIFECYCLE.is_editable(app),
        "is_staff_view": staff_view,
        "exclusion_panel": exclusion_panel(app, request.user),
    }, status=status)


@login_required
def application_detail(request, pk: int):
    app = get_object_or_404(Application.objects.restrict(request.user).with_list_related(), pk=pk)
    return _render_detail(request, app)


@login_required
def document_upload(request, pk: int):
    app = get_object_or_404(Application.objects.restrict(request.user).with_list_related(), pk=pk)
    policy.require(request.user, "document.upload", app)
    if not workflow.LIFECYCLE.is_editable(app):
        messages.error(request, "Documents can be added only to a draft or an application under revision.")
        return redirect("applications:detail", pk=app.pk)
    form = DocumentUploadForm(request.POST or None, request.FILES or None,
                              initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and upload_was_too_large(request):
        # The upload handler stopped reading past the limit (no or a lying Content-Length).
        form = DocumentUploadForm(request.POST)
        form.is_valid()
        form.errors["file"] = form.error_class([too_large_error().detail])
        form.mark_errors()
        return render(request, "applications/document_upload.html", {"form": form, "application": app},
                      status=413)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_upload(actor=request.user, application=app,
                                           kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"])
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except (PayloadTooLarge, UnsupportedMediaType) as exc:
            form.add_error("file", exc.detail)
            form.mark_errors()
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            return redirect("applications:detail", pk=app.pk)
        else:
            messages.success(request, f"Uploaded {doc.original_name}.")
            return redirect("applications:detail", pk=app.pk)
    return render(request, "applications/document_upload.html", {"form": form, "application": app})


@login_required
@require_POST
def document_remove(request, pk: int):
    doc = get_object_or_404(Document.objects.restrict(request.user).select_related("application"), pk=pk)
    try:
        services.document_delete(actor=request.user, document=doc)
    except InvalidTransition as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Removed {doc.original_name}.")
    return redirect("applications:detail", pk=doc.application_id)


@login_required
def document_download(request, pk: int):
    doc = get_object_or_404(Document.objects.restrict(request.user), pk=pk)
    return FileResponse(doc.file.open("rb"), as_attachment=True,
                        filename=safe_download_name(doc.original_name), content_type=doc.content_type)


@login_required
@require_POST
def application_transition(request, pk: int, name: str):
    """Fire one workflow transition from a POST button; guards failures re-render the page."""
    app = get_object_or_404(Application.objects.restrict(request.user).with_list_related(), pk=pk)
    spec = workflow.get(name)
    if spec is None:
        raise Http404("No such action.")
    detail_url = reverse("applications:detail", args=[app.pk])
    form = TransitionForm(request.POST, auto_id=f"id_{name}_%s")
    if not form.is_valid():
        return _render_detail(request, app, failed=(name, form), status=400)
    try:
        services.application_transition(
            application_id=app.pk, name=name, actor=request.user, data=form.service_data(),
            expected_status=form.cleaned_data.get("expected_status") or None,
        )
    except ConditionsUnmet as exc:
        return _render_detail(request, app, unmet=exc.unmet, failed=(name, form))
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
        return redirect(_safe_next(request, detail_url))
    messages.success(request, f"{spec.label}: done.")
    return redirect(_safe_next(request, detail_url))


# ---------------------------------------------------------------- officer screening queue


@login_required
def officer_queue(request):
    """Applications awaiting screening or revision, oldest submission first."""
    policy.require(request.user, "queue.view", message="The screening queue is for program officers.")
    form = QueueFilterForm(request.GET or None)
    apps = (Application.objects.restrict(request.user).filter(status__in=QUEUE_STATUSES)
            .with_list_related().order_by("submitted_at", "id")
            # The ownership flags of records not frozen by a submit derive from live owners.
            .prefetch_related("organization__owners"))
    if form.is_valid():
        if form.cleaned_data.get("opportunity"):
            apps = apps.filter(opportunity=form.cleaned_data["opportunity"])
        if form.cleaned_data.get("status"):
            apps = apps.filter(status=form.cleaned_data["status"])
    page = _page(request, apps)
    return render(request, "applications/officer_queue.html", {
        "form": form, "page_obj": page, "applications": page.object_list,
        "submitted": ApplicationStatus.SUBMITTED, "screening": ApplicationStatus.SCREENING,
        "can_act": policy.may(request.user, "application.start_screening"),
    })


# ---------------------------------------------------------------- opportunities (program officers)


def _save_opportunity(request, form, formset, opp: FundingOpportunity | None):
    """Validate both forms, call the service, map its errors back; the saved opportunity or None."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    rubric = formset.criteria()
    try:
        if opp is None:
            return services.opportunity_create(actor=request.user, rubric=rubric, **form.service_fields())
        # An untouched rubric is not resent: once reviews have scored, the service refuses
        # any rubric, and the officer may still need to fix the title or dates.
        unchanged = rubric == rubric_initial(opp)
        return services.opportunity_update(actor=request.user, opportunity=opp,
                                           rubric=None if unchanged else rubric, **form.service_fields())
    except ValidationFailed as exc:
        add_service_errors(form, exc)
    return None


@login_required
def opportunity_create(request):
    """A new solicitation (NOFO) with its weighted rubric."""
    policy.require(request.user, "opportunity.create")
    form = OpportunityForm(request.POST or None)
    formset = rubric_formset(request.POST or None)
    if request.method == "POST" and (opp := _save_opportunity(request, form, formset, None)):
        messages.success(request, f"Funding opportunity {opp.number} created.")
        return redirect("applications:opportunity_detail", pk=opp.pk)
    return render(request, "applications/opportunity_form.html", {
        "form": form, "formset": formset, "opportunity": None,
    })


@login_required
def opportunity_edit(request, pk: int):
    """Edit a solicitation; its rubric is frozen once any reviewer has scored against it."""
    opp = get_object_or_404(FundingOpportunity.objects.prefetch_related("rubric", "eligible_minerals"), pk=pk)
    policy.require(request.user, "opportunity.change", opp)
    form = OpportunityForm(request.POST or None, instance=opp)
    formset = rubric_formset(request.POST or None, initial=rubric_initial(opp))
    if request.method == "POST" and _save_opportunity(request, form, formset, opp):
        messages.success(request, f"Funding opportunity {opp.number} saved.")
        return redirect("applications:opportunity_detail", pk=opp.pk)
    return render(request, "applications/opportunity_form.html", {
        "form": form, "formset": formset, "opportunity": opp,
    })
