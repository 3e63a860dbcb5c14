"""HTML forms for projects, applications, documents, transitions and the officer queue.

Forms parse input; applications.services validates and writes (see accounts.forms for
why model forms skip model validation and how service errors are mapped back).
"""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from accounts.forms import ServiceModelForm, USWDSFormMixin
from accounts.models import Organization

from .choices import BUDGET_CATEGORIES, ApplicationStatus, DocumentKind, Instrument
from .models import Application, FundingOpportunity, Mineral, Project

QUEUE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING, ApplicationStatus.REVISION_REQUESTED)


def member_organizations(user):
    return Organization.objects.filter(memberships__user=user).order_by("legal_name")


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectForm(ServiceModelForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    minerals = forms.ModelMultipleChoiceField(
        queryset=Mineral.objects.all(), widget=forms.CheckboxSelectMultiple,
        help_text="Every critical mineral the project produces or processes.",
    )

    class Meta:
        model = Project
        fields = [
            "organization", "name", "facility_type", "stage", "minerals", "state", "county",
            "latitude", "longitude", "annual_capacity_tonnes", "on_military_installation", "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"annual_capacity_tonnes": "Annual capacity (tonnes)"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A project never moves between organizations.
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = member_organizations(user)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        return data


class ApplicationForm(ServiceModelForm):
    """SF-424 core fields plus the nine SF-424A object classes as ``budget_<name>`` fields."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    project = forms.ModelChoiceField(queryset=Project.objects.none())

    class Meta:
        model = Application
        fields = [
            "organization", "project", "title", "instrument", "federal_amount_requested",
            "cost_share_amount", "period_start", "period_end", "summary",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "period_start": DateInput(), "period_end": DateInput(),
        }
        labels = {
            "federal_amount_requested": "Federal amount requested ($)",
            "cost_share_amount": "Cost share ($)",
            "summary": "Project summary",
            "period_start": "Period of performance start",
            "period_end": "Period of performance end",
        }

    def __init__(self, *args, user, opportunity: FundingOpportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["project"].queryset = Project.objects.filter(organization_id=self.instance.organization_id)
        else:
            orgs = member_organizations(user)
            self.fields["organization"].queryset = orgs
            if orgs.count() == 1:
                self.fields["organization"].initial = orgs.first().pk
            self.fields["project"].queryset = (
                Project.objects.filter(organization__in=orgs).select_related("organization").order_by("name")
            )
            self.fields["project"].label_from_instance = lambda p: f"{p.name} ({p.organization.legal_name})"
        allowed = [c for c in Instrument.choices if c[0] in (opportunity.instruments or [])]
        current = self.instance.instrument if self.instance.pk else None
        if current and current not in dict(allowed):
            allowed.append((current, Instrument(current).label))
        self.fields["instrument"].choices = [("", "- Select -"), *allowed]
        for name in ("federal_amount_requested", "cost_share_amount"):
            # Mirrors the model's non-negative validator so one submit reports every field.
            self.fields[name].min_value = Decimal("0")
            self.fields[name].validators.append(MinValueValidator(Decimal("0")))
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})
        for name, label in BUDGET_CATEGORIES:
            self.fields[f"budget_{name}"] = forms.DecimalField(
                label=label, required=False, min_value=Decimal("0"), max_digits=15, decimal_places=2,
                initial=getattr(self.instance, f"budget_{name}") if self.instance.pk else Decimal("0"),
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "usa-input budget-input",
                                                "data-budget": "indirect" if name == "indirect" else "direct"}),
            )

    def clean(self):
        data = super().clean()
        org, project = data.get("organization"), data.get("project")
        if org is not None and project is not None and project.organization_id != org.pk:
            self.add_error("project", "Choose a project of the applying organization.")
        return data

    @property
    def budget_fields(self):
        return [self[f"budget_{name}"] for name, _ in BUDGET_CATEGORIES]

    def budget(self) -> dict[str, Decimal]:
        return {name: self.cleaned_data.get(f"budget_{name}") or Decimal("0") for name, _ in BUDGET_CATEGORIES}

    def budget_totals(self) -> dict[str, Decimal]:
        """Totals of what the form shows (bound data when re-rendered), computed server-side."""
        values = {}
        for name, _ in BUDGET_CATEGORIES:
            raw = self[f"budget_{name}"].value()
            try:
                values[name] = Decimal(str(raw)) if raw not in (None, "") else Decimal("0")
            except ArithmeticError:
                values[name] = Decimal("0")
        direct = sum((v for n, v in values.items() if n != "indirect"), Decimal("0"))
        return {"direct": direct, "total": direct + values["indirect"]}

    def service_fields(self) -> dict:
        names = [n for n in self.Meta.fields if n != "organization"]
        return {name: self.cleaned_data.get(name) for name in names}


class DocumentUploadForm(USWDSFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "- Select -"), *DocumentKind.choices], label="Document type")
    file = forms.FileField(help_text="PDF, DOCX, XLSX, CSV, PNG or JPEG.")


class TransitionForm(USWDSFormMixin, forms.Form):
    """Body of a workflow action. Whether a comment or due date is required is a guard's call."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    response_due_at = forms.DateTimeField(
        required=False, label="Response due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict:
        data = {"comment": self.cleaned_data.get("comment") or ""}
        if self.cleaned_data.get("response_due_at"):
            data["response_due_at"] = self.cleaned_data["response_due_at"]
        return data


class QueueFilterForm(USWDSFormMixin, forms.Form):
    opportunity = forms.ModelChoiceField(
        queryset=FundingOpportunity.objects.order_by("-opens_at"), required=False, empty_label="All opportunities",
    )
    status = forms.ChoiceField(
        choices=[("", "All queue statuses"), *[(s.value, s.label) for s in QUEUE_STATUSES]], required=False,
    )
