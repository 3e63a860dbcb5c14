"""Forms of the post-award pages. The rules live in postaward.services and
postaward.reportdata; forms parse input and show the services' field errors."""

from django import forms

from accounts.forms import USWDSFormMixin
from applications.choices import BUDGET_CATEGORIES

from .choices import PROGRESS_REQUIRED, PROGRESS_SECTIONS, SF425_LINES, ModificationKind, ReportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MilestoneForm(USWDSFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label="Due date", widget=DATE, help_text="Due at 5:00 p.m. Eastern.")


class EvidenceForm(USWDSFormMixin, forms.Form):
    comment = forms.CharField(label="Evidence", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="Describe how the milestone was met.")
    documents = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
                                               label="Documents attached to the award")

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d.pk, d.original_name) for d in documents]


class CommentForm(USWDSFormMixin, forms.Form):
    comment = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="The recipient will see this.")


class UploadForm(USWDSFormMixin, forms.Form):
    file = forms.FileField(label="Document", help_text="PDF, DOCX, XLSX, CSV, PNG or JPEG.")


class ReportForm(USWDSFormMixin, forms.Form):
    """The SF-425 lines or the progress narrative, by the report's kind. Blank lines stay
    blank so the service reports every missing one."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == ReportKind.FINANCIAL:
            for name, label in SF425_LINES:
                self.fields[name] = forms.CharField(label=f"{label} ($)", required=False,
                                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        else:
            for name, label in PROGRESS_SECTIONS:
                self.fields[name] = forms.CharField(label=label, required=False,
                                                    help_text="Required." if name in PROGRESS_REQUIRED else "",
                                                    widget=forms.Textarea(attrs={"rows": 4}))
        # The mixin styled the fields that existed when it ran; style the ones added here.
        for field in self.fields.values():
            css = "usa-textarea" if isinstance(field.widget, forms.Textarea) else "usa-input"
            field.widget.attrs.setdefault("class", css)

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None,)}


class ModificationForm(USWDSFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=ModificationKind.choices, label="Kind of modification")
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    new_period_end = forms.DateField(label="New end of the period (no-cost extension)", widget=DATE,
                                     required=False)
    federal_amount_delta = forms.DecimalField(label="Change to the federal amount ($, funding change)",
                                              max_digits=15, decimal_places=2, required=False,
                                              help_text="Negative to decrease.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in BUDGET_CATEGORIES:
            self.fields[f"budget_{name}"] = forms.DecimalField(
                label=f"{label} ($, budget revision)", max_digits=15, decimal_places=2, required=False,
                widget=forms.NumberInput(attrs={"class": "usa-input", "step": "0.01"}))

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        budget = {k.removeprefix("budget_"): data.pop(k) for k in list(data) if k.startswith("budget_")}
        budget = {k: v for k, v in budget.items() if v is not None}
        data["budget"] = budget or None
        return data
