"""In-app notices (and their emails, owed through the outbox) about money on awards.

Written inside the caller's transaction, so a rolled-back request, decision or
delinquency mark notifies nobody.
"""

from django.urls import reverse

from accounts.choices import MemberRole
from accounts.models import Membership
from dpa_funding.formatting import long_date, money
from notifications import emails
from notifications.choices import NotificationKind
from notifications.deadlines import officers_for_opportunities
from notifications.services import Outgoing, notifications_deliver, recipients_accepting


def _award_url(award) -> str:
    return reverse("payments:award", args=[award.pk])


def _officers(award) -> list:
    opp_id = award.application.opportunity_id
    return recipients_accepting(officers_for_opportunities([opp_id])[opp_id], NotificationKind.PAYMENT_REQUEST)


def _members(award, *, aor_only: bool) -> list:
    members = Membership.objects.filter(organization_id=award.application.organization_id)
    if aor_only:
        members = members.filter(role=MemberRole.AUTHORIZED_REPRESENTATIVE)
    return recipients_accepting(members.values_list("user_id", flat=True), NotificationKind.PAYMENT_REQUEST)


def _deliver(users, *, kind, template, subject, related, url, context) -> list:
    outgoing = []
    for user in users:
        text, html = emails.render(template, {**context, "recipient": user, "url": emails.absolute(url)})
        outgoing.append(Outgoing(recipient=user, kind=kind, subject=subject, body=text, body_html=html,
                                 url=url, related=related))
    return notifications_deliver(outgoing=outgoing)


def payment_request_created(request) -> list:
    """Tell the opportunity's program officers that a request awaits their decision."""
    award = request.award
    return _deliver(
        _officers(award), kind=NotificationKind.PAYMENT_REQUEST, template="emails/payments/request_created",
        subject=f"Payment request of {money(request.amount)} on award {award.award_number}",
        related=request, url=reverse("payments:queue"),
        context={"request": request, "award": award, "amount": money(request.amount),
                 "period": f"{long_date(request.period_start)} to {long_date(request.period_end)}"})


def payment_request_decided(request) -> list:
    """Tell the organization's members what became of their request (with the comment)."""
    award = request.award
    label = request.get_status_display().lower()
    return _deliver(
        _members(award, aor_only=False), kind=NotificationKind.PAYMENT_REQUEST,
        template="emails/payments/request_decided",
        subject=f"Payment request of {money(request.amount)} on award {award.award_number}: {label}",
        related=request, url=_award_url(award),
        context={"request": request, "award": award, "amount": money(request.amount), "label": label,
                 "period": f"{long_date(request.period_start)} to {long_date(request.period_end)}"})


def loan_delinquent(delinquency) -> list:
    """Tell the opportunity's officers and the borrower's AORs that a loan is delinquent
    (mandatory: not subject to preferences)."""
    award = delinquency.award
    opp_id = award.application.opportunity_id
    officer_ids = officers_for_opportunities([opp_id])[opp_id]
    aor_ids = Membership.objects.filter(organization_id=award.application.organization_id,
                                        role=MemberRole.AUTHORIZED_REPRESENTATIVE).values_list("user_id", flat=True)
    users = recipients_accepting([*officer_ids, *aor_ids], NotificationKind.LOAN_DELINQUENCY)
    return _deliver(
        users, kind=NotificationKind.LOAN_DELINQUENCY, template="emails/payments/loan_delinquent",
        subject=f"Loan {award.award_number} is delinquent: {money(delinquency.past_due_amount)} past due",
        related=award, url=_award_url(award),
        context={"award": award, "delinquency": delinquency, "past_due": money(delinquency.past_due_amount),
                 "due_date": long_date(delinquency.due_date)})
