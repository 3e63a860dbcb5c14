"""HTML forms for white papers. Forms parse input; whitepapers.services validates and writes."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from accounts.forms import ServiceModelForm, USWDSFormMixin
from accounts.models import Organization
from applications.choices import Instrument
from applications.forms import CLOSING_HOUR, LocalDateTimeField, member_organizations
from applications.models import FundingOpportunity, Project

from .choices import MAX_PAGES, WhitePaperStatus
from .models import WhitePaper


class WhitePaperForm(ServiceModelForm):
    """The short form of domain.md: project, instrument, estimated federal amount, summary."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    project = forms.ModelChoiceField(queryset=Project.objects.none())

    class Meta:
        model = WhitePaper
        fields = ["organization", "project", "title", "instrument", "federal_amount_estimate", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        labels = {"federal_amount_estimate": "Estimated federal amount ($)", "summary": "Summary"}

    def __init__(self, *args, user, opportunity: FundingOpportunity, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["project"].queryset = Project.objects.filter(organization_id=self.instance.organization_id)
        else:
            orgs = member_organizations(user)
            self.fields["organization"].queryset = orgs
            if orgs.count() == 1:
                self.fields["organization"].initial = orgs.first().pk
            self.fields["project"].queryset = (Project.objects.filter(organization__in=orgs)
                                               .select_related("organization").order_by("name"))
            self.fields["project"].label_from_instance = lambda p: f"{p.name} ({p.organization.legal_name})"
        allowed = [c for c in Instrument.choices if c[0] in (opportunity.instruments or [])]
        self.fields["instrument"].choices = [("", "- Select -"), *allowed]
        field = self.fields["federal_amount_estimate"]
        field.min_value = Decimal("0")
        field.validators.append(MinValueValidator(Decimal("0")))
        field.widget.attrs.update({"min": "0", "step": "0.01"})

    def clean(self):
        data = super().clean()
        org, project = data.get("organization"), data.get("project")
        if org is not None and project is not None and project.organization_id != org.pk:
            self.add_error("project", "Choose a project of the organization.")
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name != "organization"}


class WhitePaperDocumentForm(USWDSFormMixin, forms.Form):
    file = forms.FileField(label="White paper (PDF)",
                           help_text=f"One PDF of at most {MAX_PAGES} pages; it replaces any earlier upload.")


class WhitePaperTransitionForm(USWDSFormMixin, forms.Form):
    """Body of a white-paper action; whether a comment or date is required is a guard's call."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposal_due_at = LocalDateTimeField(
        required=False, label="Full proposal due (Eastern time)", default_hour=CLOSING_HOUR,
        help_text="Federal deadlines are usually 5:00 p.m. Eastern.")
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict:
        data = {"comment": self.cleaned_data.get("comment") or ""}
        if self.cleaned_data.get("proposal_due_at"):
            data["proposal_due_at"] = self.cleaned_data["proposal_due_at"]
        return data


class WhitePaperFilterForm(USWDSFormMixin, forms.Form):
    opportunity = forms.ModelChoiceField(queryset=FundingOpportunity.objects.filter(two_step=True)
                                         .order_by("-opens_at"), required=False, empty_label="All two-step opportunities")
    status = forms.ChoiceField(choices=[("", "All statuses"), *WhitePaperStatus.choices], required=False)
