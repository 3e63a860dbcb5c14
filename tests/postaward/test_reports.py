"""Reports: the forms' rules (SF-425 arithmetic, every error at once) and the lifecycle
due -> submitted -> accepted, submitted -> return (comment) -> due, through the one door."""

from decimal import Decimal

import pytest

from applications.models import TransitionLog
from dpa_funding.errors import ConditionsUnmet, InvalidTransition, NotPermitted, ValidationFailed
from postaward import services
from postaward.choices import ReportKind, ReportStatus
from postaward.models import Report
from postaward.reportdata import financial_errors

from .helpers import accepted_award, aor, contributor, officer

pytestmark = pytest.mark.django_db

SF425 = {
    "federal_cash_receipts": "400000.00",
    "federal_cash_disbursements": "350000.00",
    "federal_share_of_expenditures": "500000.00",
    "recipient_share_of_expenditures": "500000.00",
    "federal_share_of_unliquidated_obligations": "150000.00",
    "program_income": "0.00",
}
PROGRESS = {"accomplishments": "Completed the pilot plant foundation.",
            "next_period_plans": "Install the crystallizers."}


def _first(award, kind):
    return Report.objects.filter(award=award, kind=kind, final=False).order_by("due_at").first()


def test_sf425_federal_expenditures_may_not_exceed_receipts_plus_unliquidated():
    _, errors = financial_errors({**SF425, "federal_share_of_expenditures": "550000.01"},
                                 federal_amount=Decimal("10000000.00"))
    assert list(errors) == ["federal_share_of_expenditures"]
    assert "cannot exceed federal cash receipts plus" in errors["federal_share_of_expenditures"][0]
    _, errors = financial_errors({**SF425, "federal_share_of_expenditures": "550000.00"},
                                 federal_amount=Decimal("10000000.00"))
    assert errors == {}


def test_sf425_reports_every_error_at_once():
    data = {**SF425, "federal_cash_disbursements": "450000.00", "federal_share_of_expenditures": "600000.00",
            "program_income": "-1", "recipient_share_of_expenditures": "abc"}
    del data["federal_cash_receipts"]
    data["federal_cash_receipts"] = "400000.00"
    data["bogus"] = "1"
    _, errors = financial_errors(data, federal_amount=Decimal("500000.00"))
    assert set(errors) == {"federal_cash_disbursements", "federal_share_of_expenditures", "program_income",
                           "recipient_share_of_expenditures", "federal_share_of_unliquidated_obligations", "bogus"}


def test_member_saves_and_submits_then_officer_accepts():
    award = accepted_award()
    report = _first(award, ReportKind.FINANCIAL)
    writer = contributor(award)
    services.report_save(actor=writer, report=report, data=SF425)
    report = services.transition(report, "submit", actor=writer)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == writer
    report = services.transition(report, "accept", actor=officer())
    assert report.status == ReportStatus.ACCEPTED and report.accepted_at is not None
    log = TransitionLog.objects.filter(object_id=report.pk, transition="accept").get()
    assert (log.from_state, log.to_state) == ("submitted", "accepted")


def test_save_reports_all_field_errors_and_changes_nothing():
    award = accepted_award()
    report = _first(award, ReportKind.FINANCIAL)
    with pytest.raises(ValidationFailed) as exc:
        services.report_save(actor=aor(award), report=report,
                             data={**SF425, "federal_share_of_expenditures": "900000.00", "program_income": ""})
    assert set(exc.value.errors) == {"data.federal_share_of_expenditures", "data.program_income"}
    report.refresh_from_db()
    assert report.data == {}


def test_submit_of_an_empty_report_lists_every_missing_line():
    award = accepted_award()
    report = _first(award, ReportKind.PROGRESS)
    with pytest.raises(ConditionsUnmet) as exc:
        services.transition(report, "submit", actor=aor(award))
    assert len(exc.value.unmet) == 2
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE


def test_return_needs_a_comment_and_puts_the_report_back_to_due():
    award = accepted_award()
    report = _first(award, ReportKind.PROGRESS)
    services.report_save(actor=aor(award), report=report, data=PROGRESS)
    services.transition(report, "submit", actor=aor(award))
    reviewer = officer()
    with pytest.raises(ConditionsUnmet):
        services.transition(report, "return", actor=reviewer, data={"comment": " "})
    report = services.transition(report, "return", actor=reviewer, data={"comment": "Add the permit status."})
    assert report.status == ReportStatus.DUE
    log = TransitionLog.objects.filter(object_id=report.pk, transition="return").get()
    assert log.comment == "Add the permit status." and not log.comment_internal
    # Editable again, and submittable again.
    services.report_save(actor=aor(award), report=report, data={**PROGRESS, "problems": "Permit delayed."})
    assert services.transition(report, "submit", actor=aor(award)).status == ReportStatus.SUBMITTED


def test_applicant_cannot_accept_and_officer_cannot_submit():
    award = accepted_award()
    report = _first(award, ReportKind.PROGRESS)
    services.report_save(actor=aor(award), report=report, data=PROGRESS)
    with pytest.raises(NotPermitted):
        services.transition(report, "submit", actor=officer())
    services.transition(report, "submit", actor=aor(award))
    with pytest.raises(NotPermitted):
        services.transition(report, "accept", actor=aor(award))


def test_submitted_report_cannot_be_edited():
    award = accepted_award()
    report = _first(award, ReportKind.PROGRESS)
    services.report_save(actor=aor(award), report=report, data=PROGRESS)
    services.transition(report, "submit", actor=aor(award))
    with pytest.raises(InvalidTransition):
        services.report_save(actor=aor(award), report=report, data=PROGRESS)


def test_outsider_cannot_write_a_report():
    from tests.factories import UserFactory

    award = accepted_award()
    with pytest.raises(NotPermitted):
        services.report_save(actor=UserFactory(), report=_first(award, ReportKind.PROGRESS), data=PROGRESS)
