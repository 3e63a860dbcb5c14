"""HTML pages of the awards app: award list and detail (accept, rescind, letter), the
officer's negotiation form with a schedule preview and award issuance, and the funds page.

Lookups use the permission-aware querysets (404); the services decide who may act (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from applications.choices import ApplicationStatus
from applications.models import Application, FundingOpportunity, TransitionLog
from applications.services import application_transition
from dpa_funding import lifecycle, policy
from dpa_funding.errors import (
    ConditionsUnmet,
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from exclusions.selectors import exclusion_panel

from . import selectors, services
from .choices import AwardStatus, LetterStatus
from .forms import AcceptForm, AwardTransitionForm, IssueForm, TermsForm
from .models import Award, AwardTerms
from .schedule import LoanInputs, schedule_csv_rows, summarize

PAGE_SIZE = 25


def _award_or_404(request, pk) -> Award:
    qs = selectors.awards_visible_to(request.user).select_related("loan", "obligation", "issued_by")
    return get_object_or_404(qs, pk=pk)


@login_required
def award_list(request):
    """Officers: every award; applicants: their organizations' awards."""
    awards = selectors.awards_visible_to(request.user)
    status = request.GET.get("status")
    if status in AwardStatus.values:
        awards = awards.filter(status=status)
    page = Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "awards/award_list.html", {
        "page_obj": page, "awards": page.object_list, "statuses": AwardStatus.choices, "status": status,
        "is_officer": policy.may(request.user, "staff.read"),
    })


@login_required
def award_detail(request, pk):
    return _render_award(request, _award_or_404(request, pk))


def _render_award(request, award, *, accept_form=None, status=200):
    actions = _award_actions(award, request.user)
    officer = policy.may(request.user, "staff.read")
    rows = selectors.award_schedule(award)
    history = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Award), object_id=award.pk).select_related("actor")
    return render(request, "awards/award_detail.html", {
        "award": award, "application": award.application,
        "is_officer": officer,
        "letter_ready": award.letter_status == LetterStatus.READY and bool(award.letter_file),
        # Buttons from the award table: what this user may fire from the current state and
        # whose conditions hold now (a deadline decides between accept and rescind).
        "actions": actions,
        # Acceptance has its own dialog: the certification and the signer's typed name.
        "can_accept": any(a["transition"].name == "accept" for a in actions),
        "can_request_letter": policy.may(request.user, "letter.request", award),
        "accept_form": accept_form or AcceptForm(signer=request.user),
        "accept_failed": accept_form is not None,
        "schedule": rows, "summary": summarize(rows, award.loan.inputs()) if rows else None,
        "history": history if officer else [],
    }, status=status)


@login_required
def award_letter_status(request, pk):
    """The award letter's status as an HTML fragment: static/js/poll.js swaps it into the award
    page every few seconds while the letter is being generated (no manual reload)."""
    award = _award_or_404(request, pk)
    return render(request, "awards/_letter_status.html", {
        "award": award, "is_officer": policy.may(request.user, "staff.read"),
        "letter_ready": award.letter_status == LetterStatus.READY and bool(award.letter_file),
    })


