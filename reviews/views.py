"""HTML pages of merit review: the reviewer's workspace, COI and scoring forms, the read
phase, the officer's assignment pages and the ranking table (with CSV export)."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.forms import add_service_errors
from applications.choices import ApplicationStatus
from applications.models import Application, FundingOpportunity
from dpa_funding import policy
from dpa_funding.csv_safety import spreadsheet_safe
from dpa_funding.errors import DomainError, NotFound, ValidationFailed

from . import services
from .choices import NOT_RECUSED, AssignmentStatus
from .forms import AssignForm, AutoAssignForm, CoiForm, DeclineForm, ScoreForm
from .models import ReviewAssignment
from .selectors import RANK_BY, application_reviews_for, opportunity_ranking

S = AssignmentStatus


def _own_assignment(request, pk: int) -> ReviewAssignment:
    """The reviewer's own assignment (reviewer pages; officers use the assignments page)."""
    policy.require(request.user, "review.workspace")
    assignment = get_object_or_404(
        ReviewAssignment.objects.restrict(request.user).select_related(
            "application__organization", "application__project", "application__opportunity"),
        pk=pk)
    policy.require(request.user, "review_assignment.certify_coi", assignment)
    return assignment


def _domain_error(request, form, exc: DomainError) -> None:
    if isinstance(exc, ValidationFailed) and form is not None:
        add_service_errors(form, exc)
    else:
        messages.error(request, exc.detail)


@login_required
def workspace(request):
    """The reviewer's assignments with due dates and status."""
    policy.require(request.user, "review.workspace")
    assignments = (ReviewAssignment.objects.restrict(request.user)
                   .select_related("application__organization", "application__opportunity")
                   .order_by("status", "due_at", "pk"))
    return render(request, "reviews/workspace.html", {"assignments": assignments})


@login_required
def coi(request, pk: int):
    assignment = _own_assignment(request, pk)
    if assignment.status != S.PENDING_COI:
        return redirect("reviews:assignment", pk=pk)
    form = CoiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_certify_coi(actor=request.user, assignment=assignment,
                                                         **form.cleaned_data)
        except DomainError as exc:
            _domain_error(request, form, exc)
        else:
            if assignment.status == S.RECUSED:
                messages.success(request, "You have recused yourself from this application.")
                return redirect("reviews:workspace")
            messages.success(request, "Certified: no conflict of interest. You may now review the application.")
            return redirect("reviews:assignment", pk=pk)
    return render(request, "reviews/coi.html", {"assignment": assignment, "form": form})


