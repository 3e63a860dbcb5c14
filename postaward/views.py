"""HTML pages of post-award management: an award's milestones, reports and modifications
(with the actions the viewer may take), the report form, the recipient's due list and the
officer's portfolio. Lookups use ``restrict`` (404); services and the door decide (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from awards.choices import AwardStatus
from awards.models import Award
from dpa_funding import lifecycle, policy
from dpa_funding.errors import ConditionsUnmet, DomainError, NotPermitted, ValidationFailed

from . import selectors, services
from .forms import (
    CommentForm,
    EvidenceForm,
    MilestoneForm,
    ModificationForm,
    ReportForm,
    UploadForm,
)
from .models import AwardDocument, Milestone, Modification, Report

PAGE_SIZE = 25


def _award(request, pk) -> Award:
    qs = Award.objects.restrict(request.user).select_related("application__organization", "obligation")
    return get_object_or_404(qs, pk=pk)


def _report_error(request, exc: DomainError) -> None:
    if isinstance(exc, ConditionsUnmet):
        for message in exc.unmet:
            messages.error(request, message)
    elif isinstance(exc, ValidationFailed):
        for field, items in exc.errors.items():
            for message in items:
                messages.error(request, f"{field.replace('_', ' ').capitalize()}: {message}")
    else:
        messages.error(request, exc.detail)


def _actions(obj, user) -> list:
    return lifecycle.available(obj, user, services.LIFECYCLE_OF[type(obj)])


@login_required
def award_post_award(request, pk):
    """Milestones, reports and modifications of one award."""
    award = _award(request, pk)
    milestones = list(Milestone.objects.filter(award=award).prefetch_related("evidence_documents"))
    documents = list(AwardDocument.objects.filter(award=award))
    reports = list(Report.objects.filter(award=award))
    modifications = list(Modification.objects.filter(award=award).select_related("proposed_by"))
    award_actions = []
    return render(request, "postaward/award.html", {
        "award": award,
        "milestones": [(m, _actions(m, request.user)) for m in milestones],
        "reports": reports,
        "modifications": [(m, _actions(m, request.user)) for m in modifications],
        "documents": documents,
        "evidence_form": EvidenceForm(documents=documents),
        "comment_form": CommentForm(),
        "milestone_form": MilestoneForm() if policy.may(request.user, "milestone.create", award) else None,
        "modification_form": (ModificationForm() if award.status == AwardStatus.ACCEPTED
                              and policy.may(request.user, "modification.propose", award) else None),
        "upload_form": (UploadForm() if award.status in services.ACTIVE_AWARD_STATES
                        and policy.may(request.user, "award_document.upload", award) else None),
        "award_actions": award_actions,
        "unliquidated": services.unliquidated_balance(award) if award.status == AwardStatus.CLOSEOUT else None,
    })


@login_required
@require_POST
def milestone_create(request, pk):
    award = _award(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_create(actor=request.user, award=award, **form.cleaned_data)
            messages.success(request, "Milestone set.")
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            _report_error(request, exc)
    else:
        for field, items in form.errors.items():
            for message in items:
                messages.error(request, f"{form.fields[field].label or field}: {message}")
    return redirect("postaward:award", pk=award.pk)


@login_required
@require_POST
def document_upload(request, pk):
    award = _award(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.award_document_upload(actor=request.user, award=award, uploaded=form.cleaned_data["file"])
            messages.success(request, "Document attached.")
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            _report_error(request, exc)
    else:
        messages.error(request, "Choose a file to upload.")
    return redirect("postaward:award", pk=award.pk)


def _fire(request, obj, name: str, data: dict, back: str):
    try:
        services.transition(obj, name, actor=request.user, data=data)
        messages.success(request, "Done.")
    except DomainError as exc:
        if isinstance(exc, NotPermitted):
            raise
        _report_error(request, exc)
    return redirect(back)


@login_required
@require_POST
def milestone_transition(request, pk, name):
    milestone = get_object_or_404(Milestone.objects.restrict(request.user), pk=pk)
    documents = AwardDocument.objects.filter(award_id=milestone.award_id)
    form = EvidenceForm(request.POST, documents=documents)
    form.is_valid()
    data = {"comment": form.cleaned_data.get("comment", ""), "documents": form.cleaned_data.get("documents", [])}
    from django.urls import reverse

    return _fire(request, milestone, name, data, reverse("postaward:award", kwargs={"pk": milestone.award_id}))


@login_required
def report_detail(request, pk):
    """The report's form (members, while due) and its actions."""
    report = get_object_or_404(Report.objects.restrict(request.user).select_related("award"), pk=pk)
    editable = report.status == "due" and policy.may(request.user, "report.change", report)
    form = ReportForm(request.POST or None, kind=report.kind, initial=report.data or {})
    if request.method == "POST":
        policy.require(request.user, "report.change", report)
        if form.is_valid():
            try:
                services.report_save(actor=request.user, report=report, data=form.data_for_service())
                messages.success(request, "Report saved.")
                return redirect("postaward:report", pk=report.pk)
            except ValidationFailed as exc:
                add_service_errors(form, ValidationFailed(
                    {k.removeprefix("data."): v for k, v in exc.errors.items()}))
            except DomainError as exc:
                if isinstance(exc, NotPermitted):
                    raise
                _report_error(request, exc)
    return render(request, "postaward/report.html", {
        "report": report, "award": report.award, "form": form, "editable": editable,
        "actions": _actions(report, request.user), "comment_form": CommentForm(),
    })


@login_required
@require_POST
def report_transition(request, pk, name):
    report = get_object_or_404(Report.objects.restrict(request.user), pk=pk)
    from django.urls import reverse

    return _fire(request, report, name, {"comment": request.POST.get("comment", "")},
                 reverse("postaward:report", kwargs={"pk": report.pk}))


@login_required
@require_POST
def modification_propose(request, pk):
    award = _award(request, pk)
    form = ModificationForm(request.POST)
    if form.is_valid():
        try:
            services.modification_propose(actor=request.user, award=award, **form.service_fields())
            messages.success(request, "Modification proposed.")
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            _report_error(request, exc)
    else:
        for field, items in form.errors.items():
            for message in items:
                messages.error(request, f"{form.fields[field].label or field}: {message}")
    return redirect("postaward:award", pk=award.pk)


@login_required
@require_POST
def modification_transition(request, pk, name):
    mod = get_object_or_404(Modification.objects.restrict(request.user), pk=pk)
    from django.urls import reverse

    return _fire(request, mod, name, {"comment": request.POST.get("comment", "")},
                 reverse("postaward:award", kwargs={"pk": mod.award_id}))


@login_required
@require_POST
def award_transition(request, pk, name):
    """Award transitions fired from the post-award page (close)."""
    award = _award(request, pk)
    from django.urls import reverse

    try:
        lifecycle.fire("award", award, name, actor=request.user, data={"comment": request.POST.get("comment", "")})
        messages.success(request, "Done.")
    except DomainError as exc:
        if isinstance(exc, NotPermitted):
            raise
        _report_error(request, exc)
    return redirect(reverse("postaward:award", kwargs={"pk": award.pk}))


@login_required
def due_list(request):
    policy.require(request.user, "due_list.view")
    items = selectors.due_items_for(request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "postaward/due_list.html", {"page_obj": page, "items": page.object_list})


@login_required
def portfolio(request):
    policy.require(request.user, "portfolio.view")
    rows = selectors.portfolio(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "postaward/portfolio.html", {"page_obj": page, "rows": page.object_list})