@login_required
def award_letter(request, pk):
    award = _award_or_404(request, pk)
    if award.letter_status != LetterStatus.READY or not award.letter_file:
        raise Http404("The award letter has not been generated yet.")
    return FileResponse(award.letter_file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{award.award_number}.pdf")


@login_required
def award_schedule_csv(request, pk):
    award = _award_or_404(request, pk)
    rows = selectors.award_schedule(award)
    if rows is None:
        raise Http404("Only loans have a repayment schedule.")
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{award.award_number}-schedule.csv"'
    csv.writer(response, lineterminator="\r\n").writerows(schedule_csv_rows(rows))
    return response


def _act(request, award, action, **kwargs):
    try:
        action(actor=request.user, award=award, **kwargs)
    except ConditionsUnmet as exc:
        for reason in exc.unmet:
            messages.error(request, reason)
        return False
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
        return False
    return True


@require_POST
@login_required
def award_accept(request, pk):
    award = _award_or_404(request, pk)
    if not policy.may(request.user, "award.accept", award):  # who, before what they typed
        raise PermissionDenied(policy.message_for("award.accept"))
    form = AcceptForm(request.POST, signer=request.user)
    if not form.is_valid():
        return _render_award(request, award, accept_form=form, status=400)
    if _act(request, award, services.award_accept, certification=AcceptForm.CERTIFICATION,
            signature=form.cleaned_data["signature"]):
        messages.success(request, f"You accepted award {award.award_number}.")
    return redirect("awards:detail", pk=award.pk)


def _award_actions(award, user) -> list[dict]:
    lc = lifecycle.get("award")
    actions = []
    for t in lifecycle.available(award, user, "award"):
        # Guards that only read the clock and the row; comment checks wait for the POST.
        if lifecycle.unmet_conditions(lc, t, award, user, {"comment": "-"}):
            continue
        actions.append({"transition": t, "form": AwardTransitionForm(transition=t, auto_id=f"id_{t.name}_%s")})
    return actions


@require_POST
@login_required
def award_transition(request, pk, name):
    """Fire an award transition from its button (the one door decides)."""
    award = _award_or_404(request, pk)
    lc = lifecycle.get("award")
    if not lc.has(name) or name == "accept":  # acceptance is signed through award_accept
        raise Http404("No such action.")
    transition = lc.transition(name)
    form = AwardTransitionForm(request.POST, transition=transition)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if _act(request, award, services.award_transition, name=name, data={"comment": comment}):
        messages.success(request, f"{transition.label}: done ({award.award_number}).")
    return redirect("awards:detail", pk=award.pk)


@require_POST
@login_required
def award_regenerate_letter(request, pk):
    from .letters import award_letter_request

    award = _award_or_404(request, pk)
    if _act(request, award, award_letter_request):
        messages.success(request, "The award letter was queued for generation.")
    return redirect("awards:detail", pk=award.pk)


# ---------------------------------------------------------------- negotiation (officers)


def _negotiation_application(request, pk) -> Application:
    app = get_object_or_404(
        Application.objects.restrict(request.user).select_related("opportunity", "organization", "project"), pk=pk)
    policy.require(request.user, "terms.view", app)
    return app


def _preview(values: dict):
    """Schedule rows and summary for the values on the form (None when not a complete, valid
    loan), from the same selector as the terms API."""
    rows, _errors = selectors.loan_schedule_preview(values.get("instrument"), values)
    if rows is None:
        return None, None
    return rows, summarize(rows, LoanInputs(**{f: values[f] for f in selectors.LOAN_FIELDS}))


@login_required
def terms(request, pk):
    """The negotiation form: save terms, preview the loan schedule, issue the award."""
    app = _negotiation_application(request, pk)
    saved = AwardTerms.objects.filter(application=app).first()
    if saved is None and app.status != ApplicationStatus.NEGOTIATION:
        raise Http404("No award terms were negotiated for this application.")
    editable = app.status == ApplicationStatus.NEGOTIATION and policy.may(request.user, "terms.change", app)
    values = services.terms_values(saved) if saved else services.terms_proposal(app)

    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Terms can be edited only in negotiation.")
        form = TermsForm(request.POST, opportunity=app.opportunity)
        if form.is_valid():
            values = form.service_fields()
            if request.POST.get("action") == "preview":
                for name, messages_ in services.terms_errors(app, values, check_budget=True).items():
                    for message in messages_:
                        form.add_error(name if name in form.fields else None, message)
            else:
                try:
                    services.terms_save(actor=request.user, application=app,
                                        expected_version=form.cleaned_data.get("version"), **values)
                except ValidationFailed as exc:
                    add_service_errors(form, exc)
                except Conflict as exc:
                    form.add_error(None, exc.detail)
                else:
                    messages.success(request, "The award terms were saved.")
                    return redirect("awards:terms", pk=app.pk)
    else:
        form = TermsForm(initial=TermsForm.initial_from(values, saved.version if saved else 0),
                         opportunity=app.opportunity)

    rows, summary = _preview(values)
    opp = app.opportunity
    obligation = None
    if values.get("federal_amount") and values.get("instrument"):
        obligation = services.obligation_amount(instrument=values["instrument"], federal_amount=values["federal_amount"],
                                                principal=values.get("principal"), opportunity=opp)
    available = opp.budget_ceiling - services.active_obligations_total(opp.pk)
    return render(request, "awards/terms_form.html", {
        "application": app, "form": form, "saved": saved, "editable": editable,
        "schedule": rows, "summary": summary, "obligation": obligation, "available": available,
        "award": Award.objects.filter(application=app).first(),
        "can_issue": editable and saved is not None and policy.may(request.user, "award.issue", app),
        "issue_form": IssueForm(),
        "exclusion_panel": exclusion_panel(app, request.user),
    })


@require_POST
@login_required
def issue(request, pk):
    """Fire the award transition (the one door); show every unmet condition on failure."""
    app = _negotiation_application(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("awards:terms", pk=app.pk)
    data = {}
    if form.cleaned_data.get("acceptance_due_at"):
        data["acceptance_due_at"] = form.cleaned_data["acceptance_due_at"]
    try:
        app = application_transition(application_id=app.pk, name="award", actor=request.user, data=data,
                                     expected_status=ApplicationStatus.NEGOTIATION)
    except ConditionsUnmet as exc:
        for reason in exc.unmet:
            messages.error(request, reason)
        return redirect("awards:terms", pk=app.pk)
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
        return redirect("awards:terms", pk=app.pk)
    award = Award.objects.get(application=app)
    messages.success(request, f"Award {award.award_number} was issued; the letter is being generated.")
    return redirect("awards:detail", pk=award.pk)


@login_required
def funds(request, pk):
    """An opportunity's budget: ceiling, obligated, available, by instrument and mineral."""
    policy.require(request.user, "funds.view")
    opp = get_object_or_404(FundingOpportunity, pk=pk)
    awards = (Award.objects.filter(application__opportunity=opp)
              .select_related("application__organization", "obligation").order_by("-issued_at"))
    return render(request, "awards/funds.html", {"opportunity": opp, "funds": selectors.opportunity_funds(opp),
                                                 "awards": awards})
