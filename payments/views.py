"""HTML pages for payments: the recipient requests payments and follows them and its loan;
officers decide requests and record disbursements and repayments.

Lookups use restrict() (404); the services and the lifecycle door decide who may act (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from applications.choices import CREDIT_INSTRUMENTS
from awards.models import Award
from awards.schedule import build_schedule, summarize
from dpa_funding import lifecycle, policy
from dpa_funding.errors import (
    ConditionsUnmet,
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from dpa_funding.formatting import money

from . import selectors, services
from .choices import PAYABLE_INSTRUMENTS, PaymentRequestStatus
from .forms import DecisionForm, DisbursementForm, PaymentRequestForm, RepaymentForm
from .models import PaymentRequest
from .workflow import PAYMENT_REQUEST

PAGE_SIZE = 25


def _award_or_404(request, pk) -> Award:
    qs = Award.objects.restrict(request.user).select_related("application", "application__organization")
    return get_object_or_404(qs, pk=pk)


@login_required
def overview(request):
    """Officers: requests awaiting a decision and delinquent loans. Recipients: their
    organizations' accepted awards with what was drawn on each."""
    if policy.may(request.user, "staff.read"):
        pending = selectors.payment_requests_visible_to(request.user).filter(status=PaymentRequestStatus.REQUESTED)
        page = Paginator(pending.order_by("requested_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
        delinquent = (Award.objects.restrict(request.user).filter(pk__in=selectors.delinquent_award_ids())
                      .select_related("application__organization").order_by("award_number"))
        return render(request, "payments/queue.html", {"page_obj": page, "requests": page.object_list,
                                                       "delinquent": delinquent})
    awards = (Award.objects.restrict(request.user).filter(status__in=services.PAYMENT_AWARD_STATUSES)
              .select_related("application__organization").order_by("-issued_at", "-id"))
    page = Paginator(awards, PAGE_SIZE).get_page(request.GET.get("page"))
    drawn = selectors.drawn_amounts(a.pk for a in page.object_list)
    rows = [{"award": a, "drawn": drawn.get(a.pk, selectors.ZERO),
             "kind": "loan" if a.instrument in CREDIT_INSTRUMENTS else "grant"} for a in page.object_list]
    return render(request, "payments/recipient_overview.html", {"page_obj": page, "rows": rows})


def _page_context(request, award, **forms) -> dict:
    user = request.user
    context = {"award": award, "application": award.application, "is_officer": policy.may(user, "staff.read"),
               "open_for_payments": award.status in services.PAYMENT_AWARD_STATUSES, **forms}
    if award.instrument in CREDIT_INSTRUMENTS and not services.has_loan_terms(award):
        context.update({"no_loan_terms": True, "is_loan": True})
    elif award.instrument in CREDIT_INSTRUMENTS:
        rows = build_schedule(award.loan.inputs())
        context.update({
            "is_loan": True, "status": selectors.loan_status(award), "installments": selectors.installment_status(award),
            "summary": summarize(rows, award.loan.inputs()),
            "disbursements": selectors.award_disbursements(award, user),
            "repayments": selectors.award_repayments(award, user),
            "can_record": policy.may(user, "disbursement.record", award),
        })
        context.setdefault("disbursement_form", DisbursementForm())
        context.setdefault("repayment_form", RepaymentForm())
    elif award.instrument in PAYABLE_INSTRUMENTS:
        requests = list(selectors.award_payment_requests(award, user))
        for item in requests:
            item.actions = lifecycle.available(item, user, "payment_request")
        committed = services.committed_total(award)
        context.update({
            "requests": requests, "committed": committed, "remaining": award.federal_amount - committed,
            "drawn": selectors.drawn_amount(award),
            "can_request": policy.may(user, "payment_request.create", award),
            "decision_form": DecisionForm(),
        })
        context.setdefault("request_form", PaymentRequestForm())
    return context


@login_required
def award_payments(request, pk):
    award = _award_or_404(request, pk)
    return render(request, "payments/award.html", _page_context(request, award))


def _rerender(request, award, **forms):
    return render(request, "payments/award.html", _page_context(request, award, **forms), status=400)


@require_POST
@login_required
def request_payment(request, pk):
    award = _award_or_404(request, pk)
    form = PaymentRequestForm(request.POST)
    if form.is_valid():
        try:
            created = services.payment_request_create(actor=request.user, award=award, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except InvalidTransition as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Your request for {money(created.amount)} was sent to the program office.")
            return redirect("payments:award", pk=award.pk)
    return _rerender(request, award, request_form=form)


@require_POST
@login_required
def decide(request, pk, name):
    item = get_object_or_404(PaymentRequest.objects.restrict(request.user), pk=pk)
    if not PAYMENT_REQUEST.has(name):
        raise NotFound(f"There is no transition named '{name}'.")
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        item = services.payment_request_transition(actor=request.user, request_id=item.pk, name=name,
                                                   data={"comment": comment},
                                                   expected_status=request.POST.get("expected_status") or None)
    except ConditionsUnmet as exc:
        for reason in exc.unmet:
            messages.error(request, reason)
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"The request for {money(item.amount)} on award {item.award.award_number} is now "
                                  f"{item.get_status_display().lower()}.")
    if request.POST.get("next") == "queue":
        return redirect("payments:queue")
    return redirect("payments:award", pk=item.award_id)


def _record(request, pk, form_class, service, form_key, success):
    award = _award_or_404(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, award=award, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except InvalidTransition as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, success)
            return redirect("payments:award", pk=award.pk)
    return _rerender(request, award, **{form_key: form})


@require_POST
@login_required
def record_disbursement(request, pk):
    return _record(request, pk, DisbursementForm, services.disbursement_record, "disbursement_form",
                   "The disbursement was recorded.")


@require_POST
@login_required
def record_repayment(request, pk):
    return _record(request, pk, RepaymentForm, services.repayment_record, "repayment_form",
                   "The repayment was recorded and applied to the schedule.")


