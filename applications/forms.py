"""HTML forms for projects, opportunities, applications, documents, transitions and the officer queue.

Forms parse input; applications.services validates and writes (see accounts.forms for
why model forms skip model validation and how service errors are mapped back).
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone

from accounts.forms import LocationField, LocationFormMixin, ServiceModelForm, USWDSFormMixin
from accounts.models import Organization
from dpa_funding.formfields import MoneyField, MoneyInput, money_formfield

from .choices import BUDGET_CATEGORIES, ApplicationStatus, DocumentKind, Instrument
from .models import Application, FundingOpportunity, Mineral, Project
from .workflow import LIFECYCLE

# The screening queue: applications an officer screens next (submitted, in screening) and
# those returned for revision, read from the workflow table.
QUEUE_STATUSES = tuple(ApplicationStatus(s) for s in LIFECYCLE.sources_of("start_screening", "open_review", "resubmit"))


def member_organizations(user):
    return Organization.objects.filter(memberships__user=user).order_by("legal_name")


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectForm(LocationFormMixin, ServiceModelForm):
    location = LocationField(label="Site: state, province or nation")
    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    minerals = forms.ModelMultipleChoiceField(
        queryset=Mineral.objects.all(), widget=forms.CheckboxSelectMultiple,
        help_text="Every critical mineral the project produces or processes.",
    )

    class Meta:
        model = Project
        fields = [
            "organization", "name", "facility_type", "stage", "minerals", "county",
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
            orgs = member_organizations(user)
            self.fields["organization"].queryset = orgs
            if orgs.count() == 1:  # the only organization is the answer
                self.fields["organization"].initial = orgs.first().pk
        # Sixty minerals are found by name, not in database order.
        self.fields["minerals"].queryset = Mineral.objects.order_by("name")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        data.update(LocationField.split(data.pop("location")))
        return data


class ApplicationForm(ServiceModelForm):
    """SF-424 core fields plus the nine SF-424A object classes as ``budget_<name>`` fields."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    project = forms.ModelChoiceField(queryset=Project.objects.none())
    class Meta:
        model = Application
        formfield_callback = money_formfield  # dollars shown grouped, typed with or without commas
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
            if self.fields["project"].queryset.count() == 1:  # the only project is the answer
                self.fields["project"].initial = self.fields["project"].queryset.first().pk
        if opportunity.two_step and not self.instance.pk:
            from whitepapers.selectors import encouraged_white_papers

            papers = encouraged_white_papers(user=user, opportunity=opportunity)
            self.fields["white_paper"] = forms.ModelChoiceField(
                queryset=papers, label="Encouraged white paper",
                help_text="A two-step opportunity takes full applications only from encouraged white papers.")
            self.fields["white_paper"].label_from_instance = (
                lambda wp: f"#{wp.pk} {wp.title} ({wp.organization.legal_name})")
            self.fields["white_paper"].widget.attrs["class"] = "usa-select"
            self.order_fields(["white_paper", *self.fields])
        allowed = [c for c in Instrument.choices if c[0] in (opportunity.instruments or [])]
        current = self.instance.instrument if self.instance.pk else None
        if current and current not in dict(allowed):
            allowed.append((current, Instrument(current).label))
        self.fields["instrument"].choices = [("", "- Select -"), *allowed]
        for name in ("federal_amount_requested", "cost_share_amount"):
            # Mirrors the model's non-negative validator so one submit reports every field.
            self.fields[name].min_value = Decimal("0")
            self.fields[name].validators.append(MinValueValidator(Decimal("0")))
        for name, label in BUDGET_CATEGORIES:
            self.fields[f"budget_{name}"] = MoneyField(
                label=label, required=False, min_value=Decimal("0"),
                initial=getattr(self.instance, f"budget_{name}") if self.instance.pk else Decimal("0"),
                widget=MoneyInput(attrs={"class": "usa-input budget-input",
                                         "data-budget": "indirect" if name == "indirect" else "direct"}),
            )

    def clean(self):
        data = super().clean()
        org, project = data.get("organization"), data.get("project")
        if org is not None and project is not None and project.organization_id != org.pk:
            self.add_error("project", "Choose a project of the applying organization.")
        paper = data.get("white_paper")
        if org is not None and paper is not None and paper.organization_id != org.pk:
            self.add_error("white_paper", "Choose a white paper of the applying organization.")
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
                values[name] = Decimal(str(raw).replace(",", "").replace("$", "")) if raw not in (None, "") else Decimal("0")
            except ArithmeticError:
                values[name] = Decimal("0")
        direct = sum((v for n, v in values.items() if n != "indirect"), Decimal("0"))
        return {"direct": direct, "total": direct + values["indirect"]}

    def service_fields(self) -> dict:
        names = [n for n in self.Meta.fields if n != "organization"]
        if "white_paper" in self.fields:
            names.append("white_paper")
        return {name: self.cleaned_data.get(name) for name in names}


class DocumentUploadForm(USWDSFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "- Select -"), *DocumentKind.choices], label="Document type")
    file = forms.FileField(help_text="PDF, DOCX, XLSX, CSV, PNG or JPEG.")


