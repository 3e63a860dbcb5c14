"""Forms of the awards pages. Validation rules live in awards.services; the forms only
parse input and show the services' field errors (accounts.forms.add_service_errors)."""

from django import forms

from accounts.forms import USWDSFormMixin
from applications.choices import CREDIT_INSTRUMENTS, Instrument
from dpa_funding.formfields import MoneyField

from .choices import PaymentFrequency
from .services import LOAN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TermsForm(USWDSFormMixin, forms.Form):
    """The officer's negotiation form; ``conditions`` is one condition per line."""

    instrument = forms.ChoiceField(choices=Instrument.choices)
    federal_amount = MoneyField(label="Federal amount ($)")
    cost_share_amount = MoneyField(label="Recipient cost share ($)")
    period_start = forms.DateField(label="Period of performance starts", widget=DATE)
    period_end = forms.DateField(label="Period of performance ends", widget=DATE)
    conditions = forms.CharField(
        label="Special conditions", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One condition per line.",
    )
    principal = MoneyField(label="Principal ($)", required=False,
                                   help_text="Loans and loan guarantees: equals the federal amount.")
    annual_rate_percent = forms.DecimalField(label="Annual interest rate (%)", max_digits=7, decimal_places=4,
                                             required=False)
    term_months = forms.IntegerField(label="Term (months)", min_value=1, required=False)
    grace_months = forms.IntegerField(label="Interest-only grace period (months)", min_value=0, required=False)
    payment_frequency = forms.ChoiceField(choices=[("", "—"), *PaymentFrequency.choices], required=False)
    first_payment_date = forms.DateField(label="First payment date", widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, opportunity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if opportunity is not None:
            allowed = set(opportunity.instruments or [])
            self.fields["instrument"].choices = [c for c in Instrument.choices if c[0] in allowed]

    @staticmethod
    def initial_from(values: dict, version: int) -> dict:
        initial = dict(values)
        initial["conditions"] = "\n".join(values.get("conditions") or [])
        initial["version"] = version
        return initial

    def service_fields(self) -> dict:
        """Cleaned data in the service's terms (conditions as a list; loan fields only for loans)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["conditions"] = [line.strip() for line in (data.get("conditions") or "").splitlines() if line.strip()]
        if data.get("instrument") not in CREDIT_INSTRUMENTS:
            for name in LOAN_FIELDS:
                data.pop(name, None)
        return data


class AcceptForm(USWDSFormMixin, forms.Form):
    """The AOR's acceptance: a certification and their typed full name as the electronic
    signature (both required; the name must be the signer's own, as the account holds it)."""

    CERTIFICATION = (
        "I certify that I am the authorized organization representative, that I have read the award "
        "terms and conditions and the award letter, and that I accept them on behalf of the recipient, "
        "which will be legally bound by them."
    )

    certify = forms.BooleanField(
        label=CERTIFICATION, error_messages={"required": "Check the certification to accept the award."})
    signature = forms.CharField(
        label="Your full name", max_length=150,
        help_text="Typing your name signs the acceptance electronically.",
        error_messages={"required": "Type your full name to sign the acceptance."})

    def __init__(self, *args, signer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer = signer

    def clean_signature(self):
        typed = " ".join(self.cleaned_data["signature"].split())
        expected = " ".join((self.signer.get_full_name() if self.signer else "").split())
        if expected and typed.casefold() != expected.casefold():
            raise forms.ValidationError(f"Type your full name as it appears on your account: {expected}.")
        return typed


class AwardTransitionForm(USWDSFormMixin, forms.Form):
    """Body of an award action (accept, decline, rescind, ...). Whether the comment is
    required is the award table's call (``comment_required``), checked by the door."""

    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="The recipient and the program office will see this.")

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        if transition is not None:
            self.fields["comment"].label = "Reason (required)" if transition.comment_required else "Comment (optional)"


class IssueForm(USWDSFormMixin, forms.Form):
    acceptance_due_at = forms.DateTimeField(
        required=False, label="Acceptance deadline (Eastern time)",
        help_text="Leave empty for 5:00 p.m. Eastern on the 30th day after issue.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
