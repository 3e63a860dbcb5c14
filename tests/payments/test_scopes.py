"""restrict() scopes of every payments model, and the audit trail of money recorded."""

import datetime as dt
from decimal import Decimal

import pytest

from applications.choices import Instrument
from audit.models import AuditEvent
from payments import services
from payments.models import (
    Delinquency,
    Disbursement,
    PaymentRequest,
    Repayment,
    RepaymentAllocation,
)
from tests.factories import UserFactory
from tests.payments.factories import accepted_award, aor, officer

pytestmark = pytest.mark.django_db

MODELS = (PaymentRequest, Disbursement, Repayment, RepaymentAllocation, Delinquency)


def test_every_model_is_visible_to_its_organization_and_federal_staff_only():
    grant = accepted_award()
    loan = accepted_award(instrument=Instrument.LOAN, federal_amount=Decimal("1000.00"),
                          loan={"first_payment_date": dt.date.today() - dt.timedelta(days=60)})
    po = officer()
    services.payment_request_create(actor=aor(grant), award=grant, request_type="advance", amount=Decimal("10.00"),
                                    period_start=grant.period_start, period_end=grant.period_start)
    services.disbursement_record(actor=po, award=loan, amount=Decimal("1000.00"),
                                 disbursed_on=dt.date.today() - dt.timedelta(days=90))
    services.repayment_record(actor=po, award=loan, amount=Decimal("1.00"), received_on=dt.date.today())
    services.loans_mark_delinquency()
    admin = UserFactory(admin=True)
    stranger, reviewer = UserFactory(), UserFactory(reviewer=True)
    for model in MODELS:
        everything = model.objects.count()
        assert everything == 1, model
        assert model.objects.restrict(po).count() == everything
        assert model.objects.restrict(admin).count() == everything
        assert model.objects.restrict(stranger).count() == 0
        assert model.objects.restrict(reviewer).count() == 0
    assert PaymentRequest.objects.restrict(aor(grant)).count() == 1
    assert PaymentRequest.objects.restrict(aor(loan)).count() == 0
    for model in (Disbursement, Repayment, RepaymentAllocation, Delinquency):
        assert model.objects.restrict(aor(loan)).count() == 1
        assert model.objects.restrict(aor(grant)).count() == 0


def test_recorded_money_is_in_the_audit_log():
    loan = accepted_award(instrument=Instrument.LOAN, federal_amount=Decimal("1000.00"))
    po = officer()
    disbursement = services.disbursement_record(actor=po, award=loan, amount=Decimal("400.00"),
                                                disbursed_on=dt.date.today())
    event = AuditEvent.objects.get(object_type="payments.disbursement", object_id=disbursement.pk)
    assert event.action == "create" and event.changes["after"]["amount"] == "400.00"