class TransitionForm(USWDSFormMixin, forms.Form):
    """Body of a workflow action. Whether a comment or due date is required is a guard's call."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    response_due_at = forms.DateTimeField(
        required=False, label="Revision due (Eastern time)",
        help_text="Date and time in US Eastern time, for example 5:00 p.m.",
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


# ---------------------------------------------------------------- funding opportunities (officers)

CLOSING_HOUR = 17  # federal deadlines are usually 5:00 p.m. Eastern


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read in the current time zone (the site's, US Eastern).

    Django makes the naive value aware in the current zone and rejects times that do not
    exist or are ambiguous at a DST change. A bare date gets ``default_hour`` (17:00 for a
    closing date, so a typed deadline day means the usual 5:00 p.m. Eastern).
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, *args, default_hour: int = 0, **kwargs):
        self.default_hour = default_hour
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and len(text) == 10:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                value = f"{day.isoformat()}T{self.default_hour:02d}:00"
        return super().to_python(value)


def default_closes_at(days: int = 30) -> dt.datetime:
    """5:00 p.m. Eastern (current time zone) ``days`` from today: the form's initial deadline."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(CLOSING_HOUR)))


class OpportunityForm(ServiceModelForm):
    """A solicitation's fields; its rubric comes from :func:`rubric_formset` alongside."""

    instruments = forms.MultipleChoiceField(
        choices=Instrument.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Award instruments applicants may request.",
    )
    opens_at = LocalDateTimeField(label="Opens (Eastern time)")
    closes_at = LocalDateTimeField(
        label="Closes (Eastern time)", default_hour=CLOSING_HOUR,
        help_text="Federal deadlines are usually 5:00 p.m. Eastern.",
    )
    eligible_minerals = forms.ModelMultipleChoiceField(
        queryset=Mineral.objects.order_by("name"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text="Leave every box empty to accept all critical minerals.",
    )
    white_paper_closes_at = LocalDateTimeField(
        label="White papers due (Eastern time)", default_hour=CLOSING_HOUR, required=False,
        help_text="Two-step opportunities only; full proposals are then due by the date each encouragement gives.",
    )

    class Meta:
        model = FundingOpportunity
        fields = [
            "number", "title", "description", "instruments", "opens_at", "closes_at",
            "budget_ceiling", "max_award", "min_cost_share_percent", "eligible_minerals",
            "min_reviewers", "review_window_days", "credit_subsidy_rate_percent", "two_step",
            "white_paper_closes_at",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "two_step": "Two-step solicitation: white papers first",
            "number": "Opportunity number",
            "budget_ceiling": "Budget ceiling ($)",
            "max_award": "Maximum award ($)",
            "min_cost_share_percent": "Minimum cost share (%)",
            "min_reviewers": "Minimum reviewers per application",
            "review_window_days": "Review window (days)",
            "credit_subsidy_rate_percent": "Credit subsidy rate (%)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("closes_at", default_closes_at())
        for name in ("budget_ceiling", "max_award"):
            self.fields[name].min_value = Decimal("0")
            self.fields[name].validators.append(MinValueValidator(Decimal("0")))
        for name in ("min_cost_share_percent", "credit_subsidy_rate_percent"):
            self.fields[name].widget.attrs.update({"min": "0", "max": "100", "step": "0.01"})

    def service_fields(self) -> dict:
        """Keyword arguments for opportunity_create / opportunity_update (minus the rubric)."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class RubricCriterionForm(USWDSFormMixin, forms.Form):
    """One row of the rubric formset; the 100-point total is the service's rule."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.IntegerField(min_value=1, max_value=100, widget=forms.NumberInput(attrs={"min": "1", "max": "100"}))
    allows_na = forms.BooleanField(required=False, label="May be scored not applicable")


class BaseRubricFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = "Remove this criterion"
            form.fields[DELETION_FIELD_NAME].widget.attrs["class"] = "usa-checkbox__input"

    def criteria(self) -> list[dict]:
        """Kept rows, in order, as the service's ``rubric`` list (blank extra rows skipped)."""
        return [
            {key: form.cleaned_data[key] for key in ("name", "description", "weight", "allows_na")}
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]

    def weight_total(self) -> int:
        """Sum of the weights the rows show (bound data when re-rendered), for display."""
        total = 0
        for form in self.forms:
            if self.is_bound and DELETION_FIELD_NAME in form.fields and form[DELETION_FIELD_NAME].value():
                continue
            try:
                total += int(form["weight"].value() or 0)
            except (TypeError, ValueError):
                pass
        return total


def rubric_formset(data=None, *, initial: list[dict] | None = None) -> BaseRubricFormSet:
    """The rubric rows (prefix ``rubric``): five blank rows for a new opportunity; on edit the
    current criteria, each with a delete box, plus two blank rows."""
    formset_class = forms.formset_factory(
        RubricCriterionForm, formset=BaseRubricFormSet, extra=2 if initial else 5,
        can_delete=initial is not None, can_delete_extra=False, max_num=20, validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="rubric")


def rubric_initial(opportunity: FundingOpportunity) -> list[dict]:
    return [
        {"name": c.name, "description": c.description, "weight": c.weight, "allows_na": c.allows_na}
        for c in opportunity.rubric.all()
    ]
