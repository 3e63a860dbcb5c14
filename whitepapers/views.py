"""HTML pages for white papers: the organization's list, drafting, the PDF, the officer's
decision, and the history. Lookups use restrict() (404 for what the user may not see);
writes and state changes go through whitepapers.services (403 on NotPermitted)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from applications.documents import safe_download_name, too_large_error, upload_was_too_large
from applications.forms import member_organizations
from applications.models import Application, FundingOpportunity
from dpa_funding import policy
from dpa_funding.errors import (
    ConditionsUnmet,
    Conflict,
    InvalidTransition,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)

from . import services, workflow
from .choices import MAX_PAGES, WhitePaperStatus
from .forms import (
    WhitePaperDocumentForm,
    WhitePaperFilterForm,
    WhitePaperForm,
    WhitePaperTransitionForm,
)
from .models import WhitePaper, WhitePaperDocument
from .selectors import white_paper_history, white_papers_visible_to

PAGE_SIZE = 25


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


@login_required
def white_paper_list(request):
    """The user's organizations' white papers; officers see all, filtered by opportunity
    and status (submitted ones first: they wait for a decision)."""
    form = WhitePaperFilterForm(request.GET or None)
    papers = white_papers_visible_to(request.user).order_by("-submitted_at", "-created_at", "-id")
    if form.is_valid():
        if form.cleaned_data.get("opportunity"):
            papers = papers.filter(opportunity=form.cleaned_data["opportunity"])
        if form.cleaned_data.get("status"):
            papers = papers.filter(status=form.cleaned_data["status"])
    page = Paginator(papers, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "whitepapers/list.html", {
        "form": form, "page_obj": page, "white_papers": page.object_list,
        "is_staff_view": policy.may(request.user, "staff.read"),
        "open_two_step": FundingOpportunity.objects.filter(two_step=True, opens_at__lte=now,
                                                           white_paper_closes_at__gt=now).order_by("white_paper_closes_at"),
        "can_create": policy.may(request.user, "white_paper.create"),
    })


@login_required
def white_paper_create(request):
    """Start a draft white paper for ``?opportunity=ID`` (a two-step opportunity)."""
    opp = get_object_or_404(FundingOpportunity, pk=_int_or_404(request.GET.get("opportunity")))
    policy.require(request.user, "white_paper.create")
    if not member_organizations(request.user).exists():
        messages.info(request, "Register your organization before sending a white paper.")
        return redirect("accounts:organization_create")
    if not opp.two_step:
        messages.error(request, "This funding opportunity takes full applications directly, not white papers.")
        return redirect("applications:opportunity_detail", pk=opp.pk)
    form = WhitePaperForm(request.POST or None, user=request.user, opportunity=opp)
    if request.method == "POST" and form.is_valid():
        try:
            wp = services.white_paper_create(actor=request.user, opportunity=opp,
                                             organization=form.cleaned_data["organization"], **form.service_fields())
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft saved. Upload the white paper PDF, then submit.")
            return redirect("whitepapers:detail", pk=wp.pk)
    return render(request, "whitepapers/form.html", {"form": form, "opportunity": opp, "white_paper": None})


@login_required
def white_paper_edit(request, pk: int):
    wp = get_object_or_404(white_papers_visible_to(request.user), pk=pk)
    policy.require(request.user, "white_paper.change", wp)
    if not workflow.LIFECYCLE.is_editable(wp):
        messages.error(request, "A white paper can be edited only as a draft.")
        return redirect("whitepapers:detail", pk=wp.pk)
    form = WhitePaperForm(request.POST or None, instance=wp, user=request.user, opportunity=wp.opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.white_paper_update(actor=request.user, white_paper=wp, **form.service_fields())
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            return redirect("whitepapers:detail", pk=wp.pk)
        else:
            messages.success(request, "White paper saved.")
            return redirect("whitepapers:detail", pk=wp.pk)
    return render(request, "whitepapers/form.html", {"form": form, "opportunity": wp.opportunity, "white_paper": wp})


def _render_detail(request, wp: WhitePaper, *, unmet=(), failed=None, status: int = 200):
    actions = []
    for spec in services.available_transitions(wp, request.user):
        form = failed[1] if failed and failed[0] == spec.name else WhitePaperTransitionForm(
            initial={"expected_status": wp.status}, auto_id=f"id_{spec.name}_%s")
        actions.append({"spec": spec, "form": form, "needs_due": "proposal_due_at" in spec.fields,
                        "needs_comment": spec.name in ("encourage", "discourage", "withdraw")})
    member = policy.may(request.user, "white_paper.change", wp)
    applications = Application.objects.restrict(request.user).filter(white_paper=wp).order_by("id")
    may_apply = (member and wp.status == WhitePaperStatus.ENCOURAGED
                 and (wp.proposal_due_at is None or timezone.now() < wp.proposal_due_at)
                 and not applications.exclude(status="withdrawn").exists())
    return render(request, "whitepapers/detail.html", {
        "white_paper": wp,
        "document": WhitePaperDocument.objects.filter(white_paper=wp).select_related("uploaded_by").first(),
        "history": white_paper_history(wp, request.user),
        "actions": actions, "unmet": list(unmet),
        "can_edit": member and workflow.LIFECYCLE.is_editable(wp),
        "applications": applications, "may_apply": may_apply, "max_pages": MAX_PAGES,
        "is_staff_view": policy.may(request.user, "staff.read"),
    }, status=status)


@login_required
def white_paper_detail(request, pk: int):
    return _render_detail(request, get_object_or_404(white_papers_visible_to(request.user), pk=pk))


@login_required
def document_upload(request, pk: int):
    wp = get_object_or_404(white_papers_visible_to(request.user), pk=pk)
    policy.require(request.user, "white_paper_document.upload", wp)
    if not workflow.LIFECYCLE.is_editable(wp):
        messages.error(request, "The white paper document can be replaced only while the white paper is a draft.")
        return redirect("whitepapers:detail", pk=wp.pk)
    form = WhitePaperDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_was_too_large(request):
        form = WhitePaperDocumentForm(request.POST)
        form.is_valid()
        form.errors["file"] = form.error_class([too_large_error().detail])
        form.mark_errors()
        return render(request, "whitepapers/document_upload.html", {"form": form, "white_paper": wp}, status=413)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.white_paper_document_upload(actor=request.user, white_paper=wp,
                                                       uploaded=form.cleaned_data["file"])
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except (PayloadTooLarge, UnsupportedMediaType) as exc:
            form.add_error("file", exc.detail)
            form.mark_errors()
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            return redirect("whitepapers:detail", pk=wp.pk)
        else:
            messages.success(request, f"Uploaded {doc.original_name} ({doc.pages} pages).")
            return redirect("whitepapers:detail", pk=wp.pk)
    return render(request, "whitepapers/document_upload.html", {"form": form, "white_paper": wp})


@login_required
def document_download(request, pk: int):
    doc = get_object_or_404(WhitePaperDocument.objects.restrict(request.user), pk=pk)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=safe_download_name(doc.original_name),
                        content_type=doc.content_type)


@login_required
@require_POST
def white_paper_transition(request, pk: int, name: str):
    """Fire one white-paper transition from a POST button; unmet guards re-render the page."""
    wp = get_object_or_404(white_papers_visible_to(request.user), pk=pk)
    spec = workflow.get(name)
    if spec is None:
        raise Http404("No such action.")
    form = WhitePaperTransitionForm(request.POST, auto_id=f"id_{name}_%s")
    if not form.is_valid():
        return _render_detail(request, wp, failed=(name, form), status=400)
    try:
        services.white_paper_transition(white_paper_id=wp.pk, name=name, actor=request.user,
                                        data=form.service_data(),
                                        expected_status=form.cleaned_data.get("expected_status") or None)
    except ConditionsUnmet as exc:
        return _render_detail(request, wp, unmet=exc.unmet, failed=(name, form))
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
        return redirect(reverse("whitepapers:detail", args=[wp.pk]))
    messages.success(request, f"{spec.label}: done.")
    return redirect(reverse("whitepapers:detail", args=[wp.pk]))