@login_required
def assignment(request, pk: int):
    """The scoring form for an active assignment; read-only once submitted."""
    assignment = _own_assignment(request, pk)
    if assignment.status == S.PENDING_COI:
        return redirect("reviews:coi", pk=pk)
    if assignment.status in (S.RECUSED, S.DECLINED):
        # No application content, ever, for a recused or declined assignment.
        return render(request, "reviews/closed.html", {"assignment": assignment})
    app = assignment.application
    criteria = list(app.opportunity.rubric.all())
    form = ScoreForm(request.POST or None, criteria=criteria, scores=assignment.scores.all(),
                     initial={"overall_comment": assignment.overall_comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_save_scores(actor=request.user, assignment=assignment,
                                            scores=form.scores_payload(),
                                            overall_comment=form.cleaned_data["overall_comment"])
            if "submit" in request.POST:
                services.assignment_submit(actor=request.user, assignment=assignment)
                messages.success(request, "Your review has been submitted. You can now read the other reviews.")
                return redirect("reviews:read", pk=pk)
            messages.success(request, "Draft saved.")
            return redirect("reviews:assignment", pk=pk)
        except DomainError as exc:
            _domain_error(request, form, exc)
    return render(request, "reviews/assignment.html", {
        "assignment": assignment, "application": app, "form": form, "criteria": criteria,
        "documents": app.documents.all(), "scores": assignment.scores.select_related("criterion"),
    })


@login_required
def decline(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_decline(actor=request.user, assignment=assignment, **form.cleaned_data)
        except DomainError as exc:
            _domain_error(request, form, exc)
        else:
            messages.success(request, "You have declined the assignment.")
            return redirect("reviews:workspace")
    return render(request, "reviews/decline.html", {"assignment": assignment, "form": form})


@login_required
def read(request, pk: int):
    """The read phase: the other reviews, anonymized, once the reviewer submitted theirs."""
    assignment = _own_assignment(request, pk)
    try:
        reviews = application_reviews_for(request.user, assignment.application)
    except NotFound:
        raise Http404 from None
    return render(request, "reviews/read.html", {"assignment": assignment, "reviews": reviews})


# ---------------------------------------------------------------- officers


@login_required
def application_assignments(request, pk: int):
    """An application's assignments and the manual assignment form (program officers)."""
    policy.require(request.user, "review_assignment.create")
    app = get_object_or_404(Application.objects.select_related("opportunity", "organization"), pk=pk)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(actor=request.user, application=app, **form.cleaned_data)
        except DomainError as exc:
            _domain_error(request, form, exc)
        else:
            messages.success(request, "Reviewer assigned; they will be notified.")
            return redirect("reviews:application_assignments", pk=pk)
    assignments = app.review_assignments.select_related("reviewer").order_by("pk")
    return render(request, "reviews/application_assignments.html", {
        "application": app, "assignments": assignments, "form": form,
        "reviews": application_reviews_for(request.user, app),
        "active_count": assignments.filter(status__in=NOT_RECUSED).count(),
    })


@login_required
def opportunity_assign(request, pk: int):
    """Balanced automatic assignment over the opportunity's applications in screening."""
    policy.require(request.user, "review_assignment.create")
    opp = get_object_or_404(FundingOpportunity, pk=pk)
    form = AutoAssignForm(request.POST or None, initial={"per_application": opp.min_reviewers})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.assignments_auto_assign(actor=request.user, opportunity=opp, **form.cleaned_data)
        except DomainError as exc:
            _domain_error(request, form, exc)
        else:
            missing = sum(result.unfilled.values())
            messages.success(request, f"{len(result.created)} assignment(s) created.")
            if missing:
                messages.warning(request, f"{missing} slot(s) could not be filled with eligible reviewers "
                                          "under the cap.")
            return redirect("reviews:opportunity_assign", pk=pk)
    applications = (opp.applications.filter(status=ApplicationStatus.SCREENING)
                    .select_related("organization")
                    .annotate(live=Count("review_assignments", filter=Q(review_assignments__status__in=NOT_RECUSED)))
                    .order_by("pk"))
    return render(request, "reviews/opportunity_assign.html", {
        "opportunity": opp, "form": form, "applications": applications})


@login_required
def ranking(request, pk: int):
    """The ranking table (``?by=normalized``; ``?format=csv`` downloads it)."""
    policy.require(request.user, "ranking.view")
    opp = get_object_or_404(FundingOpportunity, pk=pk)
    by = request.GET.get("by", "mean")
    if by not in RANK_BY:
        by = "mean"
    rows = opportunity_ranking(opp, by=by)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ranking-{opp.pk}-{by}.csv"'
        writer = csv.writer(response)
        writer.writerow(["rank", "application", "title", "organization", "mean_score", "normalized_score",
                         "review_count", "score_spread", "flagged"])
        for r in rows:
            writer.writerow([r.rank, r.application, spreadsheet_safe(r.title),
                             spreadsheet_safe(r.organization), f"{r.mean_score:.2f}",
                             f"{r.normalized_score:.2f}", r.review_count, f"{r.score_spread:.2f}",
                             "yes" if r.flagged else "no"])
        return response
    return render(request, "reviews/ranking.html", {
        "opportunity": opp, "rows": rows, "by": by,
        "csv_url": f"{reverse('reviews:ranking', args=[opp.pk])}?by={by}&format=csv",
    })
