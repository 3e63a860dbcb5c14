"""Forms of the payments pages. The rules live in payments.services; the forms parse input
and show the services' field errors (accounts.forms.add_service_errors)."""

from django import forms

from accounts.forms import USWDSFormMixin

from .choices import RequestType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 15, "decimal_places": 2}


class PaymentRequestForm(USWDSFormMixin, forms.Form):
    request_type = forms.ChoiceField(label="Type of payment", choices=RequestType.choices,
                                     help_text="An advance for costs you will incur, or reimbursement of costs paid.")
    amount = forms.DecimalField(label="Federal amount requested ($)", **MONEY)
    period_start = forms.DateField(label="Period covered: from", widget=DATE)
    period_end = forms.DateField(label="Period covered: to", widget=DATE)


class DecisionForm(USWDSFormMixin, forms.Form):
    comment = forms.CharField(label="Comment to the recipient", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="Required when rejecting.")


class DisbursementForm(USWDSFormMixin, forms.Form):
    amount = forms.DecimalField(label="Principal disbursed ($)", **MONEY)
    disbursed_on = forms.DateField(label="Disbursed on", widget=DATE)
    note = forms.CharField(label="Note", required=False, max_length=500)


class RepaymentForm(USWDSFormMixin, forms.Form):
    amount = forms.DecimalField(label="Amount received ($)", **MONEY)
    received_on = forms.DateField(label="Received on", widget=DATE)
    reference = forms.CharField(label="Remittance reference", required=False, max_length=100)
